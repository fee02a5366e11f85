/* SPDX-License-Identifier: MIT */
/*
 * A small eBPF assembler: instructions appended to a growing buffer, jumps
 * to labels resolved at the end, unreachable instructions dropped (the
 * verifier refuses them). Errors are sticky: check e->err once at the end.
 */
#ifndef TCREC_EBPF_EMIT_H
#define TCREC_EBPF_EMIT_H

#include <stddef.h>
#include <stdint.h>

struct bpf_insn;

struct ebpf_fixup {
	size_t at;
	size_t label;
};

struct ebpf_emitter {
	struct bpf_insn *insns;
	size_t n, cap;
	size_t *labels; /* label -> instruction index */
	size_t nlabels, labcap;
	struct ebpf_fixup *fix;
	size_t nfix, fixcap;
	int err;        /* first error, -ENOMEM */
};

void ebpf_emit(struct ebpf_emitter *e, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm);

/* A new label, placed later at the next instruction with ebpf_place(). */
size_t ebpf_label(struct ebpf_emitter *e);
void ebpf_place(struct ebpf_emitter *e, size_t label);

/* A jump (any BPF_JMP/BPF_JMP32 code) to a label. */
void ebpf_jump(struct ebpf_emitter *e, uint8_t code, uint8_t dst, uint8_t src, int32_t imm, size_t label);
void ebpf_ja(struct ebpf_emitter *e, size_t label);

/* Fills in jump offsets: 0, -EINVAL (a label never placed) or -E2BIG. */
int ebpf_resolve(struct ebpf_emitter *e);

/* After ebpf_resolve(): removes what no path from the first instruction
 * reaches. 0, -EINVAL or -ENOMEM. */
int ebpf_drop_unreachable(struct ebpf_emitter *e);

void ebpf_mov32_imm(struct ebpf_emitter *e, uint8_t dst, uint32_t k);
void ebpf_mov64_reg(struct ebpf_emitter *e, uint8_t dst, uint8_t src);
void ebpf_call(struct ebpf_emitter *e, int32_t helper);

#endif
