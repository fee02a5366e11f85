/* SPDX-License-Identifier: MIT */
/*
 * Classic BPF (what pcap_compile emits) to eBPF for a TC program.
 *
 * The generated code runs with R1 = struct __sk_buff * and computes what
 * libpcap's bpf_filter() computes on the packet as tcpdump sees it (the
 * "view"): an offloaded VLAN tag is put back after the MAC addresses, and
 * on an L3 device a 14-byte Ethernet header with zero MACs and the skb's
 * protocol is put in front. Packet loads past the end make the program
 * return 0, division or modulo by zero too, as bpf_filter does; A, X and
 * the scratch memory start at 0.
 *
 * cBPF that bpf_filter itself cannot run (RET X, unknown opcodes, scratch
 * index >= 16, shifts by a constant >= 32, jumps out of the program) is
 * refused with -EINVAL rather than guessed at.
 */
#ifndef TCREC_CBPF_TO_EBPF_H
#define TCREC_CBPF_TO_EBPF_H

#include <stddef.h>
#include <stdint.h>

/* eBPF instructions as in <linux/bpf.h>; only declared here so that files
 * that include <pcap.h> can use struct cbpf_insn. */
struct bpf_insn;

/* Same layout as libpcap's struct bpf_insn and the kernel's sock_filter;
 * a type of our own because <pcap/bpf.h> and <linux/bpf.h> both define
 * struct bpf_insn and cannot meet in one file. */
struct cbpf_insn {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
};

/* Where the generated program learns how the view differs from skb data. */
enum cbpf_view_source {
	/* skb->vlan_present/vlan_proto/vlan_tci; always Ethernet. For a
	 * stand-alone SCHED_CLS program. */
	CBPF_VIEW_SKB = 0,
	/* As CBPF_VIEW_SKB, and R2 (second argument of
	 * int tcrec_filter(struct __sk_buff *skb, __u32 no_eth)) != 0 means an
	 * L3 device. For the body of that function (filter_load.c). */
	CBPF_VIEW_ARG,
	/* Test hook, for BPF_PROG_TEST_RUN which cannot set VLAN fields:
	 * skb->mark == 0: plain; below 0x10000: L3 device with ethertype
	 * mark; otherwise an offloaded tag TPID (mark >> 16), TCI
	 * (mark & 0xffff). */
	CBPF_VIEW_MARK,
};

struct cbpf_xlate_opts {
	enum cbpf_view_source view;
	/* 0: return 1 when bpf_filter would return non-zero, else 0.
	 * 1: return bpf_filter's value itself (for difference testing). */
	int ret_value;
};

/* Upper bound on cBPF input length (libpcap's BPF_MAXINSNS). */
#define CBPF_MAX_INSNS 4096

/* Translates n cBPF instructions. On success *out (malloc'ed, free() it)
 * holds *out_n eBPF instructions and 0 is returned; otherwise -EINVAL
 * (with the offending index in *bad_pc when bad_pc is not NULL), -E2BIG
 * or -ENOMEM. */
int cbpf_to_ebpf(const struct cbpf_insn *in, size_t n, const struct cbpf_xlate_opts *opts,
		 struct bpf_insn **out, size_t *out_n, size_t *bad_pc);

#endif
