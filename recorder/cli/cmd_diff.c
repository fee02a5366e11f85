/* SPDX-License-Identifier: MIT */
/* tcrec diff: options, the two inputs, the engine, the report, the verdict. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "cli_iface.h"
#include "cli_proc.h"
#include "plot_file.h"
#include "cli_progress.h"
#include "logging.h"
#include "diff/diff_engine.h"
#include "diff/diff_json.h"
#include "diff/diff_model.h"
#include "diff/diff_report.h"
#include "diff/diff_source.h"
#include "read/iface_select.h"
#include "read/proc_select.h"

/* Exit status of diff(1): 0 same, 1 different, 2 trouble. */
enum { DIFF_SAME = 0, DIFF_DIFFERENT = 1, DIFF_TROUBLE = 2 };

static const char *const CMD = "diff";

/* The defaults in the help text are the code's own constants. */
#define STR_(x) #x
#define STR(x) STR_(x)

static const char diff_help[] =
	"Usage: tcrec diff A B [--json] [--window MS] [--clock-offset MS]\n"
	"                  [--write-unmatched OUT.pcapng] [--packets] [--top N]\n"
	"                  [--interface NS/IF]... [--by-process] [--pid N] [--comm NAME]\n"
	"                  [--cgroup PATH] [--container ID] [--plot OUT.svg] [FILTER]\n"
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
	"ICMP type/code/id/seq, and a hash of the first " STR(DIFF_PAYLOAD_HASH_MAX) " bytes after the fixed L4\n"
	"header (TCP options, payload) when both sides captured them. TTL, MACs, VLAN\n"
	"tags, TOS/ECN, IP options and checksums may differ. Packets that look alike\n"
	"(nothing captured tells them apart) pair in the order they arrived.\n"
	"\n"
	"Options:\n"
	"  --window MS          how long a packet waits for its twin on the other side\n"
	"                       (default " STR(DIFF_WINDOW_MS_DEFAULT) " ms). Delays beyond it count as lost+added.\n"
	"                       Memory: about 200 bytes (plus the packet bytes with\n"
	"                       --write-unmatched) per packet of the last window, and\n"
	"                       about 150 bytes per flow with packets in it; a flow\n"
	"                       idle for longer is counted and let go (kept only if it\n"
	"                       differs and is listed). Nothing grows with the capture\n"
	"                       size or its number of flows (2 s at 100k packets/s:\n"
	"                       about 60 MB).\n"
	"  --clock-offset MS    B's clock minus A's clock, for captures taken on two\n"
	"                       machines (may be negative, fractional)\n"
	"  --json               one JSON document; schema in recorder/diff/DIFF.md\n"
	"  --packets            also list every lost/added/duplicated/reordered packet\n"
	"                       (A#n / B#n are frame numbers as tshark counts them)\n"
	"  --top N              flows listed, largest differences first (default " STR(DIFF_TOP_DEFAULT) ",\n"
	"                       0 = all that differ, each held in memory to the end)\n"
	"  --write-unmatched F  write lost, added and duplicated packets of both sides to\n"
	"                       pcapng file F, with a comment per packet saying why;\n"
	"                       metadata-only tcrec records get synthesized headers\n"
	"  --interface NS/IF    compare only the packets of interface IF of namespace\n"
	"                       NS, in both inputs (repeatable; shell globs allowed;\n"
	"                       IF alone: that name in any namespace). tcrec logs\n"
	"                       match as tcrec print does. A pcapng matches on each\n"
	"                       packet's interface name (if_name): NS/IF as tcrec\n"
	"                       export writes it, else IF alone (NS then is not\n"
	"                       checked; packets of an interface without a name are\n"
	"                       kept). A pcap has no interfaces and is compared\n"
	"                       whole, with a warning.\n"
	"                       One that names no interface of an input: a warning\n"
	"                       naming the input\n"
	"  --by-process         also group A's packets by process: per owner (comm:pid,\n"
	"                       - for none) its packets, lost, matched and the mean\n"
	"                       and largest delay. A packet counts for the owner of\n"
	"                       its flow's first A packet that has one (fragments\n"
	"                       too). A must be a tcrec log\n"
	"  --pid N              only packets of sockets of process N (thread group id,\n"
	"                       as the host sees it), in both inputs; repeatable\n"
	"  --comm NAME          only packets of sockets of processes named NAME (comm,\n"
	"                       at most 15 characters); a shell glob ('curl*') works\n"
	"  --cgroup PATH        only packets of sockets in cgroup v2 PATH or below it\n"
	"  --container ID       only packets of sockets in the container whose id\n"
	"                       starts with ID (podman, docker, containerd; pod<UID>)\n"
	"                       These four need tcrec logs on both sides: a pcap or\n"
	"                       pcapng does not say which process a packet belongs to\n"
	"  --progress           a progress line on stderr (percent of both inputs read,\n"
	"                       packets/s, time left) also when stderr is not a\n"
	"                       terminal or with --packets (by default only on a\n"
	"                       terminal, without --packets)\n"
	"  --no-progress        no progress line, even on a terminal\n"
	"  --plot OUT.svg       also draw the one-way delay histogram (the buckets\n"
	"                       printed below the quantiles) and lost and added\n"
	"                       packets over time (100 to 400 buckets, on A's clock)\n"
	"                       into SVG file OUT.svg\n"
	"  -h, --help           this help\n"
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
	"Differences are lost, added, duplicated or reordered packets; an input is\n"
	"incomplete when it is cut short, damaged, or a log without its trailer;\n"
	"trouble is a bad option or an unreadable input.\n"
	"\n"
	CLI_PROC_HELP_SECTION
	"\n"
	"Examples:\n"
	"  tcrec diff pod.tclog node.pcap                 summary\n"
	"  tcrec diff a.pcapng b.pcapng udp port 53       only DNS\n"
	"  tcrec diff client/ server/ --clock-offset -3.2 --json\n"
	"  tcrec diff a.pcap b.pcap --write-unmatched missing.pcapng && echo same\n"
	"  tcrec diff node.tclog pod.tclog --interface 'web/eth0' --interface veth1\n"
	"  tcrec diff node.tclog pod.tclog --by-process --comm 'nginx*'\n"
	"  tcrec diff a.pcap b.pcap --plot delay.svg\n"
	"\n"
	"Exit status: 0 same packets, 1 differences or an input incomplete, 2 trouble.\n";

struct diff_opts {
	const char *path[2];
	const char *unmatched;
	const char *plot;             /* --plot OUT.svg, or NULL */
	struct diff_timeline *timeline; /* with --plot */
	struct read_filter *filter;
	struct iface_select *sel; /* --interface */
	struct proc_select *proc; /* --pid, --comm, --cgroup, --container */
	bool by_process;
	uint64_t window_ms;
	int64_t offset_ns;
	uint64_t top;
	bool json;
	bool packets;
	enum cli_progress_mode progress; /* --progress, --no-progress */
};

static int parse_offset(const char *s, int64_t *out)
{
	char *end;

	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || fabs(v) > 1e9)
		return usage_error(CMD, "--clock-offset '%s': not a number of milliseconds (-1e9..1e9)", s);
	*out = (int64_t)llround(v * 1e6);
	return 0;
}

/* A B [FILTER]: the two inputs, and the filter compiled as print and stats
 * compile theirs. CLI_RUN, or the exit status. */
static int parse_operands(int argc, char **argv, struct diff_opts *o)
{
	if (argc - optind < 2)
		return usage_error(CMD, "needs two inputs, A and B");
	o->path[0] = argv[optind];
	o->path[1] = argv[optind + 1];
	/* every failure is trouble to diff, 1 being "different" */
	if (cli_read_filter(CMD, argv + optind + 2, (size_t)(argc - optind - 2), &o->filter))
		return DIFF_TROUBLE;
	return CLI_RUN;
}

static int parse_args(int argc, char **argv, struct diff_opts *o)
{
	enum { O_JSON = 256, O_WINDOW, O_OFFSET, O_UNMATCHED, O_PACKETS, O_TOP, O_IFACE, O_BYPROC, O_PLOT };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, O_JSON },
		{ "window", required_argument, NULL, O_WINDOW },
		{ "clock-offset", required_argument, NULL, O_OFFSET },
		{ "write-unmatched", required_argument, NULL, O_UNMATCHED },
		{ "packets", no_argument, NULL, O_PACKETS },
		{ "top", required_argument, NULL, O_TOP },
		{ "interface", required_argument, NULL, O_IFACE },
		{ "by-process", no_argument, NULL, O_BYPROC },
		{ "plot", required_argument, NULL, O_PLOT },
		CLI_PROC_LONGOPTS,
		CLI_PROGRESS_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	o->window_ms = DIFF_WINDOW_MS_DEFAULT;
	o->top = DIFF_TOP_DEFAULT;
	optind = 1;
	while ((c = cli_next_option(CMD, argc, argv, "h", longopts)) != -1) {
		int p = cli_proc_option(CMD, c, optarg, &o->proc);
		if (p < 0)
			return EXIT_USAGE;
		if (p || cli_progress_option(c, &o->progress))
			continue;
		switch (c) {
		case O_JSON:
			o->json = true;
			break;
		case O_WINDOW:
			if (parse_u64(CMD, "--window", optarg, 1, 3600000, &o->window_ms) < 0)
				return EXIT_USAGE;
			break;
		case O_OFFSET:
			if (parse_offset(optarg, &o->offset_ns))
				return EXIT_USAGE;
			break;
		case O_UNMATCHED:
			o->unmatched = optarg;
			break;
		case O_PLOT:
			o->plot = optarg;
			break;
		case O_IFACE:
			if (cli_add_interface(CMD, &o->sel, optarg))
				return EXIT_USAGE;
			break;
		case O_PACKETS:
			o->packets = true;
			break;
		case O_BYPROC:
			o->by_process = true;
			break;
		case O_TOP:
			if (parse_u64(CMD, "--top", optarg, 0, UINT32_MAX, &o->top) < 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(diff_help, stdout);
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	return parse_operands(argc, argv, o);
}

/* The engine over both inputs (src, NULL-initialised by the caller, stay
 * valid until the engine is freed), or NULL after saying why. */
static struct diff_engine *start(const struct diff_opts *o, struct diff_src *src[2])
{
	char err[512];

	for (int i = 0; i < 2; i++) {
		if (diff_src_open(o->path[i], o->filter, o->unmatched != NULL, &src[i], err,
				  sizeof(err)) < 0 ||
		    diff_src_set_select(src[i], o->sel, err, sizeof(err)) < 0 ||
		    diff_src_set_proc(src[i], o->proc, err, sizeof(err)) < 0) {
			pr_warn("%s", err);
			diff_src_close(src[0]);
			if (i)
				diff_src_close(src[1]);
			return NULL;
		}
	}
	const struct diff_engine_cfg cfg = {
		.window_ns = o->window_ms * 1000000,
		.offset_ns = o->offset_ns,
		.top = o->top,
		.unmatched = o->unmatched,
		.listing = o->packets ? stdout : NULL,
		.listing_json = o->json,
		.by_process = o->by_process,
		.timeline = o->timeline,
	};
	struct diff_engine *e = diff_engine_new(src, &cfg, err, sizeof(err));
	if (!e)
		pr_warn("%s", err);
	return e;
}

/* The report on stdout, after the per-packet listing if any. */
static int report(const struct diff_opts *o, const struct diff_result *res)
{
	if (o->json) {
		if (o->packets)
			fputs("\n],", stdout);
		diff_report_json(stdout, res);
	} else {
		diff_report_text(stdout, res);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		pr_warn("stdout: writing the report: %s", strerror(errno));
		return DIFF_TROUBLE;
	}
	/* an incomplete input never passes for the same packets */
	return res->same && !res->side[0].damaged && !res->side[1].damaged ? DIFF_SAME
									  : DIFF_DIFFERENT;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_opts o = { 0 };
	struct diff_result res = { 0 };
	char err[512];

	int rc = parse_args(argc, argv, &o);
	if (rc != CLI_RUN)
		return rc;
	struct diff_src *src[2] = { NULL, NULL };
	struct diff_timeline tl;
	bool tl_ok = !o.plot || diff_timeline_init(&tl, o.offset_ns) == 0;
	if (!tl_ok)
		pr_warn("diff: --plot %s: out of memory", o.plot);
	o.timeline = o.plot ? &tl : NULL;
	struct diff_engine *e = tl_ok ? start(&o, src) : NULL;
	rc = DIFF_TROUBLE;
	if (!e)
		goto out;
	if (o.json)
		fputs(o.packets ? "{\"packets\":[" : "{", stdout);
	struct cli_progress_diff *pg = cli_progress_diff_begin(cli_progress_wanted(o.progress, o.packets), src);
	int ran = diff_engine_run(e, &res, err, sizeof(err));
	cli_progress_diff_end(pg);
	if (ran < 0) {
		pr_warn("%s", err);
		goto out;
	}
	res.filter = read_filter_expr(o.filter);
	rc = report(&o, &res);
	if (rc != DIFF_TROUBLE && o.plot && diff_plot_save(o.plot, &res, &tl) < 0)
		rc = DIFF_TROUBLE;
out:
	diff_engine_free(e);
	if (o.plot)
		diff_timeline_free(&tl);
	read_filter_close(o.filter);
	iface_select_free(o.sel);
	proc_select_free(o.proc);
	return rc;
}
