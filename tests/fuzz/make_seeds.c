/* SPDX-License-Identifier: MIT */
/*
 * fuzz_make_seeds CORPUS EXPRESSIONS PCAP...: writes the generated seeds of
 * the fuzz corpora (files named gen-*) from the packets of the pcaps:
 *   packet_text/, json_out/  one record each (fuzz_record.h layout), the
 *                            three record modes and the options in turn
 *   read_filter/             each expression of EXPRESSIONS with a record
 *   tclog_reader/            logs in encoding 1 (columnar is the default
 *                            the other seeds have), with bytes and without;
 *                            TCP/UDP packets have sockets (pcap2tclog
 *                            --sockets' owners), so chunks carry socket tables
 * The output depends on the inputs only. make_seeds.sh runs it.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/packet_parse.h"
#include "formats/tclog.h"
#include "formats/tclog_codec.h"
#include "tests/fuzz/fuzz_record.h"
#include "tests/unit/flow_owner.h"

#define MAX_PKTS 256

struct pkt {
	struct tcrec_record rec;
	uint8_t bytes[2048];
	uint32_t caplen;
	char name[64];
};

static struct pkt pkts[MAX_PKTS];
static size_t npkts;

static int load(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	struct pcap_pkthdr *ph;
	const u_char *data;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int stem = (int)strcspn(base, ".");

	if (!in) {
		fprintf(stderr, "fuzz_make_seeds: %s\n", errbuf);
		return -1;
	}
	for (unsigned i = 0; npkts < MAX_PKTS && pcap_next_ex(in, &ph, &data) == 1; i++) {
		struct pkt *p = &pkts[npkts++];
		struct packet_l3 l3;
		memset(p, 0, sizeof(*p));
		p->caplen = ph->caplen < sizeof(p->bytes) ? ph->caplen : sizeof(p->bytes);
		memcpy(p->bytes, data, p->caplen);
		p->rec.wire_len = ph->len;
		packet_parse(PACKET_DLT_EN10MB, p->bytes, p->caplen, &p->rec, &l3);
		p->rec.ts_ns = (uint64_t)ph->ts.tv_sec * 1000000000ull + (uint64_t)ph->ts.tv_usec;
		p->rec.ifindex = 7;
		p->rec.dir = i & 1;
		p->rec.cap_len = p->caplen;
		snprintf(p->name, sizeof(p->name), "%.*s%02u", stem, base, i);
	}
	pcap_close(in);
	return 0;
}

static int put(const char *dir, const char *sub, const char *name, const void *a, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s/gen-%s", dir, sub, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(a, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "fuzz_make_seeds: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* [prefix] mode, record, bytes: the input fuzz_record_take reads back */
static int put_record(const char *dir, const char *sub, const char *prefix, const char *name,
		      const struct pkt *p, uint8_t mode)
{
	static uint8_t buf[512 + 1 + TCLOG_RECORD_SIZE + sizeof(p->bytes)];
	size_t len = strlen(prefix);

	struct tcrec_record r = p->rec;
	/* parsed modes take wire_len as what the capture lacks */
	if (mode & FUZZ_REC_PARSED)
		r.wire_len -= p->caplen;
	memcpy(buf, prefix, len);
	buf[len++] = mode;
	tclog_record_put(buf + len, &r);
	len += TCLOG_RECORD_SIZE;
	/* a metadata-only record carries no bytes; parsed ones need them */
	size_t n = (mode & FUZZ_REC_PARSED) || (mode & FUZZ_REC_META) == 0 ? p->caplen : 0;
	memcpy(buf + len, p->bytes, n);
	return put(dir, sub, name, buf, len + n);
}

/* A log of packets [from, from + count). With netns, two namespaces hold an
 * interface of the same name and ifindex, and a third interface arrives
 * mid-file in an interface chunk (format v2). */
static int write_log(const char *dir, const char *name, uint16_t encoding, uint32_t snap,
		     size_t from, size_t count, unsigned per_chunk, bool netns)
{
	char path[4096];
	static struct tclog_header h;
	static struct tclog_final fin;
	struct tclog_iface third = { .ifindex = 5, .mtu = 1500, .netns_ino = 4026532003ull };

	memset(&h, 0, sizeof(h));
	memset(&fin, 0, sizeof(fin));
	snprintf(path, sizeof(path), "%s/tclog_reader/gen-%s", dir, name);
	h.start_ns = pkts[from].rec.ts_ns;
	h.snaplen = snap;
	snprintf(h.host, sizeof(h.host), "seedhost");
	snprintf(h.kernel, sizeof(h.kernel), "6.0.0-seed");
	h.n_ifaces = netns ? 2 : 1;
	for (uint32_t i = 0; i < h.n_ifaces; i++) {
		h.ifaces[i].ifindex = netns ? 2 : 7;
		h.ifaces[i].mtu = 1500;
		h.ifaces[i].mac[0] = 2;
		h.ifaces[i].netns_ino = netns ? 4026532001ull + i : 0;
		snprintf(h.ifaces[i].name, sizeof(h.ifaces[i].name), netns ? "eth0" : "seed0");
		snprintf(h.ifaces[i].ns_name, sizeof(h.ifaces[i].ns_name), netns ? (i ? "red" : "blue") : "");
	}
	snprintf(third.name, sizeof(third.name), "veth0");
	snprintf(third.container, sizeof(third.container), "web-1");
	struct flow_owners own = { 0 };
	struct tclog_writer *w = tclog_writer_open(path, &h);
	if (!w || tclog_writer_set_encoding(w, encoding)) {
		fprintf(stderr, "fuzz_make_seeds: %s: cannot open\n", path);
		return -1;
	}
	for (size_t i = from; i < from + count && i < npkts; i++) {
		struct tcrec_record r = pkts[i].rec;
		size_t k = i - from;
		bool is_new;
		const struct tclog_sock *sock = flow_owner_of(&own, &r, &is_new);
		if (snap == 0)
			r.cap_len = 0;
		else if (r.cap_len > snap)
			r.cap_len = snap;
		r.ifindex = netns ? (k >= count / 2 && k % 3 == 2 ? 2 : (uint32_t)(k & 1)) : 0;
		fin.c[r.ifindex][r.dir].seen++;
		fin.c[r.ifindex][r.dir].recorded++;
		if ((netns && k == count / 2 && tclog_writer_add_iface(w, 2, &third)) ||
		    (r.sock_cookie = sock ? sock->cookie : 0,
		     tclog_writer_append_sock(w, &r, pkts[i].bytes, sock)) ||
		    ((k + 1) % per_chunk == 0 && tclog_writer_flush(w))) {
			fprintf(stderr, "fuzz_make_seeds: %s: write failed\n", path);
			tclog_writer_close(w, NULL);
			free(own.v);
			return -1;
		}
	}
	free(own.v);
	return tclog_writer_close(w, &fin) ? -1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: fuzz_make_seeds CORPUS EXPRESSIONS PCAP...\n");
		return 2;
	}
	const char *dir = argv[1];
	for (int i = 3; i < argc; i++)
		if (load(argv[i]))
			return 1;
	if (!npkts)
		return 1;

	int rc = 0;
	/* modes: raw record with bytes, parsed with bytes, parsed metadata only;
	 * option bits (0x04..0x20) in turn */
	static const uint8_t modes[] = { 0x00, FUZZ_REC_PARSED, FUZZ_REC_PARSED | FUZZ_REC_META };
	for (size_t i = 0; i < npkts; i++) {
		uint8_t mode = modes[i % 3] | (uint8_t)(((i / 3) % 16) << 2);
		rc |= put_record(dir, "packet_text", "", pkts[i].name, &pkts[i], mode);
		rc |= put_record(dir, "json_out", "", pkts[i].name, &pkts[i], mode);
	}

	FILE *ex = fopen(argv[2], "r");
	char line[512];
	unsigned n = 0;
	if (!ex) {
		fprintf(stderr, "fuzz_make_seeds: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), ex)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char name[32];
		const struct pkt *p = &pkts[(n * 7) % npkts];
		snprintf(name, sizeof(name), "expr%02u", n);
		/* metadata-only every other one: the rebuilt headers and the probe */
		rc |= put_record(dir, "read_filter", line, name, p,
				 n & 1 ? FUZZ_REC_PARSED | FUZZ_REC_META : FUZZ_REC_PARSED);
		n++;
	}
	fclose(ex);

	rc |= write_log(dir, "enc1-bytes.tclog", TCLOG_ENC_FIELDS, 96, 0, 12, 5, false);
	rc |= write_log(dir, "enc1-meta.tclog", TCLOG_ENC_FIELDS, 0, 12, 16, 8, false);
	rc |= write_log(dir, "enc2-meta.tclog", TCLOG_ENC_COLUMNAR, 0, 0, npkts, 16, false);
	rc |= write_log(dir, "v2-netns.tclog", TCLOG_ENC_COLUMNAR, 64, 0, 24, 6, true);
	return rc ? 1 : 0;
}
