/* SPDX-License-Identifier: MIT */
#include "ebpf_emit.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include <linux/bpf.h>

#define NO_LABEL ((size_t)-1)

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	while (ncap < need)
		ncap *= 2;
	void *np = realloc(*p, ncap * elem);
	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = ncap;
	return 0;
}

void ebpf_emit(struct ebpf_emitter *e, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (e->err)
		return;
	if (grow((void **)&e->insns, &e->cap, e->n + 1, sizeof(*e->insns))) {
		e->err = -ENOMEM;
		return;
	}
	e->insns[e->n++] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src,
					      .off = off, .imm = imm };
}

size_t ebpf_label(struct ebpf_emitter *e)
{
	if (e->err)
		return 0;
	if (grow((void **)&e->labels, &e->labcap, e->nlabels + 1, sizeof(*e->labels))) {
		e->err = -ENOMEM;
		return 0;
	}
	e->labels[e->nlabels] = NO_LABEL;
	return e->nlabels++;
}

void ebpf_place(struct ebpf_emitter *e, size_t label)
{
	if (!e->err)
		e->labels[label] = e->n;
}

/* A jump whose offset is filled in once every label is placed. */
void ebpf_jump(struct ebpf_emitter *e, uint8_t code, uint8_t dst, uint8_t src, int32_t imm, size_t label)
{
	if (e->err)
		return;
	if (grow((void **)&e->fix, &e->fixcap, e->nfix + 1, sizeof(*e->fix))) {
		e->err = -ENOMEM;
		return;
	}
	e->fix[e->nfix++] = (struct ebpf_fixup){ .at = e->n, .label = label };
	ebpf_emit(e, code, dst, src, 0, imm);
}

int ebpf_resolve(struct ebpf_emitter *e)
{
	for (size_t i = 0; i < e->nfix; i++) {
		size_t target = e->labels[e->fix[i].label];
		if (target == NO_LABEL)
			return -EINVAL;
		long off = (long)target - (long)(e->fix[i].at + 1);
		if (off < SHRT_MIN || off > SHRT_MAX)
			return -E2BIG;
		e->insns[e->fix[i].at].off = (int16_t)off;
	}
	return 0;
}

static int is_jump_class(uint8_t code)
{
	return BPF_CLASS(code) == BPF_JMP || BPF_CLASS(code) == BPF_JMP32;
}

/* The verifier refuses unreachable instructions; cBPF may have some, and
 * the generic prologue and epilogue often do. */
int ebpf_drop_unreachable(struct ebpf_emitter *e)
{
	size_t n = e->n, top = 0, kept = 0;
	uint8_t *seen = calloc(n, 1);
	size_t *todo = malloc(n * sizeof(*todo)), *idx = malloc(n * sizeof(*idx));
	int err = 0;

	if (!seen || !todo || !idx) {
		err = -ENOMEM;
		goto out;
	}
	todo[top++] = 0;
	seen[0] = 1;
	while (top) {
		size_t i = todo[--top], next[2];
		int nn = 0;
		const struct bpf_insn *in = &e->insns[i];
		uint8_t op = BPF_OP(in->code);

		if (!is_jump_class(in->code) || op == BPF_CALL) {
			next[nn++] = i + 1;
		} else if (op == BPF_JA) {
			next[nn++] = i + 1 + in->off;
		} else if (op != BPF_EXIT) {
			next[nn++] = i + 1;
			next[nn++] = i + 1 + in->off;
		}
		for (int j = 0; j < nn; j++) {
			if (next[j] >= n) {
				err = -EINVAL;
				goto out;
			}
			if (!seen[next[j]]) {
				seen[next[j]] = 1;
				todo[top++] = next[j];
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		idx[i] = kept;
		kept += seen[i];
	}
	kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (!seen[i])
			continue;
		struct bpf_insn in = e->insns[i];
		uint8_t op = BPF_OP(in.code);
		if (is_jump_class(in.code) && op != BPF_CALL && op != BPF_EXIT)
			in.off = (int16_t)((long)idx[i + 1 + in.off] - (long)(idx[i] + 1));
		e->insns[kept++] = in;
	}
	e->n = kept;
out:
	free(seen);
	free(todo);
	free(idx);
	return err;
}

void ebpf_mov32_imm(struct ebpf_emitter *e, uint8_t dst, uint32_t k)
{
	/* 32-bit mov zero-extends: any u32 k arrives intact */
	ebpf_emit(e, BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, (int32_t)k);
}

void ebpf_mov64_reg(struct ebpf_emitter *e, uint8_t dst, uint8_t src)
{
	ebpf_emit(e, BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}

void ebpf_call(struct ebpf_emitter *e, int32_t helper)
{
	ebpf_emit(e, BPF_JMP | BPF_CALL, 0, 0, 0, helper);
}

void ebpf_ja(struct ebpf_emitter *e, size_t label)
{
	ebpf_jump(e, BPF_JMP | BPF_JA, 0, 0, 0, label);
}
