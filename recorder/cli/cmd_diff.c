/* SPDX-License-Identifier: MIT */
/* tcrec diff: options, the time-ordered merge of both inputs, the verdict. */
#include "diff/diff_model.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "logging.h"
#include "diff/diff_feed.h"
#include "diff/diff_unmatched.h"

/* Exit status of diff(1): 0 same, 1 different, 2 trouble. */
enum { DIFF_SAME = 0, DIFF_DIFFERENT = 1, DIFF_TROUBLE = 2 };

static const char *const CMD = "diff";

static void help(FILE *f)
{
	fprintf(f,
		"Usage: tcrec diff A B [--json] [--window MS] [--clock-offset MS]\n"
		"                      [--write-unmatched OUT.pcapng] [--packets] [--top N] [FILTER]\n"
		"\n"
		"Compares two captures of the same traffic taken at two points (A upstream, B\n"
		"downstream): which packets of A never reached B (lost), which packets of B\n"
		"were never in A (added), extra copies (duplicated), packets that arrived in\n"
		"another order (reordered), and the one-way delay B-A of the others.\n"
		"\n"
		"A and B are each a pcap, a pcapng, a tcrec log or a directory of rotated tcrec\n"
		"logs, in any mix (told apart by their magic). Packets are matched by what a\n"
		"router or a bridge does not change: addresses, protocol, ports, IPv4 ID or\n"
		"IPv6 flow label, fragment offset, IP and UDP lengths, TCP seq/ack/flags/window,\n"
		"ICMP type/code/id/seq, and a hash of the first %d bytes after the fixed L4\n"
		"header (TCP options, payload) when both sides captured them. TTL, MACs, VLAN\n"
		"tags, TOS/ECN, IP options and checksums may differ. Packets that look alike\n"
		"(nothing captured tells them apart) pair in the order they arrived.\n"
		"\n"
		"Options:\n"
		"  --window MS          how long a packet waits for its twin on the other side\n"
		"                       (default %d ms). Delays beyond it count as lost+added.\n"
		"                       Memory: about 200 bytes (plus the packet bytes with\n"
		"                       --write-unmatched) per packet of the last window, and\n"
		"                       about 150 bytes per flow with packets in it; a flow\n"
		"                       idle for longer is counted and let go (kept only if it\n"
		"                       differs and is listed). Nothing grows with the capture\n"
		"                       size or its number of flows (2 s at 100k packets/s:\n"
		"                       about 60 MB).\n"
		"  --clock-offset MS    B's clock minus A's clock, for captures taken on two\n"
		"                       machines (may be negative, fractional)\n"
		"  --json               one JSON document; schema in recorder/DIFF.md\n"
		"  --packets            also list every lost/added/duplicated/reordered packet\n"
		"                       (A#n / B#n are frame numbers as tshark counts them)\n"
		"  --top N              flows listed, largest differences first (default %d,\n"
		"                       0 = all that differ, each held in memory to the end)\n"
		"  --write-unmatched F  write lost, added and duplicated packets of both sides to\n"
		"                       pcapng file F, with a comment per packet saying why;\n"
		"                       metadata-only tcrec records get synthesized headers\n"
		"  FILTER               pcap-filter expression applied to both inputs as they are\n"
		"                       read; on metadata-only tcrec records it sees headers\n"
		"                       synthesized from the record (no payload)\n"
		"\n"
		"Delay quantiles are nearest-rank values at 1 us resolution (coarser only for\n"
		"windows above 4000 s); min and max are exact. Reordering is counted as in\n"
		"RFC 4737: a matched packet is reordered when a packet sent after it in A\n"
		"reached B before it.\n"
		"\n"
		"A pcap or pcapng that is cut short or damaged is compared up to the damage,\n"
		"with a warning naming the file (as tcpdump reads it); a tcrec log steps over\n"
		"damaged chunks and unreadable files of a directory with a warning each. The\n"
		"exit status is then never 0.\n"
		"\n"
		"Exit status: 0 same packets, 1 differences (lost, added, duplicated or\n"
		"reordered packets) or an input incomplete (cut short, damaged, a log without\n"
		"its trailer), 2 trouble (bad option, unreadable input).\n"
		"\n"
		"EXAMPLES\n"
		"  tcrec diff pod.tclog node.pcap                 summary\n"
		"  tcrec diff a.pcapng b.pcapng udp port 53       only DNS\n"
		"  tcrec diff client/ server/ --clock-offset -3.2 --json\n"
		"  tcrec diff a.pcap b.pcap --write-unmatched missing.pcapng && echo same\n",
		DIFF_PAYLOAD_HASH_MAX, DIFF_WINDOW_MS_DEFAULT, DIFF_TOP_DEFAULT);
}

struct opts {
	const char *path[2];
	const char *unmatched;
	char *filter;
	uint64_t window_ms;
	int64_t offset_ns;
	uint64_t top;
	bool json;
	bool packets;
};

static int parse_offset(const char *s, int64_t *out)
{
	char *end;

	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || fabs(v) > 1e9) {
		usage_error(CMD, "--clock-offset '%s': not a number of milliseconds (-1e9..1e9)", s);
		return -1;
	}
	*out = (int64_t)llround(v * 1e6);
	return 0;
}

/* FILTER words joined with spaces, as tcpdump does. */
static int join_filter(char **words, int n, char **out)
{
	size_t len = 1;

	*out = NULL;
	if (n <= 0)
		return 0;
	for (int i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	char *s = malloc(len);
	if (!s)
		return -ENOMEM;
	s[0] = 0;
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, words[i]);
	}
	*out = s;
	return 0;
}

/* 0, 1 (help shown) or -1 (usage error printed). */
static int parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_JSON = 256, O_WINDOW, O_OFFSET, O_UNMATCHED, O_PACKETS, O_TOP };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, O_JSON },
		{ "window", required_argument, NULL, O_WINDOW },
		{ "clock-offset", required_argument, NULL, O_OFFSET },
		{ "write-unmatched", required_argument, NULL, O_UNMATCHED },
		{ "packets", no_argument, NULL, O_PACKETS },
		{ "top", required_argument, NULL, O_TOP },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	o->window_ms = DIFF_WINDOW_MS_DEFAULT;
	o->top = DIFF_TOP_DEFAULT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_JSON:
			o->json = true;
			break;
		case O_WINDOW:
			if (parse_u64(CMD, "--window", optarg, 1, 3600000, &o->window_ms) < 0)
				return -1;
			break;
		case O_OFFSET:
			if (parse_offset(optarg, &o->offset_ns) < 0)
				return -1;
			break;
		case O_UNMATCHED:
			o->unmatched = optarg;
			break;
		case O_PACKETS:
			o->packets = true;
			break;
		case O_TOP:
			if (parse_u64(CMD, "--top", optarg, 0, UINT32_MAX, &o->top) < 0)
				return -1;
			break;
		case 'h':
			help(stdout);
			return 1;
		default:
			usage_error(CMD, "unknown option");
			return -1;
		}
	}
	if (argc - optind < 2) {
		usage_error(CMD, "needs two inputs, A and B");
		return -1;
	}
	o->path[0] = argv[optind];
	o->path[1] = argv[optind + 1];
	if (join_filter(argv + optind + 2, argc - optind - 2, &o->filter) < 0) {
		usage_error(CMD, "out of memory");
		return -1;
	}
	return 0;
}

struct run {
	struct opts *o;
	struct diff_flows flows;
	struct diff_unmatched *um;
	bool first_event;
	int err;
};

static void on_event(void *ctx, const struct dm_event *ev)
{
	struct run *r = ctx;
	struct diff_flow *f = &r->flows.v[ev->flow];

	switch (ev->kind) {
	case DM_LOST:
		f->lost++;
		break;
	case DM_ADDED:
		f->added++;
		break;
	case DM_DUP:
		f->dup++;
		break;
	case DM_REORDERED:
		f->reordered++;
		break;
	}
	if (r->o->packets) {
		if (r->o->json)
			diff_event_json(stdout, ev, &r->flows, r->first_event);
		else
			diff_event_text(stdout, ev, &r->flows);
		r->first_event = false;
	}
	if (r->um && ev->kind != DM_REORDERED && !r->err)
		r->err = diff_unmatched_write(r->um, ev);
}

static void on_release(void *ctx, uint32_t flow)
{
	struct run *r = ctx;

	diff_flows_release(&r->flows, flow);
}

static void count_side(struct diff_side *s, const struct diff_pkt *p, uint64_t window_ns)
{
	/* the matcher tolerates small inversions only: say when an input is
	 * not in time order, or its packets are judged before their twins come */
	if (s->packets && p->ts_ns + window_ns < s->prev_ns)
		s->backwards++;
	s->prev_ns = p->ts_ns;
	if (!s->packets || p->ts_ns < s->first_ns)
		s->first_ns = p->ts_ns;
	if (p->ts_ns > s->last_ns)
		s->last_ns = p->ts_ns;
	s->packets++;
	s->bytes += p->l3_bytes;
}

/* Look-ahead distances (packets of one side) of the two prefetch stages. */
#define PREFETCH_FAR 12
#define PREFETCH_NEAR 6

/* The merge: both inputs in one stream ordered by time on A's clock. */
static int run_merge(struct run *r, struct diff_feed *feed[2], struct dm *m, struct diff_result *res)
{
	char err[512];
	const struct diff_pkt *pkt[2] = { NULL, NULL };
	int more[2];
	int64_t now = INT64_MIN;

	for (int i = 0; i < 2; i++) {
		more[i] = diff_feed_next(feed[i], &pkt[i], err, sizeof(err));
		if (more[i] < 0)
			goto bad;
	}
	while (more[0] > 0 || more[1] > 0) {
		int64_t t0 = more[0] > 0 ? (int64_t)pkt[0]->ts_ns : 0;
		int64_t t1 = more[1] > 0 ? (int64_t)pkt[1]->ts_ns - r->o->offset_ns : 0;
		int i = more[0] > 0 && (more[1] <= 0 || t0 <= t1) ? 0 : 1;
		int64_t t = i ? t1 : t0;
		uint32_t flow = diff_flows_add(&r->flows, i, pkt[i], t);
		if (t > now)
			now = t;
		/* flows retire once their packets have left the matcher */
		if (!flow || dm_push(m, i, pkt[i], t, flow) < 0 ||
		    diff_flows_expire(&r->flows, now, r->o->window_ms * 1000000) < 0) {
			fprintf(stderr, "tcrec diff: out of memory\n");
			return -1;
		}
		count_side(&res->side[i], pkt[i], r->o->window_ms * 1000000);
		if (r->err) {
			fprintf(stderr, "tcrec diff: %s: %s\n", r->o->unmatched, strerror(-r->err));
			return -1;
		}
		more[i] = diff_feed_next(feed[i], &pkt[i], err, sizeof(err));
		if (more[i] < 0)
			goto bad;
		/* the table is far bigger than the caches: load what the packets
		 * a few places ahead will touch, bucket first, then its chain */
		const struct diff_pkt *ahead = diff_feed_peek(feed[i], PREFETCH_FAR);
		if (ahead)
			dm_prefetch(m, ahead);
		ahead = diff_feed_peek(feed[i], PREFETCH_NEAR);
		if (ahead)
			dm_prefetch_chain(m, ahead);
		else if (more[i] > 0)
			dm_prefetch(m, pkt[i]);
	}
	dm_finish(m);
	if (diff_flows_finish(&r->flows) < 0) {
		fprintf(stderr, "tcrec diff: out of memory\n");
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "tcrec diff: %s\n", err);
	return -1;
}

int cmd_diff(int argc, char **argv)
{
	struct opts o = { 0 };
	struct run r = { .o = &o, .first_event = true };
	struct diff_src *src[2] = { NULL, NULL };
	struct diff_feed *feed[2] = { NULL, NULL };
	struct diff_result res = { 0 };
	struct dm *m = NULL;
	char err[512];
	int ret = DIFF_TROUBLE;

	int pa = parse_args(argc, argv, &o);
	if (pa)
		return pa > 0 ? DIFF_SAME : DIFF_TROUBLE;
	for (int i = 0; i < 2; i++) {
		if (diff_src_open(o.path[i], o.filter, o.unmatched != NULL, &src[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "tcrec diff: %s\n", err);
			goto out;
		}
		res.side[i].path = o.path[i];
		res.side[i].kind = diff_src_kind(src[i]);
	}
	/* what only the bytes tell is used when both sides have them */
	bool bytes = diff_src_has_bytes(src[0]) && diff_src_has_bytes(src[1]);
	for (int i = 0; i < 2; i++)
		diff_src_past_tags(src[i], bytes);
	if (diff_flows_init(&r.flows, o.top) < 0) {
		fprintf(stderr, "tcrec diff: out of memory\n");
		goto out;
	}
	if (o.unmatched) {
		const int lt[2] = { diff_src_linktype(src[0]), diff_src_linktype(src[1]) };
		r.um = diff_unmatched_open(o.unmatched, o.path, lt);
		if (!r.um) {
			fprintf(stderr, "tcrec diff: %s: %s\n", o.unmatched, strerror(errno));
			goto out;
		}
	}
	const struct dm_cfg cfg = {
		.window_ns = o.window_ms * 1000000,
		.offset_ns = o.offset_ns,
		.keep_bytes = o.unmatched != NULL,
		.on_event = on_event,
		.on_release = on_release,
		.ctx = &r,
	};
	m = dm_new(&cfg);
	if (!m) {
		fprintf(stderr, "tcrec diff: out of memory\n");
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		/* unmatched packets are written with their bytes: read in line */
		feed[i] = diff_feed_new(src[i], o.unmatched == NULL);
		if (!feed[i]) {
			fprintf(stderr, "tcrec diff: cannot start a reader: %s\n", strerror(errno));
			goto out;
		}
	}
	if (o.json)
		fputs(o.packets ? "{\"packets\":[" : "{", stdout);
	if (run_merge(&r, feed, m, &res) < 0)
		goto out;
	if (r.um) {
		int e = diff_unmatched_close(r.um);
		r.um = NULL;
		if (e) {
			fprintf(stderr, "tcrec diff: %s: %s\n", o.unmatched, strerror(-e));
			goto out;
		}
	}
	for (int i = 0; i < 2; i++) {
		res.side[i].capture_drops = diff_src_capture_drops(src[i]);
		res.side[i].damaged = diff_src_damaged(src[i]);
	}
	res.window_ns = cfg.window_ns;
	res.offset_ns = o.offset_ns;
	res.filter = o.filter;
	res.st = dm_stats(m);
	res.hist = dm_delays(m);
	res.flows = &r.flows;
	res.top = (unsigned)o.top;
	res.same = !res.st->lost && !res.st->added && !res.st->dup && !res.st->reordered;
	if (o.json) {
		if (o.packets)
			fputs("\n],", stdout);
		diff_report_json(stdout, &res);
	} else {
		diff_report_text(stdout, &res);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "tcrec diff: writing the report: %s\n", strerror(errno));
		goto out;
	}
	/* an incomplete input never passes for the same packets */
	ret = res.same && !res.side[0].damaged && !res.side[1].damaged ? DIFF_SAME : DIFF_DIFFERENT;
out:
	diff_unmatched_close(r.um);
	dm_free(m);
	diff_flows_free(&r.flows);
	for (int i = 0; i < 2; i++) {
		if (feed[i])
			diff_feed_free(feed[i]); /* closes src[i] */
		else
			diff_src_close(src[i]);
	}
	free(o.filter);
	return ret;
}
