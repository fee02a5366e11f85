/* SPDX-License-Identifier: MIT */
/* tcrec record's command line: help, options, their checks. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "logging.h"
#include "record_args.h"
#include "filter/filter.h"
#include "capture/attach.h"
#include "capture/metrics.h"
#include "capture/output_name.h"

#define CMD "record"
/* What tcpdump means by "the whole packet" (-s 0). */
#define SNAP_WHOLE 262144u

/* The help text spells these numbers out. */
_Static_assert(TCREC_MAX_IFACES == 1024 && TCREC_SNAP_MAX == 16384 && SNAP_WHOLE == 262144 &&
	       TCREC_TC_HANDLE == 0x7463 && TCREC_TC_PRIO == 29795, "record --help is out of date");

static const char record_help[] =
	"Usage: tcrec record -i IF|PATTERN|any [-i ...] -w FILE [-s N] [-c N]\n"
	"                    [-Q in|out|inout] [--follow] [--netns NAME|PATH|PID|all]\n"
	"                    [--container NAME [--host-side]] [--duration SEC]\n"
	"                    [--cgroup PATH] [--no-process]\n"
	"                    [--attach auto|tcx|tc] [--ringbuf-size BYTES] [-q] [-v]\n"
	"                    [-C MB] [-G SEC] [-W N] [--flush-ms MS] [-Z USER]\n"
	"                    [-F tcrec|pcapng|pcap] [--metrics ADDR:PORT]\n"
	"                    [--metrics-file PATH] [FILTER EXPRESSION]\n"
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
	"Interfaces that come and go are followed: -i any (every interface of the\n"
	"namespace) and shell patterns such as -i 'veth*' watch netlink, attach to a\n"
	"match as it appears (one line 'recording IF ...') and say when one goes away\n"
	"(its counters stay in the trailer); one that comes back is recorded again.\n"
	"An interface named exactly that goes away ends the recording with exit 1, as\n"
	"in tcpdump, unless --follow is given.\n"
	"\n"
	"Options:\n"
	"  -i IF              interface to record: a name, a shell pattern ('veth*',\n"
	"                     'cali*') or any; repeat for more (up to 1024 in one\n"
	"                     recording, gone ones included)\n"
	"  -Q DIR             in, out or inout: the hooks to record, as tcpdump -Q.\n"
	"                     Default inout, except on loopback interfaces: in only,\n"
	"                     since every lo packet crosses both hooks and tcpdump\n"
	"                     shows it once; -Q inout on lo records both copies\n"
	"  --follow           an -i NAME that goes away (or is not there yet) is\n"
	"                     waited for and recorded again when it comes back\n"
	"  --netns NS         record in network namespace NS: an `ip netns` name, a\n"
	"                     path (/run/netns/X, /proc/PID/ns/net) or a PID; repeat\n"
	"                     for more. --netns all: every namespace of the host,\n"
	"                     also ones created later. -i names and patterns are\n"
	"                     looked up in each; the log keeps each interface's\n"
	"                     namespace and shows NS/IF (needs Linux 6.2+ for more\n"
	"                     than one namespace at once)\n"
	"  --container C      record container C (name or id, through podman or\n"
	"                     docker) from inside its namespace (-i defaults to any);\n"
	"                     a restarted container is found again\n"
	"  --host-side        with --container: record the host side of the\n"
	"                     container's veth pairs instead (the pod-veth case)\n"
	"  --cgroup PATH      keep only the packets of sockets made by processes in\n"
	"                     cgroup v2 PATH (as in /proc/PID/cgroup) or below it,\n"
	"                     decided in the kernel; the others count as filtered\n"
	"  --no-process       do not tie packets to processes (see Processes)\n"
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
	"  -q                 no status line, no interface lines, no summary\n"
	"  -v                 say what is attached where, show libbpf's messages and,\n"
	"                     on a verifier rejection, the end of its log (-vv: libbpf\n"
	"                     debug)\n"
	"  --metrics A:P      serve Prometheus metrics on http://A:P/metrics (see\n"
	"                     Metrics)\n"
	"  --metrics-file F   write the same metrics to F every 10 s and at the end\n"
	"  -h, --help         this help\n"
	"\n"
	"Metrics:\n"
	"  --metrics listens only on the address given: :PORT is 127.0.0.1:PORT,\n"
	"  [::1]:PORT an IPv6 address, 0.0.0.0:PORT every IPv4 address (numeric\n"
	"  addresses only). A port in use is an error before recording starts. It\n"
	"  answers GET and HEAD on /metrics in Prometheus text format 0.0.4, 404\n"
	"  elsewhere, and keeps serving after -Z. Per interface and direction:\n"
	"  tcrec_packets_{seen,recorded,filtered,dropped}_total (the counters of the\n"
	"  summary; dropped = ring buffer full) and tcrec_bytes_recorded_total (wire\n"
	"  bytes); also tcrec_ringbuf_used_bytes, tcrec_packets_written_total,\n"
	"  tcrec_files_{written,rotated,deleted}_total, tcrec_disk_bytes,\n"
	"  tcrec_last_flush_timestamp_seconds, tcrec_start_time_seconds and\n"
	"  tcrec_build_info. Interfaces are labelled IF, or NS/IF when several\n"
	"  namespaces are recorded. Values are updated every 0.5 s. --metrics-file is\n"
	"  for node_exporter's textfile collector (name it *.prom): each write goes\n"
	"  to a new hidden file in the same directory, synced and renamed over F, so\n"
	"  a reader never sees part of one; the directory must be writable (by USER\n"
	"  with -Z).\n"
	"\n"
	"Processes:\n"
	"  Each packet of a local socket is tied to the socket's owner: pid, thread,\n"
	"  command, uid, cgroup and the container named in the cgroup path (podman,\n"
	"  docker, containerd, CRI-O, a Kubernetes pod). The owner is taken once per\n"
	"  socket, where it is made (socket(2), in the calling thread) or, for sockets\n"
	"  open before the recording, from the process holding it; the log keeps it\n"
	"  once per socket per chunk. Outgoing packets name their socket; incoming\n"
	"  TCP and UDP ones the socket they are delivered to. An accepted connection\n"
	"  carries its listening socket's owner. ICMP echo replies, SYN-ACKs and a\n"
	"  closing connection's last packets take the owner their flow had in the\n"
	"  same namespace. Not attributed: forwarded or bridged packets, ARP,\n"
	"  packets the kernel answers itself (ping replies, RSTs to closed ports),\n"
	"  replies to raw sockets other than ICMP echo, fragments after the first,\n"
	"  and packets of a socket before a process of it was seen. Needs cgroup v2\n"
	"  mounted; print, stats, export and diff show and select them (--pid,\n"
	"  --comm, --cgroup, --container).\n"
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
	"  tcrec record -i any -w all.tclog                   every interface, also\n"
	"                                                     ones created later\n"
	"  tcrec record -i 'veth*' -w pods.tclog              the veths as they come\n"
	"  tcrec record --netns blue -i eth0 -w blue.tclog    inside `ip netns` blue\n"
	"  tcrec record --netns all -i any -w host.tclog      every namespace\n"
	"  tcrec record --container web -w web.tclog          a container's interfaces\n"
	"  tcrec record --container web --host-side -w v.tclog\n"
	"                                                     its veth's host side\n"
	"  tcrec record -i lo -Q inout -w lo.tclog            both hooks of lo\n"
	"  tcrec record -i any --cgroup /system.slice/nginx.service -w web.tclog\n"
	"                                                     only nginx's packets\n"
	"  tcrec record -i eth0 -w e.tclog --metrics :9977    Prometheus scrapes it\n"
	"\n"
	"Exit status: 0 ok, 1 runtime error (interface, privileges, output), 2 usage.\n";

enum {
	OPT_DURATION = 256,
	OPT_ATTACH,
	OPT_RINGBUF,
	OPT_FLUSH_MS,
	OPT_FOLLOW,
	OPT_NETNS,
	OPT_CONTAINER,
	OPT_HOST_SIDE,
	OPT_CGROUP,
	OPT_NO_PROCESS,
	OPT_METRICS,
	OPT_METRICS_FILE,
};

static const struct option long_opts[] = {
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "attach", required_argument, NULL, OPT_ATTACH },
	{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF },
	{ "flush-ms", required_argument, NULL, OPT_FLUSH_MS },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "container", required_argument, NULL, OPT_CONTAINER },
	{ "host-side", no_argument, NULL, OPT_HOST_SIDE },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "no-process", no_argument, NULL, OPT_NO_PROCESS },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "metrics-file", required_argument, NULL, OPT_METRICS_FILE },
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

int record_parse_dirs(const char *cmd, const char *opt, const char *arg, unsigned *dirs)
{
	if (!strcmp(arg, "in"))
		*dirs = RECORD_DIR_IN;
	else if (!strcmp(arg, "out"))
		*dirs = RECORD_DIR_OUT;
	else if (!strcmp(arg, "inout"))
		*dirs = RECORD_DIR_IN | RECORD_DIR_OUT;
	else
		return usage_error(cmd, "%s '%s': expected in, out or inout", opt, arg);
	return 0;
}

/* -Q, --follow, --netns, --container, --host-side: which hooks of which
 * namespaces. 0 or EXIT_USAGE. */
static int parse_where_opt(int c, const char *arg, struct record_opts *o)
{
	switch (c) {
	case 'Q':
		return record_parse_dirs(CMD, "-Q", arg, &o->dirs);
	case OPT_FOLLOW:
		o->follow = true;
		return 0;
	case OPT_HOST_SIDE:
		o->host_side = true;
		return 0;
	case OPT_NETNS:
		if (!*arg)
			return usage_error(CMD, "--netns: empty namespace name");
		if (!strcmp(arg, "all")) {
			o->all_netns = true;
			return 0;
		}
		if (o->n_netns >= RECORD_MAX_NS_SPECS)
			return usage_error(CMD, "--netns %s: at most %d", arg, RECORD_MAX_NS_SPECS);
		o->netns[o->n_netns++] = arg;
		return 0;
	default: /* --container */
		if (!*arg)
			return usage_error(CMD, "--container: empty container name");
		if (o->n_containers >= RECORD_MAX_NS_SPECS)
			return usage_error(CMD, "--container %s: at most %d", arg, RECORD_MAX_NS_SPECS);
		o->containers[o->n_containers++] = arg;
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

/* --metrics, --metrics-file. 0 or EXIT_USAGE. */
static int parse_metrics_opt(int c, const char *arg, struct record_opts *o)
{
	char why[160];

	if (c == OPT_METRICS_FILE) {
		if (!*arg)
			return usage_error(CMD, "--metrics-file: empty file name");
		o->metrics_file = arg;
		return 0;
	}
	if (metrics_addr_check(arg, why, sizeof(why)))
		return usage_error(CMD, "--metrics %s: %s", arg, why);
	o->metrics_addr = arg;
	return 0;
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

/* Whether interfaces may be attached after the start. */
static bool follows(const struct record_opts *o)
{
	if (o->follow || o->all_netns || o->n_containers)
		return true;
	for (int i = 0; i < o->n_ifaces; i++)
		if (!strcmp(o->ifnames[i], "any") || strpbrk(o->ifnames[i], "*?["))
			return true;
	return false;
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
	if (o->host_side && !o->n_containers)
		return usage_error(CMD, "--host-side: needs --container NAME");
	if (o->cgroup && o->no_process)
		return usage_error(CMD, "--cgroup %s: selects by process, which --no-process turns "
				   "off", o->cgroup);
	if (o->host_side && (o->n_netns || o->all_netns))
		return usage_error(CMD, "--host-side: records the host's side of a container's "
				   "veth, not a --netns");
	if (o->run_as && follows(o))
		return usage_error(CMD, "-Z %s: interfaces that appear later are attached with "
				   "CAP_BPF and CAP_NET_ADMIN, which -Z gives up; name the interfaces "
				   "with -i, without --follow, --netns all or --container", o->run_as);
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
	case 'Q': case OPT_FOLLOW: case OPT_NETNS: case OPT_CONTAINER: case OPT_HOST_SIDE:
		return parse_where_opt(c, optarg, o);
	case 'C': case 'G': case 'W': case 'Z': case OPT_FLUSH_MS:
		return parse_output_opt(c, optarg, o);
	case OPT_CGROUP:
		if (!*optarg)
			return usage_error(CMD, "--cgroup: empty cgroup path");
		o->cgroup = optarg;
		return 0;
	case OPT_NO_PROCESS:
		o->no_process = true;
		return 0;
	case OPT_METRICS: case OPT_METRICS_FILE:
		return parse_metrics_opt(c, optarg, o);
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

int record_parse_args(int argc, char **argv, struct record_opts *o)
{
	bool format_set = false;
	int c, rc;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = cli_next_option(CMD, argc, argv, "i:w:s:c:F:C:G:W:Z:Q:qvh", long_opts)) != -1) {
		rc = parse_one(c, o, &format_set);
		if (rc || c == 'h')
			return rc;
	}
	if ((rc = take_filter(argc, argv, o)))
		return rc;
	if (!o->n_ifaces && !o->n_containers)
		return usage_error(CMD, "no interface: give one with -i IF (or -i any)");
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

