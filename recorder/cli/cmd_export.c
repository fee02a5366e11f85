/* SPDX-License-Identifier: MIT */
/* tcrec export: logs to pcapng, pcap or zstd-compressed pcapng. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "cli_iface.h"
#include "cli_proc.h"
#include "cli_progress.h"
#include "cli_time.h"
#include "export_tclog.h"
#include "logging.h"
#include "formats/export_writer.h"
#include "read/iface_select.h"
#include "read/log_input.h"
#include "read/proc_select.h"
#include "filter/read_filter.h"

static const char *const export_help =
	"Usage: tcrec export LOG... -o OUT [--since T] [--until T]\n"
	"                    [--interface NS/IF]... [--pid N] [--comm NAME]\n"
	"                    [--cgroup PATH] [--container ID] [--strict] [-q] [FILTER]\n"
	"\n"
	"Writes the packets of one or more logs, merged by time, to OUT:\n"
	"  OUT.pcapng      pcapng: one interface block per (host, network namespace,\n"
	"                  interface), direction and ring-buffer drop count per packet,\n"
	"                  interface statistics\n"
	"  OUT.pcap        classic pcap with nanosecond timestamps\n"
	"  OUT.pcapng.zst  zstd-compressed pcapng (Wireshark/tshark 4.0 open it as is)\n"
	"  -               pcapng on standard output\n"
	"LOG is a log file or a directory of rotated log files. FILTER is a tcpdump\n"
	"filter expression (libpcap syntax): only packets it accepts are written.\n"
	"The LOG arguments are the leading ones that exist on disk. On metadata-only\n"
	"records the filter sees the synthesized headers: header fields match as on\n"
	"the wire; an expression that reads payload, options or checksums there gets\n"
	"a warning, as in tcrec print (see tcrec print --help).\n"
	"\n"
	"Records captured with -s carry their bytes and are written unchanged.\n"
	"Metadata-only records become packets with synthesized Ethernet, VLAN,\n"
	"IPv4/IPv6 and TCP/UDP/ICMP headers that give Wireshark the recorded\n"
	"addresses, ports, IP ID, TTL, lengths, TCP seq/ack/flags/window; the\n"
	"payload is absent (captured length < length on the wire) and each such\n"
	"packet carries the comment \"tcrec: synthesized headers\".\n"
	"\n"
	"Two eth0 of two namespaces are two interface blocks. When the logs hold\n"
	"more than one namespace an interface's name (if_name) is NS/IF, NS being\n"
	"the container, the `ip netns` name or ns<inode>; its description says\n"
	"\"eth0 on HOST, netns blue (inode N), container web\" as far as known.\n"
	"\n"
	"A packet of a local socket carries its owner in pcapng as a packet comment,\n"
	"as ptcpdump writes it: \"pid=N tid=N comm=NAME uid=N cgroup=PATH container=ID\"\n"
	"(what is not known is left out; bytes outside printable ASCII become '?'),\n"
	"so that Wireshark filters frame.comment contains \"comm=curl\". A pcap file\n"
	"has no place for it.\n"
	"\n"
	"Options:\n"
	"  -o, --output OUT  file to write (format from its extension)\n"
	"  -F tcrec          write a tcrec log instead (bytes kept as captured)\n"
	"  --since T         first time to include\n"
	"  --until T         time to stop at (excluded)\n"
	"                    T is RFC 3339 (2026-11-22T01:43:54Z, ...+01:00) or an\n"
	"                    offset from the start of the recording: +30s, +250ms,\n"
	"                    +5m, +2h\n"
	"                    Chunks of the log outside [since, until) are not\n"
	"                    decompressed.\n"
	"  --interface NS/IF only interface IF of namespace NS (container, `ip netns`\n"
	"                    name, ns<inode> or inode number); IF alone: that name\n"
	"                    in any namespace. Shell globs allowed; repeatable. Only\n"
	"                    the interfaces taken get a block. One that names no\n"
	"                    interface of the logs: a warning (exit 0)\n"
	"  --pid N           only packets of sockets of process N (thread group id, as\n"
	"                    the host sees it); repeat for more\n"
	"  --comm NAME       only packets of sockets of processes named NAME (comm, at\n"
	"                    most 15 characters); a shell glob ('curl*') works\n"
	"  --cgroup PATH     only packets of sockets in cgroup v2 PATH or below it\n"
	"  --container ID    only packets of sockets in the container whose id starts\n"
	"                    with ID (podman, docker, containerd; pod<UID> for pods)\n"
	"  --strict          stop at the first damaged chunk or unreadable file\n"
	"  -q, --quiet       no progress line, no summary\n"
	"  --progress        a progress line on stderr (percent read, packets/s, time\n"
	"                    left) also when stderr is not a terminal, with -o - or\n"
	"                    -q (by default only on a terminal, OUT not -)\n"
	"  --no-progress     no progress line, even on a terminal\n"
	"  -h, --help        this help\n"
	"\n"
	"Damaged logs:\n"
	"Damaged chunks in a log are stepped over with one warning per damaged\n"
	"region (file, offset, records lost); among several files, one that is not a\n"
	"readable log (empty, a README, a torn header) is skipped with one warning.\n"
	"OUT then holds every packet that could be read, and the exit status is 1.\n"
	"With --strict, export stops at the first damage: OUT keeps the packets\n"
	"before it (exit 1). OUT is removed only when writing it failed.\n"
	"\n"
	"Interface statistics:\n"
	"Interface statistics (pcapng) are the recorder's counters for the whole\n"
	"recording: packets seen, accepted by the filter, delivered, ring-buffer drops.\n"
	"They are written when every log was closed cleanly (has its trailer) and no\n"
	"--since/--until cuts the recording. Each packet still carries the drops\n"
	"that happened just before it (epb_dropcount).\n"
	"\n"
	CLI_PROC_HELP_SECTION
	"\n"
	"Examples:\n"
	"  tcrec export capture.tclog -o capture.pcapng\n"
	"  tcrec export /var/log/tcrec/ -o slice.pcap \\\n"
	"        --since 2026-11-22T01:40:00Z --until +10m\n"
	"  tcrec export hostA.tclog hostB.tclog -o both.pcapng.zst\n"
	"  tcrec export capture.tclog -o web.pcapng tcp port 443 and host 10.0.0.1\n"
	"  tcrec export capture.tclog -o - | tshark -r - -Y tcp.analysis.retransmission\n"
	"  tcrec export node.tclog --interface 'web/eth0' -o web.pcapng\n"
	"  tcrec export node.tclog --comm curl -o curl.pcapng\n"
	"  tcrec export n.tclog -o - | tshark -r - -Y 'frame.comment contains \"comm=nc\"'\n"
	"\n"
	"Exit status: 0 ok, 1 unreadable or damaged log or OUT not written, 2 usage.\n";

/* Interface blocks keyed by (host, namespace, interface): rotated files of
 * one recording share them, two hosts or namespaces get their own. */
struct idb {
	const char *host;
	const struct tclog_header *hdr; /* a header that lists it */
	const struct tclog_iface *ifc;
	uint32_t snaplen;
	struct pcapng_if_stats st;
	int have_final;   /* every file of this interface had trailer counters */
	uint64_t last_ns; /* last packet exported on it */
};

struct export_ctx {
	struct idb *idbs;
	size_t n_idbs;
	int (*file_map)[TCREC_MAX_IFACES]; /* [file][slot] -> idb index, -1 none yet */
};

static int find_idb(const struct export_ctx *x, const char *host, const struct tclog_iface *ifc)
{
	for (size_t i = 0; i < x->n_idbs; i++)
		if (!strcmp(x->idbs[i].host, host) && !strcmp(x->idbs[i].ifc->name, ifc->name) &&
		    x->idbs[i].ifc->ifindex == ifc->ifindex && x->idbs[i].ifc->netns_ino == ifc->netns_ino)
			return (int)i;
	return -1;
}

/* The IDB of (file, slot), found or made. Before OUT is open (w NULL) the
 * IDBs are only listed, to be written together; an interface met later (one
 * added during the recording) gets its IDB written at once. >= 0, or -1
 * when writing it failed. */
static int map_slot(struct export_ctx *x, struct export_writer *w, struct log_input *in,
		    size_t f, uint32_t s)
{
	if (x->file_map[f][s] >= 0)
		return x->file_map[f][s];
	const struct tclog_header *h = log_input_file(in, f)->hdr;
	const struct tclog_iface *ifc = &h->ifaces[s];
	int id = find_idb(x, h->host, ifc);
	if (id < 0) {
		id = (int)x->n_idbs++;
		x->idbs[id] = (struct idb){ .host = h->host, .hdr = h, .ifc = ifc,
					    .st.start_ns = h->start_ns, .have_final = 1,
					    .snaplen = export_snaplen(h) };
		if (w) {
			export_writer_set_ns_names(w, log_input_several_ns(in));
			if (export_writer_add_iface(w, h, ifc, x->idbs[id].snaplen) < 0)
				return -1;
		}
	}
	struct idb *b = &x->idbs[id];
	if (!w && export_snaplen(h) > b->snaplen)
		b->snaplen = export_snaplen(h);
	if (h->start_ns && (!b->st.start_ns || h->start_ns < b->st.start_ns))
		b->st.start_ns = h->start_ns;
	x->file_map[f][s] = id;
	return id;
}

/* Maps the interfaces the headers list (and the selection takes) to IDBs
 * before any packet is written, so that their blocks come first. */
static int build_idbs(struct export_ctx *x, struct log_input *in)
{
	size_t nf = log_input_nfiles(in);
	x->file_map = malloc((nf ? nf : 1) * sizeof(*x->file_map));
	x->idbs = calloc((nf ? nf : 1) * TCREC_MAX_IFACES, sizeof(*x->idbs));
	if (!x->file_map || !x->idbs)
		return -ENOMEM;
	memset(x->file_map, 0xff, (nf ? nf : 1) * sizeof(*x->file_map)); /* -1: none yet */
	for (size_t f = 0; f < nf; f++) {
		const struct tclog_header *h = log_input_file(in, f)->hdr;
		uint32_t n = h->n_ifaces < TCREC_MAX_IFACES ? h->n_ifaces : TCREC_MAX_IFACES;
		for (uint32_t s = 0; s < n; s++)
			if (log_input_selected(in, f, s))
				map_slot(x, NULL, in, f, s);
	}
	return 0;
}

/* Trailer counters of every file (known once it was read to its end), for
 * the interfaces taken, also those that came during the recording and had
 * no packet to export (their IDB is written now). -1 when that failed. */
static int add_finals(struct export_ctx *x, struct export_writer *w, struct log_input *in)
{
	for (size_t f = 0; f < log_input_nfiles(in); f++) {
		const struct log_input_file *lf = log_input_file(in, f);
		uint32_t n = lf->hdr->n_ifaces < TCREC_MAX_IFACES ? lf->hdr->n_ifaces : TCREC_MAX_IFACES;
		for (uint32_t s = 0; s < n; s++) {
			if (!log_input_selected(in, f, s))
				continue;
			int id = map_slot(x, w, in, f, s);
			if (id < 0)
				return -1;
			struct idb *b = &x->idbs[id];
			if (!lf->final) {
				b->have_final = 0;
				continue;
			}
			export_stats_add(&b->st, lf->final->c[s]);
		}
	}
	return 0;
}

static void section_info(struct log_input *in, char *hosts, size_t len, struct pcapng_section *shb)
{
	size_t off = 0;
	hosts[0] = 0;
	for (size_t f = 0; f < log_input_nfiles(in); f++) {
		const char *h = log_input_file(in, f)->hdr->host;
		int seen = 0;
		for (size_t g = 0; g < f && !seen; g++)
			seen = !strcmp(log_input_file(in, g)->hdr->host, h);
		if (seen || !*h || off + strlen(h) + 3 >= len)
			continue;
		off += (size_t)snprintf(hosts + off, len - off, "%s%s", off ? ", " : "", h);
	}
	shb->hardware = hosts;
	shb->os = log_input_nfiles(in) ? log_input_file(in, 0)->hdr->kernel : NULL;
	shb->userappl = "tcrec " TCREC_VERSION;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct export_opts {
	const char *out;
	const char *format; /* -F: NULL = from the extension */
	const char *since, *until;
	char **logs;
	size_t n_logs;
	struct read_filter *filter; /* NULL = none */
	struct iface_select *sel;   /* --interface */
	struct proc_select *proc;   /* --pid, --comm, --cgroup, --container */
	int strict;
	enum cli_progress_mode progress; /* --progress, --no-progress */
};

/* On a terminal, unless OUT is stdout (what reads it often prints there) or
 * -q asks for quiet. */
static bool progress_on(const struct export_opts *o)
{
	if (o->progress == CLI_PROGRESS_AUTO && tcrec_quiet)
		return false;
	return cli_progress_wanted(o->progress, !strcmp(o->out, "-"));
}

static int parse_args(int argc, char **argv, struct export_opts *o)
{
	enum { OPT_SINCE = 256, OPT_UNTIL, OPT_STRICT, OPT_IFACE };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "interface", required_argument, NULL, OPT_IFACE },
		CLI_PROC_LONGOPTS,
		CLI_PROGRESS_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	optind = 1;
	while ((c = cli_next_option("export", argc, argv, "o:F:qh", longopts)) != -1) {
		int p = cli_proc_option("export", c, optarg, &o->proc);
		if (p < 0)
			return EXIT_USAGE;
		if (p || cli_progress_option(c, &o->progress))
			continue;
		switch (c) {
		case 'o':
			o->out = optarg;
			break;
		case 'F':
			o->format = optarg;
			break;
		case OPT_SINCE:
			o->since = optarg;
			break;
		case OPT_UNTIL:
			o->until = optarg;
			break;
		case OPT_STRICT:
			o->strict = 1;
			break;
		case OPT_IFACE:
			if (cli_add_interface("export", &o->sel, optarg))
				return EXIT_USAGE;
			break;
		case 'q':
			tcrec_quiet = true;
			break;
		case 'h':
			fputs(export_help, stdout);
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc && !o->out)
		return usage_error("export", "no output given (-o OUT.pcapng|OUT.pcap|OUT.pcapng.zst)");
	return cli_take_inputs("export", argv + optind, (size_t)(argc - optind), &o->logs, &o->n_logs,
			       &o->filter);
}

static int write_all(struct export_writer *w, struct export_ctx *x, struct log_input *in,
		     const struct export_opts *o, struct cli_progress *pg, uint64_t *n)
{
	char err[512];
	struct log_packet pkt;
	const char *out = o->out;
	int rc, warned = 0;
	*n = 0;
	while ((rc = log_input_next(in, &pkt, err, sizeof(err))) == 1) {
		cli_progress_packet(pg);
		if (!read_filter_accepts(o->filter, &pkt))
			continue;
		int id;
		size_t slot = pkt.iface ? (size_t)(pkt.iface - pkt.hdr->ifaces) : TCREC_MAX_IFACES;
		if (slot < TCREC_MAX_IFACES) {
			id = map_slot(x, w, in, pkt.file, (uint32_t)slot);
			if (id < 0) {
				pr_warn("%s: cannot write interface block", out);
				return -EIO;
			}
		} else {
			/* No interface of that ifindex in the header: put it under the first one
			 * rather than lose the packet. */
			if (!warned++)
				pr_warn("warning: %s: packet on ifindex %u, not in the header's interfaces",
					log_input_file(in, pkt.file)->path, pkt.rec->ifindex);
			if (!pkt.hdr->n_ifaces) {
				pr_warn("%s: no interfaces in the header", log_input_file(in, pkt.file)->path);
				return -EINVAL;
			}
			id = map_slot(x, w, in, pkt.file, 0);
			if (id < 0) {
				pr_warn("%s: cannot write interface block", out);
				return -EIO;
			}
		}
		int e = export_writer_packet_sock(w, (uint32_t)id, pkt.rec, pkt.bytes, pkt.sock);
		if (e) {
			pr_warn("%s: %s", out, strerror(-e));
			return e;
		}
		x->idbs[id].last_ns = pkt.rec->ts_ns;
		(*n)++;
	}
	if (rc < 0) {
		pr_warn("%s", err);
		return 1; /* the input stopped; what was written stays good */
	}
	return 0;
}

/* OUT opened with its section and interface blocks; NULL after a message
 * (and with OUT removed if it was created). */
static struct export_writer *open_writer(const struct export_ctx *x, struct log_input *in,
					 const struct export_opts *o, enum export_format fmt)
{
	uint32_t pcap_snap = 0;
	for (size_t i = 0; i < x->n_idbs; i++)
		if (x->idbs[i].snaplen > pcap_snap)
			pcap_snap = x->idbs[i].snaplen;
	char hosts[256];
	struct pcapng_section shb;
	section_info(in, hosts, sizeof(hosts), &shb);
	struct export_writer *w = export_writer_open(o->out, fmt, &shb, pcap_snap);
	if (!w) {
		pr_warn("%s: %s", o->out, strerror(errno));
		return NULL;
	}
	export_writer_set_filter(w, read_filter_expr(o->filter));
	export_writer_set_ns_names(w, log_input_several_ns(in));
	for (size_t i = 0; i < x->n_idbs; i++) {
		if (export_writer_add_iface(w, x->idbs[i].hdr, x->idbs[i].ifc, x->idbs[i].snaplen) < 0) {
			pr_warn("%s: cannot write interface block", o->out);
			export_writer_close(w);
			if (strcmp(o->out, "-"))
				unlink(o->out); /* a half-written export is worse than none */
			return NULL;
		}
	}
	return w;
}

/* The counters cover whole recordings: they would misdescribe a slice,
 * or a recording whose damaged chunks were left out. */
static void write_stats(struct export_writer *w, struct export_ctx *x)
{
	for (size_t i = 0; i < x->n_idbs; i++) {
		struct idb *b = &x->idbs[i];
		if (!b->have_final)
			continue;
		b->st.end_ns = b->last_ns ? b->last_ns : b->st.start_ns;
		b->st.ts_ns = b->st.end_ns;
		if (export_writer_stats(w, (uint32_t)i, &b->st))
			break;
	}
}

/* Writes every packet of in to OUT; the exit status. */
static int export_to(const struct export_opts *o, enum export_format fmt, struct log_input *in,
		     uint64_t t0)
{
	struct export_ctx x = { 0 };
	struct export_writer *w = NULL;
	int opened = 0;
	uint64_t n = 0;
	int status = EXIT_RUNTIME;
	if (build_idbs(&x, in)) {
		pr_warn("out of memory");
		goto out;
	}
	w = open_writer(&x, in, o, fmt);
	if (!w)
		goto out;
	opened = 1;
	struct cli_progress pg;
	cli_progress_begin(&pg, progress_on(o), "tcrec export", in);
	int input_stopped = write_all(w, &x, in, o, &pg, &n);
	cli_progress_end(&pg);
	if (input_stopped < 0)
		goto out;
	int damaged = input_stopped || log_input_problems(in);
	if (add_finals(&x, w, in) < 0) {
		pr_warn("%s: cannot write interface block", o->out);
		goto out;
	}
	if (!o->since && !o->until && !damaged)
		write_stats(w, &x);
	int e = export_writer_close(w);
	w = NULL;
	if (e) {
		pr_warn("%s: %s", o->out, strerror(-e));
		goto out;
	}
	double secs = (double)(now_ns() - t0) / 1e9;
	if (!tcrec_quiet)
		fprintf(stderr, "%llu packets written to %s (%llu chunks decompressed, %.0f packets/s)\n",
			(unsigned long long)n, o->out, (unsigned long long)log_input_chunks_decompressed(in),
			secs > 0 ? (double)n / secs : 0.0);
	status = damaged ? EXIT_RUNTIME : EXIT_OK;
	opened = 0; /* complete as far as the input allowed: keep it */
out:
	export_writer_close(w);
	if (status != EXIT_OK && opened && strcmp(o->out, "-"))
		unlink(o->out); /* a half-written export is worse than none */
	free(x.idbs);
	free(x.file_map);
	return status;
}

static int export_run(const struct export_opts *o)
{
	enum export_format fmt = 0;
	bool tclog = o->format && !strcmp(o->format, "tcrec");
	if (o->format && !tclog && strcmp(o->format, "pcapng") && strcmp(o->format, "pcap"))
		return usage_error("export", "-F %s: unknown format (tcrec, pcapng or pcap)", o->format);
	if (!tclog && export_format_from_path(o->out, &fmt))
		return usage_error("export", "%s: unknown output format (name it .pcapng, .pcap or .pcapng.zst)",
				   o->out);
	uint64_t t0 = now_ns();
	struct log_input *in = cli_open_logs(o->logs, o->n_logs, o->strict);
	if (!in)
		return EXIT_RUNTIME;
	log_input_set_select(in, o->sel);
	log_input_set_proc(in, o->proc);
	int status = cli_time_range("export", in, o->since, o->until);
	if (!status)
		status = tclog ? export_tclog(in, o->filter, o->out, progress_on(o)) : export_to(o, fmt, in, t0);
	iface_select_warn_unmatched(o->sel, in);
	log_input_close(in);
	return status;
}

int cmd_export(int argc, char **argv)
{
	struct export_opts o = { 0 };
	int rc = parse_args(argc, argv, &o);
	if (rc == CLI_RUN)
		rc = export_run(&o);
	read_filter_close(o.filter);
	iface_select_free(o.sel);
	proc_select_free(o.proc);
	return rc;
}
