/* SPDX-License-Identifier: MIT */
/*
 * Putting a filter expression into the capture programs as they load: the
 * kernel side of recorder/filter/filter.h.
 */
#ifndef TCREC_FILTER_LOAD_H
#define TCREC_FILTER_LOAD_H

#include <stddef.h>

#include "filter.h"

/*
 * Between filter_load_begin() and
 * filter_load_end(), every SEC("tc") program libbpf loads that has the
 * global function tcrec_filter(struct __sk_buff *skb, __u32 no_eth) as its
 * last function gets the expression (translated with CBPF_VIEW_ARG) as
 * that function's body. Open and load the capture object in between.
 */
int filter_load_begin(const struct cbpf_insn *prog, size_t n, char *err, size_t errlen);

/* 0 when at least one program got the filter and none failed (*patched
 * says how many did), else -errno with the reason in err: -ENODATA when no
 * program got it (none had the function, or none was loaded). Always ends
 * the installation. */
int filter_load_end(unsigned *patched, char *err, size_t errlen);

/* eBPF instructions the expression becomes (0 if it cannot be
 * translated), for messages and benchmarks. */
size_t filter_load_insn_cnt(const struct cbpf_insn *prog, size_t n);

#endif
