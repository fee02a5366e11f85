/* SPDX-License-Identifier: MIT */
/*
 * Socket owners: who a socket belongs to is written once, where a process
 * is at hand, never per packet.
 *   - socket(2): a cgroup sock_create program on the root cgroup runs in
 *     the creating thread;
 *   - accept(2): the accepted socket is made in softirq, with no process
 *     at hand; it carries its listener's mark, as the storage is cloned
 *     with the socket (BPF_F_CLONE). A hook in the accepting thread would
 *     need a trampoline (fexit, BPF LSM), which the kernels we run on may
 *     refuse (EPERM), or kprobes, which they may lack;
 *   - sockets open before recording: a task_file iterator, run once.
 * Each writes the owner into the socks map (read by the recorder) and the
 * owner's cookie onto the socket (read by the capture programs). Nothing
 * here can refuse a socket: sock_create always returns 1.
 */
#include <linux/bpf.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "bpf/owner.bpf.h"
#include "bpf/tcrec.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#define AF_INET 2
#define AF_INET6 10

/* record --cgroup: sockets made by tasks in this cgroup v2 (or below it)
 * get TCREC_SOCK_SELECTED. 0 = no selection. */
const volatile __u64 want_cgroup_id = 0;
const volatile __u32 want_cgroup_level = 0;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TCREC_SOCKS_MAX);
	__type(key, __u64);
	__type(value, struct tcrec_sockinfo);
} socks SEC(".maps");

/* Only the kernel fields read here, located through BTF at load time. */
struct sock_common {
	unsigned short skc_family;
} __attribute__((preserve_access_index));
struct sock {
	struct sock_common __sk_common;
} __attribute__((preserve_access_index));
struct socket {
	struct sock *sk;
} __attribute__((preserve_access_index));
struct kernfs_node {
	__u64 id;
} __attribute__((preserve_access_index));
struct cgroup {
	struct kernfs_node *kn;
	int level;
	struct cgroup *ancestors[];
} __attribute__((preserve_access_index));
struct css_set {
	struct cgroup *dfl_cgrp;
} __attribute__((preserve_access_index));
typedef struct {
	__u32 val;
} kuid_t;
struct cred {
	kuid_t uid;
} __attribute__((preserve_access_index));
struct task_struct {
	int pid;
	int tgid;
	char comm[TCREC_COMM_LEN];
	const struct cred *cred;
	struct css_set *cgroups;
} __attribute__((preserve_access_index));
struct bpf_iter_meta {
	void *seq;
} __attribute__((preserve_access_index));
struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} __attribute__((preserve_access_index));

static __always_inline int inet_family(unsigned short family)
{
	return family == AF_INET || family == AF_INET6;
}

/* Writes the owner and marks the socket; an existing mark is replaced
 * only when replace is set (the iterator must not undo what socket(2) or
 * accept(2) wrote while it ran). */
static __always_inline void own(struct tcrec_sock_mark *m, struct tcrec_sockinfo *info,
				int replace)
{
	if (!m || (m->cookie && !replace))
		return;
	bpf_map_update_elem(&socks, &info->cookie, info, BPF_ANY);
	m->flags = info->flags;
	m->cookie = info->cookie;
}

static __always_inline void current_owner(struct tcrec_sockinfo *info)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	info->pid = pid_tgid >> 32;
	info->tid = (__u32)pid_tgid;
	info->uid = (__u32)uid_gid;
	info->cgroup_id = bpf_get_current_cgroup_id();
	bpf_get_current_comm(info->comm, sizeof(info->comm));
	if (want_cgroup_id && bpf_get_current_ancestor_cgroup_id(want_cgroup_level) == want_cgroup_id)
		info->flags |= TCREC_SOCK_SELECTED;
}

SEC("cgroup/sock_create")
int owner_sock_create(struct bpf_sock *sk)
{
	struct tcrec_sockinfo info = { .flags = TCREC_SOCK_CREATED };

	if (!inet_family(sk->family))
		return 1;
	info.cookie = bpf_get_socket_cookie(sk);
	current_owner(&info);
	own(bpf_sk_storage_get(&sock_marks, sk, 0, BPF_SK_STORAGE_GET_F_CREATE), &info, 1);
	return 1;
}

static __always_inline int task_selected(struct task_struct *task)
{
	struct cgroup *cg = BPF_CORE_READ(task, cgroups, dfl_cgrp), *anc = NULL;
	__u32 lvl = want_cgroup_level;

	if (!cg || BPF_CORE_READ(cg, level) < (int)lvl)
		return 0;
	if (bpf_core_read(&anc, sizeof(anc), &cg->ancestors[lvl & 0xff]) || !anc)
		return 0;
	return BPF_CORE_READ(anc, kn, id) == want_cgroup_id;
}

SEC("iter/task_file")
int owner_seed(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct tcrec_sockinfo info = { .flags = TCREC_SOCK_SEEDED };

	if (!task || !file)
		return 0;
	struct socket *sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	struct sock *sk = sock->sk;
	if (!sk || !inet_family(sk->__sk_common.skc_family))
		return 0;
	info.cookie = bpf_get_socket_cookie(sk);
	info.pid = task->tgid;
	info.tid = task->pid;
	info.uid = BPF_CORE_READ(task, cred, uid.val);
	info.cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	bpf_probe_read_kernel_str(info.comm, sizeof(info.comm), task->comm);
	if (want_cgroup_id && task_selected(task))
		info.flags |= TCREC_SOCK_SELECTED;
	own(bpf_sk_storage_get(&sock_marks, sk, 0, BPF_SK_STORAGE_GET_F_CREATE), &info, 0);
	return 0;
}
