/* SPDX-License-Identifier: MIT */
/* tcrec print: a log one line per packet, like tcpdump -r. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "cli_iface.h"
#include "cli_proc.h"
#include "cli_time.h"
#include "logging.h"
#include "read/iface_name.h"
#include "read/iface_select.h"
#include "read/json_out.h"
#include "read/log_input.h"
#include "read/packet_dump.h"
#include "read/packet_text.h"
#include "read/proc_select.h"
#include "read/sock_label.h"
#include "filter/read_filter.h"

static const char print_help[] =
	"Usage: tcrec print CAPTURE... [--json] [-e] [--nano] [-c COUNT] [--since T]\n"
	"                   [--until T] [--interface NS/IF]... [--no-process] [--pid N]\n"
	"                   [--comm NAME] [--cgroup PATH] [--container ID] [--strict]\n"
	"                   [-x|-xx|-X|-XX|-A] [-t|-tt|-ttt|-tttt|-ttttt] [-v] [-q]\n"
	"                   [-n] [-S] [-r CAPTURE] [FILTER]\n"
	"       tcrec -r CAPTURE... [FILTER]\n"
	"\n"
	"Print the packets of tcrec logs or captures, one line per packet, in the\n"
	"words of `tcpdump -nn -S -tttt` (sequence numbers are absolute). CAPTURE is\n"
	"a tcrec log, a directory of rotated logs, a pcap, pcapng or .pcapng.zst\n"
	"file, or - (standard input); the format is told by its first bytes.\n"
	"Several CAPTUREs are merged by time. A capture with neither interface names\n"
	"nor directions prints as tcpdump -r prints it (time, then the summary).\n"
	"Each line: date and time (local), interface, In/Out, then the protocol\n"
	"summary. What a record does not hold is not printed: TCP options and\n"
	"payload decoding need captured bytes (record with -s). When the logs hold\n"
	"interfaces of more than one network namespace, the interface reads NS/IF\n"
	"(blue/eth0), NS being the container, the `ip netns` name or ns<inode>.\n"
	"A packet of a local socket ends with its owner, [comm:pid] (see Processes).\n"
	"\n"
	"FILTER is a tcpdump filter expression, compiled by libpcap as tcpdump does.\n"
	"It runs on the captured bytes when the record has some, else on the headers\n"
	"rebuilt from the record (as `tcrec export` writes them): filters on\n"
	"addresses, ports, protocols, lengths, IDs, TTLs, VLANs and TCP flags select\n"
	"exactly as tcpdump does on the original packets. Expressions that read\n"
	"bytes a metadata-only record does not keep (payload such as tcp[20:4] or\n"
	"udp[8], IP/TCP options, checksums, ARP bodies) can select differently:\n"
	"tcrec says so once on stderr when a filter reads such bytes of a\n"
	"metadata-only record. The CAPTURE arguments are the leading ones that exist\n"
	"on disk; FILTER starts at the first that does not.\n"
	"\n"
	"Options:\n"
	"  --json          one JSON object per packet (JSON Lines) with every record\n"
	"                  field: time, ts_ns, ifindex, ifname, dir, wire_len, cap_len,\n"
	"                  ethertype, vlan[], smac, dmac, src, dst, ip_proto, ip_id,\n"
	"                  ttl, tos, ip_len, ip_hlen, frag_off, sport, dport, tcp_seq,\n"
	"                  tcp_ack, tcp_flags, tcp_hlen, tcp_win, udp_len, icmp_type,\n"
	"                  icmp_code, icmp_id, icmp_seq, mark, drops, flags, and bytes\n"
	"                  (hex) when the record carries packet bytes. ifindex is the\n"
	"                  interface's own; netns (NS) and netns_ino follow ifname\n"
	"                  when the log knows the namespace (recorded by tcrec 2+),\n"
	"                  even with one namespace. A packet of a local socket adds\n"
	"                  pid, tid, comm, uid, cgroup, container and sock_cookie,\n"
	"                  each when known\n"
	"  -r CAPTURE      read CAPTURE, as a CAPTURE argument (tcpdump habit); the\n"
	"                  words after the options are more CAPTUREs while they\n"
	"                  exist, then FILTER\n"
	"  -x, -xx         after each line, the captured bytes in hex as tcpdump\n"
	"                  prints them (\"\\t0x0000:  4500 0054 ...\"); -x leaves out the\n"
	"                  link header (Ethernet and its VLAN tags), -xx keeps it\n"
	"  -X, -XX         the same, with the bytes as ASCII on the right\n"
	"  -A, -AA         the bytes as text, unprintable ones as '.' (-AA: with the\n"
	"                  link header)\n"
	"  -t              no time on the lines\n"
	"  -tt             seconds since the epoch (1700000000.123456)\n"
	"  -ttt            time since the previous packet printed ( 00:00:00.001234)\n"
	"  -tttt           date and local time: print's default\n"
	"  -ttttt          time since the first packet printed\n"
	"  -e              print MAC addresses, ethertypes and frame length (tcpdump -e)\n"
	"  --nano          nanosecond timestamps (default: microseconds, as tcpdump)\n"
	"  -c COUNT        stop after COUNT packets\n"
	"  --since T       first time to print: RFC 3339 (2026-11-22T01:40:00Z) or an\n"
	"                  offset from the start of the recording (+30s, +5m, +1h)\n"
	"  --until T       time to stop at (excluded), same forms. Chunks of the log\n"
	"                  outside [since, until) are not even decompressed\n"
	"  --interface NS/IF\n"
	"                  only packets of interface IF of namespace NS (container,\n"
	"                  `ip netns` name, ns<inode> or the inode number); IF alone:\n"
	"                  that name in any namespace. Both may be shell globs\n"
	"                  ('veth*', 'web*/eth0'). Repeat for more. One that names no\n"
	"                  interface of the logs selects nothing, with a warning on\n"
	"                  stderr (exit 0, as a filter that matches nothing)\n"
	"  --no-process    leave out the [comm:pid] of each line\n"
	CLI_PROC_HELP_OPTIONS
	"  --strict        stop at the first damaged chunk or unreadable file (see below)\n"
	"  -v, -vv, -vvv   more protocol fields, as tcpdump -v adds them; -v also says\n"
	"                  on stderr how many chunks were decompressed\n"
	"  -q              less protocol information, as tcpdump -q\n"
	"  -n, -nn         accepted for tcpdump habits (addresses and ports are never\n"
	"                  resolved)\n"
	"  -S              accepted for tcpdump habits (sequence numbers are always\n"
	"                  absolute)\n"
	"  -h, --help      this help\n"
	"\n"
	"Damaged logs:\n"
	"A file whose recorder was killed (no trailer, torn last chunk) is read up to\n"
	"its last complete chunk with a warning on stderr (exit 0). Damage costs only\n"
	"the damaged chunks: one warning per damaged region names the file, offset and\n"
	"records lost, printing goes on at the next valid chunk, and the exit status\n"
	"is 1. Among several files (a directory of rotated logs), one that is not a\n"
	"readable log (empty, a README, a torn header) is skipped with one warning,\n"
	"the rest are printed, exit 1. With --strict, printing stops at the first\n"
	"damage or unreadable file and the error names the file and offset (exit 1).\n"
	"\n"
	CLI_PROC_HELP_SECTION
	"\n"
	"Differences from tcpdump:\n"
	"The flags mean what they mean to `tcpdump -nn -S -r`, and print's lines and\n"
	"dumps are tcpdump's where the log holds what tcpdump reads. Without a -t\n"
	"flag the time reads as -tttt (tcpdump: HH:MM:SS.us). A log's lines carry\n"
	"the interface and In/Out after the time, as tcpdump -i any prints them.\n"
	"A record made without -s (metadata only, the default) holds no packet\n"
	"bytes: -x, -X and -A print no dump for it (tcrec says so once on stderr;\n"
	"the headers `tcrec export` rebuilds are not the packet's bytes), and the\n"
	"line leaves out what only the bytes tell: TCP options, the urgent pointer,\n"
	"IPv6 extension header names, payload decoding (DNS, HTTP, ...) and, with\n"
	"-v, checksums. With -s N the dump shows the N bytes kept, as tcpdump shows\n"
	"a capture made with -s N.\n"
	"\n"
	"Examples:\n"
	"  tcrec print /var/log/tcrec/eth0.tclog\n"
	"  tcrec -r /var/log/tcrec/              # every rotated file, in time order\n"
	"  tcrec print a.tclog b.tclog -c 20     # two vantage points merged by time\n"
	"  tcrec print /var/log/tcrec/ --since 2026-11-22T01:40:00Z --until +2h\n"
	"  tcrec print cap.tclog 'tcp[tcpflags] & tcp-syn != 0 and port 443'\n"
	"  tcrec print cap.tclog --json | jq 'select(.dport == 443)'\n"
	"  tcrec print -r cap.tclog -XX -c 5 'udp port 53'   # bytes in hex and ASCII\n"
	"  tcrec print cap.tclog -ttt 'host 10.0.0.1'       # time between packets\n"
	"  tcrec print cap.tclog --interface web/eth0 --interface 'blue/veth*'\n"
	"  tcrec print cap.tclog --comm curl --comm 'python*' 'tcp port 443'\n"
	"\n"
	"Exit status: 0 ok, 1 unreadable or damaged log, 2 bad usage.\n";

struct print_opts {
	bool json;
	struct packet_text_opts text;
	struct packet_dump_opts dump;
	uint64_t count; /* 0 = all */
	struct read_filter *filter; /* NULL = every packet */
	struct iface_select *sel;   /* --interface */
	struct proc_select *proc;   /* --pid, --comm, --cgroup, --container */
	bool no_process;
	const char *since, *until;
	bool strict;
	char **logs;
	size_t n_logs;
	char **read_files; /* -r FILE... (logs holds them first when given) */
	size_t n_read;
	bool logs_owned;
};

static void put_json(const struct log_packet *pkt)
{
	char ns[IFACE_NAME_MAX];
	struct json_iface ji = { .ifindex = pkt->rec->ifindex };
	if (pkt->iface) {
		ji.name = pkt->iface->name;
		ji.ifindex = pkt->iface->ifindex;
		ji.netns_ino = pkt->iface->netns_ino;
		ji.netns = tclog_iface_ns_label(pkt->iface, ns, sizeof(ns));
	}
	json_put_packet(stdout, pkt->rec, pkt->bytes, &ji, pkt->sock);
}

/* A metadata-only record has no bytes to dump: said once, not per packet. */
static void warn_no_bytes(const struct log_input *in, const struct log_packet *pkt, bool *warned)
{
	if (*warned)
		return;
	*warned = true;
	pr_warn("%s: packets without their bytes (recorded without -s): no dump for them",
		log_input_file(in, pkt->file)->path);
}

static void put_text(const struct log_input *in, const struct log_packet *pkt,
		     const struct print_opts *o, struct packet_text_opts *t)
{
	/* a decoded DNS message can be long: tcpdump prints it whole */
	static char line[65536];
	char name[IFACE_NAME_MAX], owner[SOCK_LABEL_MAX];
	const char *ifname = pkt->iface ? iface_name(pkt->iface, log_input_several_ns(in), name,
						     sizeof(name))
					: NULL;
	t->bare = pkt->bare;
	packet_text_format(line, sizeof(line), pkt->rec, pkt->bytes, ifname, t);
	t->prev_ns = pkt->rec->ts_ns;
	if (pkt->sock && !o->no_process)
		printf("%s [%s]\n", line, sock_label(owner, sizeof(owner), pkt->sock));
	else
		puts(line);
	packet_dump(stdout, pkt->bytes, pkt->rec->cap_len, pkt->linktype, &o->dump);
}

static int print_packets(struct log_input *in, const struct print_opts *o)
{
	char err[512];
	struct packet_text_opts text = o->text;
	struct log_packet pkt;
	bool warned = false;
	uint64_t n = 0;
	int rc = 0;

	while ((!o->count || n < o->count) && (rc = log_input_next(in, &pkt, err, sizeof(err))) > 0) {
		if (!read_filter_accepts(o->filter, &pkt))
			continue;
		if (!n)
			text.first_ns = text.prev_ns = pkt.rec->ts_ns;
		if (o->json) {
			put_json(&pkt);
		} else {
			if (o->dump.mode && !pkt.rec->cap_len)
				warn_no_bytes(in, &pkt, &warned);
			put_text(in, &pkt, o, &text);
		}
		n++;
	}
	if (fflush(stdout) || ferror(stdout)) {
		pr_warn("stdout: write error");
		return EXIT_RUNTIME;
	}
	if (o->count && n >= o->count)
		return EXIT_OK;
	if (rc < 0) {
		pr_warn("%s", err);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

/* Letters tcpdump counts: -xx, -XX, -AA, -t...-ttttt, -vv. */
struct letter_counts {
	int x, X, A, t;
};

/* tcpdump's reading flags: 1 taken, 0 not one of them, -1 usage error. */
static int tcpdump_flag(int c, struct print_opts *o, struct letter_counts *n)
{
	switch (c) {
	case 'x':
		n->x++;
		return 1;
	case 'X':
		n->X++;
		return 1;
	case 'A':
		n->A++;
		return 1;
	case 't':
		n->t++;
		return 1;
	case 'e':
		o->text.link = true;
		return 1;
	case 'n': /* addresses and ports are never resolved */
	case 'S': /* sequence numbers are always absolute */
		return 1;
	case 'q':
		o->text.quiet = true;
		return 1;
	case 'v':
		o->text.verbose++;
		tcrec_verbose++; /* also the reading's own notes on stderr */
		return 1;
	case 'r': {
		char **more = realloc(o->read_files, (o->n_read + 1) * sizeof(*more));
		if (!more) {
			pr_warn("print: out of memory");
			return -1;
		}
		o->read_files = more;
		o->read_files[o->n_read++] = optarg;
		return 1;
	}
	default:
		return 0;
	}
}

/* The counted letters into the options, as tcpdump reads them: -X wins
 * over -x, which wins over -A; doubled, the link header is dumped too. */
static int apply_counts(const struct letter_counts *n, struct print_opts *o)
{
	static const enum packet_text_tstamp by_t[] = {
		PACKET_TS_DATE, PACKET_TS_NONE, PACKET_TS_EPOCH,
		PACKET_TS_DELTA, PACKET_TS_DATE, PACKET_TS_SINCE_FIRST,
	};
	if (n->t > 5)
		return usage_error("print", "only -t, -tt, -ttt, -tttt and -ttttt are supported");
	o->text.tstamp = by_t[n->t];
	if (n->X)
		o->dump = (struct packet_dump_opts){ PACKET_DUMP_HEX_ASCII, n->X > 1 };
	else if (n->x)
		o->dump = (struct packet_dump_opts){ PACKET_DUMP_HEX, n->x > 1 };
	else if (n->A)
		o->dump = (struct packet_dump_opts){ PACKET_DUMP_ASCII, n->A > 1 };
	return 0;
}

/* CAPTURE... then FILTER; with -r FILE, FILE comes first and the words are
 * more captures as long as they exist on disk, then the filter. */
static int take_inputs(char **words, size_t n, struct print_opts *o)
{
	struct stat st;
	size_t k = 0;

	if (!o->n_read)
		return cli_take_inputs("print", words, n, &o->logs, &o->n_logs, &o->filter);
	while (k < n && !stat(words[k], &st))
		k++;
	o->logs = calloc(o->n_read + k, sizeof(*o->logs));
	if (!o->logs) {
		pr_warn("print: out of memory");
		return EXIT_RUNTIME;
	}
	o->logs_owned = true;
	memcpy(o->logs, o->read_files, o->n_read * sizeof(*o->logs));
	memcpy(o->logs + o->n_read, words, k * sizeof(*o->logs));
	o->n_logs = o->n_read + k;
	int rc = cli_read_filter("print", words + k, n - k, &o->filter);
	return rc ? rc : CLI_RUN;
}

static int parse_args(int argc, char **argv, struct print_opts *o)
{
	enum { OPT_JSON = 256, OPT_NANO, OPT_SINCE, OPT_UNTIL, OPT_STRICT, OPT_IFACE, OPT_NOPROC };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "nano", no_argument, NULL, OPT_NANO },
		{ "count", required_argument, NULL, 'c' },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "interface", required_argument, NULL, OPT_IFACE },
		{ "no-process", no_argument, NULL, OPT_NOPROC },
		CLI_PROC_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct letter_counts counts = { 0 };
	int c;

	optind = 1;
	while ((c = cli_next_option("print", argc, argv, "c:ehnqr:vxAStX", longopts)) != -1) {
		int p = cli_proc_option("print", c, optarg, &o->proc);
		if (!p)
			p = tcpdump_flag(c, o, &counts);
		if (p < 0)
			return EXIT_USAGE;
		if (p)
			continue;
		switch (c) {
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_NANO:
			o->text.nano = true;
			break;
		case OPT_SINCE:
			o->since = optarg;
			break;
		case OPT_UNTIL:
			o->until = optarg;
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_NOPROC:
			o->no_process = true;
			break;
		case OPT_IFACE:
			if (cli_add_interface("print", &o->sel, optarg))
				return EXIT_USAGE;
			break;
		case 'c':
			if (parse_u64("print", "-c", optarg, 1, UINT64_MAX, &o->count))
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(print_help, stdout);
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (apply_counts(&counts, o))
		return EXIT_USAGE;
	return take_inputs(argv + optind, (size_t)(argc - optind), o);
}

static int print_run(const struct print_opts *o)
{
	struct log_input *in = cli_open_logs(o->logs, o->n_logs, o->strict);
	if (!in)
		return EXIT_RUNTIME;
	log_input_set_select(in, o->sel);
	log_input_set_proc(in, o->proc);
	int rc = cli_time_range("print", in, o->since, o->until);
	if (!rc)
		rc = print_packets(in, o);
	iface_select_warn_unmatched(o->sel, in);
	if (!rc && log_input_problems(in))
		rc = EXIT_RUNTIME; /* warned as met */
	/* tcpdump's -v also raises this note: capture files have no chunks */
	if (log_input_chunks_decompressed(in))
		pr_debug("%llu chunks decompressed",
			 (unsigned long long)log_input_chunks_decompressed(in));
	log_input_close(in);
	return rc;
}

int cmd_print(int argc, char **argv)
{
	struct print_opts o = { 0 };
	int rc = parse_args(argc, argv, &o);
	if (rc == CLI_RUN)
		rc = print_run(&o);
	read_filter_close(o.filter);
	iface_select_free(o.sel);
	proc_select_free(o.proc);
	if (o.logs_owned)
		free(o.logs);
	free(o.read_files);
	return rc;
}
