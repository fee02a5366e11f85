/* SPDX-License-Identifier: MIT */
#include "diff_timeline.h"

#include <errno.h>

int diff_timeline_init(struct diff_timeline *t, int64_t offset_ns)
{
	time_buckets_init(&t->tb);
	t->offset_ns = offset_ns;
	t->err = 0;
	for (int r = 0; r < DIFF_TL_ROWS; r++)
		if (time_buckets_add_row(&t->tb) < 0)
			return t->err = -ENOMEM;
	return 0;
}

void diff_timeline_free(struct diff_timeline *t)
{
	time_buckets_free(&t->tb);
}

/* B's time on A's clock, kept inside the unsigned range. */
static uint64_t on_a_clock(const struct diff_timeline *t, uint64_t ts)
{
	if (t->offset_ns > 0 && ts < (uint64_t)t->offset_ns)
		return 0;
	return ts - (uint64_t)t->offset_ns;
}

void diff_timeline_event(struct diff_timeline *t, const struct dm_event *ev)
{
	if (t->err || (ev->kind != DM_LOST && ev->kind != DM_ADDED))
		return;
	uint64_t ts = ev->side ? on_a_clock(t, ev->ts_ns) : ev->ts_ns;
	int64_t b = time_buckets_at(&t->tb, ts);
	if (b < 0) {
		t->err = (int)b;
		return;
	}
	t->tb.rows[ev->kind == DM_LOST ? DIFF_TL_LOST : DIFF_TL_ADDED][b]++;
}

int diff_timeline_finish(struct diff_timeline *t, uint64_t from_ns, uint64_t to_ns)
{
	if (!t->err && from_ns && to_ns >= from_ns &&
	    (time_buckets_at(&t->tb, from_ns) < 0 || time_buckets_at(&t->tb, to_ns) < 0))
		t->err = -ENOMEM;
	time_buckets_finish(&t->tb, DIFF_TIMELINE_BUCKETS_MAX, 1000000000);
	return t->err;
}
