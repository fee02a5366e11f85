/* SPDX-License-Identifier: MIT */
/*
 * Putting the capture programs on TC hooks and taking them off again.
 * A tcx link where the kernel has one (6.6+, detached by the kernel when
 * the process dies), else a clsact filter at a fixed handle/priority.
 * Only what was created here is ever removed.
 */
#ifndef TCREC_ATTACH_H
#define TCREC_ATTACH_H

#include <stdbool.h>
#include <linux/types.h>

#include "bpf/tcrec.h"

enum attach_mode { ATTACH_AUTO, ATTACH_TCX, ATTACH_TC };

/* The clsact filter tcrec owns on each hook: a stale one (killed run) is
 * recognised by this handle/priority and a program named tcrec_*. */
#define TCREC_TC_HANDLE 0x7463u
#define TCREC_TC_PRIO 0x7463u
#define TCREC_PROG_PREFIX "tcrec_"

struct attach_entry {
	int ifindex;
	__u32 slot;          /* the interface's slot in the recording */
	__u64 netns_ino;     /* the namespace the ifindex belongs to */
	__u8 dir;            /* TCREC_DIR_* */
	bool tcx;            /* else a clsact filter */
	bool qdisc_created;  /* clsact: this entry created the qdisc */
	int link_fd;         /* tcx */
	__u32 prog_id;       /* clsact: ours, to check before removing */
	char ifname[112];    /* IF or NS/IF, for messages */
};

struct attach_set {
	struct attach_entry e[TCREC_MAX_IFACES * 2];
	int n;
	enum attach_mode mode; /* asked; AUTO turns into TC after a kernel without tcx */
};

void attach_set_init(struct attach_set *set, enum attach_mode mode);

/* Where a hook goes: ifindex in the caller's current network namespace. */
struct attach_target {
	int ifindex;
	const char *ifname;  /* for messages: IF or NS/IF */
	__u32 slot;
	__u64 netns_ino;
};

/* Attaches prog_fd on one hook; the calling thread must be in the target's
 * namespace. Prints one line naming the interface on failure and returns
 * -errno; what was attached before stays in the set. */
int attach_hook(struct attach_set *set, int prog_fd, const struct attach_target *t, __u8 dir);

/* Takes slot's hooks off. gone: the device no longer exists, so its hooks
 * went with it and only the link descriptors are closed; else the caller
 * must be in the slot's namespace (a clsact filter is removed by ifindex). */
void attach_remove_slot(struct attach_set *set, __u32 slot, bool gone);

/* True when slot has a hook in the set. */
bool attach_slot_hooked(const struct attach_set *set, __u32 slot);

/* True when a hook of the set is a clsact filter: removing it needs
 * CAP_NET_ADMIN, unlike closing a tcx link. */
bool attach_set_has_clsact(const struct attach_set *set);

/* Removes everything in the set (reverse order); NULL-safe, idempotent.
 * clsact filters go by ifindex: the caller must be in their namespace. */
void attach_set_detach(struct attach_set *set);

/* "ingress" or "egress", for messages. */
const char *attach_dir_name(__u8 dir);

#endif
