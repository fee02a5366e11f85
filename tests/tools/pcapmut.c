/* SPDX-License-Identifier: MIT */
/*
 * pcapmut: builds the "B side" of a diff test from a trace by known edits,
 * so that the expected diff follows from the edits alone.
 *
 *   pcapmut IN OUT [--dup LIST] [--swap LIST] [--offsets FILE] [--strip-padding]
 *   pcapmut IN OUT --loop N --pps R [--drop-every K] [--delay-us D]
 *     --dup LIST      packets (1-based, comma separated) written twice, the
 *                     copy right after the original with the same time
 *     --swap LIST     packet N and N+1 exchange places and timestamps: N+1
 *                     now arrives first, and the file stays in time order
 *     --offsets FILE  line i holds a signed offset in microseconds added to
 *                     packet i's time; the output is then sorted by time
 *                     (stable), as a capture of jittered packets would be
 *     --strip-padding Ethernet padding after the IP packet is cut off (the
 *                     frame ends where the IP total length says), as a NIC
 *                     that does not pad short frames would send them
 *
 *     --loop N        (benchmarks) write N packets cycling through IN, packet
 *                     i at i/R seconds after IN's first; copy c of a packet
 *                     has its IPv4 ID (IPv6 flow label) moved by c so that
 *                     every packet differs from the copies around it
 *     --drop-every K  with --loop: leave out every K-th packet (i % K == K-1)
 *     --delay-us D    with --loop: every time D microseconds later
 *
 * Edits apply to IN's numbering. OUT keeps IN's link type, snap length and
 * microsecond timestamps.
 */
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pkt {
	int64_t ts_us;
	uint32_t caplen, len;
	uint8_t *data;
	size_t order; /* position before the time sort, for stability */
	int copies;
};

static int parse_list(const char *s, size_t n, bool *mark)
{
	char *dup = strdup(s), *save = NULL;

	if (!dup)
		return -1;
	for (char *tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long v = strtoul(tok, &end, 10);
		if (*end || v < 1 || v > n) {
			fprintf(stderr, "pcapmut: bad packet number '%s' (1..%zu)\n", tok, n);
			free(dup);
			return -1;
		}
		mark[v - 1] = true;
	}
	free(dup);
	return 0;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Frame length without the bytes after the IP packet, or len unchanged. */
static uint32_t unpadded_len(const uint8_t *d, uint32_t caplen, uint32_t len)
{
	uint32_t off = 14;

	if (caplen < 14)
		return len;
	uint16_t et = rd16(d + 12);
	while ((et == 0x8100 || et == 0x88a8) && off + 4 <= caplen) {
		et = rd16(d + off + 2);
		off += 4;
	}
	uint32_t ip_end;
	if (et == 0x0800 && off + 4 <= caplen)
		ip_end = off + rd16(d + off + 2);
	else if (et == 0x86dd && off + 6 <= caplen)
		ip_end = off + 40 + rd16(d + off + 4);
	else
		return len;
	return ip_end > off && ip_end < len ? ip_end : len;
}

/* Copy c of a frame differs from the others in its IPv4 ID / flow label;
 * the IPv4 header checksum is moved by the same amount (RFC 1624). */
static void vary(uint8_t *d, uint32_t caplen, uint32_t c)
{
	uint32_t off = 14;

	if (caplen < 14)
		return;
	uint16_t et = rd16(d + 12);
	while ((et == 0x8100 || et == 0x88a8) && off + 4 <= caplen) {
		et = rd16(d + off + 2);
		off += 4;
	}
	if (et == 0x0800 && off + 20 <= caplen) {
		uint16_t id = rd16(d + off + 4), nid = (uint16_t)(id + c);
		uint32_t sum = (uint16_t)~rd16(d + off + 10);
		sum += (uint16_t)~id;
		sum += nid;
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		d[off + 4] = (uint8_t)(nid >> 8);
		d[off + 5] = (uint8_t)nid;
		d[off + 10] = (uint8_t)(~sum >> 8);
		d[off + 11] = (uint8_t)~sum;
	} else if (et == 0x86dd && off + 4 <= caplen) {
		uint32_t w = (uint32_t)rd16(d + off) << 16 | rd16(d + off + 2);
		uint32_t fl = ((w & 0xfffff) + c) & 0xfffff;
		w = (w & ~0xfffffu) | fl;
		d[off + 1] = (uint8_t)(w >> 16);
		d[off + 2] = (uint8_t)(w >> 8);
		d[off + 3] = (uint8_t)w;
	}
}

static int write_loop(pcap_t *in, const char *path, struct pkt *v, size_t n, uint64_t total,
		      uint64_t pps, uint64_t drop_every, int64_t delay_us)
{
	pcap_dumper_t *out = pcap_dump_open(in, path);
	uint8_t *buf = malloc(262144);

	if (!out || !buf) {
		fprintf(stderr, "pcapmut: %s: %s\n", path, out ? "out of memory" : pcap_geterr(in));
		if (out)
			pcap_dump_close(out);
		free(buf);
		return 1;
	}
	for (uint64_t i = 0; i < total; i++) {
		if (drop_every && i % drop_every == drop_every - 1)
			continue;
		const struct pkt *p = &v[i % n];
		int64_t ts = v[0].ts_us + (int64_t)(i * 1000000 / pps) + delay_us;
		struct pcap_pkthdr h = { .caplen = p->caplen, .len = p->len };
		h.ts.tv_sec = ts / 1000000;
		h.ts.tv_usec = ts % 1000000;
		uint32_t cap = p->caplen < 262144 ? p->caplen : 262144;
		memcpy(buf, p->data, cap);
		h.caplen = cap;
		vary(buf, cap, (uint32_t)(i / n));
		pcap_dump((u_char *)out, &h, buf);
	}
	free(buf);
	if (pcap_dump_flush(out) < 0) {
		fprintf(stderr, "pcapmut: %s: write error\n", path);
		return 1;
	}
	pcap_dump_close(out);
	return 0;
}

static int cmp_ts(const void *a, const void *b)
{
	const struct pkt *x = a, *y = b;

	if (x->ts_us != y->ts_us)
		return x->ts_us < y->ts_us ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int load(const char *path, pcap_t **pc, struct pkt **out, size_t *n)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	size_t cap = 1024;
	struct pkt *v = malloc(cap * sizeof(*v));
	int ret;

	*pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (!*pc || !v) {
		fprintf(stderr, "pcapmut: %s: %s\n", path, *pc ? "out of memory" : ebuf);
		free(v);
		return -1;
	}
	*n = 0;
	while ((ret = pcap_next_ex(*pc, &h, &d)) == 1) {
		if (*n == cap) {
			struct pkt *nv = realloc(v, 2 * cap * sizeof(*v));
			if (!nv)
				return -1;
			v = nv;
			cap *= 2;
		}
		struct pkt *p = &v[(*n)++];
		p->ts_us = (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec;
		p->caplen = h->caplen;
		p->len = h->len;
		p->data = malloc(h->caplen ? h->caplen : 1);
		if (!p->data)
			return -1;
		memcpy(p->data, d, h->caplen);
		p->copies = 1;
	}
	if (ret != PCAP_ERROR_BREAK) {
		fprintf(stderr, "pcapmut: %s: %s\n", path, pcap_geterr(*pc));
		return -1;
	}
	*out = v;
	return 0;
}

static int apply_offsets(const char *path, struct pkt *v, size_t n)
{
	FILE *f = fopen(path, "r");
	long long off;

	if (!f) {
		fprintf(stderr, "pcapmut: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (fscanf(f, "%lld", &off) != 1) {
			fprintf(stderr, "pcapmut: %s: needs one offset per packet, %zu found\n", path, i);
			fclose(f);
			return -1;
		}
		v[i].ts_us += off;
	}
	fclose(f);
	for (size_t i = 0; i < n; i++)
		v[i].order = i;
	qsort(v, n, sizeof(*v), cmp_ts);
	return 0;
}

/* The edits of the non-loop mode, then OUT. 0, 1 (runtime) or 2 (usage). */
static int edit(pcap_t *in, const char *path, struct pkt *v, size_t n, const char *dups,
		const char *swaps, const char *offsets, bool strip)
{
	bool *dmark = calloc(n + 1, 1), *smark = calloc(n + 1, 1);
	int ret = 2;
	if (!dmark || !smark || (dups && parse_list(dups, n, dmark) < 0) ||
	    (swaps && parse_list(swaps, n, smark) < 0))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (dmark[i])
			v[i].copies = 2;
		if (strip) {
			v[i].len = unpadded_len(v[i].data, v[i].caplen, v[i].len);
			if (v[i].caplen > v[i].len)
				v[i].caplen = v[i].len;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (smark[i]) {
			if (i + 1 >= n) {
				fprintf(stderr, "pcapmut: cannot swap the last packet\n");
				goto out;
			}
			struct pkt t = v[i];
			int64_t ts_first = v[i].ts_us, ts_second = v[i + 1].ts_us;
			v[i] = v[i + 1];
			v[i + 1] = t;
			v[i].ts_us = ts_first;
			v[i + 1].ts_us = ts_second;
			i++;
		}
	}
	ret = 1;
	if (offsets && apply_offsets(offsets, v, n) < 0)
		goto out;
	pcap_dumper_t *out = pcap_dump_open(in, path);
	if (!out) {
		fprintf(stderr, "pcapmut: %s: %s\n", path, pcap_geterr(in));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct pcap_pkthdr h = { .caplen = v[i].caplen, .len = v[i].len };
		h.ts.tv_sec = v[i].ts_us / 1000000;
		h.ts.tv_usec = v[i].ts_us % 1000000;
		for (int k = 0; k < v[i].copies; k++)
			pcap_dump((u_char *)out, &h, v[i].data);
	}
	ret = pcap_dump_flush(out) < 0;
	if (ret)
		fprintf(stderr, "pcapmut: %s: write error\n", path);
	pcap_dump_close(out);
out:
	free(dmark);
	free(smark);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dup", required_argument, NULL, 'd' },
		{ "swap", required_argument, NULL, 's' },
		{ "offsets", required_argument, NULL, 'o' },
		{ "strip-padding", no_argument, NULL, 'p' },
		{ "loop", required_argument, NULL, 'l' },
		{ "pps", required_argument, NULL, 'r' },
		{ "drop-every", required_argument, NULL, 'k' },
		{ "delay-us", required_argument, NULL, 'y' },
		{ 0 },
	};
	const char *dups = NULL, *swaps = NULL, *offsets = NULL;
	bool strip = false;
	unsigned long long loop = 0, pps = 0, drop_every = 0;
	long long delay_us = 0;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'd')
			dups = optarg;
		else if (c == 's')
			swaps = optarg;
		else if (c == 'o')
			offsets = optarg;
		else if (c == 'p')
			strip = true;
		else if (c == 'l')
			loop = strtoull(optarg, NULL, 10);
		else if (c == 'r')
			pps = strtoull(optarg, NULL, 10);
		else if (c == 'k')
			drop_every = strtoull(optarg, NULL, 10);
		else if (c == 'y')
			delay_us = strtoll(optarg, NULL, 10);
		else
			return 2;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: pcapmut IN OUT [--dup LIST] [--swap LIST] [--offsets FILE] "
				"[--strip-padding]\n");
		return 2;
	}
	pcap_t *in;
	struct pkt *v;
	size_t n;
	if (load(argv[optind], &in, &v, &n) < 0)
		return 1;
	int ret;
	if (loop && (!pps || !n)) {
		fprintf(stderr, "pcapmut: --loop needs --pps > 0 and a non-empty IN\n");
		ret = 2;
	} else if (loop) {
		ret = write_loop(in, argv[optind + 1], v, n, loop, pps, drop_every, delay_us);
	} else {
		ret = edit(in, argv[optind + 1], v, n, dups, swaps, offsets, strip);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].data);
	free(v);
	pcap_close(in);
	return ret;
}
