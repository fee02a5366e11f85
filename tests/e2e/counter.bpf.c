// SPDX-License-Identifier: MIT
/*
 * A stand-in for someone else's program on the same TC hook (Cilium, a
 * firewall, ...): it counts every packet and lets the next program run, so a
 * test can tell whether tcrec left it attached and whether it still saw every
 * packet while tcrec was recording.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} e2e_packets SEC(".maps");

SEC("tc")
int e2e_counter(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&e2e_packets, &key);

	if (n)
		*n += 1;
	/* TC_ACT_UNSPEC for a clsact filter and TCX_NEXT for a tcx link are
	 * both -1: hand the packet on to whatever comes next on the hook. */
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
