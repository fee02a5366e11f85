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
#include "record_args.h"
#include "commands.h"
#include "logging.h"
#include "filter/filter_load.h"
#include "capture/capture.h"
#include "capture/capture_clock.h"
#include "capture/capture_drain.h"
#include "capture/iface_follow.h"
#include "capture/metrics.h"
#include "capture/container_cgroup.h"
#include "capture/output_name.h"
#include "capture/owner_table.h"
#include "capture/output_prepare.h"
#include "capture/privdrop.h"
#include "capture/record_opts.h"
#include "capture/record_sink.h"
#include "capture/sink_tee.h"

#define CMD "record"

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
			pr_debug("%s %s: seen %llu, recorded %llu, dropped %llu, filtered %llu",
				 hdr->ifaces[i].name, dir ? "egress" : "ingress",
				 (unsigned long long)c->seen, (unsigned long long)c->recorded,
				 (unsigned long long)c->dropped, (unsigned long long)c->filtered);
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
	struct iface_follow *follow;
	struct capture *cap;
	struct record_sink *sink;
	struct metrics *metrics;   /* --metrics, --metrics-file; NULL when neither */
	char container_cg[TCLOG_CGROUP_MAX]; /* --container on the host network */
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
static int load_capture(struct record_run *r, const struct capture_shape *shape)
{
	char ferr[512];

	if (r->fprog && filter_load_begin(r->fprog, r->flen, ferr, sizeof(ferr))) {
		pr_warn("filter '%s': %s", r->o.filter, ferr);
		return -EINVAL;
	}
	int lerr = capture_load(&r->o, r->hdr, shape, &r->cap);
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

/* --container C on the host's network: only its packets, by cgroup. An
 * exit status. */
static int container_on_host_net(struct record_run *r)
{
	if (r->o.n_containers != 1 || r->o.cgroup || r->o.no_process)
		return 0;
	int on_host = container_host_net_cgroup(r->o.containers[0], r->container_cg,
						sizeof(r->container_cg));
	if (on_host <= 0)
		return 0;
	if (r->o.host_side) {
		pr_warn("--container %s --host-side: the container uses the host's network and has "
			"no veth pair", r->o.containers[0]);
		return EXIT_RUNTIME;
	}
	r->o.cgroup = r->container_cg;
	if (!tcrec_quiet)
		fprintf(stderr, "container %s uses the host's network: keeping only its packets "
			"(cgroup %s)\n", r->o.containers[0], r->container_cg);
	return 0;
}

/* --metrics and --metrics-file: the address bound and the directory
 * checked before the kernel is touched. An exit status. */
static int metrics_begin(struct record_run *r)
{
	if (!r->o.metrics_addr && !r->o.metrics_file)
		return EXIT_OK;
	r->metrics = metrics_new(r->hdr->start_ns);
	if (!r->metrics) {
		pr_warn("out of memory");
		return EXIT_RUNTIME;
	}
	if (r->o.metrics_file && metrics_file_check(r->o.metrics_file, &r->o))
		return EXIT_RUNTIME;
	if (r->o.metrics_addr && metrics_http_start(r->metrics, r->o.metrics_addr))
		return EXIT_RUNTIME;
	return EXIT_OK;
}

/* Everything up to the first packet: interfaces, privileges, output
 * checks, programs, hooks, the output itself, -Z. An exit status. */
static int start(struct record_run *r)
{
	char missing[64];
	struct capture_shape shape;

	capture_missing_caps(missing, sizeof(missing));
	if (missing[0]) {
		pr_warn("missing privileges: %s (recording needs CAP_BPF, CAP_NET_ADMIN and "
			"CAP_PERFMON, or root)", missing);
		return EXIT_RUNTIME;
	}
	capture_libbpf_logging();
	int rc = container_on_host_net(r);
	if (rc)
		return rc;
	fill_header(&r->o, capture_clock_offset(), r->hdr);
	r->follow = iface_follow_open(&r->o);
	if (!r->follow || iface_follow_check(r->follow, &shape))
		return EXIT_RUNTIME;
	/* A typo in -w, a directory the -Z user cannot write or another
	 * recorder on the same output must not cost a program load. */
	if (output_prepare(&r->o))
		return EXIT_RUNTIME;
	if ((rc = metrics_begin(r)))
		return rc;
	if (load_capture(r, &shape) || iface_follow_attach(r->follow, r->cap))
		return EXIT_RUNTIME;
	if (r->o.run_as && capture_has_clsact(r->cap)) {
		pr_warn("-Z %s: the hooks are clsact filters, which only a privileged process can "
			"remove at exit; use tcx hooks (kernel 6.6+, --attach tcx) or no -Z", r->o.run_as);
		return EXIT_RUNTIME;
	}
	/* The output only now that nothing else can fail: a failed start
	 * leaves no file behind. Packets wait in the ring buffer meanwhile. */
	struct sink_counters counters = capture_sink_counters(r->cap);
	if (r->metrics)
		counters.stats = metrics_sink_stats(r->metrics);
	r->sink = sink_tee_open(&r->o, r->hdr, &counters);
	if (!r->sink)
		return EXIT_RUNTIME;
	iface_follow_set_sink(r->follow, r->sink);
	/* the metrics file is written as the user that goes on writing it */
	if ((r->o.run_as && capture_drop_privileges(r->o.run_as)) ||
	    (r->o.metrics_file && metrics_file_start(r->metrics, r->o.metrics_file))) {
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
	struct record_stats st = { .metrics = r->metrics };
	struct tclog_final fin;

	pr_debug("recording %u interface(s) into %s, snaplen %u", r->hdr->n_ifaces, r->o.out,
		 r->o.snap_eff);
	int err = capture_drain(r->cap, r->follow, r->sink, &r->o, r->hdr->clock_offset_ns, &st);
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
	struct owner_table *owners = capture_owners(r->cap);
	if (owners) {
		struct owner_table_stats os;

		owner_table_stats(owners, &os);
		pr_debug("processes: %llu sockets' owners read, %llu packets tied through their flow, "
			 "%llu sockets whose owner was no longer known",
			 (unsigned long long)os.sockets, (unsigned long long)os.by_flow,
			 (unsigned long long)os.unknown);
	}
	if (!cerr)
		print_summary(&r->o, r->hdr, &fin, &st);
	if (r->metrics)
		metrics_final(r->metrics, r->cap, cerr ? NULL : &fin, stored);
	return err ? EXIT_RUNTIME : EXIT_OK;
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o;
	int rc = record_parse_args(argc, argv, &o);

	if (rc != CLI_RUN) {
		free(o.filter);
		return rc;
	}
	return record_execute(&o);
}

int record_execute(struct record_opts *o)
{
	struct record_run r = { .o = *o };
	int rc = compile_filter(&r);

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
	metrics_free(r.metrics);
	capture_destroy(r.cap);
	iface_follow_close(r.follow);
	free(r.fprog);
	free(r.o.filter);
	record_sink_discard(r.sink);
	free(r.hdr);
	return rc;
}
