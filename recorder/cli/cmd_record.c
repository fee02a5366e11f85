/* SPDX-License-Identifier: MIT */
/* tcrec record: options, setup in an order that fails before touching the
 * kernel when it can, and teardown that leaves nothing behind. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "logging.h"
#include "filter/filter_load.h"
#include "capture/capture.h"
#include "capture/capture_clock.h"
#include "capture/capture_drain.h"
#include "capture/ifaces.h"
#include "capture/output_name.h"
#include "capture/output_prepare.h"
#include "capture/privdrop.h"
#include "capture/record_opts.h"
#include "capture/record_sink.h"

#define CMD "record"
/* What tcpdump means by "the whole packet" (-s 0). */
#define SNAP_WHOLE 262144u

/* The help text spells these numbers out. */
_Static_assert(TCREC_MAX_IFACES == 64 && TCREC_SNAP_MAX == 16384 && SNAP_WHOLE == 262144 &&
	       TCREC_TC_HANDLE == 0x7463 && TCREC_TC_PRIO == 29795, "record --help is out of date");

static const char record_help[] =
	"Usage: tcrec record -i IF [-i IF ...] -w FILE [-s N] [-c N] [--duration SEC]\n"
	"                    [--attach auto|tcx|tc] [--ringbuf-size BYTES] [-q] [-v]\n"
	"                    [-C MB] [-G SEC] [-W N] [--flush-ms MS] [-Z USER]\n"
	"                    [-F tcrec|pcapng|pcap] [FILTER EXPRESSION]\n"
	"\n"
	"Records one entry per packet seen on the TC ingress and egress hooks of each\n"
	"interface into a zstd-compressed tcrec log, until SIGINT/SIGTERM, -c or\n"
	"--duration. The packets are never modified or dropped; other programs on the\n"
	"hooks still run. A FILTER EXPRESSION (pcap-filter(7), as for tcpdump) is\n"
	"evaluated in the kernel: packets it rejects are only counted, as filtered.\n"
	"\n"
	"Needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (or root).\n"
	"On exit it prints packets captured, packets seen on the hooks and packets\n"
	"dropped because the ring buffer was full; the log's trailer keeps those\n"
	"counters.\n"
	"\n"
	"Options:\n"
	"  -i IF              interface to record (repeat for more, up to 64)\n"
	"  -w FILE            the log to write, a new file (see File safety); -w -\n"
	"                     streams pcapng to standard output, flushed every second\n"
	"                     (| tcpdump -r -, | wireshark -k -i -); the reader closing\n"
	"                     the pipe ends the recording normally\n"
	"  -F FORMAT          tcrec (the log, default), pcapng or pcap: write FILE in\n"
	"                     that format directly (metadata-only records get\n"
	"                     synthesized headers)\n"
	"  -s N               keep the first N bytes of each packet (0..262144); -s 0 =\n"
	"                     the whole packet. The kernel side copies at most 16384\n"
	"                     bytes per packet: larger values are capped (with a\n"
	"                     warning) and the log header says the real cap. Without\n"
	"                     -s, records are metadata only (headers' fields, no\n"
	"                     bytes): the cheapest mode.\n"
	"  -c N               stop after N packets\n"
	"  --duration SEC     stop after SEC seconds (fractions allowed)\n"
	"  --attach MODE      auto (default): a tcx link where the kernel has one\n"
	"                     (6.6+), else a clsact filter; tcx or tc: force one of\n"
	"                     them. tc filters use handle 0x7463, priority 29795; a\n"
	"                     stale tcrec filter left there by a killed run is\n"
	"                     replaced, nothing else is touched.\n"
	"  --ringbuf-size B   ring buffer bytes, a power of two >= 4096 (default 8 MiB)\n"
	"  -C MB              rotate: start a new file when this one reaches\n"
	"                     MB x 1,000,000 bytes (it may overshoot by one chunk);\n"
	"                     names FILE, FILE1, ...\n"
	"  -G SEC             rotate on wall-clock multiples of SEC, also without\n"
	"                     packets; strftime(3) codes in -w name the files, as in\n"
	"                     tcpdump\n"
	"  -W N               with -C: a ring of N files (FILE0..), the oldest\n"
	"                     overwritten; with -G: stop after N files; with -C and\n"
	"                     -G: a ring of the N newest files, cut by time and size.\n"
	"                     Every file opens alone. On a full disk a -C -W ring\n"
	"                     deletes its oldest file and goes on; otherwise the file\n"
	"                     is closed (all of it stays readable) and tcrec exits\n"
	"                     with status 1.\n"
	"  --flush-ms MS      write what was recorded at least every MS ms (default\n"
	"                     1000): after a crash or kill -9 only the last MS ms can\n"
	"                     be missing\n"
	"  -Z USER            once attached and the output is open, run as USER and its\n"
	"                     groups with no capability left; the files made before are\n"
	"                     handed to USER by descriptor, later ones made as USER\n"
	"                     (with -C/-G, USER must be able to create files in the -w\n"
	"                     directory: checked at the start)\n"
	"  -q                 no status line, no summary\n"
	"  -v                 say what is attached where, show libbpf's messages and,\n"
	"                     on a verifier rejection, the end of its log (-vv: libbpf\n"
	"                     debug)\n"
	"  -h, --help         this help\n"
	"\n"
	"File safety:\n"
	"  tcrec never truncates or writes into a file it did not create in this run,\n"
	"  and never follows a symbolic link at the end of a name: when a name is taken\n"
	"  (a file from an earlier run, a restart in the same -G period, a -w template\n"
	"  that repeats, a DST fall-back, a symlink) the file goes to the next -C count\n"
	"  or gets a .1, .2, ... suffix, and one line says so. An empty file of the\n"
	"  same user is used as is, except in a sticky world-writable directory such as\n"
	"  /tmp. Each file is locked while written: a second recorder on the same\n"
	"  output exits 1 and touches nothing. A failed start deletes nothing but its\n"
	"  own file. -W counts the ring's files left by earlier runs. A file deleted or\n"
	"  replaced while written is reported at the next flush and recording goes on\n"
	"  in a new file; the summary and each file's trailer count what the files\n"
	"  hold.\n"
	"\n"
	"Examples:\n"
	"  tcrec record -i eth0 -w eth0.tclog                 metadata of every packet\n"
	"  tcrec record -i eth0 -i veth1 -w two.tclog -s 128  first 128 bytes, two\n"
	"                                                     interfaces\n"
	"  tcrec record -i eth0 -w full.tclog -s 0 -c 1000    whole packets (up to\n"
	"                                                     16384 B), 1000 of them\n"
	"  tcrec record -i eth0 -w hour.tclog --duration 3600 one hour\n"
	"  tcrec record -i eth0 -w web.tclog tcp port 80      only what tcpdump's\n"
	"                                                     filter keeps\n"
	"  tcrec print eth0.tclog                             read it back\n"
	"  tcrec record -i eth0 -w - | tcpdump -n -r -        live, as pcapng on a pipe\n"
	"  tcrec record -i eth0 -w eth0.pcapng -F pcapng      straight to pcapng\n"
	"\n"
	"Exit status: 0 ok, 1 runtime error (no interface, privileges, output), 2 usage.\n";

enum { OPT_DURATION = 256, OPT_ATTACH, OPT_RINGBUF, OPT_FLUSH_MS };

static const struct option long_opts[] = {
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "attach", required_argument, NULL, OPT_ATTACH },
	{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF },
	{ "flush-ms", required_argument, NULL, OPT_FLUSH_MS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *format_name(enum record_format f)
{
	return f == RECORD_PCAP ? "pcap" : f == RECORD_PCAPNG ? "pcapng" : "tcrec";
}

/* -i, -w, -F, --attach, --ringbuf-size: what is captured and where to.
 * *format_set says whether -F was given. 0 or EXIT_USAGE. */
static int parse_capture_opt(int c, const char *arg, struct record_opts *o, bool *format_set)
{
	uint64_t v;

	switch (c) {
	case 'i':
		if (o->n_ifaces >= TCREC_MAX_IFACES)
			return usage_error(CMD, "-i %s: at most %d interfaces", arg, TCREC_MAX_IFACES);
		for (int i = 0; i < o->n_ifaces; i++)
			if (!strcmp(o->ifnames[i], arg))
				return usage_error(CMD, "-i %s: interface given twice", arg);
		o->ifnames[o->n_ifaces++] = arg;
		return 0;
	case 'w':
		if (!*arg)
			return usage_error(CMD, "-w: empty output file name");
		o->out = arg;
		return 0;
	case 'F':
		if (!strcmp(arg, "tcrec"))
			o->format = RECORD_TCREC;
		else if (!strcmp(arg, "pcapng"))
			o->format = RECORD_PCAPNG;
		else if (!strcmp(arg, "pcap"))
			o->format = RECORD_PCAP;
		else
			return usage_error(CMD, "-F '%s': expected tcrec, pcapng or pcap", arg);
		*format_set = true;
		return 0;
	case OPT_ATTACH:
		if (!strcmp(arg, "auto"))
			o->attach = ATTACH_AUTO;
		else if (!strcmp(arg, "tcx"))
			o->attach = ATTACH_TCX;
		else if (!strcmp(arg, "tc"))
			o->attach = ATTACH_TC;
		else
			return usage_error(CMD, "--attach '%s': expected auto, tcx or tc", arg);
		return 0;
	default: /* --ringbuf-size */
		if (parse_u64(CMD, "--ringbuf-size", arg, 4096, 1ull << 30, &v))
			return EXIT_USAGE;
		if (v & (v - 1) || v % (uint64_t)sysconf(_SC_PAGESIZE))
			return usage_error(CMD, "--ringbuf-size %s: must be a power of two and a "
					   "multiple of the page size", arg);
		o->ringbuf_size = v;
		return 0;
	}
}

/* -s, -c, --duration: how much of each packet, how long. 0 or EXIT_USAGE. */
static int parse_limit_opt(int c, const char *arg, struct record_opts *o)
{
	uint64_t v;

	switch (c) {
	case 's':
		if (parse_u64(CMD, "-s", arg, 0, SNAP_WHOLE, &v))
			return EXIT_USAGE;
		o->snap_set = true;
		o->snaplen = v ? (uint32_t)v : SNAP_WHOLE;
		return 0;
	case 'c':
		return parse_u64(CMD, "-c", arg, 1, UINT64_MAX, &o->count) ? EXIT_USAGE : 0;
	default: /* --duration */
		return parse_seconds(CMD, "--duration", arg, 0.001, 1e9, &o->duration) ? EXIT_USAGE : 0;
	}
}

/* -C, -G, -W, -Z, --flush-ms: the output's rotation and durability, and
 * the user it is written as. 0 or EXIT_USAGE. */
static int parse_output_opt(int c, const char *arg, struct record_opts *o)
{
	uint64_t v;

	switch (c) {
	case 'C':
		if (parse_u64(CMD, "-C", arg, 1, 1000000, &v))
			return EXIT_USAGE;
		o->rotate_bytes = v * 1000000u; /* tcpdump's unit: 1,000,000 bytes */
		return 0;
	case 'G':
		if (parse_u64(CMD, "-G", arg, 1, 366u * 86400, &v))
			return EXIT_USAGE;
		o->rotate_secs = (uint32_t)v;
		return 0;
	case 'W':
		if (parse_u64(CMD, "-W", arg, 1, 100000, &v))
			return EXIT_USAGE;
		o->max_files = (uint32_t)v;
		return 0;
	case 'Z':
		if (!*arg)
			return usage_error(CMD, "-Z: empty user name");
		o->run_as = arg;
		return 0;
	default: /* --flush-ms */
		if (parse_u64(CMD, "--flush-ms", arg, 1, 3600000, &v))
			return EXIT_USAGE;
		o->flush_ms = (uint32_t)v;
		return 0;
	}
}

/* What follows the options is a filter expression, as in tcpdump; an
 * empty one means no filter. 0 or EXIT_USAGE. */
static int take_filter(int argc, char **argv, struct record_opts *o)
{
	if (optind >= argc)
		return 0;
	o->filter = filter_join(argc - optind, argv + optind);
	if (!o->filter) {
		pr_warn("out of memory");
		return EXIT_USAGE;
	}
	if (!o->filter[strspn(o->filter, " \t\n")]) {
		free(o->filter);
		o->filter = NULL;
	}
	return 0;
}

/* The options together, once all are in. 0 or EXIT_USAGE. */
static int check_opts(const struct record_opts *o, bool format_set)
{
	bool rotating = o->rotate_bytes || o->rotate_secs;
	bool stream = !strcmp(o->out, "-");

	if (stream && format_set && o->format == RECORD_TCREC)
		return usage_error(CMD, "-w -: standard output gets pcapng or pcap, not -F tcrec");
	if (o->max_files && !rotating)
		return usage_error(CMD, "-W %u: needs -C or -G", o->max_files);
	if (rotating && (stream || o->format != RECORD_TCREC))
		return usage_error(CMD, "-C/-G: rotation writes tcrec logs to files, not %s",
				   stream ? "standard output" : format_name(o->format));
	char why[160];
	if (o->rotate_secs && output_name_check(o->out, why, sizeof(why)))
		return usage_error(CMD, "-w %s: %s", o->out, why);
	if (o->run_as && o->attach == ATTACH_TC)
		return usage_error(CMD, "-Z %s: --attach tc makes clsact filters, which only a "
				   "privileged process can remove at exit; use --attach tcx or auto "
				   "(kernel 6.6+), or no -Z", o->run_as);
	return 0;
}

/* One option into o. 0, or the exit status to end with. */
static int parse_one(int c, struct record_opts *o, bool *format_set)
{
	switch (c) {
	case 'i': case 'w': case 'F': case OPT_ATTACH: case OPT_RINGBUF:
		return parse_capture_opt(c, optarg, o, format_set);
	case 's': case 'c': case OPT_DURATION:
		return parse_limit_opt(c, optarg, o);
	case 'C': case 'G': case 'W': case 'Z': case OPT_FLUSH_MS:
		return parse_output_opt(c, optarg, o);
	case 'q':
		tcrec_quiet = true;
		return 0;
	case 'v':
		tcrec_verbose++;
		return 0;
	case 'h':
		fputs(record_help, stdout);
		return EXIT_OK;
	default:
		return EXIT_USAGE;
	}
}

static int parse_args(int argc, char **argv, struct record_opts *o)
{
	bool format_set = false;
	int c, rc;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = cli_next_option(CMD, argc, argv, "i:w:s:c:F:C:G:W:Z:qvh", long_opts)) != -1) {
		rc = parse_one(c, o, &format_set);
		if (rc || c == 'h')
			return rc;
	}
	if ((rc = take_filter(argc, argv, o)))
		return rc;
	if (!o->n_ifaces)
		return usage_error(CMD, "no interface: give one with -i IF");
	if (!o->out)
		return usage_error(CMD, "no output file: give one with -w FILE");
	/* without -F a file gets a tcrec log, standard output pcapng */
	if (!format_set)
		o->format = strcmp(o->out, "-") ? RECORD_TCREC : RECORD_PCAPNG;
	if ((rc = check_opts(o, format_set)))
		return rc;
	o->snap_eff = o->snaplen > TCREC_SNAP_MAX ? TCREC_SNAP_MAX : o->snaplen;
	if (o->snap_set && o->snaplen > TCREC_SNAP_MAX && o->snaplen != SNAP_WHOLE)
		pr_warn("-s %u: packets are captured up to %d bytes, the kernel side's cap", o->snaplen,
			TCREC_SNAP_MAX);
	return CLI_RUN;
}

/* Exit status for a failed interface lookup; prints the reason. */
static int fill_ifaces(const struct record_opts *o, struct tclog_header *hdr)
{
	for (int i = 0; i < o->n_ifaces; i++) {
		int err = iface_lookup(o->ifnames[i], &hdr->ifaces[i]);

		if (err == -ENODEV) {
			pr_warn("%s: no such interface", o->ifnames[i]);
			return EXIT_RUNTIME;
		}
		if (err) {
			pr_warn("%s: cannot read the interface: %s", o->ifnames[i], strerror(-err));
			return EXIT_RUNTIME;
		}
		for (int j = 0; j < i; j++)
			if (hdr->ifaces[j].ifindex == hdr->ifaces[i].ifindex) {
				pr_warn("%s and %s are the same interface (ifindex %u)", o->ifnames[j],
					o->ifnames[i], hdr->ifaces[i].ifindex);
				return EXIT_USAGE;
			}
	}
	hdr->n_ifaces = o->n_ifaces;
	return EXIT_OK;
}

static void fill_header(const struct record_opts *o, int64_t clock_off, struct tclog_header *hdr)
{
	struct utsname u;

	hdr->start_ns = capture_wall_ns();
	hdr->clock_offset_ns = clock_off;
	hdr->snaplen = o->snaplen;
	hdr->snap_cap = TCREC_SNAP_MAX;
	if (!uname(&u)) {
		/* utsname fields are 65 bytes, the header's 64: keep 63 + NUL */
		snprintf(hdr->host, sizeof(hdr->host), "%.*s", (int)sizeof(hdr->host) - 1, u.nodename);
		snprintf(hdr->kernel, sizeof(hdr->kernel), "%.*s", (int)sizeof(hdr->kernel) - 1,
			 u.release);
	}
	if (o->filter)
		snprintf(hdr->filter, sizeof(hdr->filter), "%s", o->filter);
}

static void print_summary(const struct record_opts *o, const struct tclog_header *hdr,
			  const struct tclog_final *fin, const struct record_stats *st)
{
	uint64_t seen = 0, dropped = 0, filtered = 0;

	for (uint32_t i = 0; i < hdr->n_ifaces; i++)
		for (int dir = 0; dir < 2; dir++) {
			const struct tclog_counters *c = &fin->c[i][dir];

			seen += c->seen;
			dropped += c->dropped;
			filtered += c->filtered;
			pr_debug("%s %s: seen %llu, recorded %llu, dropped %llu", hdr->ifaces[i].name,
				 dir ? "egress" : "ingress", (unsigned long long)c->seen,
				 (unsigned long long)c->recorded, (unsigned long long)c->dropped);
		}
	if (tcrec_quiet)
		return;
	fprintf(stderr, "%llu packet%s captured\n", (unsigned long long)st->written,
		st->written == 1 ? "" : "s");
	fprintf(stderr, "%llu packet%s seen on the hooks\n", (unsigned long long)seen,
		seen == 1 ? "" : "s");
	fprintf(stderr, "%llu packet%s dropped by the ring buffer\n", (unsigned long long)dropped,
		dropped == 1 ? "" : "s");
	if (o->filter)
		fprintf(stderr, "%llu packet%s rejected by the filter\n", (unsigned long long)filtered,
			filtered == 1 ? "" : "s");
	if (st->malformed)
		pr_warn("%llu malformed ring buffer samples skipped", (unsigned long long)st->malformed);
}

/* A record run: what was set up, for one teardown. */
struct record_run {
	struct record_opts o;
	struct tclog_header *hdr;
	struct cbpf_insn *fprog;   /* the compiled FILTER, NULL when none */
	size_t flen;
	struct capture *cap;
	struct record_sink *sink;
};

/* A bad expression is a usage error, found before the kernel is touched.
 * 0 or EXIT_USAGE. */
static int compile_filter(struct record_run *r)
{
	char ferr[512];

	if (!r->o.filter)
		return 0;
	if (strlen(r->o.filter) >= TCLOG_FILTER_MAX)
		return usage_error(CMD, "filter expression longer than %d bytes", TCLOG_FILTER_MAX - 1);
	if (filter_compile(r->o.filter, &r->fprog, &r->flen, ferr, sizeof(ferr)))
		return usage_error(CMD, "filter '%s': %s", r->o.filter, ferr);
	return 0;
}

/* The programs with the filter in them: no packet is ever recorded
 * unfiltered. 0 or -errno, after one line. */
static int load_capture(struct record_run *r)
{
	char ferr[512];

	if (r->fprog && filter_load_begin(r->fprog, r->flen, ferr, sizeof(ferr))) {
		pr_warn("filter '%s': %s", r->o.filter, ferr);
		return -EINVAL;
	}
	int lerr = capture_load(&r->o, r->hdr, &r->cap);
	int frc = r->fprog ? filter_load_end(NULL, ferr, sizeof(ferr)) : 0;
	/* -ENODATA: no program reached the point where it gets the filter */
	if (frc && (frc != -ENODATA || !lerr)) {
		pr_warn("filter '%s': %s", r->o.filter, ferr);
		return frc;
	}
	if (lerr)
		return lerr;
	if (r->fprog)
		pr_debug("filter '%s': %zu cBPF instructions, %zu eBPF", r->o.filter, r->flen,
			 filter_load_insn_cnt(r->fprog, r->flen));
	return 0;
}

/* Everything up to the first packet: interfaces, privileges, output
 * checks, programs, hooks, the output itself, -Z. An exit status. */
static int start(struct record_run *r)
{
	char missing[64];
	int rc = fill_ifaces(&r->o, r->hdr);

	if (rc)
		return rc;
	capture_missing_caps(missing, sizeof(missing));
	if (missing[0]) {
		pr_warn("missing privileges: %s (recording needs CAP_BPF, CAP_NET_ADMIN and "
			"CAP_PERFMON, or root)", missing);
		return EXIT_RUNTIME;
	}
	capture_libbpf_logging();
	fill_header(&r->o, capture_clock_offset(), r->hdr);
	/* A typo in -w, a directory the -Z user cannot write or another
	 * recorder on the same output must not cost a program load. */
	if (output_prepare(&r->o) || load_capture(r) || capture_attach(r->cap, r->o.attach))
		return EXIT_RUNTIME;
	if (r->o.run_as && capture_has_clsact(r->cap)) {
		pr_warn("-Z %s: the hooks are clsact filters, which only a privileged process can "
			"remove at exit; use tcx hooks (kernel 6.6+, --attach tcx) or no -Z", r->o.run_as);
		return EXIT_RUNTIME;
	}
	/* The output only now that nothing else can fail: a failed start
	 * leaves no file behind. Packets wait in the ring buffer meanwhile. */
	struct sink_counters counters = capture_sink_counters(r->cap);
	r->sink = record_sink_open(&r->o, r->hdr, &counters);
	if (!r->sink)
		return EXIT_RUNTIME;
	if (r->o.run_as && capture_drop_privileges(r->o.run_as)) {
		record_sink_discard(r->sink);
		r->sink = NULL;
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/* Records until told to stop, closes the output with the final counters
 * and says what was recorded. An exit status. */
static int run(struct record_run *r)
{
	struct record_stats st = { 0 };
	struct tclog_final fin;

	pr_debug("recording %u interface(s) into %s, snaplen %u", r->hdr->n_ifaces, r->o.out,
		 r->o.snap_eff);
	int err = capture_drain(r->cap, r->sink, &r->o, r->hdr->clock_offset_ns, &st);
	int cerr = capture_counters(r->cap, &fin);
	if (cerr)
		pr_warn("reading the counters: %s", strerror(-cerr));
	uint64_t stored = 0;
	char last[PATH_MAX];
	snprintf(last, sizeof(last), "%s", r->sink->name(r->sink));
	int werr = r->sink->close(r->sink, cerr ? NULL : &fin, &stored);
	r->sink = NULL;
	if (werr && !err) {
		/* a file deleted under us was reported as such */
		if (werr != -ENOENT && werr != -ESTALE)
			pr_warn("%s: %s", last, strerror(-werr));
		err = werr;
	}
	/* what the output holds, not what was handed to it */
	st.written = stored;
	if (!cerr)
		print_summary(&r->o, r->hdr, &fin, &st);
	return err ? EXIT_RUNTIME : EXIT_OK;
}

int cmd_record(int argc, char **argv)
{
	struct record_run r = { 0 };
	int rc = parse_args(argc, argv, &r.o);

	if (rc != CLI_RUN)
		goto out;
	rc = compile_filter(&r);
	if (rc)
		goto out;
	r.hdr = calloc(1, sizeof(*r.hdr));
	if (!r.hdr) {
		pr_warn("out of memory");
		rc = EXIT_RUNTIME;
		goto out;
	}
	/* From here on a SIGINT must not kill us between attach and detach:
	 * the loop sees the flag as soon as it starts. */
	capture_install_signals();
	rc = start(&r);
	if (!rc)
		rc = run(&r);
out:
	capture_destroy(r.cap);
	free(r.fprog);
	free(r.o.filter);
	record_sink_discard(r.sink);
	free(r.hdr);
	return rc;
}
