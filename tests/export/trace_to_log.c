/* SPDX-License-Identifier: MIT */
/*
 * trace_to_log IN.pcap OUT.tclog [options]: a tcrec log made from a trace
 * without the kernel, to test export on real packets.
 *   -s N        keep the first N bytes of each packet (default: metadata only)
 *   -k N        write a chunk every N records (default: the writer's own size)
 *   -H HOST     host name in the header (default "tracehost")
 *   -2          two interfaces: odd packets on "trace1" (ifindex 3), outbound;
 *               even packets on "trace0" (ifindex 2), inbound
 *   -d          pretend drops: every 10th record reports (n % 5) + 1 drops
 * Prints the number of records written; the trailer counters are the
 * records per interface and direction plus the drops reported.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/packet_parse.h"
#include "formats/tclog.h"

int main(int argc, char **argv)
{
	uint32_t snap = 0, chunk = 0;
	const char *host = "tracehost";
	int two = 0, drops = 0, c;
	while ((c = getopt(argc, argv, "s:k:H:2d")) != -1) {
		switch (c) {
		case 's':
			snap = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'k':
			chunk = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'H':
			host = optarg;
			break;
		case '2':
			two = 1;
			break;
		case 'd':
			drops = 1;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: trace_to_log [-s N] [-k N] [-H HOST] [-2] [-d] IN.pcap OUT.tclog\n");
		return 2;
	}
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline_with_tstamp_precision(argv[optind], PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!in) {
		fprintf(stderr, "trace_to_log: %s\n", errbuf);
		return 1;
	}
	static struct tclog_header hdr;
	static struct tclog_final fin;
	snprintf(hdr.host, sizeof(hdr.host), "%s", host);
	snprintf(hdr.kernel, sizeof(hdr.kernel), "Linux test");
	hdr.snaplen = snap;
	hdr.snap_cap = snap ? TCREC_SNAP_MAX : 0;
	hdr.n_ifaces = two ? 2 : 1;
	for (uint32_t i = 0; i < hdr.n_ifaces; i++) {
		hdr.ifaces[i].ifindex = 2 + i;
		hdr.ifaces[i].mtu = 1500;
		uint8_t mac[6] = { 2, 0, 0, 0, 0, (uint8_t)(i + 1) };
		memcpy(hdr.ifaces[i].mac, mac, 6);
		snprintf(hdr.ifaces[i].name, sizeof(hdr.ifaces[i].name), "trace%u", i);
	}

	struct pcap_pkthdr *h;
	const u_char *data;
	struct tclog_writer *w = NULL;
	uint64_t n = 0;
	int rc, err = 0;
	while ((rc = pcap_next_ex(in, &h, &data)) == 1) {
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
		if (!w) {
			hdr.start_ns = ts;
			w = tclog_writer_open(argv[optind + 1], &hdr);
			if (!w) {
				fprintf(stderr, "trace_to_log: %s: %s\n", argv[optind + 1], strerror(errno));
				pcap_close(in);
				return 1;
			}
		}
		struct tcrec_record r;
		struct packet_l3 l3;
		memset(&r, 0, sizeof(r));
		r.wire_len = h->len;
		packet_parse(PACKET_DLT_EN10MB, data, h->caplen, &r, &l3);
		r.ts_ns = ts;
		uint32_t slot = two ? (uint32_t)(n & 1) : 0;
		r.ifindex = slot; /* format v2: records name their interface by slot */
		r.dir = two && (n & 1) ? TCREC_DIR_OUT : TCREC_DIR_IN;
		r.cap_len = h->caplen < snap ? h->caplen : snap;
		if (drops && n % 10 == 9)
			r.drops = (uint32_t)(n % 5) + 1;
		struct tclog_counters *ct = &fin.c[slot][r.dir];
		ct->seen += 1 + r.drops;
		ct->recorded++;
		ct->dropped += r.drops;
		err = tclog_writer_append(w, &r, data);
		n++;
		if (!err && chunk && n % chunk == 0)
			err = tclog_writer_flush(w);
		if (err)
			break;
	}
	pcap_close(in);
	if (!w) {
		fprintf(stderr, "trace_to_log: %s: no packets\n", argv[optind]);
		return 1;
	}
	int cerr = tclog_writer_close(w, &fin);
	if (err || cerr) {
		fprintf(stderr, "trace_to_log: %s: %s\n", argv[optind + 1], strerror(-(err ? err : cerr)));
		return 1;
	}
	printf("%llu\n", (unsigned long long)n);
	return 0;
}
