/* SPDX-License-Identifier: MIT */
/*
 * trace_convert MODE IN.pcap OUT: runs every packet of a trace through the
 * export writers without the kernel.
 *   synth-pcapng / synth-pcap  parse each packet into a tcrec_record, keep
 *                              only the metadata, write synthesized headers
 *   bytes-pcapng / bytes-pcap / bytes-pcapng-zst
 *                              write the original bytes unchanged
 * Packets alternate between two interfaces and directions in pcapng (odd
 * packets on "trace1", outbound) so readers can check the per-packet mapping.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "formats/packet_parse.h"
#include "formats/pcap_writer.h"
#include "formats/pcapng_writer.h"
#include "formats/synth.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: trace_convert synth-pcapng|synth-pcap|bytes-pcapng|bytes-pcap|"
				"bytes-pcapng-zst IN.pcap OUT\n");
		return 2;
	}
	const char *mode = argv[1];
	int synth = !strncmp(mode, "synth-", 6);
	int ng = strstr(mode, "pcapng") != NULL;
	enum pcap_out_comp comp = strstr(mode, "-zst") ? PCAP_OUT_ZSTD : PCAP_OUT_PLAIN;

	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline_with_tstamp_precision(argv[2], PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!in) {
		fprintf(stderr, "trace_convert: %s\n", errbuf);
		return 1;
	}
	struct pcap_out *out = pcap_out_create(argv[3], comp);
	if (!out) {
		fprintf(stderr, "trace_convert: %s: %s\n", argv[3], strerror(errno));
		pcap_close(in);
		return 1;
	}
	struct pcapng_writer *ngw = NULL;
	struct pcap_writer *pw = NULL;
	uint32_t snap = (uint32_t)pcap_snapshot(in);
	if (ng) {
		struct pcapng_section shb = { "test", "Linux", "trace_convert" };
		ngw = pcapng_writer_open(out, &shb);
		static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
		struct pcapng_iface i0 = { "trace0", "test host", "Linux", "", mac, snap };
		struct pcapng_iface i1 = { "trace1", "test host", "Linux", "tcp or udp", NULL, snap };
		if (!ngw || pcapng_writer_add_iface(ngw, &i0) != 0 || pcapng_writer_add_iface(ngw, &i1) != 1) {
			fprintf(stderr, "trace_convert: %s: cannot write headers\n", argv[3]);
			pcapng_writer_close(ngw);
			pcap_close(in);
			return 1;
		}
	} else {
		pw = pcap_writer_open(out, synth ? SYNTH_MAX : snap);
		if (!pw) {
			fprintf(stderr, "trace_convert: %s: %s\n", argv[3], strerror(errno));
			pcap_close(in);
			return 1;
		}
	}

	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t n = 0, first = 0, last = 0;
	int rc, err = 0;
	while (!err && (rc = pcap_next_ex(in, &h, &data)) == 1) {
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
		if (!n)
			first = ts;
		last = ts;
		uint8_t buf[SYNTH_MAX];
		const void *bytes = data;
		uint32_t caplen = h->caplen;
		if (synth) {
			struct tcrec_record r;
			struct packet_l3 l3;
			memset(&r, 0, sizeof(r));
			r.wire_len = h->len;
			packet_parse(PACKET_DLT_EN10MB, data, h->caplen, &r, &l3);
			caplen = (uint32_t)synth_headers(&r, buf);
			bytes = buf;
		}
		if (ng) {
			struct pcapng_packet p = {
				.if_id = (uint32_t)(n & 1),
				.ts_ns = ts,
				.caplen = caplen,
				.origlen = h->len,
				.data = bytes,
				.flags = n & 1 ? PCAPNG_DIR_OUT : PCAPNG_DIR_IN,
				.dropcount = n % 7 == 3 ? n : 0,
				.comment = synth ? SYNTH_COMMENT : NULL,
			};
			err = pcapng_writer_packet(ngw, &p);
		} else {
			err = pcap_writer_packet(pw, ts, bytes, caplen, h->len);
		}
		n++;
	}
	if (ng && !err) {
		for (uint32_t i = 0; i < 2 && !err; i++) {
			struct pcapng_if_stats s = { last, first, last, n + 10, 3, n + 1, n };
			err = pcapng_writer_stats(ngw, i, &s);
		}
	}
	int cerr = ng ? pcapng_writer_close(ngw) : pcap_writer_close(pw);
	pcap_close(in);
	if (err || cerr) {
		fprintf(stderr, "trace_convert: %s: %s\n", argv[3], strerror(-(err ? err : cerr)));
		return 1;
	}
	printf("%llu\n", (unsigned long long)n);
	return 0;
}
