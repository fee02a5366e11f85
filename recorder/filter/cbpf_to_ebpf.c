/* SPDX-License-Identifier: MIT */
#include "cbpf_to_ebpf.h"

#include "ebpf_emit.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

/* Classic-only constants (linux/filter.h has them, but pulling it in here
 * would bring struct sock_filter for nothing). */
#define C_MISC 0x07
#define C_TAX 0x00
#define C_TXA 0x80
#define C_MEMWORDS 16

/* eBPF registers: A, X and the view length live in callee-saved registers
 * so that helper calls keep them. */
#define R_CTX BPF_REG_6
#define R_A BPF_REG_7
#define R_X BPF_REG_8
#define R_LEN BPF_REG_9 /* bpf_filter's buflen and wirelen */

/* Stack frame, offsets from R10. */
#define OFF_MEM (-64)   /* M[0..15], 4 bytes each */
#define OFF_BUF (-72)   /* bpf_skb_load_bytes destination */
#define OFF_HEAD (-96)  /* view bytes [0, HLEN) plus the 4 view bytes after them */
#define OFF_HLEN (-104) /* u64 HLEN; view byte v >= HLEN is skb byte v - DELTA */
#define OFF_DELTA (-112)
#define HEAD_MAX 16     /* largest HLEN: MACs + an offloaded tag */


static void ctx_load(struct ebpf_emitter *e, uint8_t dst, int16_t off)
{
	ebpf_emit(e, BPF_LDX | BPF_MEM | BPF_W, dst, R_CTX, off, 0);
}

static uint8_t size_code(unsigned n)
{
	return n == 4 ? BPF_W : n == 2 ? BPF_H : BPF_B;
}

/* Copies skb bytes [pkt_off, pkt_off + max) (fewer when the skb is shorter)
 * to the stack at dst_off. Uses R_LEN as the skb length. */
static void head_fill(struct ebpf_emitter *e, int16_t dst_off, uint32_t pkt_off, uint32_t max)
{
	size_t skip = ebpf_label(e);

	ebpf_jump(e, BPF_JMP | BPF_JLE | BPF_K, R_LEN, 0, (int32_t)pkt_off, skip);
	ebpf_mov64_reg(e, BPF_REG_4, R_LEN);
	ebpf_emit(e, BPF_ALU64 | BPF_SUB | BPF_K, BPF_REG_4, 0, 0, (int32_t)pkt_off);
	ebpf_emit(e, BPF_JMP | BPF_JLE | BPF_K, BPF_REG_4, 0, 1, (int32_t)max);
	ebpf_emit(e, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, (int32_t)max);
	ebpf_mov64_reg(e, BPF_REG_1, R_CTX);
	ebpf_mov32_imm(e, BPF_REG_2, pkt_off);
	ebpf_mov64_reg(e, BPF_REG_3, BPF_REG_10);
	ebpf_emit(e, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, dst_off);
	ebpf_call(e, BPF_FUNC_skb_load_bytes);
	ebpf_place(e, skip);
}

/*
 * Prologue: A = X = 0, scratch memory zeroed, R_LEN = view length, and the
 * view described on the stack. Ends at `body`.
 */
static void zero_head(struct ebpf_emitter *e)
{
	for (int i = 0; i < 24; i += 8)
		ebpf_emit(e, BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, OFF_HEAD + i, 0);
}

static void emit_prologue(struct ebpf_emitter *e, enum cbpf_view_source src, int reads_mem, size_t body)
{
	size_t vlan = ebpf_label(e), l3 = ebpf_label(e);

	ebpf_mov64_reg(e, R_CTX, BPF_REG_1);
	ebpf_mov32_imm(e, R_A, 0);
	ebpf_mov32_imm(e, R_X, 0);
	/* bpf_filter's scratch memory is not initialised; ours must be for the
	 * verifier when it is read, and zero is as good a value as any */
	for (int i = 0; reads_mem && i < C_MEMWORDS * 4; i += 8)
		ebpf_emit(e, BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, OFF_MEM + i, 0);
	ebpf_emit(e, BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, OFF_HLEN, 0);
	ebpf_emit(e, BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, OFF_DELTA, 0);
	ctx_load(e, R_LEN, offsetof(struct __sk_buff, len));

	/* Each source leaves, for `vlan`: R4 = TPID as stored on the wire
	 * (network order in memory), R5 = TCI in host order; for `l3`: R4 =
	 * ethertype as stored on the wire. */
	switch (src) {
	case CBPF_VIEW_ARG: {
		size_t eth = ebpf_label(e);
		ebpf_jump(e, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_2, 0, 0, eth);
		ctx_load(e, BPF_REG_4, offsetof(struct __sk_buff, protocol));
		ebpf_ja(e, l3);
		ebpf_place(e, eth);
	}
		/* fall through */
	case CBPF_VIEW_SKB:
		ctx_load(e, BPF_REG_3, offsetof(struct __sk_buff, vlan_present));
		ebpf_jump(e, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_3, 0, 0, body);
		ctx_load(e, BPF_REG_4, offsetof(struct __sk_buff, vlan_proto));
		ctx_load(e, BPF_REG_5, offsetof(struct __sk_buff, vlan_tci));
		ebpf_ja(e, vlan);
		break;
	case CBPF_VIEW_MARK:
		ctx_load(e, BPF_REG_3, offsetof(struct __sk_buff, mark));
		ebpf_jump(e, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_3, 0, 0, body);
		ebpf_jump(e, BPF_JMP | BPF_JLT | BPF_K, BPF_REG_3, 0, 0x10000, l3);
		ebpf_mov64_reg(e, BPF_REG_4, BPF_REG_3);
		ebpf_emit(e, BPF_ALU | BPF_RSH | BPF_K, BPF_REG_4, 0, 0, 16);
		ebpf_emit(e, BPF_ALU | BPF_END | BPF_TO_BE, BPF_REG_4, 0, 0, 16);
		ebpf_mov64_reg(e, BPF_REG_5, BPF_REG_3);
		ebpf_emit(e, BPF_ALU | BPF_AND | BPF_K, BPF_REG_5, 0, 0, 0xffff);
		ebpf_ja(e, vlan);
		break;
	}

	if (src == CBPF_VIEW_MARK) {
		/* l3 entry from the mark: ethertype in the low 16 bits */
		size_t l3_tail = ebpf_label(e);
		ebpf_place(e, l3);
		ebpf_mov64_reg(e, BPF_REG_4, BPF_REG_3);
		ebpf_emit(e, BPF_ALU | BPF_AND | BPF_K, BPF_REG_4, 0, 0, 0xffff);
		ebpf_emit(e, BPF_ALU | BPF_END | BPF_TO_BE, BPF_REG_4, 0, 0, 16);
		l3 = l3_tail;
		ebpf_ja(e, l3);
	}

	/* offloaded tag: view = MACs, tag, skb bytes from 12 on */
	ebpf_place(e, vlan);
	zero_head(e);
	ebpf_emit(e, BPF_STX | BPF_MEM | BPF_H, BPF_REG_10, BPF_REG_4, OFF_HEAD + 12, 0);
	ebpf_emit(e, BPF_ALU | BPF_END | BPF_TO_BE, BPF_REG_5, 0, 0, 16);
	ebpf_emit(e, BPF_STX | BPF_MEM | BPF_H, BPF_REG_10, BPF_REG_5, OFF_HEAD + 14, 0);
	ebpf_emit(e, BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, OFF_HLEN, 16);
	ebpf_emit(e, BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, OFF_DELTA, 4);
	head_fill(e, OFF_HEAD, 0, 12);
	head_fill(e, OFF_HEAD + 16, 12, 4);
	ebpf_emit(e, BPF_ALU64 | BPF_ADD | BPF_K, R_LEN, 0, 0, 4);
	ebpf_ja(e, body);

	/* L3 device: view = zero MACs, ethertype, skb bytes */
	if (src != CBPF_VIEW_SKB) {
		ebpf_place(e, l3);
		zero_head(e);
		ebpf_emit(e, BPF_STX | BPF_MEM | BPF_H, BPF_REG_10, BPF_REG_4, OFF_HEAD + 12, 0);
		ebpf_emit(e, BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, OFF_HLEN, 14);
		ebpf_emit(e, BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, OFF_DELTA, 14);
		head_fill(e, OFF_HEAD + 14, 0, 4);
		ebpf_emit(e, BPF_ALU64 | BPF_ADD | BPF_K, R_LEN, 0, 0, 14);
	}
	ebpf_place(e, body);
}

/*
 * dst = big-endian n-byte view load at the view offset in R2 (a u64 that
 * may exceed 32 bits for X + k), or jump to reject when it is past the end.
 */
static void emit_view_load(struct ebpf_emitter *e, unsigned n, uint8_t dst, size_t reject)
{
	size_t head = ebpf_label(e), slow = ebpf_label(e), swap = ebpf_label(e), done = ebpf_label(e);
	uint8_t sz = size_code(n);

	ebpf_mov64_reg(e, BPF_REG_3, BPF_REG_2);
	ebpf_emit(e, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, (int32_t)n);
	ebpf_jump(e, BPF_JMP | BPF_JGT | BPF_X, BPF_REG_3, R_LEN, 0, reject);
	ebpf_emit(e, BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_3, BPF_REG_10, OFF_HLEN, 0);
	ebpf_jump(e, BPF_JMP | BPF_JLT | BPF_X, BPF_REG_2, BPF_REG_3, 0, head);
	ebpf_emit(e, BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_3, BPF_REG_10, OFF_DELTA, 0);
	ebpf_emit(e, BPF_ALU64 | BPF_SUB | BPF_X, BPF_REG_2, BPF_REG_3, 0, 0);

	/* linear data: direct access. The verifier gives a packet pointer a
	 * range only when offset + size stays within 0xffff. */
	ebpf_jump(e, BPF_JMP | BPF_JGT | BPF_K, BPF_REG_2, 0, 0xfff0, slow);
	ctx_load(e, BPF_REG_1, offsetof(struct __sk_buff, data));
	ctx_load(e, BPF_REG_3, offsetof(struct __sk_buff, data_end));
	ebpf_emit(e, BPF_ALU64 | BPF_ADD | BPF_X, BPF_REG_1, BPF_REG_2, 0, 0);
	ebpf_mov64_reg(e, BPF_REG_4, BPF_REG_1);
	ebpf_emit(e, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, (int32_t)n);
	ebpf_jump(e, BPF_JMP | BPF_JGT | BPF_X, BPF_REG_4, BPF_REG_3, 0, slow);
	ebpf_emit(e, BPF_LDX | BPF_MEM | sz, dst, BPF_REG_1, 0, 0);
	ebpf_ja(e, swap);

	/* paged data */
	ebpf_place(e, slow);
	ebpf_mov64_reg(e, BPF_REG_1, R_CTX);
	ebpf_mov64_reg(e, BPF_REG_3, BPF_REG_10);
	ebpf_emit(e, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, OFF_BUF);
	ebpf_emit(e, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, (int32_t)n);
	ebpf_call(e, BPF_FUNC_skb_load_bytes);
	ebpf_jump(e, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 0, reject);
	ebpf_emit(e, BPF_LDX | BPF_MEM | sz, dst, BPF_REG_10, OFF_BUF, 0);
	ebpf_place(e, swap);
	if (n > 1)
		ebpf_emit(e, BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, (int32_t)(n * 8));
	ebpf_ja(e, done);

	/* bytes the view has in front of the skb's (byte by byte: they may
	 * straddle into the copied skb bytes that follow) */
	ebpf_place(e, head);
	ebpf_jump(e, BPF_JMP | BPF_JGT | BPF_K, BPF_REG_2, 0, HEAD_MAX - 1, reject);
	ebpf_mov64_reg(e, BPF_REG_1, BPF_REG_10);
	ebpf_emit(e, BPF_ALU64 | BPF_ADD | BPF_X, BPF_REG_1, BPF_REG_2, 0, 0);
	ebpf_emit(e, BPF_LDX | BPF_MEM | BPF_B, dst, BPF_REG_1, OFF_HEAD, 0);
	for (unsigned i = 1; i < n; i++) {
		ebpf_emit(e, BPF_ALU | BPF_LSH | BPF_K, dst, 0, 0, 8);
		ebpf_emit(e, BPF_LDX | BPF_MEM | BPF_B, BPF_REG_3, BPF_REG_1, (int16_t)(OFF_HEAD + i), 0);
		ebpf_emit(e, BPF_ALU | BPF_OR | BPF_X, dst, BPF_REG_3, 0, 0);
	}
	ebpf_place(e, done);
}

static int emit_load(struct ebpf_emitter *e, const struct cbpf_insn *in, size_t reject)
{
	uint8_t mode = in->code & 0xe0;
	unsigned n = BPF_SIZE(in->code) == BPF_W ? 4 : BPF_SIZE(in->code) == BPF_H ? 2 : 1;

	switch (in->code) {
	case BPF_LD | BPF_IMM:
		ebpf_mov32_imm(e, R_A, in->k);
		return 0;
	case BPF_LDX | BPF_IMM:
		ebpf_mov32_imm(e, R_X, in->k);
		return 0;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
		if (in->k >= C_MEMWORDS)
			return -EINVAL;
		ebpf_emit(e, BPF_LDX | BPF_MEM | BPF_W, BPF_CLASS(in->code) == BPF_LD ? R_A : R_X,
		     BPF_REG_10, (int16_t)(OFF_MEM + 4 * (int)in->k), 0);
		return 0;
	case BPF_LD | BPF_W | BPF_LEN:
		ebpf_emit(e, BPF_ALU | BPF_MOV | BPF_X, R_A, R_LEN, 0, 0);
		return 0;
	case BPF_LDX | BPF_W | BPF_LEN:
		ebpf_emit(e, BPF_ALU | BPF_MOV | BPF_X, R_X, R_LEN, 0, 0);
		return 0;
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
	case BPF_LDX | BPF_B | 0xa0: /* MSH */
		ebpf_mov32_imm(e, BPF_REG_2, in->k);
		break;
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
		/* 64-bit sum: X + k past 2^32 is out of bounds, as in bpf_filter */
		ebpf_mov32_imm(e, BPF_REG_2, in->k);
		ebpf_emit(e, BPF_ALU64 | BPF_ADD | BPF_X, BPF_REG_2, R_X, 0, 0);
		break;
	default:
		return -EINVAL;
	}
	if (mode == 0xa0) {
		emit_view_load(e, 1, R_X, reject);
		ebpf_emit(e, BPF_ALU | BPF_AND | BPF_K, R_X, 0, 0, 0xf);
		ebpf_emit(e, BPF_ALU | BPF_LSH | BPF_K, R_X, 0, 0, 2);
	} else {
		emit_view_load(e, n, R_A, reject);
	}
	return 0;
}

static int emit_alu(struct ebpf_emitter *e, const struct cbpf_insn *in, size_t reject)
{
	uint8_t op = BPF_OP(in->code);

	if (op == BPF_NEG) {
		if (in->code != (BPF_ALU | BPF_NEG))
			return -EINVAL;
		ebpf_emit(e, BPF_ALU | BPF_NEG, R_A, 0, 0, 0);
		return 0;
	}
	switch (op) {
	case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV: case BPF_MOD:
	case BPF_AND: case BPF_OR: case BPF_XOR: case BPF_LSH: case BPF_RSH:
		break;
	default:
		return -EINVAL;
	}
	if (BPF_SRC(in->code) == BPF_K) {
		if ((op == BPF_DIV || op == BPF_MOD) && in->k == 0) {
			ebpf_ja(e, reject);
			return 0;
		}
		/* undefined in bpf_filter (C shift), refused by libpcap's
		 * compiler and by the kernel's classic checker */
		if ((op == BPF_LSH || op == BPF_RSH) && in->k >= 32)
			return -EINVAL;
		ebpf_emit(e, BPF_ALU | op | BPF_K, R_A, 0, 0, (int32_t)in->k);
		return 0;
	}
	if (op == BPF_DIV || op == BPF_MOD)
		ebpf_jump(e, BPF_JMP32 | BPF_JEQ | BPF_K, R_X, 0, 0, reject);
	if (op == BPF_LSH || op == BPF_RSH) {
		/* bpf_filter: A = 0 for X >= 32; eBPF would mask the count */
		ebpf_emit(e, BPF_JMP32 | BPF_JLT | BPF_K, R_X, 0, 2, 32);
		ebpf_mov32_imm(e, R_A, 0);
		ebpf_emit(e, BPF_JMP | BPF_JA, 0, 0, 1, 0);
	}
	ebpf_emit(e, BPF_ALU | op | BPF_X, R_A, R_X, 0, 0);
	return 0;
}

static int emit_jmp(struct ebpf_emitter *e, const struct cbpf_insn *in, size_t pc, size_t n)
{
	uint8_t op = BPF_OP(in->code);

	if (in->code == (BPF_JMP | BPF_JA)) {
		if ((uint64_t)pc + 1 + in->k >= n)
			return -EINVAL;
		ebpf_ja(e, pc + 1 + in->k);
		return 0;
	}
	if (op != BPF_JEQ && op != BPF_JGT && op != BPF_JGE && op != BPF_JSET)
		return -EINVAL;
	size_t t = pc + 1 + in->jt, f = pc + 1 + in->jf;
	if (t >= n || f >= n)
		return -EINVAL;
	if (t == f) {
		ebpf_ja(e, t);
		return 0;
	}
	/* 32-bit compares: A is a u32 and k must not be sign-extended */
	if (BPF_SRC(in->code) == BPF_K)
		ebpf_jump(e, BPF_JMP32 | op | BPF_K, R_A, 0, (int32_t)in->k, t);
	else
		ebpf_jump(e, BPF_JMP32 | op | BPF_X, R_A, R_X, 0, t);
	ebpf_ja(e, f);
	return 0;
}

static int emit_ret(struct ebpf_emitter *e, const struct cbpf_insn *in, int ret_value)
{
	if (in->code == (BPF_RET | BPF_K)) {
		ebpf_mov32_imm(e, BPF_REG_0, ret_value ? in->k : in->k != 0);
	} else if (in->code == (BPF_RET | 0x10 /* A */)) {
		ebpf_emit(e, BPF_ALU | BPF_MOV | BPF_X, BPF_REG_0, R_A, 0, 0);
		if (!ret_value) {
			ebpf_emit(e, BPF_JMP32 | BPF_JEQ | BPF_K, BPF_REG_0, 0, 1, 0);
			ebpf_mov32_imm(e, BPF_REG_0, 1);
		}
	} else {
		return -EINVAL; /* RET X: bpf_filter aborts on it */
	}
	ebpf_emit(e, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return 0;
}

static int emit_insn(struct ebpf_emitter *e, const struct cbpf_insn *in, size_t pc, size_t n,
		     size_t reject, int ret_value)
{
	switch (BPF_CLASS(in->code)) {
	case BPF_LD:
	case BPF_LDX:
		return emit_load(e, in, reject);
	case BPF_ST:
	case BPF_STX:
		if (in->code != BPF_CLASS(in->code) || in->k >= C_MEMWORDS)
			return -EINVAL;
		ebpf_emit(e, BPF_STX | BPF_MEM | BPF_W, BPF_REG_10, in->code == BPF_ST ? R_A : R_X,
		     (int16_t)(OFF_MEM + 4 * (int)in->k), 0);
		return 0;
	case BPF_ALU:
		return emit_alu(e, in, reject);
	case BPF_JMP:
		return emit_jmp(e, in, pc, n);
	case 0x06: /* RET */
		return emit_ret(e, in, ret_value);
	case C_MISC:
		if (in->code == (C_MISC | C_TAX))
			ebpf_emit(e, BPF_ALU | BPF_MOV | BPF_X, R_X, R_A, 0, 0);
		else if (in->code == (C_MISC | C_TXA))
			ebpf_emit(e, BPF_ALU | BPF_MOV | BPF_X, R_A, R_X, 0, 0);
		else
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

int cbpf_to_ebpf(const struct cbpf_insn *in, size_t n, const struct cbpf_xlate_opts *opts,
		 struct bpf_insn **out, size_t *out_n, size_t *bad_pc)
{
	struct ebpf_emitter e = { 0 };
	struct cbpf_xlate_opts def = { 0 };
	int err = 0;

	if (!opts)
		opts = &def;
	if (n == 0 || n > CBPF_MAX_INSNS)
		return -EINVAL;
	/* labels 0..n-1 are the cBPF instructions, n is "return 0" */
	for (size_t i = 0; i <= n; i++)
		ebpf_label(&e);
	size_t reject = n, body = ebpf_label(&e);

	int reads_mem = 0;
	for (size_t pc = 0; pc < n; pc++)
		reads_mem |= in[pc].code == (BPF_LD | BPF_MEM) || in[pc].code == (BPF_LDX | BPF_MEM);
	emit_prologue(&e, opts->view, reads_mem, body);
	for (size_t pc = 0; pc < n && !e.err; pc++) {
		ebpf_place(&e, pc);
		err = emit_insn(&e, &in[pc], pc, n, reject, opts->ret_value);
		if (err) {
			if (bad_pc)
				*bad_pc = pc;
			goto out;
		}
	}
	/* bpf_filter needs a RET at the end, so no falling off it */
	if (BPF_CLASS(in[n - 1].code) != 0x06) {
		if (bad_pc)
			*bad_pc = n - 1;
		err = -EINVAL;
		goto out;
	}
	ebpf_place(&e, reject);
	ebpf_mov32_imm(&e, BPF_REG_0, 0);
	ebpf_emit(&e, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	err = e.err ? e.err : ebpf_resolve(&e);
	if (!err)
		err = ebpf_drop_unreachable(&e);
	if (!err) {
		*out = e.insns;
		*out_n = e.n;
		e.insns = NULL;
	}
out:
	free(e.insns);
	free(e.labels);
	free(e.fix);
	return err;
}
