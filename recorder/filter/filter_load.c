/* SPDX-License-Identifier: MIT */
/*
 * The kernel side of filters. The capture programs call a global function
 * tcrec_filter(struct __sk_buff *skb, __u32 no_eth) whose body is a
 * verdict of "accept" followed by a long run of no-op jumps: room that,
 * while a filter is installed here, libbpf's last step before it loads
 * each SEC("tc") program fills with the translated expression. The
 * decision is then made inside the capture program, per packet, before
 * anything is copied to the ring buffer. The verifier removes the no-ops
 * that remain, so the room costs nothing at run time.
 *
 * Why not freplace (BPF_PROG_TYPE_EXT): it needs tracing program types,
 * which some kernels and sandboxes refuse even to root. Why in place:
 * libbpf 1.1 loads the instruction buffer it had before this callback, so
 * the program must keep its length.
 */
#include "filter_load.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#define FILTER_FUNC "tcrec_filter"

/* libbpf 1.1 frees its handler table when the last custom handler is
 * unregistered and then reuses it: register once, switch on and off. */
static int handler;

static struct {
	int active;
	struct bpf_insn *code;  /* the translated expression */
	size_t code_cnt;
	unsigned patched;       /* programs that got it */
	int err;                /* first failure in the callback */
	char msg[256];
} inst;

__attribute__((format(printf, 2, 3))) static void fail(int err, const char *fmt, ...)
{
	va_list ap;

	if (inst.err)
		return;
	inst.err = err;
	va_start(ap, fmt);
	vsnprintf(inst.msg, sizeof(inst.msg), fmt, ap);
	va_end(ap);
}

/* The program's BTF, as the kernel holds it (NULL with errno). */
static struct btf *prog_btf(int btf_fd)
{
	struct bpf_btf_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(btf_fd, &info, &len))
		return NULL;
	return btf__load_from_kernel_by_id(info.id);
}

/* Instruction index where tcrec_filter() starts, or -errno. It must be the
 * last function of the program: its room runs to the end. */
static long filter_start(const struct bpf_prog_load_opts *opts, size_t cnt)
{
	const char *fi = opts->func_info;
	long start = -ENOENT;
	__u32 last = 0;

	if (!fi || !opts->func_info_cnt || opts->func_info_rec_size < sizeof(struct bpf_func_info))
		return -ENOENT;
	struct btf *btf = prog_btf(opts->prog_btf_fd);
	if (!btf)
		return errno ? -errno : -EINVAL;
	for (__u32 i = 0; i < opts->func_info_cnt; i++) {
		const struct bpf_func_info *f = (const void *)(fi + (size_t)i * opts->func_info_rec_size);
		const struct btf_type *t = btf__type_by_id(btf, f->type_id);

		if (f->insn_off > last)
			last = f->insn_off;
		if (t && btf_is_func(t) && !strcmp(btf__name_by_offset(btf, t->name_off), FILTER_FUNC))
			start = f->insn_off;
	}
	btf__free(btf);
	if (start >= 0 && ((__u32)start != last || (size_t)start >= cnt))
		return -ENOTSUP;
	return start;
}

static int prepare(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	const struct bpf_insn *old = bpf_program__insns(prog);
	size_t cnt = bpf_program__insn_cnt(prog);
	long start = filter_start(opts, cnt);
	const char *name = bpf_program__name(prog);

	(void)cookie;
	if (!inst.active || start == -ENOENT)
		return 0; /* a tc program without the hook: not ours to change */
	if (start == -ENOTSUP) {
		fail(-ENOTSUP, "%s(): " FILTER_FUNC "() is not the program's last function", name);
		return -ENOTSUP;
	}
	if (start < 0) {
		fail((int)start, "%s(): cannot read the program's BTF", name);
		return (int)start;
	}
	size_t room = cnt - (size_t)start;
	if (inst.code_cnt > room) {
		fail(-E2BIG, "the expression needs %zu eBPF instructions, the capture program has "
		     "room for %zu: simplify it", inst.code_cnt, room);
		return -E2BIG;
	}
	/* Written into libbpf's own buffer: bpf_program__set_insns() may move
	 * it (it reallocates, and sanitizers always move), and libbpf 1.1
	 * would then load the old one. The length does not change, and this
	 * is the program libbpf loads next. No-ops first, so that every
	 * instruction stays reachable. */
	struct bpf_insn *insns = (struct bpf_insn *)old;
	size_t pad = room - inst.code_cnt;
	for (size_t i = 0; i < pad; i++)
		insns[start + i] = (struct bpf_insn){ .code = BPF_JMP | BPF_JA };
	memcpy(insns + start + pad, inst.code, inst.code_cnt * sizeof(*insns));
	inst.patched++;
	return 0;
}

int filter_load_begin(const struct cbpf_insn *prog, size_t n, char *err, size_t errlen)
{
	struct cbpf_xlate_opts xo = { .view = CBPF_VIEW_ARG };
	size_t bad = 0;

	if (inst.active) {
		snprintf(err, errlen, "a filter is already being installed");
		return -EBUSY;
	}
	memset(&inst, 0, sizeof(inst));
	int ret = cbpf_to_ebpf(prog, n, &xo, &inst.code, &inst.code_cnt, &bad);
	if (ret) {
		snprintf(err, errlen, "cannot translate filter instruction %zu (%s): %s", bad,
			 filter_insn_text(prog, bad), strerror(-ret));
		return ret;
	}
	if (handler <= 0) {
		LIBBPF_OPTS(libbpf_prog_handler_opts, ho, .prog_prepare_load_fn = prepare);
		/* custom handlers are looked up before libbpf's own "tc", which
		 * does nothing for tc programs that prepare() would miss */
		handler = libbpf_register_prog_handler("tc", BPF_PROG_TYPE_SCHED_CLS, 0, &ho);
		if (handler < 0) {
			ret = handler;
			snprintf(err, errlen, "libbpf: cannot register the filter's loader: %s",
				 strerror(-ret));
			free(inst.code);
			memset(&inst, 0, sizeof(inst));
			return ret;
		}
	}
	inst.active = 1;
	return 0;
}

int filter_load_end(unsigned *patched, char *err, size_t errlen)
{
	int ret = inst.err;

	if (ret)
		snprintf(err, errlen, "%s", inst.msg);
	else if (!inst.patched) {
		ret = -ENODATA;
		snprintf(err, errlen, "the capture program has no " FILTER_FUNC "() to hold the filter");
	}
	if (patched)
		*patched = inst.patched;
	free(inst.code);
	memset(&inst, 0, sizeof(inst));
	return ret;
}

size_t filter_load_insn_cnt(const struct cbpf_insn *prog, size_t n)
{
	struct cbpf_xlate_opts xo = { .view = CBPF_VIEW_ARG };
	struct bpf_insn *code;
	size_t cnt = 0;

	if (cbpf_to_ebpf(prog, n, &xo, &code, &cnt, NULL))
		return 0;
	free(code);
	return cnt;
}
