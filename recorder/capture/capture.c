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
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "logging.h"
#include "attach.h"
#include "capture.h"
#include "owner_table.h"
#include "sock_owner.h"
#include "tcrec_capture.skel.h"

#define VERIFIER_TAIL_LINES 12

struct slot_key {
	struct tcrec_ifkey key;
	bool mapped;
};

struct capture {
	struct tcrec_capture *skel;
	struct tclog_header *hdr;
	struct attach_set hooks;
	bool single;
	bool multi_ns;
	struct capture_ns_runner ns;
	struct owner *owner;          /* NULL: packets are not tied to sockets */
	struct owner_table *owners;
	struct slot_key slots[TCREC_MAX_IFACES];
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

/* A tc program learns its device's namespace by reading the sk_buff
 * (bpf_cast_to_kern_ctx, Linux 6.2+, with BTF): fine without while one
 * namespace at a time is recorded, refused when several are. */
static int check_netns_cookie(const struct capture_shape *shape, bool *use)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int id = vmlinux ? btf__find_by_name_kind(vmlinux, "bpf_cast_to_kern_ctx", BTF_KIND_FUNC)
			 : -ENOENT;

	btf__free(vmlinux);
	*use = id > 0;
	if (*use || !shape->multi_ns_needed)
		return 0;
	pr_warn("recording more than one network namespace at once needs a kernel whose tc "
		"programs can tell a device's namespace (bpf_cast_to_kern_ctx and BTF, Linux "
		"6.2+); record each namespace with its own tcrec");
	return -EOPNOTSUPP;
}

/* Loads the socket owner programs and gives the capture programs their
 * socket marks. Without them the recording goes on without processes,
 * unless --cgroup needs them. */
static int load_owner(struct capture *c, const struct record_opts *o)
{
	struct tcrec_capture *skel = c->skel;
	int err = owner_load(o->cgroup, &c->owner);

	if (!err)
		err = bpf_map__reuse_fd(skel->maps.sock_marks, owner_marks_fd(c->owner));
	if (!err && !(c->owners = owner_table_new(c->owner)))
		err = -errno;
	if (err) {
		owner_destroy(c->owner);
		c->owner = NULL;
		if (o->cgroup)
			return err;
		pr_warn("recording without processes");
		return 0;
	}
	skel->rodata->attribute_sockets = 1;
	skel->rodata->keep_selected_only = o->cgroup != NULL;
	return 0;
}

int capture_load(const struct record_opts *o, struct tclog_header *hdr,
		 const struct capture_shape *shape, struct capture **out)
{
	int err;

	bool use_cookie = false;
	if (shape->multi_ns && (err = check_netns_cookie(shape, &use_cookie)))
		return err;
	struct capture *c = calloc(1, sizeof(*c));
	if (!c) {
		pr_warn("out of memory");
		return -ENOMEM;
	}
	attach_set_init(&c->hooks, o->attach);
	c->hdr = hdr;
	c->single = shape->single;
	c->multi_ns = use_cookie;
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
	skel->rodata->single_iface = shape->single;
	skel->rodata->single_iface_no_eth = shape->single_no_eth;
	skel->rodata->use_netns_cookie = use_cookie;
	if (o->ringbuf_size) {
		err = bpf_map__set_max_entries(skel->maps.events, o->ringbuf_size);
		if (err) {
			pr_warn("--ringbuf-size %llu: %s", (unsigned long long)o->ringbuf_size,
				strerror(-err));
			goto fail;
		}
	}
	if (!o->no_process && (err = load_owner(c, o)))
		goto fail;
	err = tcrec_capture__load(skel);
	if (err) {
		explain_load_error(err);
		goto fail;
	}
	/* sockets are marked from before the first packet is seen */
	if (c->owner && (err = owner_start(c->owner)))
		goto fail;
	*out = c;
	return 0;
fail:
	capture_destroy(c);
	return err;
}

void capture_set_ns_runner(struct capture *c, const struct capture_ns_runner *r)
{
	c->ns = *r;
}

struct hook_job {
	struct capture *c;
	const struct attach_target *t;
	unsigned dirs;
	uint32_t slot;
	bool gone;
};

static int attach_job(void *arg)
{
	struct hook_job *j = arg;
	struct capture *c = j->c;
	int prog[2] = { bpf_program__fd(c->skel->progs.tcrec_ingress),
			bpf_program__fd(c->skel->progs.tcrec_egress) };

	for (__u8 dir = 0; dir < 2; dir++) {
		if (!(j->dirs & (1u << dir)))
			continue;
		int err = attach_hook(&c->hooks, prog[dir], j->t, dir);
		if (err) {
			attach_remove_slot(&c->hooks, j->t->slot, false);
			return err;
		}
	}
	return 0;
}

static int detach_job(void *arg)
{
	struct hook_job *j = arg;

	attach_remove_slot(&j->c->hooks, j->slot, j->gone);
	return 0;
}

/* fn in the namespace, or here when it is ours or no runner is set. */
static int in_netns(struct capture *c, uint64_t ino, int (*fn)(void *), void *arg)
{
	if (!c->ns.run)
		return fn(arg);
	return c->ns.run(c->ns.ctx, ino, fn, arg);
}

int capture_add_iface(struct capture *c, const struct tclog_iface *ifc, uint64_t netns_cookie,
		      unsigned dirs, const char *label)
{
	uint32_t slot = c->hdr->n_ifaces;

	if (slot >= TCREC_MAX_IFACES) {
		pr_warn("%s: not recorded: the recording holds %d interfaces already", label,
			TCREC_MAX_IFACES);
		return -ENOSPC;
	}
	if (c->single && slot) {
		pr_warn("%s: not recorded: this recording was set up for one interface", label);
		return -ENOSPC;
	}
	struct slot_key *sk = &c->slots[slot];
	sk->key = (struct tcrec_ifkey){ .netns_cookie = c->multi_ns ? netns_cookie : 0,
					.ifindex = ifc->ifindex };
	struct tcrec_ifslot val = { .slot = slot, .no_eth = !!(ifc->link_flags & TCLOG_IF_NO_ETH) };
	int err = bpf_map__update_elem(c->skel->maps.ifslots, &sk->key, sizeof(sk->key), &val,
				       sizeof(val), BPF_ANY);
	if (err) {
		pr_warn("%s: not recorded: cannot fill the interface map: %s", label, strerror(-err));
		return err;
	}
	sk->mapped = true;
	pr_debug("%s: slot %u, key ifindex %u netns cookie %llu", label, slot, sk->key.ifindex,
		 (unsigned long long)sk->key.netns_cookie);
	/* in the table before the first packet can name it */
	c->hdr->ifaces[slot] = *ifc;
	c->hdr->n_ifaces = slot + 1;
	struct attach_target t = { .ifindex = (int)ifc->ifindex, .ifname = label, .slot = slot,
				   .netns_ino = ifc->netns_ino };
	struct hook_job j = { .c = c, .t = &t, .dirs = dirs };
	err = in_netns(c, ifc->netns_ino, attach_job, &j);
	if (err) {
		if (err == -ENOENT)
			pr_warn("%s: not recorded: its namespace went away", label);
		capture_remove_iface(c, slot, true);
		return err;
	}
	return (int)slot;
}

void capture_remove_iface(struct capture *c, uint32_t slot, bool gone)
{
	if (slot >= TCREC_MAX_IFACES)
		return;
	struct hook_job j = { .c = c, .slot = slot, .gone = gone };

	if (attach_slot_hooked(&c->hooks, slot) &&
	    (gone || in_netns(c, c->hdr->ifaces[slot].netns_ino, detach_job, &j)))
		attach_remove_slot(&c->hooks, slot, true);
	struct slot_key *sk = &c->slots[slot];
	struct tcrec_ifslot val;
	/* without namespace cookies a newer interface of another namespace may
	 * have the same key now: its entry stays */
	if (sk->mapped && !bpf_map__lookup_elem(c->skel->maps.ifslots, &sk->key, sizeof(sk->key),
						 &val, sizeof(val), 0) && val.slot == slot)
		bpf_map__delete_elem(c->skel->maps.ifslots, &sk->key, sizeof(sk->key), 0);
	sk->mapped = false;
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

const struct tclog_iface *capture_iface(const struct capture *c, uint32_t slot)
{
	return &c->hdr->ifaces[slot];
}

uint32_t capture_n_ifaces(const struct capture *c)
{
	return c->hdr->n_ifaces;
}

struct owner_table *capture_owners(const struct capture *c)
{
	return c->owners;
}

void capture_detach(struct capture *c)
{
	if (!c)
		return;
	for (uint32_t slot = c->hdr->n_ifaces; slot-- > 0;) {
		struct hook_job j = { .c = c, .slot = slot };

		if (attach_slot_hooked(&c->hooks, slot) &&
		    in_netns(c, c->hdr->ifaces[slot].netns_ino, detach_job, &j))
			attach_remove_slot(&c->hooks, slot, true);
	}
	attach_set_detach(&c->hooks);
}

void capture_destroy(struct capture *c)
{
	if (!c)
		return;
	capture_detach(c);
	tcrec_capture__destroy(c->skel);
	owner_table_free(c->owners);
	owner_destroy(c->owner);
	free(c);
}
