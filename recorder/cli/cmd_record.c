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
#include "logging.h"
#include "filter/filter.h"
#include "capture/ifaces.h"
#include "capture/record_output.h"
#include "capture/record_run.h"
#include "capture/sink_pcapng.h"
#include "tcrec_capture.skel.h"

#define CMD "record"
/* What tcpdump means by "the whole packet" (-s 0). */
#define SNAP_WHOLE 262144u

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: tcrec record -i IF [-i IF ...] -w FILE [-s N] [-c N] [--duration SEC]\n"
		"                    [--attach auto|tcx|tc] [--ringbuf-size BYTES] [-q] [-v]\n"
		"                    [-C MB] [-G SEC] [-W N] [--flush-ms MS] [-Z USER]\n"
		"                    [FILTER EXPRESSION]\n"
		"\n"
		"Records one entry per packet seen on the TC ingress and egress hooks of each\n"
		"interface into a zstd-compressed tcrec log, until SIGINT/SIGTERM, -c or --duration.\n"
		"The packets are never modified or dropped; other programs on the hooks still run.\n"
		"A FILTER EXPRESSION (pcap-filter(7), as for tcpdump) is evaluated in the kernel:\n"
		"packets it rejects are only counted, as filtered.\n"
		"\n"
		"Options:\n"
		"  -i IF              interface to record (repeat for more, up to %d)\n"
		"  -w FILE            the log to write, a new file (see FILE SAFETY); -w - streams pcapng\n"
		"                     to standard output, flushed every second (| tcpdump -r -,\n"
		"                     | wireshark -k -i -); the reader closing the pipe ends the\n"
		"                     recording normally\n"
		"  -F FORMAT          tcrec (the log, default), pcapng or pcap: write FILE in that\n"
		"                     format directly (metadata-only records get synthesized headers)\n"
		"  -s N               keep the first N bytes of each packet (0..%u); -s 0 = the whole\n"
		"                     packet. The kernel side copies at most %d bytes per packet:\n"
		"                     larger values are capped (with a warning) and the log header\n"
		"                     says the real cap. Without -s, records are metadata only\n"
		"                     (headers' fields, no bytes): the cheapest mode.\n"
		"  -c N               stop after N packets\n"
		"  --duration SEC     stop after SEC seconds (fractions allowed)\n"
		"  --attach MODE      auto (default): a tcx link where the kernel has one (6.6+),\n"
		"                     else a clsact filter; tcx or tc: force one of them.\n"
		"                     tc filters use handle 0x%x, priority %u; a stale tcrec filter\n"
		"                     left there by a killed run is replaced, nothing else is touched.\n"
		"  --ringbuf-size B   ring buffer bytes, a power of two >= 4096 (default 8 MiB)\n"
		"  -C MB              rotate: start a new file when this one reaches MB x 1,000,000\n"
		"                     bytes (it may overshoot by one chunk); names FILE, FILE1, ...\n"
		"  -G SEC             rotate on wall-clock multiples of SEC, also without packets;\n"
		"                     strftime(3) codes in -w name the files, as in tcpdump\n"
		"  -W N               with -C: a ring of N files (FILE0..), the oldest overwritten;\n"
		"                     with -G: stop after N files; with -C and -G: a ring of the\n"
		"                     N newest files, cut by time and size. Every file opens alone.\n"
		"                     On a full disk a -C -W ring deletes its oldest file and goes\n"
		"                     on; otherwise the file is closed (all of it stays readable)\n"
		"                     and tcrec exits with status 1.\n"
		"  --flush-ms MS      write what was recorded at least every MS ms (default 1000):\n"
		"                     after a crash or kill -9 only the last MS ms can be missing\n"
		"  -Z USER            once attached and the output is open, run as USER and its\n"
		"                     groups with no capability left; the files made before are\n"
		"                     handed to USER by descriptor, later ones made as USER (with\n"
		"                     -C/-G, USER must be able to create files in the -w directory:\n"
		"                     checked at the start)\n"
		"  -q                 no status line, no summary\n"
		"  -v                 say what is attached where, show libbpf's messages and, on a\n"
		"                     verifier rejection, the end of its log (-vv: libbpf debug)\n"
		"  -h, --help         this help\n"
		"\n"
		"FILE SAFETY\n"
		"  tcrec never truncates or writes into a file it did not create in this run, and\n"
		"  never follows a symbolic link at the end of a name: when a name is taken (a file\n"
		"  from an earlier run, a restart in the same -G period, a -w template that repeats,\n"
		"  a DST fall-back, a symlink) the file goes to the next -C count or gets a .1, .2,\n"
		"  ... suffix, and one line says so. An empty file of the same user is used as is,\n"
		"  except in a sticky world-writable directory such as /tmp. Each file is locked\n"
		"  while written: a second recorder on the same output exits 1 and touches nothing.\n"
		"  A failed start deletes nothing but its own file. -W counts the ring's files left\n"
		"  by earlier runs. A file deleted or replaced while written is reported at the\n"
		"  next flush and recording goes on in a new file; the summary and each file's\n"
		"  trailer count what the files hold.\n"
		"\n"
		"Needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (or root).\n"
		"On exit it prints packets captured, packets seen on the hooks and packets dropped\n"
		"because the ring buffer was full; the log's trailer keeps those counters.\n"
		"\n"
		"EXAMPLES\n"
		"  tcrec record -i eth0 -w eth0.tclog                 metadata of every packet\n"
		"  tcrec record -i eth0 -i veth1 -w two.tclog -s 128  first 128 bytes, two interfaces\n"
		"  tcrec record -i eth0 -w full.tclog -s 0 -c 1000    whole packets (up to %d B), 1000 of them\n"
		"  tcrec record -i eth0 -w hour.tclog --duration 3600 one hour\n"
		"  tcrec record -i eth0 -w web.tclog tcp port 80      only what tcpdump's filter keeps\n"
		"  tcrec print eth0.tclog                             read it back\n"
		"  tcrec record -i eth0 -w - | tcpdump -n -r -        live, as pcapng on a pipe\n"
		"  tcrec record -i eth0 -w eth0.pcapng -F pcapng      straight to pcapng\n",
		TCREC_MAX_IFACES, SNAP_WHOLE, TCREC_SNAP_MAX, TCREC_TC_HANDLE, TCREC_TC_PRIO,
		TCREC_SNAP_MAX);
}

enum { OPT_DURATION = 256, OPT_ATTACH, OPT_RINGBUF, OPT_FLUSH_MS };

static const struct option long_opts[] = {
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "attach", required_argument, NULL, OPT_ATTACH },
	{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF },
	{ "flush-ms", required_argument, NULL, OPT_FLUSH_MS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* 0 = go on, 1 = --help shown, -1 = usage error printed */
static int parse_opts(int argc, char **argv, struct record_opts *o)
{
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:w:s:c:F:C:G:W:Z:qvh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (o->n_ifaces >= TCREC_MAX_IFACES) {
				usage_error(CMD, "-i %s: at most %d interfaces", optarg, TCREC_MAX_IFACES);
				return -1;
			}
			for (int i = 0; i < o->n_ifaces; i++)
				if (!strcmp(o->ifnames[i], optarg)) {
					usage_error(CMD, "-i %s: interface given twice", optarg);
					return -1;
				}
			o->ifnames[o->n_ifaces++] = optarg;
			break;
		case 'w':
			if (!*optarg) {
				usage_error(CMD, "-w: empty output file name");
				return -1;
			}
			o->out = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "tcrec") && strcmp(optarg, "pcapng") && strcmp(optarg, "pcap")) {
				usage_error(CMD, "-F '%s': expected tcrec, pcapng or pcap", optarg);
				return -1;
			}
			o->format = optarg;
			break;
		case 's':
			if (parse_u64(CMD, "-s", optarg, 0, SNAP_WHOLE, &v))
				return -1;
			o->snap_set = true;
			o->snaplen = v ? (uint32_t)v : SNAP_WHOLE;
			break;
		case 'c':
			if (parse_u64(CMD, "-c", optarg, 1, UINT64_MAX, &o->count))
				return -1;
			break;
		case OPT_DURATION:
			if (parse_seconds(CMD, "--duration", optarg, 0.001, 1e9, &o->duration))
				return -1;
			break;
		case OPT_ATTACH:
			if (!strcmp(optarg, "auto"))
				o->attach = ATTACH_AUTO;
			else if (!strcmp(optarg, "tcx"))
				o->attach = ATTACH_TCX;
			else if (!strcmp(optarg, "tc"))
				o->attach = ATTACH_TC;
			else {
				usage_error(CMD, "--attach '%s': expected auto, tcx or tc", optarg);
				return -1;
			}
			break;
		case OPT_RINGBUF:
			if (parse_u64(CMD, "--ringbuf-size", optarg, 4096, 1ull << 30, &v))
				return -1;
			if (v & (v - 1) || v % (uint64_t)sysconf(_SC_PAGESIZE)) {
				usage_error(CMD, "--ringbuf-size %s: must be a power of two and a multiple of "
					    "the page size", optarg);
				return -1;
			}
			o->ringbuf_size = v;
			break;
		case 'C':
		case 'G':
		case 'W':
		case 'Z':
		case OPT_FLUSH_MS:
			if (record_output_opt(c, optarg, o))
				return -1;
			break;
		case 'q':
			tcrec_quiet = true;
			break;
		case 'v':
			tcrec_verbose++;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			usage_error(CMD, "%s: needs a value", argv[optind - 1]);
			return -1;
		default:
			if (optopt)
				usage_error(CMD, "unknown option '-%c'", optopt);
			else
				usage_error(CMD, "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	/* what follows the options is a filter expression, as in tcpdump */
	if (optind < argc) {
		o->filter = filter_join(argc - optind, argv + optind);
		if (!o->filter) {
			pr_warn("out of memory");
			return -1;
		}
		/* an empty expression means no filter, as in tcpdump */
		if (!o->filter[strspn(o->filter, " \t\n")]) {
			free(o->filter);
			o->filter = NULL;
		}
	}
	if (!o->n_ifaces) {
		usage_error(CMD, "no interface: give one with -i IF");
		return -1;
	}
	if (!o->out) {
		usage_error(CMD, "no output file: give one with -w FILE");
		return -1;
	}
	if (!strcmp(o->out, "-") && o->format && !strcmp(o->format, "tcrec")) {
		usage_error(CMD, "-w -: standard output gets pcapng or pcap, not -F tcrec");
		return -1;
	}
	if (record_output_check(o))
		return -1;
	o->snap_eff = o->snaplen > TCREC_SNAP_MAX ? TCREC_SNAP_MAX : o->snaplen;
	if (o->snap_set && o->snaplen > TCREC_SNAP_MAX && o->snaplen != SNAP_WHOLE)
		pr_warn("-s %u: packets are captured up to %d bytes, the kernel side's cap", o->snaplen,
			TCREC_SNAP_MAX);
	return 0;
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

	hdr->start_ns = record_wall_ns();
	hdr->clock_offset_ns = clock_off;
	hdr->snaplen = o->snaplen;
	hdr->snap_cap = TCREC_SNAP_MAX;
	if (!uname(&u)) {
		/* utsname fields are 65 bytes, the header's 64: keep 63 + NUL */
		snprintf(hdr->host, sizeof(hdr->host), "%.*s", (int)sizeof(hdr->host) - 1, u.nodename);
		snprintf(hdr->kernel, sizeof(hdr->kernel), "%.*s", (int)sizeof(hdr->kernel) - 1,
			 u.release);
	}
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
	(void)o;
}

static int attach_all(struct tcrec_capture *skel, const struct tclog_header *hdr,
		      struct attach_set *hooks)
{
	int in = bpf_program__fd(skel->progs.tcrec_ingress);
	int out = bpf_program__fd(skel->progs.tcrec_egress);

	for (uint32_t i = 0; i < hdr->n_ifaces; i++) {
		const struct tclog_iface *ifc = &hdr->ifaces[i];
		int err = attach_hook(hooks, in, ifc->ifindex, ifc->name, TCREC_DIR_IN);

		if (!err)
			err = attach_hook(hooks, out, ifc->ifindex, ifc->name, TCREC_DIR_OUT);
		if (err) {
			attach_set_detach(hooks);
			return err;
		}
	}
	return 0;
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o;
	struct tclog_header *hdr = NULL;
	struct record_sink *sink = NULL;
	struct tcrec_capture *skel = NULL;
	struct attach_set *hooks = NULL;
	struct record_stats st = { 0 };
	struct tclog_final fin;
	char missing[64];
	int rc = EXIT_RUNTIME;

	struct cbpf_insn *fprog = NULL;
	size_t flen = 0;

	int p = parse_opts(argc, argv, &o);
	if (p) {
		free(o.filter);
		return p > 0 ? EXIT_OK : EXIT_USAGE;
	}
	/* A bad expression is a usage error, found before the kernel is touched. */
	if (o.filter) {
		char ferr[512];

		if (strlen(o.filter) >= TCLOG_FILTER_MAX) {
			usage_error(CMD, "filter expression longer than %d bytes", TCLOG_FILTER_MAX - 1);
			free(o.filter);
			return EXIT_USAGE;
		}
		if (filter_compile(o.filter, &fprog, &flen, ferr, sizeof(ferr))) {
			usage_error(CMD, "filter '%s': %s", o.filter, ferr);
			free(o.filter);
			return EXIT_USAGE;
		}
	}

	hdr = calloc(1, sizeof(*hdr));
	hooks = calloc(1, sizeof(*hooks));
	if (!hdr || !hooks) {
		pr_warn("out of memory");
		goto cleanup;
	}
	/* From here on a SIGINT must not kill us between attach and detach:
	 * the loop sees the flag as soon as it starts. */
	record_install_signals();
	rc = fill_ifaces(&o, hdr);
	if (rc)
		goto cleanup;
	rc = EXIT_RUNTIME;
	record_missing_caps(missing, sizeof(missing));
	if (missing[0]) {
		pr_warn("missing privileges: %s (recording needs CAP_BPF, CAP_NET_ADMIN and "
			"CAP_PERFMON, or root)", missing);
		goto cleanup;
	}
	record_libbpf_logging();
	fill_header(&o, record_clock_offset(), hdr);
	if (o.filter)
		snprintf(hdr->filter, sizeof(hdr->filter), "%s", o.filter);

	/* A typo in -w, a directory the -Z user cannot write or another
	 * recorder on the same output must not cost a program load. */
	if (record_output_prepare(&o))
		goto cleanup;
	/* The filter is part of the programs as loaded: no packet is ever
	 * recorded unfiltered. */
	char ferr[512];
	if (fprog && filter_load_begin(fprog, flen, ferr, sizeof(ferr))) {
		pr_warn("filter '%s': %s", o.filter, ferr);
		goto cleanup;
	}
	int lerr = record_bpf_load(&o, hdr, &skel);
	int frc = fprog ? filter_load_end(NULL, ferr, sizeof(ferr)) : 0;
	/* -ENODATA: no program reached the point where it gets the filter */
	if (frc && (frc != -ENODATA || !lerr)) {
		pr_warn("filter '%s': %s", o.filter, ferr);
		goto cleanup;
	}
	if (lerr)
		goto cleanup;
	if (fprog)
		pr_debug("filter '%s': %zu cBPF instructions, %zu eBPF", o.filter, flen,
			 filter_load_insn_cnt(fprog, flen));
	attach_set_init(hooks, o.attach);
	if (attach_all(skel, hdr, hooks))
		goto cleanup;
	if (o.run_as && attach_set_has_clsact(hooks)) {
		pr_warn("-Z %s: the hooks are clsact filters, which only a privileged process can "
			"remove at exit; use tcx hooks (kernel 6.6+, --attach tcx) or no -Z", o.run_as);
		goto cleanup;
	}
	/* The output only now that nothing else can fail: a failed start
	 * leaves no file behind. Packets wait in the ring buffer meanwhile. */
	sink = record_output_open(&o, hdr);
	if (!sink)
		goto cleanup;
	record_output_bind(sink, skel, hdr->n_ifaces);
	if (o.run_as && record_drop_privileges(o.run_as, sink)) {
		record_output_discard(sink);
		sink = NULL;
		goto cleanup;
	}
	pr_debug("recording %u interface(s) into %s, snaplen %u", hdr->n_ifaces, o.out, o.snap_eff);

	int err = record_drain(skel, sink, &o, hdr->clock_offset_ns, hooks, &st);
	int cerr = record_read_counters(skel, hdr->n_ifaces, &fin);
	if (cerr)
		pr_warn("reading the counters: %s", strerror(-cerr));
	uint64_t stored = 0;
	char last[PATH_MAX];
	snprintf(last, sizeof(last), "%s", sink->name ? sink->name(sink) : o.out);
	int werr = record_output_close(sink, cerr ? NULL : &fin, &stored);
	sink = NULL;
	if (werr && !err) {
		/* a file deleted under us was reported as such */
		if (werr != -ENOENT && werr != -ESTALE)
			pr_warn("%s: %s", last, strerror(-werr));
		err = werr;
	}
	/* what the output holds, not what was handed to it */
	st.written = stored;
	if (!cerr)
		print_summary(&o, hdr, &fin, &st);
	rc = err ? EXIT_RUNTIME : EXIT_OK;
	goto cleanup;

cleanup:
	attach_set_detach(hooks);
	free(fprog);
	free(o.filter);
	tcrec_capture__destroy(skel);
	record_output_discard(sink);
	free(hooks);
	free(hdr);
	return rc;
}
