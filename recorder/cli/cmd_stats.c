/* SPDX-License-Identifier: MIT */
/* tcrec stats: what a set of logs holds, in one table or one JSON object. */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "cli_iface.h"
#include "cli_proc.h"
#include "cli_progress.h"
#include "plot_file.h"
#include "logging.h"
#include "read/iface_select.h"
#include "read/json_out.h"
#include "read/log_input.h"
#include "read/packet_text.h"
#include "read/proc_select.h"
#include "read/stats_table.h"
#include "filter/read_filter.h"

static const char stats_help[] =
	"Usage: tcrec stats LOG... [--json] [--top N] [--interface NS/IF]... [--pid N]\n"
	"                   [--comm NAME] [--cgroup PATH] [--container ID] [--strict]\n"
	"                   [--plot OUT.svg] [FILTER]\n"
	"\n"
	"Summarise tcrec logs: packets, bytes, time span, interfaces and directions,\n"
	"ring-buffer drops, bytes on disk per packet, the largest flows, and, for\n"
	"logs that know sockets, the largest processes (comm:pid) and containers by\n"
	"packets (then bytes) with the packets of no known process. LOG is a\n"
	"log file or a directory of rotated logs; several LOGs are summed. FILTER, a\n"
	"tcpdump expression, limits the packet, byte, interface and flow figures to\n"
	"the packets it accepts (metadata-only records are filtered on their rebuilt\n"
	"headers, as in tcrec print); the recorder's counters stay whole.\n"
	"Interfaces are rows per (namespace, interface) and direction; when the logs\n"
	"hold more than one network namespace a row reads NS/IF (blue/eth0).\n"
	"\n"
	"Options:\n"
	"  --json      one JSON object instead of the table\n"
	"  --top N     how many flows, processes and containers to list (default 10,\n"
	"              0 for none)\n"
	"  --interface NS/IF\n"
	"              only interface IF of namespace NS (container, `ip netns` name,\n"
	"              ns<inode> or inode number), counters included; IF alone: that\n"
	"              name in any namespace. Shell globs allowed; repeatable. One\n"
	"              that names no interface of the logs: a warning, exit 0\n"
	"  --pid N     only packets of sockets of process N (thread group id, as the\n"
	"              host sees it); repeat for more\n"
	"  --comm NAME only packets of sockets of processes named NAME (comm, at most\n"
	"              15 characters); a shell glob ('curl*') works\n"
	"  --cgroup PATH\n"
	"              only packets of sockets in cgroup v2 PATH or below it\n"
	"  --container ID\n"
	"              only packets of sockets in the container whose id starts with\n"
	"              ID (podman, docker, containerd; pod<UID> for pods)\n"
	"              These four select packets as FILTER does: the recorder's\n"
	"              counters stay whole\n"
	"  --strict    stop at the first damaged chunk or unreadable file, no summary\n"
	"  --progress  a progress line on stderr (percent read, packets/s, time left)\n"
	"              also when stderr is not a terminal (by default only on one)\n"
	"  --no-progress\n"
	"              no progress line, even on a terminal\n"
	"  --plot OUT.svg\n"
	"              also draw packets/s and bytes/s per interface and direction\n"
	"              over the time span into SVG file OUT.svg (100 to 400 time\n"
	"              buckets), ring-buffer drops and file rotations marked\n"
	"  -h, --help  this help\n"
	"\n"
	"Counters:\n"
	"  'packets' are the records in the logs; 'seen', 'recorded', 'filtered' and\n"
	"  'dropped' come from the trailers the recorder writes on a clean close (a\n"
	"  file without one, from a killed recorder, has no such counters and its\n"
	"  index was rebuilt by scanning). 'record drops' sums the ring-buffer drops\n"
	"  that records themselves report. Flows are directional 5-tuples (protocol,\n"
	"  source, source port, destination, destination port); fragments after the\n"
	"  first count under ports 0.\n"
	"\n"
	"JSON keys:\n"
	"  files[] {path, size, trailer, index_rebuilt}, packets, wire_bytes,\n"
	"  captured_bytes, first, first_ns, last, last_ns, duration_s (first/last\n"
	"  null when there are no packets), disk_bytes, disk_bytes_per_packet,\n"
	"  record_drops, counters {seen, recorded, filtered, dropped, files} (sums\n"
	"  over the files with a trailer; files says how many), index_rebuilt,\n"
	"  interfaces[] {ifname, ifindex, netns, netns_ino (both when the log knows\n"
	"  the namespace), dir, packets, bytes, seen, recorded, filtered, dropped},\n"
	"  flows, flows_untracked_packets, top_flows[] {proto,\n"
	"  src, sport, dst, dport, packets, bytes}; when the logs know sockets also\n"
	"  processes, unattributed_packets, top_processes[] {comm, pid, packets,\n"
	"  bytes}, containers, top_containers[] {container, packets, bytes}.\n"
	"\n"
	"Damaged logs:\n"
	"  Damaged chunks are stepped over with one warning per damaged region (file,\n"
	"  offset, records lost) and files that are not readable logs (empty, a\n"
	"  README, a torn header) among several are skipped with one warning: the\n"
	"  summary covers the rest, and the exit status is 1.\n"
	"\n"
	CLI_PROC_HELP_SECTION
	"\n"
	"Examples:\n"
	"  tcrec stats /var/log/tcrec/eth0.tclog\n"
	"  tcrec stats /var/log/tcrec/ --top 5\n"
	"  tcrec stats cap.tclog --json | jq .disk_bytes_per_packet\n"
	"  tcrec stats cap.tclog --interface 'web*/eth0'\n"
	"  tcrec stats cap.tclog --container 3f2a --json | jq .top_processes\n"
	"  tcrec stats /var/log/tcrec/ --plot rates.svg\n"
	"\n"
	"Exit status: 0 ok, 1 unreadable or damaged log, 2 bad usage.\n";

#define STATS_TOP_MAX 1000

static void print_top_flows(FILE *f, const struct stats_table *s, const struct flow_entry *top,
			    size_t ntop);

static uint64_t disk_bytes(const struct log_input *in)
{
	uint64_t n = 0;
	for (size_t i = 0; i < log_input_nfiles(in); i++)
		n += log_input_file(in, i)->size;
	return n;
}

static bool any_rebuilt(const struct log_input *in)
{
	for (size_t i = 0; i < log_input_nfiles(in); i++)
		if (log_input_file(in, i)->index_rebuilt)
			return true;
	return false;
}

static void flow_addr(char *buf, size_t len, const struct flow_entry *e, const uint8_t *a)
{
	if (!inet_ntop(e->key.family == 4 ? AF_INET : AF_INET6, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

static double per_packet(uint64_t bytes, uint64_t packets)
{
	return packets ? (double)bytes / (double)packets : 0.0;
}

/* Only for logs that know sockets: the output of older logs stays as it was. */
static void print_procs_json(FILE *f, const struct stats_table *s, size_t ntop)
{
	struct proc_table *t = s->procs;
	if (!proc_table_attributed(t))
		return;
	struct proc_entry *top = calloc(ntop ? ntop : 1, sizeof(*top));
	if (!top) {
		pr_warn("stats: out of memory for the top processes");
		return;
	}
	size_t n = proc_table_top_processes(t, top, ntop);
	fprintf(f, ",\"processes\":%zu,\"unattributed_packets\":%llu,\"top_processes\":[",
		proc_table_processes(t), (unsigned long long)proc_table_unattributed(t));
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{\"comm\":" : "{\"comm\":", f);
		json_put_string(f, top[i].comm[0] ? top[i].comm : NULL);
		if (top[i].pid)
			fprintf(f, ",\"pid\":%u", top[i].pid);
		else
			fputs(",\"pid\":null", f);
		fprintf(f, ",\"packets\":%llu,\"bytes\":%llu}", (unsigned long long)top[i].packets,
			(unsigned long long)top[i].bytes);
	}
	n = proc_table_top_containers(t, top, ntop);
	fprintf(f, "],\"containers\":%zu,\"top_containers\":[", proc_table_containers(t));
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{\"container\":" : "{\"container\":", f);
		json_put_string(f, top[i].container);
		fprintf(f, ",\"packets\":%llu,\"bytes\":%llu}", (unsigned long long)top[i].packets,
			(unsigned long long)top[i].bytes);
	}
	fputc(']', f);
	free(top);
}

static void print_procs_table(FILE *f, const struct stats_table *s, size_t ntop)
{
	struct proc_table *t = s->procs;
	if (!proc_table_attributed(t) || !ntop)
		return;
	struct proc_entry *top = calloc(ntop, sizeof(*top));
	if (!top) {
		pr_warn("stats: out of memory for the top processes");
		return;
	}
	size_t n = proc_table_top_processes(t, top, ntop);
	fprintf(f, "\ntop processes (%zu processes, %llu packets of no known process):\n",
		proc_table_processes(t), (unsigned long long)proc_table_unattributed(t));
	fprintf(f, "%-40s %10s %14s\n", "process", "packets", "bytes");
	for (size_t i = 0; i < n; i++) {
		char comm[4 * TCLOG_COMM_MAX + 1], name[sizeof(comm) + 16];
		packet_text_escape(comm, sizeof(comm), top[i].comm[0] ? top[i].comm : "?");
		if (top[i].pid)
			snprintf(name, sizeof(name), "%s:%u", comm, top[i].pid);
		else
			snprintf(name, sizeof(name), "%s:?", comm);
		fprintf(f, "%-40s %10llu %14llu\n", name, (unsigned long long)top[i].packets,
			(unsigned long long)top[i].bytes);
	}
	n = proc_table_top_containers(t, top, ntop);
	if (n)
		fprintf(f, "\ntop containers (%zu containers):\n", proc_table_containers(t));
	if (n)
		fprintf(f, "%-64s %10s %14s\n", "container", "packets", "bytes");
	for (size_t i = 0; i < n; i++) {
		char name[4 * TCLOG_CONTAINER_MAX];
		packet_text_escape(name, sizeof(name), top[i].container);
		fprintf(f, "%-64s %10llu %14llu\n", name, (unsigned long long)top[i].packets,
			(unsigned long long)top[i].bytes);
	}
	free(top);
}

static void print_json(const struct stats_table *s, const struct log_input *in,
		       const struct flow_entry *top, size_t ntop, size_t ntop_procs)
{
	FILE *f = stdout;
	fputs("{\"files\":[", f);
	for (size_t i = 0; i < log_input_nfiles(in); i++) {
		const struct log_input_file *lf = log_input_file(in, i);
		fputs(i ? ",{\"path\":" : "{\"path\":", f);
		json_put_string(f, lf->path);
		fprintf(f, ",\"size\":%llu,\"trailer\":%s,\"index_rebuilt\":%s}",
			(unsigned long long)lf->size, lf->final ? "true" : "false",
			lf->index_rebuilt ? "true" : "false");
	}
	fprintf(f, "],\"packets\":%llu,\"wire_bytes\":%llu,\"captured_bytes\":%llu,\"first\":",
		(unsigned long long)s->packets, (unsigned long long)s->wire_bytes,
		(unsigned long long)s->cap_bytes);
	if (s->packets) {
		json_put_time(f, s->first_ns);
		fprintf(f, ",\"first_ns\":%llu,\"last\":", (unsigned long long)s->first_ns);
		json_put_time(f, s->last_ns);
		fprintf(f, ",\"last_ns\":%llu,\"duration_s\":%.9f", (unsigned long long)s->last_ns,
			(double)(s->last_ns - s->first_ns) / 1e9);
	} else {
		fputs("null,\"first_ns\":null,\"last\":null,\"last_ns\":null,\"duration_s\":0", f);
	}
	uint64_t disk = disk_bytes(in);
	fprintf(f, ",\"disk_bytes\":%llu,\"disk_bytes_per_packet\":%.3f,\"record_drops\":%llu",
		(unsigned long long)disk, per_packet(disk, s->packets),
		(unsigned long long)s->record_drops);
	fprintf(f, ",\"counters\":{\"seen\":%llu,\"recorded\":%llu,\"filtered\":%llu,\"dropped\":%llu,"
		   "\"files\":%zu}",
		(unsigned long long)s->total.seen, (unsigned long long)s->total.recorded,
		(unsigned long long)s->total.filtered, (unsigned long long)s->total.dropped,
		s->files_with_trailer);
	fprintf(f, ",\"index_rebuilt\":%s,\"interfaces\":[", any_rebuilt(in) ? "true" : "false");
	for (size_t i = 0; i < s->nifs; i++) {
		const struct if_stat *e = &s->ifs[i];
		fputs(i ? ",{\"ifname\":" : "{\"ifname\":", f);
		json_put_string(f, e->name[0] ? e->name : NULL);
		fprintf(f, ",\"ifindex\":%u", e->ifindex);
		if (e->netns_ino) {
			fputs(",\"netns\":", f);
			json_put_string(f, e->ns);
			fprintf(f, ",\"netns_ino\":%llu", (unsigned long long)e->netns_ino);
		}
		fprintf(f, ",\"dir\":\"%s\",\"packets\":%llu,\"bytes\":%llu,\"seen\":%llu,"
			   "\"recorded\":%llu,\"filtered\":%llu,\"dropped\":%llu}",
			e->dir ? "out" : "in", (unsigned long long)e->packets,
			(unsigned long long)e->bytes, (unsigned long long)e->c.seen,
			(unsigned long long)e->c.recorded, (unsigned long long)e->c.filtered,
			(unsigned long long)e->c.dropped);
	}
	fprintf(f, "],\"flows\":%zu,\"flows_untracked_packets\":%llu,\"top_flows\":[",
		flow_table_count(s->flows), (unsigned long long)flow_table_untracked(s->flows));
	for (size_t i = 0; i < ntop; i++) {
		char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
		flow_addr(src, sizeof(src), &top[i], top[i].key.saddr);
		flow_addr(dst, sizeof(dst), &top[i], top[i].key.daddr);
		fprintf(f, "%s{\"proto\":%u,\"src\":\"%s\",\"sport\":%u,\"dst\":\"%s\",\"dport\":%u,"
			   "\"packets\":%llu,\"bytes\":%llu}",
			i ? "," : "", top[i].key.proto, src, top[i].key.sport, dst, top[i].key.dport,
			(unsigned long long)top[i].packets, (unsigned long long)top[i].bytes);
	}
	fputc(']', f);
	print_procs_json(f, s, ntop_procs);
	fputs("}\n", f);
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "icmp6";
	case 132: return "sctp";
	default: return NULL;
	}
}

static bool has_ports(uint8_t p)
{
	return p == 6 || p == 17 || p == 132 || p == 33 || p == 136;
}

static void print_table(const struct stats_table *s, const struct log_input *in,
			const struct flow_entry *top, size_t ntop, size_t ntop_procs)
{
	FILE *f = stdout;
	size_t nf = log_input_nfiles(in), rebuilt = 0;
	for (size_t i = 0; i < nf; i++)
		rebuilt += log_input_file(in, i)->index_rebuilt != 0;
	fprintf(f, "files:            %zu", nf);
	if (rebuilt)
		fprintf(f, " (%zu without trailer: index rebuilt by scanning)", rebuilt);
	fprintf(f, "\npackets:          %llu\n", (unsigned long long)s->packets);
	fprintf(f, "wire bytes:       %llu\n", (unsigned long long)s->wire_bytes);
	fprintf(f, "captured bytes:   %llu\n", (unsigned long long)s->cap_bytes);
	if (s->packets) {
		char t[64];
		packet_text_time(t, sizeof(t), s->first_ns, true);
		fprintf(f, "first:            %s\n", t);
		packet_text_time(t, sizeof(t), s->last_ns, true);
		fprintf(f, "last:             %s\n", t);
		fprintf(f, "duration:         %.6f s\n", (double)(s->last_ns - s->first_ns) / 1e9);
	}
	uint64_t disk = disk_bytes(in);
	fprintf(f, "bytes on disk:    %llu (%.2f per packet)\n", (unsigned long long)disk,
		per_packet(disk, s->packets));
	fprintf(f, "record drops:     %llu\n", (unsigned long long)s->record_drops);
	if (s->files_with_trailer)
		fprintf(f, "counters:         seen %llu, recorded %llu, filtered %llu, dropped %llu"
			   " (%zu of %zu files)\n",
			(unsigned long long)s->total.seen, (unsigned long long)s->total.recorded,
			(unsigned long long)s->total.filtered, (unsigned long long)s->total.dropped,
			s->files_with_trailer, nf);
	else
		fprintf(f, "counters:         none (no file has a trailer)\n");

	fprintf(f, "\n%-16s %-3s %12s %14s %12s %12s %12s %12s\n", "interface", "dir", "packets",
		"bytes", "seen", "recorded", "filtered", "dropped");
	for (size_t i = 0; i < s->nifs; i++) {
		const struct if_stat *e = &s->ifs[i];
		char name[4 * sizeof(e->ns) + 4 * TCLOG_IFNAME_MAX + 2], both[sizeof(e->ns) + TCLOG_IFNAME_MAX + 1];
		if (e->name[0] && s->several_ns && e->ns[0]) {
			snprintf(both, sizeof(both), "%s/%s", e->ns, e->name);
			packet_text_escape(name, sizeof(name), both);
		} else if (e->name[0])
			packet_text_escape(name, sizeof(name), e->name);
		else
			snprintf(name, sizeof(name), "if%u", e->ifindex);
		fprintf(f, "%-16s %-3s %12llu %14llu %12llu %12llu %12llu %12llu\n", name,
			e->dir ? "out" : "in", (unsigned long long)e->packets,
			(unsigned long long)e->bytes, (unsigned long long)e->c.seen,
			(unsigned long long)e->c.recorded, (unsigned long long)e->c.filtered,
			(unsigned long long)e->c.dropped);
	}
	if (ntop)
		print_top_flows(f, s, top, ntop);
	print_procs_table(f, s, ntop_procs);
}

static void print_top_flows(FILE *f, const struct stats_table *s, const struct flow_entry *top,
			    size_t ntop)
{
	fprintf(f, "\ntop flows (%zu flows", flow_table_count(s->flows));
	if (flow_table_untracked(s->flows))
		fprintf(f, ", %llu packets of untracked flows",
			(unsigned long long)flow_table_untracked(s->flows));
	fprintf(f, "):\n%-6s %-47s %-47s %10s %14s\n", "proto", "source", "destination", "packets",
		"bytes");
	for (size_t i = 0; i < ntop; i++) {
		char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], a[64], b[64], p[16];
		flow_addr(src, sizeof(src), &top[i], top[i].key.saddr);
		flow_addr(dst, sizeof(dst), &top[i], top[i].key.daddr);
		if (has_ports(top[i].key.proto)) {
			snprintf(a, sizeof(a), "%s.%u", src, top[i].key.sport);
			snprintf(b, sizeof(b), "%s.%u", dst, top[i].key.dport);
		} else {
			snprintf(a, sizeof(a), "%s", src);
			snprintf(b, sizeof(b), "%s", dst);
		}
		const char *pn = proto_name(top[i].key.proto);
		if (pn)
			snprintf(p, sizeof(p), "%s", pn);
		else
			snprintf(p, sizeof(p), "%u", top[i].key.proto);
		fprintf(f, "%-6s %-47s %-47s %10llu %14llu\n", p, a, b,
			(unsigned long long)top[i].packets, (unsigned long long)top[i].bytes);
	}
}

struct stats_opts {
	bool json, strict;
	enum cli_progress_mode progress; /* --progress, --no-progress */
	uint64_t ntop;
	struct read_filter *filter; /* NULL = every packet */
	const char *plot;           /* --plot OUT.svg, or NULL */
	struct iface_select *sel;   /* --interface */
	struct proc_select *proc;   /* --pid, --comm, --cgroup, --container */
	char **logs;
	size_t n_logs;
};

static int parse_args(int argc, char **argv, struct stats_opts *o)
{
	enum { OPT_JSON = 256, OPT_TOP, OPT_STRICT, OPT_IFACE, OPT_PLOT };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "top", required_argument, NULL, OPT_TOP },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "interface", required_argument, NULL, OPT_IFACE },
		{ "plot", required_argument, NULL, OPT_PLOT },
		CLI_PROC_LONGOPTS,
		CLI_PROGRESS_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	o->ntop = 10;
	optind = 1;
	while ((c = cli_next_option("stats", argc, argv, "h", longopts)) != -1) {
		int p = cli_proc_option("stats", c, optarg, &o->proc);
		if (p < 0)
			return EXIT_USAGE;
		if (p || cli_progress_option(c, &o->progress))
			continue;
		switch (c) {
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_STRICT:
			o->strict = true;
			break;
		case OPT_PLOT:
			o->plot = optarg;
			break;
		case OPT_IFACE:
			if (cli_add_interface("stats", &o->sel, optarg))
				return EXIT_USAGE;
			break;
		case OPT_TOP:
			if (parse_u64("stats", "--top", optarg, 0, STATS_TOP_MAX, &o->ntop))
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(stats_help, stdout);
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	return cli_take_inputs("stats", argv + optind, (size_t)(argc - optind), &o->logs, &o->n_logs,
			       &o->filter);
}

/* Every accepted packet, then the trailers. */
static int gather(struct stats_table *s, struct log_input *in, struct read_filter *filter,
		  struct rate_series *rates, struct cli_progress *pg)
{
	char err[512];
	struct log_packet pkt;
	int rc;
	while ((rc = log_input_next(in, &pkt, err, sizeof(err))) > 0) {
		cli_progress_packet(pg);
		if (!read_filter_accepts(filter, &pkt))
			continue;
		if (stats_table_add_packet(s, &pkt) || (rates && rate_series_add(rates, &pkt))) {
			pr_warn("stats: out of memory");
			return EXIT_RUNTIME;
		}
	}
	if (rc < 0) {
		pr_warn("%s", err);
		return EXIT_RUNTIME;
	}
	if (stats_table_finish(s, in)) {
		pr_warn("stats: out of memory");
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

static int stats_run(const struct stats_opts *o)
{
	struct log_input *in = cli_open_logs(o->logs, o->n_logs, o->strict);
	if (!in)
		return EXIT_RUNTIME;
	struct stats_table s;
	int init = stats_table_init(&s);
	struct flow_entry *top = calloc(o->ntop ? o->ntop : 1, sizeof(*top));
	int rc = EXIT_RUNTIME;
	if (init || !top) {
		pr_warn("stats: out of memory");
		goto cleanup;
	}
	log_input_set_select(in, o->sel);
	log_input_set_proc(in, o->proc);
	struct rate_series rates;
	rate_series_init(&rates);
	struct cli_progress pg;
	cli_progress_begin(&pg, cli_progress_wanted(o->progress, false), "tcrec stats", in);
	rc = gather(&s, in, o->filter, o->plot ? &rates : NULL, &pg);
	cli_progress_end(&pg);
	if (!rc && o->plot && stats_plot_save(o->plot, &rates, in))
		rc = EXIT_RUNTIME;
	rate_series_free(&rates);
	if (rc)
		goto cleanup;
	iface_select_warn_unmatched(o->sel, in);
	size_t n = flow_table_top(s.flows, top, o->ntop);
	if (o->json)
		print_json(&s, in, top, n, (size_t)o->ntop);
	else
		print_table(&s, in, top, n, (size_t)o->ntop);
	if (fflush(stdout) || ferror(stdout)) {
		pr_warn("stdout: write error");
		rc = EXIT_RUNTIME;
	}
	if (log_input_problems(in))
		rc = EXIT_RUNTIME; /* warned as met */
cleanup:
	free(top);
	stats_table_free(&s);
	log_input_close(in);
	return rc;
}

int cmd_stats(int argc, char **argv)
{
	struct stats_opts o = { 0 };
	int rc = parse_args(argc, argv, &o);
	if (rc == CLI_RUN)
		rc = stats_run(&o);
	read_filter_close(o.filter);
	iface_select_free(o.sel);
	proc_select_free(o.proc);
	return rc;
}
