// SPDX-License-Identifier: MIT
/*
 * parse_contract: the two packet parsers must agree. Every packet of each
 * trace goes through the capture program (BPF_PROG_TEST_RUN, metadata-only
 * records) and through formats/packet_parse.c, and the two records must be
 * identical in every field the parser fills:
 *
 *   same bytes   packet_parse() on the bytes the kernel saw;
 *   cut copy     for a packet longer than the parse window, packet_parse()
 *                on only its first TCREC_HDR_WIN bytes with the wire length
 *                given: what a reader of a capture cut by a snaplen (a pcap
 *                taken with -s 256, a record with 256 bytes) has. The kernel
 *                reads no further, so the record must not change.
 *
 * Not compared: ts_ns (the kernel's clock; the reader's caller sets it),
 * ifindex and dir (test_run's device and which program ran; the caller's
 * too), mark (skb->mark, not in the bytes) and drops (ring-buffer state).
 * cap_len is compared: 0 on both sides (metadata only).
 *
 * Packets BPF_PROG_TEST_RUN refuses (frames cut inside their IP header,
 * EINVAL before the program runs) have no kernel record; they are counted,
 * and the user-space record must say TRUNC for them. Jumbo frames, which
 * it refuses for their size, run on their first TESTRUN_BYTES bytes.
 *
 * VLAN tags: the capture program reads TCREC_VLAN_INPKT_MAX tags in the
 * bytes plus an offloaded one; user space cannot tell an offloaded tag in a
 * pcap (libpcap puts it back) and reads TCREC_VLAN_MAX. test_run cannot
 * offload a tag, so for a frame with more in-packet tags than the kernel
 * reads, the user-space record is compared as the kernel's would be
 * without an offload (the first tags, VLAN_MORE, nothing further); such
 * frames are counted apart.
 *
 * Exit: 0 all equal, 1 a difference or an error, 2 usage, 77 not root or
 * no BPF here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "bpf/parse.h"
#include "formats/packet_parse.h"
#include "testrun.h"

#define EXIT_SKIP 77
#define MAX_REPORTED 10
/* BPF_PROG_TEST_RUN takes a packet of about a page at most (EINVAL above):
 * longer ones run on their first TESTRUN_BYTES bytes, on both sides. */
#define TESTRUN_BYTES 2048

struct field {
	const char *name;
	size_t off;
	size_t size;
};

#define FIELD(f) { #f, offsetof(struct tcrec_record, f), sizeof(((struct tcrec_record *)0)->f) }

/* Every field of struct tcrec_record; the excluded ones are blanked
 * before comparing (see above) and never differ. */
static const struct field fields[] = {
	FIELD(ts_ns), FIELD(ifindex), FIELD(wire_len), FIELD(tcp_seq), FIELD(tcp_ack),
	FIELD(mark), FIELD(ip_id), FIELD(drops), FIELD(cap_len), FIELD(saddr), FIELD(daddr),
	FIELD(smac), FIELD(dmac), FIELD(ethertype), FIELD(vlan_tci), FIELD(vlan_tpid),
	FIELD(ip_len), FIELD(frag_off), FIELD(sport), FIELD(dport), FIELD(tcp_win),
	FIELD(udp_len), FIELD(icmp_id), FIELD(icmp_seq), FIELD(flags), FIELD(dir),
	FIELD(vlan_count), FIELD(ip_proto), FIELD(ttl), FIELD(tos), FIELD(ip_hlen),
	FIELD(tcp_flags), FIELD(tcp_hlen), FIELD(icmp_type), FIELD(icmp_code), FIELD(pad),
};

struct tally {
	uint64_t packets;
	uint64_t refused;   /* test_run refused the frame */
	uint64_t same_bad;  /* same bytes: records differ */
	uint64_t cut;       /* packets long enough for the cut copy */
	uint64_t cut_bad;   /* cut copy: records differ */
	uint64_t prefix;    /* run on their first TESTRUN_BYTES bytes */
	uint64_t tags;      /* more in-packet tags than the kernel reads */
	uint64_t reported;
};

static void blank_excluded(struct tcrec_record *r)
{
	r->ts_ns = 0;
	r->ifindex = 0;
	r->dir = 0;
	r->mark = 0;
	r->drops = 0;
}

/* A field's value: integers in decimal (flags in hex), arrays in hex. */
static void print_value(const struct field *f, const struct tcrec_record *r)
{
	const uint8_t *p = (const uint8_t *)r + f->off;
	uint64_t v = 0;

	if (!strcmp(f->name, "vlan_tci") || !strcmp(f->name, "vlan_tpid")) {
		const uint16_t *a = (const uint16_t *)p;
		printf("0x%04x,0x%04x,0x%04x", a[0], a[1], a[2]);
		return;
	}
	if (f->size > 8 || !strcmp(f->name, "smac") || !strcmp(f->name, "dmac") ||
	    !strcmp(f->name, "pad")) {
		for (size_t i = 0; i < f->size; i++)
			printf("%02x", p[i]);
		return;
	}
	memcpy(&v, p, f->size); /* little-endian host: the low bytes */
	if (!strcmp(f->name, "flags"))
		printf("0x%04" PRIx64, v);
	else
		printf("%" PRIu64, v);
}

/* 0 when equal; else prints the fields that differ (up to MAX_REPORTED
 * packets per trace) and returns 1. */
static int compare(const char *trace, uint64_t frame, const char *how,
		   const struct tcrec_record *k, const struct tcrec_record *u, struct tally *tl)
{
	if (!memcmp(k, u, sizeof(*k)))
		return 0;
	if (tl->reported++ >= MAX_REPORTED)
		return 1;
	printf("%s: frame %" PRIu64 " (%s):", trace, frame, how);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];

		if (!memcmp((const uint8_t *)k + f->off, (const uint8_t *)u + f->off, f->size))
			continue;
		printf(" %s kernel=", f->name);
		print_value(f, k);
		printf(" user=");
		print_value(f, u);
	}
	putchar('\n');
	return 1;
}

/* The user-space record of caplen bytes of a packet wire_len long. */
static void user_record(const uint8_t *pkt, uint32_t caplen, uint32_t wire_len,
			struct tcrec_record *u)
{
	struct packet_l3 l3;

	memset(u, 0, sizeof(*u));
	u->wire_len = wire_len;
	packet_parse(PACKET_DLT_EN10MB, pkt, caplen, u, &l3);
}

/* The kernel's record of a frame with more in-packet tags than it reads
 * when none was offloaded: the record stops at the tag it cannot hold.
 * Returns false when the frame has no such tag (u is left alone). */
static bool without_offload(struct tcrec_record *u)
{
	const int n = TCREC_VLAN_INPKT_MAX;
	struct tcrec_record k = { 0 };
	uint16_t next = u->vlan_count > n ? u->vlan_tpid[n] : u->ethertype;

	if (u->vlan_count < n || (next != TCREC_ETH_P_8021Q && next != TCREC_ETH_P_8021AD))
		return false;
	k.wire_len = u->wire_len;
	k.cap_len = u->cap_len;
	memcpy(k.smac, u->smac, sizeof(k.smac));
	memcpy(k.dmac, u->dmac, sizeof(k.dmac));
	memcpy(k.vlan_tci, u->vlan_tci, n * sizeof(k.vlan_tci[0]));
	memcpy(k.vlan_tpid, u->vlan_tpid, n * sizeof(k.vlan_tpid[0]));
	k.vlan_count = n;
	k.ethertype = next;
	k.flags = TCREC_F_VLAN_MORE;
	*u = k;
	return true;
}

static int one_packet(struct testrun *t, const char *trace, uint64_t frame, const uint8_t *pkt,
		      uint32_t len, struct tally *tl)
{
	static struct testrun_result res;
	struct tcrec_record u;
	int err = testrun_packet(t, pkt, len, 0, 1, &res);

	if (err == -EINVAL && len > TESTRUN_BYTES) {
		tl->prefix++;
		len = TESTRUN_BYTES;
		err = testrun_packet(t, pkt, len, 0, 1, &res);
	}
	user_record(pkt, len, len, &u);
	if (err == -EINVAL) {
		tl->refused++;
		if (u.flags & TCREC_F_TRUNC)
			return 0;
		printf("%s: frame %" PRIu64 " (%u bytes): test_run refused it, yet the user-space "
		       "parser finds its headers whole (flags 0x%04x)\n", trace, frame, len, u.flags);
		return 1;
	}
	if (err) {
		fprintf(stderr, "parse_contract: %s: frame %" PRIu64 ": test run failed: %s\n", trace,
			frame, strerror(-err));
		return -1;
	}
	if (res.nrec != 1 || res.bad_sizes) {
		fprintf(stderr, "parse_contract: %s: frame %" PRIu64 ": %u records (%u of a bad size)\n",
			trace, frame, res.nrec, res.bad_sizes);
		return -1;
	}
	blank_excluded(&res.rec);
	if (without_offload(&u))
		tl->tags++;
	tl->same_bad += compare(trace, frame, "same bytes", &res.rec, &u, tl);
	if (len > TCREC_HDR_WIN) {
		tl->cut++;
		user_record(pkt, TCREC_HDR_WIN, len, &u);
		without_offload(&u);
		tl->cut_bad += compare(trace, frame, "cut copy", &res.rec, &u, tl);
	}
	return 0;
}

static int one_trace(struct testrun *t, const char *trace, struct tally *tl)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *pkt;
	int rc, bad = 0;
	pcap_t *pc = pcap_open_offline(trace, errbuf);

	if (!pc) {
		fprintf(stderr, "parse_contract: %s: %s\n", trace, errbuf);
		return -1;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		fprintf(stderr, "parse_contract: %s: link type %s, expected EN10MB (the capture "
			"program sees Ethernet frames)\n", trace,
			pcap_datalink_val_to_name(pcap_datalink(pc)));
		pcap_close(pc);
		return -1;
	}
	while ((rc = pcap_next_ex(pc, &h, &pkt)) == 1) {
		int r = one_packet(t, trace, ++tl->packets, pkt, h->caplen, tl);

		if (r < 0) {
			pcap_close(pc);
			return -1;
		}
		bad |= r;
	}
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "parse_contract: %s: %s\n", trace, pcap_geterr(pc));
		pcap_close(pc);
		return -1;
	}
	pcap_close(pc);
	return bad;
}

static int run_traces(int n, char **traces)
{
	struct testrun *t = NULL;
	int ret = 0;
	int err = testrun_open(&t, &(struct testrun_opts){ .slot = -1, .ring_bytes = 1u << 20 });

	if (err) {
		fprintf(stderr, "parse_contract: loading the capture program: %s\n", strerror(-err));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct tally tl = { 0 };
		int r = one_trace(t, traces[i], &tl);

		if (r < 0) {
			ret = 1;
			continue;
		}
		printf("%s: %" PRIu64 " packets (%" PRIu64 " refused by test_run, %" PRIu64
		       " run on their first %d bytes, %" PRIu64 " with more than %d tags); "
		       "records differ: %" PRIu64 " on the same bytes, %" PRIu64 " of %" PRIu64
		       " cut to %d bytes\n", traces[i], tl.packets, tl.refused, tl.prefix,
		       TESTRUN_BYTES, tl.tags, TCREC_VLAN_INPKT_MAX, tl.same_bad, tl.cut_bad, tl.cut,
		       TCREC_HDR_WIN);
		if (r || tl.same_bad || tl.cut_bad)
			ret = 1;
	}
	testrun_close(t);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: parse_contract TRACE.pcap...\n");
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "parse_contract: skipped: BPF_PROG_TEST_RUN needs root "
			"(CAP_BPF, CAP_NET_ADMIN)\n");
		return EXIT_SKIP;
	}
	int err = testrun_bpf_available();
	if (err) {
		fprintf(stderr, "parse_contract: skipped: the bpf() syscall is not usable here: %s\n",
			strerror(-err));
		return EXIT_SKIP;
	}
	return run_traces(argc - 1, argv + 1);
}
