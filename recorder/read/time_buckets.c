/* SPDX-License-Identifier: MIT */
#include "time_buckets.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FINE_START_NS 1000 /* 1 us: no capture clock says more */

void time_buckets_init(struct time_buckets *t)
{
	*t = (struct time_buckets){ .bucket_ns = FINE_START_NS };
}

void time_buckets_free(struct time_buckets *t)
{
	for (size_t r = 0; r < t->nrows; r++)
		free(t->rows[r]);
	free(t->rows);
	time_buckets_init(t);
}

int time_buckets_add_row(struct time_buckets *t)
{
	uint64_t **rows = realloc(t->rows, (t->nrows + 1) * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	t->rows = rows;
	rows[t->nrows] = calloc(t->cap ? t->cap : 1, sizeof(uint64_t));
	if (!rows[t->nrows])
		return -ENOMEM;
	return (int)t->nrows++;
}

/* Room for need buckets in every row. */
static int ensure_cap(struct time_buckets *t, size_t need)
{
	if (need <= t->cap)
		return 0;
	size_t cap = t->cap ? t->cap * 2 : 64;
	if (cap < need)
		cap = need;
	for (size_t r = 0; r < t->nrows; r++) {
		uint64_t *v = realloc(t->rows[r], cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		memset(v + t->cap, 0, (cap - t->cap) * sizeof(*v));
		t->rows[r] = v;
	}
	t->cap = cap;
	return 0;
}

/* Buckets k*f .. k*f+f-1 become bucket k, in every row. */
static void merge_by(struct time_buckets *t, uint64_t f)
{
	size_t n = (size_t)((t->n + f - 1) / f);
	for (size_t r = 0; r < t->nrows; r++) {
		uint64_t *v = t->rows[r];
		for (size_t j = 0; j < n; j++) {
			uint64_t sum = 0;
			for (size_t m = j * f; m < (j + 1) * f && m < t->n; m++)
				sum += v[m];
			v[j] = sum;
		}
		memset(v + n, 0, (t->n - n) * sizeof(*v));
	}
	t->n = n;
	t->bucket_ns *= f;
}

/* A time before bucket 0 (logs merge by time, but a record may come a
 * little early; diff decides losses late): bucket 0 moves back. */
static int prepend(struct time_buckets *t, uint64_t ts)
{
	uint64_t k;
	while (k = (t->start_ns - ts + t->bucket_ns - 1) / t->bucket_ns, t->n + k > TIME_BUCKETS_FINE_MAX)
		merge_by(t, 10);
	if (ensure_cap(t, t->n + (size_t)k))
		return -ENOMEM;
	for (size_t r = 0; r < t->nrows; r++) {
		memmove(t->rows[r] + k, t->rows[r], t->n * sizeof(uint64_t));
		memset(t->rows[r], 0, (size_t)k * sizeof(uint64_t));
	}
	t->n += (size_t)k;
	t->start_ns -= k * t->bucket_ns;
	return 0;
}

int64_t time_buckets_at(struct time_buckets *t, uint64_t ts)
{
	if (!t->n)
		t->start_ns = ts;
	if (ts < t->start_ns && prepend(t, ts))
		return -ENOMEM;
	uint64_t idx;
	while ((idx = (ts - t->start_ns) / t->bucket_ns) >= TIME_BUCKETS_FINE_MAX)
		merge_by(t, 10);
	if (idx >= t->n) {
		if (ensure_cap(t, (size_t)idx + 1))
			return -ENOMEM;
		t->n = (size_t)idx + 1;
	}
	return (int64_t)idx;
}

/* The fine width times 1, 2, 5, 10, 20 ... */
static uint64_t final_factor(const struct time_buckets *t, size_t max, uint64_t min_width)
{
	uint64_t span = (uint64_t)t->n * t->bucket_ns;
	static const uint64_t steps[] = { 1, 2, 5 };
	for (uint64_t mag = 1;; mag *= 10)
		for (int i = 0; i < 3; i++) {
			uint64_t f = steps[i] * mag;
			if ((t->n + f - 1) / f > max)
				continue;
			if (min_width && span >= 100 * min_width && t->bucket_ns * f < min_width)
				continue;
			return f;
		}
}

void time_buckets_finish(struct time_buckets *t, size_t max_buckets, uint64_t min_width_ns)
{
	if (t->n)
		merge_by(t, final_factor(t, max_buckets ? max_buckets : 1, min_width_ns));
}
