/* SPDX-License-Identifier: MIT */
/*
 * Per-flow counters of both sides, bounded by the window: a flow is held
 * while it has packets in the last window (or packets the matcher still
 * holds); once idle for longer than the window its counts are final, and it
 * is retired: added to the totals and, if it differs, kept among the flows
 * listed (the --top largest differences, or all with --top 0). A 5-tuple
 * that comes back after such a pause counts as a new flow, as with the
 * inactive timeout of flow exporters.
 */
#ifndef TCREC_DIFF_FLOW_H
#define TCREC_DIFF_FLOW_H

#include <stdbool.h>
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
	int64_t last_t;    /* latest packet, on A's clock */
	uint32_t refs;     /* packets of it the matcher holds */
	uint32_t owner;    /* diff --by-process: its first A packet's process, 0 = none */
	uint32_t prev, next; /* by last activity, oldest first */
};

struct diff_flows {
	struct diff_flow *v;  /* held flows; v[0] unused: 0 means none. After
			       * diff_flows_finish: the flows listed, v[1..n-1] */
	size_t n, cap;
	uint32_t free_list;
	uint32_t *tab;        /* open addressing, indexes into v */
	size_t tab_mask;
	uint64_t seed;
	uint32_t oldest, newest;
	uint64_t held, peak_held;
	/* retired flows */
	uint64_t total, both, only[2], differ;
	struct diff_flow *kept; /* kept[1..nkept]: a heap while top > 0 */
	size_t nkept, capkept;
	uint64_t top;           /* flows listed, 0 = all that differ */
	/* Called with each flow as it retires (counts final). May be NULL. */
	void (*on_retire)(void *ctx, const struct diff_flow *x);
	void *retire_ctx;
};

/* top: how many differing flows to list (0 = all). 0 or -1 (no memory). */
int diff_flows_init(struct diff_flows *f, uint64_t top);
/* Counts p on side (0 A, 1 B) at time t (A's clock) and returns the flow's
 * index (> 0), held until diff_flows_release, or 0 when out of memory. */
uint32_t diff_flows_add(struct diff_flows *f, int side, const struct diff_pkt *p, int64_t t);
void diff_flows_release(struct diff_flows *f, uint32_t idx);
/* Retires the flows idle since before now - window_ns that nothing holds.
 * -1 when out of memory. */
int diff_flows_expire(struct diff_flows *f, int64_t now, uint64_t window_ns);
/* Retires every flow (all released) and leaves the listed flows in
 * v[1..n-1], largest difference first. -1 when out of memory. */
int diff_flows_finish(struct diff_flows *f);
bool diff_flow_differs(const struct diff_flow *f);
void diff_flows_free(struct diff_flows *f);

#endif
