/* SPDX-License-Identifier: MIT */
/*
 * Per-flow counters of both sides. One entry per flow seen: this table grows
 * with the number of flows, not with the number of packets.
 */
#ifndef TCREC_DIFF_FLOW_H
#define TCREC_DIFF_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "diff_pkt.h"

struct diff_flow {
	struct diff_flowkey key;
	uint64_t hash;
	uint64_t pkts[2];  /* [0] A, [1] B */
	uint64_t bytes[2];
	uint64_t lost;
	uint64_t added;
	uint64_t dup;
	uint64_t reordered;
};

struct diff_flows {
	struct diff_flow *v;  /* v[0] unused: index 0 means "empty" in the table */
	size_t n, cap;
	uint32_t *tab;        /* open addressing, indexes into v */
	size_t tab_mask;
};

int diff_flows_init(struct diff_flows *f);
/* Counts p on side (0 A, 1 B) and returns the flow's index (> 0), or 0 when
 * out of memory. */
uint32_t diff_flows_add(struct diff_flows *f, int side, const struct diff_pkt *p);
/* Flows in v[1..n-1] sorted with the largest difference first (packets, then
 * bytes); the table is unusable afterwards (indexes change). */
void diff_flows_sort(struct diff_flows *f);
void diff_flows_free(struct diff_flows *f);

#endif
