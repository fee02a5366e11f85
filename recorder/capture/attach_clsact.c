/* SPDX-License-Identifier: MIT */
/*
 * clsact filters: the fallback for kernels without tcx. libbpf creates the
 * qdisc and the filter; netlink is used directly only to count the filters
 * left on a qdisc before deleting it, because deleting a clsact qdisc
 * deletes every filter on it, other people's included.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach_clsact.h"
#include "logging.h"

static void hook_of(const struct attach_entry *e, struct bpf_tc_hook *hook)
{
	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = e->ifindex;
	hook->attach_point = e->dir == TCREC_DIR_IN ? BPF_TC_INGRESS : BPF_TC_EGRESS;
}

/* Program id of the filter at our handle/priority: 0 when there is none. */
static __u32 filter_at_our_place(const struct bpf_tc_hook *hook)
{
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = TCREC_TC_HANDLE, .priority = TCREC_TC_PRIO);

	if (bpf_tc_query(hook, &q))
		return 0;
	return q.prog_id;
}

static int prog_name(__u32 id, char *name, size_t len)
{
	struct bpf_prog_info info;
	__u32 ilen = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd < 0)
		return fd;
	memset(&info, 0, sizeof(info));
	int err = bpf_obj_get_info_by_fd(fd, &info, &ilen);
	close(fd);
	if (err)
		return err;
	snprintf(name, len, "%s", info.name);
	return 0;
}

/* Is process pid a tcrec? A tool that lists programs (bpftool, a test's
 * checker) holds each one for a moment: that makes no filter live. */
static bool pid_is_tcrec(const char *pid)
{
	char path[64], comm[32] = "";

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(comm, sizeof(comm), f) && !strncmp(comm, "tcrec", 5);
	fclose(f);
	return ok;
}

/* Does process pid, a tcrec, hold a descriptor of program prog_id? */
static bool pid_holds_prog(const char *pid, __u32 prog_id)
{
	char path[600], line[128];
	bool found = false;

	if (!pid_is_tcrec(pid))
		return false;
	snprintf(path, sizeof(path), "/proc/%s/fdinfo", pid);
	DIR *d = opendir(path);
	if (!d)
		return false;
	for (struct dirent *e; !found && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", pid, e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			unsigned long id;

			if (sscanf(line, "prog_id: %lu", &id) == 1) {
				found = id == prog_id;
				break;
			}
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

/* A tcrec filter is stale when no process holds its program any more (a
 * running tcrec keeps its program descriptors open). Returns the pid of a
 * holder, 0 if none. */
static long prog_holder(__u32 prog_id)
{
	DIR *d = opendir("/proc");
	long holder = 0;

	if (!d)
		return 0;
	for (struct dirent *e; !holder && (e = readdir(d));) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0 || pid == getpid())
			continue;
		if (pid_holds_prog(e->d_name, prog_id))
			holder = pid;
	}
	closedir(d);
	return holder;
}

static void destroy_qdisc_if_empty(const struct attach_entry *e)
{
	int n = clsact_count_filters(e->ifindex);

	if (n != 0) {
		if (n > 0)
			pr_debug("%s: keeping the clsact qdisc tcrec created: %d other filter(s) on it",
				 e->ifname, n);
		else
			pr_debug("%s: keeping the clsact qdisc tcrec created: cannot list its filters (%s)",
				 e->ifname, strerror(-n));
		return;
	}
	struct bpf_tc_hook hook;

	hook_of(e, &hook);
	hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	int err = bpf_tc_hook_destroy(&hook);
	if (err && err != -ENOENT)
		pr_warn("%s: cannot remove the clsact qdisc tcrec created: %s", e->ifname, strerror(-err));
}

/* Who owns the filter at tcrec's handle/priority on a hook. */
struct our_place {
	__u32 prog_id;        /* 0: the place is free */
	bool foreign;         /* a program not named tcrec_* */
	long holder;          /* pid of the live tcrec holding it, 0 if stale */
	char name[BPF_OBJ_NAME_LEN];
};

static void look_at_our_place(const struct bpf_tc_hook *hook, struct our_place *p)
{
	memset(p, 0, sizeof(*p));
	p->prog_id = filter_at_our_place(hook);
	if (!p->prog_id)
		return;
	p->foreign = prog_name(p->prog_id, p->name, sizeof(p->name)) ||
		     strncmp(p->name, TCREC_PROG_PREFIX, strlen(TCREC_PROG_PREFIX));
	if (!p->foreign)
		p->holder = prog_holder(p->prog_id);
}

int clsact_remove_stale(const struct attach_entry *e)
{
	struct bpf_tc_hook hook;
	struct our_place p;

	hook_of(e, &hook);
	look_at_our_place(&hook, &p);
	/* someone else's filter, or a running tcrec's: not ours to remove */
	if (!p.prog_id || p.foreign || p.holder)
		return 0;
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TCREC_TC_HANDLE, .priority = TCREC_TC_PRIO);
	int err = bpf_tc_detach(&hook, &opts);
	if (err && err != -ENOENT) {
		pr_warn("%s %s: cannot remove a stale tcrec clsact filter (program id %u) left by an "
			"earlier run: %s", e->ifname, attach_dir_name(e->dir), p.prog_id, strerror(-err));
		return err;
	}
	/* The qdisc may be the earlier run's or anyone's: it stays. */
	pr_info("%s %s: removed a stale tcrec clsact filter (program id %u) left by an earlier run",
		e->ifname, attach_dir_name(e->dir), p.prog_id);
	return 1;
}

int clsact_attach(struct attach_entry *e, int prog_fd, bool *qdisc_created_on_if)
{
	struct bpf_tc_hook hook;
	int err;

	hook_of(e, &hook);
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		pr_warn("%s: cannot create a clsact qdisc: %s", e->ifname, strerror(-err));
		return err;
	}
	/* -EEXIST: someone's clsact (maybe ours from the other direction), keep it */
	if (!err && !*qdisc_created_on_if)
		e->qdisc_created = true;

	__u32 flags = 0;
	struct our_place p;
	look_at_our_place(&hook, &p);
	if (p.prog_id && p.foreign) {
		pr_warn("%s %s: the clsact filter at handle 0x%x prio %u runs program '%s' (id %u), "
			"not tcrec's: not touching it",
			e->ifname, attach_dir_name(e->dir), TCREC_TC_HANDLE, TCREC_TC_PRIO,
			p.name[0] ? p.name : "?", p.prog_id);
		err = -EBUSY;
		goto fail;
	}
	if (p.holder) {
		pr_warn("%s %s: another tcrec (pid %ld) is recording here in tc mode; "
			"stop it or use --attach tcx", e->ifname, attach_dir_name(e->dir), p.holder);
		err = -EBUSY;
		goto fail;
	}
	if (p.prog_id) {
		pr_info("%s %s: replacing a stale tcrec filter (program id %u) left by an earlier run",
			e->ifname, attach_dir_name(e->dir), p.prog_id);
		flags = BPF_TC_F_REPLACE;
	}

	LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd, .flags = flags,
		    .handle = TCREC_TC_HANDLE, .priority = TCREC_TC_PRIO);
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		pr_warn("%s %s: cannot attach a clsact filter: %s", e->ifname, attach_dir_name(e->dir),
			strerror(-err));
		goto fail;
	}
	e->prog_id = opts.prog_id;
	e->tcx = false;
	return 0;
fail:
	if (e->qdisc_created)
		destroy_qdisc_if_empty(e);
	e->qdisc_created = false;
	return err;
}

void clsact_detach(const struct attach_entry *e)
{
	struct bpf_tc_hook hook;

	hook_of(e, &hook);
	/* Only our own program: a later run may have replaced it meanwhile. */
	if (filter_at_our_place(&hook) == e->prog_id) {
		LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TCREC_TC_HANDLE, .priority = TCREC_TC_PRIO);
		int err = bpf_tc_detach(&hook, &opts);
		if (err && err != -ENOENT)
			pr_warn("%s %s: cannot remove tcrec's clsact filter: %s", e->ifname,
				attach_dir_name(e->dir), strerror(-err));
	}
	if (e->qdisc_created)
		destroy_qdisc_if_empty(e);
}

/* RTM_GETTFILTER dump of one clsact parent: the filters (handle != 0) on it. */
static int count_parent(int sock, int ifindex, __u32 parent, __u32 seq)
{
	struct {
		struct nlmsghdr n;
		struct tcmsg t;
	} req;
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	int count = 0;

	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg));
	req.n.nlmsg_type = RTM_GETTFILTER;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.n.nlmsg_seq = seq;
	req.t.tcm_family = AF_UNSPEC;
	req.t.tcm_ifindex = ifindex;
	req.t.tcm_parent = parent;
	if (send(sock, &req, req.n.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t len = recv(sock, buf, sizeof(buf), 0);

		if (len < 0)
			return -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return count;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *ne = NLMSG_DATA(h);
				return ne->error ? ne->error : -EIO;
			}
			if (h->nlmsg_type != RTM_NEWTFILTER ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct tcmsg)))
				continue;
			const struct tcmsg *t = NLMSG_DATA(h);
			/* handle 0 is the per-priority classifier itself, not a filter */
			if (t->tcm_handle)
				count++;
		}
	}
}

int clsact_count_filters(int ifindex)
{
	int sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (sock < 0)
		return -errno;
	int in = count_parent(sock, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS), 1);
	int out = in < 0 ? in : count_parent(sock, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS), 2);
	close(sock);
	if (in < 0)
		return in;
	if (out < 0)
		return out;
	return in + out;
}
