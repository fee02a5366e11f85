/* SPDX-License-Identifier: MIT */
/* The capture object: loading, hooks, counters, teardown. */
#define _GNU_SOURCE /* vasprintf */
#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "logging.h"
#include "attach.h"
#include "capture.h"
#include "tcrec_capture.skel.h"

#define VERIFIER_TAIL_LINES 12

struct capture {
	struct tcrec_capture *skel;
	const struct tclog_header *hdr;
	struct attach_set hooks;
};

/* The last lines of the latest verifier log libbpf handed us. */
static char verifier_tail[4096];

static void keep_tail(const char *log)
{
	const char *end = log + strlen(log);
	const char *p = end;
	int lines = 0;

	/* libbpf wraps the log in BEGIN/END markers: cut the END line off */
	const char *mark = strstr(log, "-- END PROG LOAD LOG --");
	if (mark)
		end = p = mark;
	while (p > log && lines <= VERIFIER_TAIL_LINES) {
		p--;
		if (*p == '\n' && p + 1 < end)
			lines++;
	}
	if (*p == '\n')
		p++;
	snprintf(verifier_tail, sizeof(verifier_tail), "%.*s", (int)(end - p), p);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		return 0;
	/* netlink's extended acks come for expected answers too (-EEXIST on a
	 * clsact qdisc that is already there): we report real failures
	 * ourselves, so they are debug output */
	if (strstr(msg, "Kernel error message:"))
		level = LIBBPF_DEBUG;
	if (strstr(msg, "-- BEGIN PROG LOAD LOG --"))
		keep_tail(msg); /* may be megabytes: only its end says why */
	else if (tcrec_verbose >= (level == LIBBPF_DEBUG ? 2 : 1))
		fputs(msg, stderr);
	free(msg);
	return 0;
}

void capture_libbpf_logging(void)
{
	libbpf_set_print(libbpf_print);
}

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

void capture_missing_caps(char *buf, size_t len)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	size_t n = 0;

	buf[0] = 0;
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return; /* cannot tell: let the kernel say */
	/* CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON (pre-5.8 kernels) */
	bool admin = has_cap(d, CAP_SYS_ADMIN);
	if (!admin && !has_cap(d, CAP_BPF))
		n += snprintf(buf + n, len - n, "%sCAP_BPF", n ? ", " : "");
	if (!has_cap(d, CAP_NET_ADMIN) && n < len)
		n += snprintf(buf + n, len - n, "%sCAP_NET_ADMIN", n ? ", " : "");
	if (!admin && !has_cap(d, CAP_PERFMON) && n < len)
		snprintf(buf + n, len - n, "%sCAP_PERFMON", n ? ", " : "");
}

static int fill_ifslots(struct tcrec_capture *skel, const struct tclog_header *hdr)
{
	for (uint32_t i = 0; i < hdr->n_ifaces; i++) {
		__u32 key = hdr->ifaces[i].ifindex;
		struct tcrec_ifslot val = {
			.slot = i,
			.no_eth = !!(hdr->ifaces[i].link_flags & TCLOG_IF_NO_ETH),
		};
		int err = bpf_map__update_elem(skel->maps.ifslots, &key, sizeof(key), &val, sizeof(val),
					       BPF_ANY);
		if (err)
			return err;
	}
	return 0;
}

static void explain_load_error(int err)
{
	if (err == -EPERM) {
		pr_warn("loading the capture program: permission denied: needs CAP_BPF, CAP_NET_ADMIN "
			"and CAP_PERFMON (or root)");
		return;
	}
	if (verifier_tail[0]) {
		pr_warn("the kernel's verifier rejected the capture program (%s)%s", strerror(-err),
			tcrec_verbose ? "; the end of its log:" : "; run with -v to see why");
		if (tcrec_verbose)
			fprintf(stderr, "%s", verifier_tail);
		return;
	}
	pr_warn("loading the capture program: %s%s", strerror(-err),
		tcrec_verbose ? "" : " (run with -v for libbpf's messages)");
}

int capture_load(const struct record_opts *o, const struct tclog_header *hdr, struct capture **out)
{
	struct capture *c = calloc(1, sizeof(*c));
	int err;

	if (!c) {
		pr_warn("out of memory");
		return -ENOMEM;
	}
	attach_set_init(&c->hooks, ATTACH_AUTO);
	c->hdr = hdr;
	struct tcrec_capture *skel = c->skel = tcrec_capture__open();
	if (!skel) {
		err = -errno;
		pr_warn("opening the capture program: %s", strerror(-err));
		goto fail;
	}
	skel->rodata->snaplen = o->snap_eff;
	skel->rodata->clock_offset_ns = hdr->clock_offset_ns;
	/* the drain loop polls on a timer; wake it early only for a backlog */
	__u32 ring = o->ringbuf_size ? o->ringbuf_size : bpf_map__max_entries(skel->maps.events);
	skel->rodata->wakeup_bytes = ring / 4;
	if (hdr->n_ifaces == 1) {
		skel->rodata->single_iface = 1;
		skel->rodata->single_iface_no_eth = !!(hdr->ifaces[0].link_flags & TCLOG_IF_NO_ETH);
	}
	if (o->ringbuf_size) {
		err = bpf_map__set_max_entries(skel->maps.events, o->ringbuf_size);
		if (err) {
			pr_warn("--ringbuf-size %llu: %s", (unsigned long long)o->ringbuf_size,
				strerror(-err));
			goto fail;
		}
	}
	err = tcrec_capture__load(skel);
	if (err) {
		explain_load_error(err);
		goto fail;
	}
	err = fill_ifslots(skel, hdr);
	if (err) {
		pr_warn("filling the interface slot map: %s", strerror(-err));
		goto fail;
	}
	*out = c;
	return 0;
fail:
	capture_destroy(c);
	return err;
}

int capture_attach(struct capture *c, enum attach_mode mode)
{
	int in = bpf_program__fd(c->skel->progs.tcrec_ingress);
	int out = bpf_program__fd(c->skel->progs.tcrec_egress);

	attach_set_init(&c->hooks, mode);
	for (uint32_t i = 0; i < c->hdr->n_ifaces; i++) {
		const struct tclog_iface *ifc = &c->hdr->ifaces[i];
		int err = attach_hook(&c->hooks, in, ifc->ifindex, ifc->name, TCREC_DIR_IN);

		if (!err)
			err = attach_hook(&c->hooks, out, ifc->ifindex, ifc->name, TCREC_DIR_OUT);
		if (err) {
			attach_set_detach(&c->hooks);
			return err;
		}
	}
	return 0;
}

bool capture_has_clsact(const struct capture *c)
{
	return attach_set_has_clsact(&c->hooks);
}

int capture_counters(const struct capture *c, struct tclog_final *fin)
{
	uint32_t n_ifaces = c->hdr->n_ifaces;
	int ncpu = libbpf_num_possible_cpus();

	memset(fin, 0, sizeof(*fin));
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	struct tcrec_counters *per = calloc(ncpu, sizeof(*per));
	if (!per)
		return -ENOMEM;
	int err = 0;
	for (uint32_t slot = 0; slot < n_ifaces && slot < TCREC_MAX_IFACES; slot++) {
		for (__u32 dir = 0; dir < 2; dir++) {
			__u32 key = slot * 2 + dir;

			err = bpf_map__lookup_elem(c->skel->maps.counters, &key, sizeof(key), per,
						   sizeof(*per) * ncpu, 0);
			if (err)
				goto out;
			struct tclog_counters *sum = &fin->c[slot][dir];
			for (int cpu = 0; cpu < ncpu; cpu++) {
				sum->seen += per[cpu].seen;
				sum->recorded += per[cpu].recorded;
				sum->filtered += per[cpu].filtered;
				sum->dropped += per[cpu].dropped;
			}
		}
	}
out:
	free(per);
	return err;
}

static int read_counters(void *ctx, struct tclog_final *fin)
{
	return capture_counters(ctx, fin);
}

struct sink_counters capture_sink_counters(struct capture *c)
{
	return (struct sink_counters){ .read = read_counters, .ctx = c };
}

int capture_ring_fd(const struct capture *c)
{
	return bpf_map__fd(c->skel->maps.events);
}

uint32_t capture_n_ifaces(const struct capture *c)
{
	return c->hdr->n_ifaces;
}

void capture_detach(struct capture *c)
{
	if (c)
		attach_set_detach(&c->hooks);
}

void capture_destroy(struct capture *c)
{
	if (!c)
		return;
	capture_detach(c);
	tcrec_capture__destroy(c->skel);
	free(c);
}
