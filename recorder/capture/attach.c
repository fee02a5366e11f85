/* SPDX-License-Identifier: MIT */
#include "attach.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "attach_clsact.h"
#include "logging.h"

/* Newer than Debian's 6.1 UAPI headers. */
#define TCREC_BPF_TCX_INGRESS 46
#define TCREC_BPF_TCX_EGRESS 47
#define TCREC_BPF_F_BEFORE (1u << 3)

const char *attach_dir_name(__u8 dir)
{
	return dir == TCREC_DIR_IN ? "ingress" : "egress";
}

void attach_set_init(struct attach_set *set, enum attach_mode mode)
{
	memset(set, 0, sizeof(*set));
	set->mode = mode;
}

/* Ingress goes first in the chain, egress last, so that tcrec sees what
 * tcpdump sees: the packet before anyone else's ingress verdict and after
 * everyone's egress changes. */
static int tcx_attach(struct attach_entry *e, int prog_fd)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts,
		    .flags = e->dir == TCREC_DIR_IN ? TCREC_BPF_F_BEFORE : 0);
	int type = e->dir == TCREC_DIR_IN ? TCREC_BPF_TCX_INGRESS : TCREC_BPF_TCX_EGRESS;
	int fd = bpf_link_create(prog_fd, e->ifindex, type, &opts);

	if (fd < 0)
		return fd;
	e->link_fd = fd;
	e->tcx = true;
	return 0;
}

/* A kernel without tcx rejects the attach type itself. */
static bool tcx_unsupported(int err)
{
	return err == -EINVAL || err == -EOPNOTSUPP || err == -ENOTSUP;
}

static bool qdisc_created_on(const struct attach_set *set, __u32 slot)
{
	for (int i = 0; i < set->n; i++)
		if (set->e[i].slot == slot && set->e[i].qdisc_created)
			return true;
	return false;
}

int attach_hook(struct attach_set *set, int prog_fd, const struct attach_target *t, __u8 dir)
{
	if (set->n >= (int)(sizeof(set->e) / sizeof(set->e[0])))
		return -E2BIG;
	struct attach_entry *e = &set->e[set->n];
	const char *ifname = t->ifname;
	int err = -EINVAL;

	memset(e, 0, sizeof(*e));
	e->ifindex = t->ifindex;
	e->slot = t->slot;
	e->netns_ino = t->netns_ino;
	e->dir = dir;
	e->link_fd = -1;
	snprintf(e->ifname, sizeof(e->ifname), "%s", ifname);

	if (set->mode == ATTACH_AUTO || set->mode == ATTACH_TCX) {
		err = tcx_attach(e, prog_fd);
		if (!err) {
			pr_debug("%s %s: attached (tcx link)", ifname, attach_dir_name(dir));
			clsact_remove_stale(e);
			set->n++;
			return 0;
		}
		if (set->mode == ATTACH_TCX || !tcx_unsupported(err)) {
			if (tcx_unsupported(err))
				pr_warn("%s %s: this kernel has no tcx hooks (needs 6.6+): %s; "
					"try --attach tc", ifname, attach_dir_name(dir), strerror(-err));
			else
				pr_warn("%s %s: cannot attach a tcx link: %s", ifname, attach_dir_name(dir),
					strerror(-err));
			return err;
		}
		pr_debug("%s %s: no tcx on this kernel (%s), using a clsact filter", ifname,
			 attach_dir_name(dir), strerror(-err));
		set->mode = ATTACH_TC;
	}

	bool created_before = qdisc_created_on(set, t->slot);
	err = clsact_attach(e, prog_fd, &created_before);
	if (err)
		return err;
	pr_debug("%s %s: attached (clsact filter handle 0x%x prio %u%s)", ifname, attach_dir_name(dir),
		 TCREC_TC_HANDLE, TCREC_TC_PRIO, e->qdisc_created ? ", qdisc created" : "");
	set->n++;
	return 0;
}

bool attach_set_has_clsact(const struct attach_set *set)
{
	for (int i = 0; i < set->n; i++)
		if (!set->e[i].tcx)
			return true;
	return false;
}

static void detach_entry(struct attach_entry *e, bool gone)
{
	if (e->tcx) {
		close(e->link_fd);
		e->link_fd = -1;
	} else if (!gone) {
		clsact_detach(e);
	}
	pr_debug("%s %s: %s", e->ifname, attach_dir_name(e->dir), gone ? "gone" : "detached");
}

void attach_set_detach(struct attach_set *set)
{
	if (!set)
		return;
	for (int i = set->n - 1; i >= 0; i--)
		detach_entry(&set->e[i], false);
	set->n = 0;
}

void attach_remove_slot(struct attach_set *set, __u32 slot, bool gone)
{
	int kept = 0;

	for (int i = set->n - 1; i >= 0; i--)
		if (set->e[i].slot == slot)
			detach_entry(&set->e[i], gone);
	for (int i = 0; i < set->n; i++)
		if (set->e[i].slot != slot)
			set->e[kept++] = set->e[i];
	set->n = kept;
}

bool attach_slot_hooked(const struct attach_set *set, __u32 slot)
{
	for (int i = 0; i < set->n; i++)
		if (set->e[i].slot == slot)
			return true;
	return false;
}
