// SPDX-License-Identifier: MIT
/*
 * testrun_trace: feeds every packet of a pcap to the capture program through
 * BPF_PROG_TEST_RUN and prints one TSV line per packet with the record's
 * fields, for testrun_compare.py to check against tshark. What tshark cannot
 * know (one record per packet, mark, direction, timestamp, captured bytes,
 * packet untouched, counters) is checked here and summed up in the "check"
 * column.
 *
 * Exit: 0 all self-checks passed, 1 a check failed or a runtime error,
 * 2 usage, 77 not root or no BPF here.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/pkt_cls.h>
#include <pcap/pcap.h>

#include "testrun.h"

#define EXIT_SKIP 77
#define REPEAT_MAX 1000

struct config {
	const char *trace;
	bool with_bytes;     /* -s given */
	uint32_t snaplen;    /* effective: TCREC_SNAP_MAX for -s 0 */
	int slot;            /* -S, or -1 */
	int repeat;          /* -b, or 0 */
	bool egress;         /* -E */
	bool verbose;
};

struct tally {
	uint64_t packets;
	uint64_t records;
	uint64_t failed;     /* packets with a failed self-check */
	uint64_t refused;    /* packets BPF_PROG_TEST_RUN rejected: never ran */
	uint64_t dur_sum;
	uint32_t dur_min;
	uint32_t dur_max;
};

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "testrun_trace: %s\n", msg);
	fprintf(stderr,
		"usage: testrun_trace [-s SNAPLEN] [-S SLOT] [-E] [-b REPEAT] [-v] TRACE.pcap\n"
		"  -s N    capture N bytes per record (0: the whole packet, up to %d)\n"
		"  -S N    put lo's ifindex in ifslots with slot N (default: absent, slot 0)\n"
		"  -E      run the egress program (default: ingress)\n"
		"  -b N    benchmark: run each packet N times, print ns per packet\n",
		TCREC_SNAP_MAX);
	return 2;
}

static int parse_uint(const char *s, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct config *cfg)
{
	long v;
	int c;

	*cfg = (struct config){ .slot = -1 };
	while ((c = getopt(argc, argv, "s:S:Eb:v")) != -1) {
		switch (c) {
		case 's':
			if (parse_uint(optarg, TCREC_SNAP_MAX, &v))
				return usage("-s: expected 0 (whole packet) up to TCREC_SNAP_MAX");
			cfg->with_bytes = true;
			cfg->snaplen = v ? (uint32_t)v : TCREC_SNAP_MAX;
			break;
		case 'S':
			if (parse_uint(optarg, TCREC_MAX_IFACES - 1, &v))
				return usage("-S: expected a slot below TCREC_MAX_IFACES");
			cfg->slot = (int)v;
			break;
		case 'b':
			if (parse_uint(optarg, REPEAT_MAX, &v) || v == 0)
				return usage("-b: expected 1..1000");
			cfg->repeat = (int)v;
			break;
		case 'E':
			cfg->egress = true;
			break;
		case 'v':
			cfg->verbose = true;
			break;
		default:
			return usage(NULL);
		}
	}
	if (optind != argc - 1)
		return usage("expected one trace file");
	cfg->trace = argv[optind];
	return 0;
}

/* The ring must hold every record of one packet's repetitions. */
static uint32_t ring_size(const struct config *cfg)
{
	uint64_t need = (uint64_t)(cfg->repeat ? cfg->repeat : 1) *
			(sizeof(struct tcrec_record) + cfg->snaplen + 8) * 2;
	uint32_t size = 1u << 20;

	while (size < need)
		size <<= 1;
	return size;
}

static void print_header(void)
{
	printf("#frame\tlen\twire_len\tcap_len\tflags\tsmac\tdmac\tethertype\tvlan_count"
	       "\tvlan_tpid\tvlan_tci\tsaddr\tdaddr\tip_proto\tttl\ttos\tip_len\tip_hlen"
	       "\tip_id\tfrag_off\tsport\tdport\ttcp_seq\ttcp_ack\ttcp_flags\ttcp_win"
	       "\ttcp_hlen\tudp_len\ticmp_type\ticmp_code\ticmp_id\ticmp_seq\tcheck\n");
}

static void print_hex(const uint8_t *p, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++)
		printf("%s%02x", i && sep ? sep : "", p[i]);
}

static void print_record(uint64_t frame, uint32_t len, const struct tcrec_record *r,
			 const char *check)
{
	printf("%" PRIu64 "\t%u\t%u\t%u\t0x%04x\t", frame, len, r->wire_len, r->cap_len, r->flags);
	print_hex(r->smac, 6, ":");
	putchar('\t');
	print_hex(r->dmac, 6, ":");
	printf("\t0x%04x\t%u\t0x%04x,0x%04x,0x%04x\t%u,%u,%u\t", r->ethertype, r->vlan_count,
	       r->vlan_tpid[0], r->vlan_tpid[1], r->vlan_tpid[2],
	       r->vlan_tci[0], r->vlan_tci[1], r->vlan_tci[2]);
	print_hex(r->saddr, 16, NULL);
	putchar('\t');
	print_hex(r->daddr, 16, NULL);
	printf("\t%u\t%u\t%u\t%u\t%u\t%u\t0x%04x\t%u\t%u\t%u\t%u\t0x%02x\t%u\t%u\t%u\t%u\t%u\t%u\t%u\t%s\n",
	       r->ip_proto, r->ttl, r->tos, r->ip_len, r->ip_hlen, r->ip_id, r->frag_off,
	       r->sport, r->dport, r->tcp_seq, r->tcp_ack, r->tcp_flags, r->tcp_win,
	       r->tcp_hlen, r->udp_len, r->icmp_type, r->icmp_code, r->icmp_id,
	       r->icmp_seq, check);
}

static void add_check(char *buf, size_t size, const char *what)
{
	size_t used = strlen(buf);

	snprintf(buf + used, size - used, "%s%s", used ? "," : "", what);
}

/* Everything about one record that tshark cannot tell us. */
static void self_check(const struct config *cfg, const uint8_t *pkt, uint32_t len, uint32_t mark,
		       const struct testrun_result *res, char *out, size_t size)
{
	const struct tcrec_record *r = &res->rec;
	uint32_t want_cap = cfg->with_bytes ? (len < cfg->snaplen ? len : cfg->snaplen) : 0;
	char tmp[48];

	out[0] = '\0';
	if (res->nrec != 1) {
		snprintf(tmp, sizeof(tmp), "records=%u", res->nrec);
		add_check(out, size, tmp);
	}
	if (res->bad_sizes)
		add_check(out, size, "ring_size");
	if (res->retval != (uint32_t)TC_ACT_UNSPEC) {
		snprintf(tmp, sizeof(tmp), "retval=%d", (int)res->retval);
		add_check(out, size, tmp);
	}
	if (!res->data_unchanged)
		add_check(out, size, "modified");
	if (res->nrec == 0)
		return;
	if (r->dir != (cfg->egress ? TCREC_DIR_OUT : TCREC_DIR_IN))
		add_check(out, size, "dir");
	/* records name their interface by slot: -S's, else 0 */
	if (r->ifindex != (uint32_t)(cfg->slot >= 0 ? cfg->slot : 0))
		add_check(out, size, "ifindex");
	if (r->mark != mark)
		add_check(out, size, "mark");
	if (r->ts_ns < res->t_before || r->ts_ns > res->t_after)
		add_check(out, size, "ts");
	if (r->drops)
		add_check(out, size, "drops");
	if (r->cap_len != want_cap) {
		snprintf(tmp, sizeof(tmp), "cap_len!=%u", want_cap);
		add_check(out, size, tmp);
	} else if (memcmp(res->bytes, pkt, want_cap)) {
		add_check(out, size, "bytes");
	}
	if (r->pad[0] || r->pad[1])
		add_check(out, size, "pad");
}

/* skb->mark per packet: varied and non-zero, so a stale or constant mark shows. */
static uint32_t mark_for(uint64_t frame)
{
	return (uint32_t)(frame * 2654435761u) | 1u;
}

static int run_trace(const struct config *cfg, struct testrun *t, pcap_t *pc, struct tally *tl)
{
	static struct testrun_result res;
	struct pcap_pkthdr *hdr;
	const u_char *pkt;
	char check[256];
	int rc;

	while ((rc = pcap_next_ex(pc, &hdr, &pkt)) == 1) {
		uint64_t frame = ++tl->packets;
		uint32_t mark = mark_for(frame);
		int err = testrun_packet(t, pkt, hdr->caplen, mark, cfg->repeat ? cfg->repeat : 1, &res);

		if (err) {
			/* the kernel refused this packet: say so and go on, the
			 * counters check accounts for it */
			fprintf(stderr, "testrun_trace: %s: frame %" PRIu64 " (%u bytes): test run failed: %s\n",
				cfg->trace, frame, hdr->caplen, strerror(-err));
			tl->refused++;
			tl->failed++;
			memset(&res.rec, 0, sizeof(res.rec));
			snprintf(check, sizeof(check), "test_run:%s", strerror(-err));
			if (!cfg->repeat)
				print_record(frame, hdr->caplen, &res.rec, check);
			continue;
		}
		tl->records += res.nrec;
		if (cfg->repeat) {
			if (res.nrec != (uint32_t)cfg->repeat) {
				fprintf(stderr, "testrun_trace: %s: frame %" PRIu64 ": %u records for %d runs\n",
					cfg->trace, frame, res.nrec, cfg->repeat);
				tl->failed++;
			}
			tl->dur_sum += res.duration_ns;
			if (tl->packets - tl->refused == 1 || res.duration_ns < tl->dur_min)
				tl->dur_min = res.duration_ns;
			if (res.duration_ns > tl->dur_max)
				tl->dur_max = res.duration_ns;
			continue;
		}
		self_check(cfg, pkt, hdr->caplen, mark, &res, check, sizeof(check));
		if (check[0])
			tl->failed++;
		print_record(frame, hdr->caplen, &res.rec, check[0] ? check : "ok");
	}
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "testrun_trace: %s: %s\n", cfg->trace, pcap_geterr(pc));
		return -1;
	}
	return 0;
}

/* seen == recorded == runs on our slot and direction, nothing anywhere else. */
static int check_counters(const struct config *cfg, struct testrun *t, const struct tally *tl)
{
	uint32_t ours = (uint32_t)(cfg->slot < 0 ? 0 : cfg->slot) * 2 +
			(cfg->egress ? TCREC_DIR_OUT : TCREC_DIR_IN);
	uint64_t runs = (tl->packets - tl->refused) * (uint64_t)(cfg->repeat ? cfg->repeat : 1);
	struct tcrec_counters c;
	int bad = 0;

	for (uint32_t idx = 0; idx < TCREC_MAX_IFACES * 2; idx++) {
		int err = testrun_counters(t, idx, &c);

		if (err) {
			fprintf(stderr, "testrun_trace: reading counters[%u]: %s\n", idx, strerror(-err));
			return -1;
		}
		/* __u64 is unsigned long long: widen once for PRIu64 */
		uint64_t seen = c.seen, rec = c.recorded, filt = c.filtered, drop = c.dropped;
		uint64_t pend = c.pending_drops;

		if (idx == ours) {
			printf("#counters\tindex=%u\tseen=%" PRIu64 "\trecorded=%" PRIu64
			       "\tfiltered=%" PRIu64 "\tdropped=%" PRIu64 "\truns=%" PRIu64 "\n",
			       idx, seen, rec, filt, drop, runs);
			if (seen != runs || rec != runs || filt || drop || pend) {
				fprintf(stderr, "testrun_trace: %s: counters[%u] seen %" PRIu64
					" recorded %" PRIu64 " filtered %" PRIu64 " dropped %" PRIu64
					", expected seen = recorded = %" PRIu64 "\n", cfg->trace, idx,
					seen, rec, filt, drop, runs);
				bad = 1;
			}
		} else if (seen || rec || filt || drop || pend) {
			fprintf(stderr, "testrun_trace: counters[%u] should be untouched, seen %" PRIu64 "\n",
				idx, seen);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct testrun *t = NULL;
	struct tally tl = { 0 };
	struct config cfg;
	pcap_t *pc = NULL;
	int err, ret = 1;

	if (parse_args(argc, argv, &cfg))
		return 2;
	pc = pcap_open_offline(cfg.trace, errbuf);
	if (!pc) {
		fprintf(stderr, "testrun_trace: %s: %s\n", cfg.trace, errbuf);
		return 1;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		fprintf(stderr, "testrun_trace: %s: link type %s, expected EN10MB\n", cfg.trace,
			pcap_datalink_val_to_name(pcap_datalink(pc)));
		goto cleanup;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "testrun_trace: skipped: BPF_PROG_TEST_RUN needs root (CAP_BPF, CAP_NET_ADMIN)\n");
		ret = EXIT_SKIP;
		goto cleanup;
	}
	err = testrun_bpf_available();
	if (err) {
		fprintf(stderr, "testrun_trace: skipped: the bpf() syscall is not usable here: %s\n",
			strerror(-err));
		ret = EXIT_SKIP;
		goto cleanup;
	}
	err = testrun_open(&t, &(struct testrun_opts){
		.snaplen = cfg.with_bytes ? cfg.snaplen : 0,
		.slot = cfg.slot,
		.egress = cfg.egress,
		.ring_bytes = ring_size(&cfg),
		.verbose = cfg.verbose,
	});
	if (err) {
		fprintf(stderr, "testrun_trace: loading the capture program: %s\n", strerror(-err));
		goto cleanup;
	}
	if (!cfg.repeat)
		print_header();
	if (run_trace(&cfg, t, pc, &tl))
		goto cleanup;
	if (check_counters(&cfg, t, &tl))
		goto cleanup;
	if (cfg.repeat)
		printf("#bench\t%s\tsnaplen=%u\tpackets=%" PRIu64 "\trepeat=%d\tavg_ns=%.1f"
		       "\tmin_ns=%u\tmax_ns=%u\n", cfg.trace, cfg.with_bytes ? cfg.snaplen : 0,
		       tl.packets, cfg.repeat,
		       tl.packets > tl.refused ?
				(double)tl.dur_sum / (double)(tl.packets - tl.refused) : 0.0,
		       tl.dur_min, tl.dur_max);
	fprintf(stderr, "testrun_trace: %s: %" PRIu64 " packets, %" PRIu64 " records, %" PRIu64
		" failed self-checks\n", cfg.trace, tl.packets, tl.records, tl.failed);
	ret = tl.failed ? 1 : 0;
cleanup:
	testrun_close(t);
	if (pc)
		pcap_close(pc);
	return ret;
}
