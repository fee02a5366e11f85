/* SPDX-License-Identifier: MIT */
/*
 * Lost and added packets per time bucket, on A's clock: what
 * `tcrec diff --plot` draws under the delay histogram. Fed by the engine's
 * events (diff_engine_cfg.timeline); buckets as read/time_buckets.h makes
 * them, so memory stays bounded whatever the capture's length.
 */
#ifndef TCREC_DIFF_TIMELINE_H
#define TCREC_DIFF_TIMELINE_H

#include <stdint.h>

#include "diff_match.h"
#include "read/time_buckets.h"

#define DIFF_TIMELINE_BUCKETS_MAX 400

enum { DIFF_TL_LOST, DIFF_TL_ADDED, DIFF_TL_ROWS };

struct diff_timeline {
	struct time_buckets tb; /* rows DIFF_TL_LOST, DIFF_TL_ADDED */
	int64_t offset_ns;      /* B's clock minus A's */
	int err;                /* first failure (-ENOMEM), kept to the end */
};

/* 0 or -ENOMEM (diff_timeline_free releases what was taken either way). */
int diff_timeline_init(struct diff_timeline *t, int64_t offset_ns);
void diff_timeline_free(struct diff_timeline *t);

/* Counts a lost (A) or added (B) packet at its time on A's clock. */
void diff_timeline_event(struct diff_timeline *t, const struct dm_event *ev);

/* After the run: the buckets cover from..to too (A's clock) and are merged
 * for the plot. 0, or the failure met while counting. */
int diff_timeline_finish(struct diff_timeline *t, uint64_t from_ns, uint64_t to_ns);

#endif
