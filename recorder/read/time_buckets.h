/* SPDX-License-Identifier: MIT */
/*
 * Counts per time bucket for a plot over a span known only at the end
 * (stats' packet rates, diff's losses over time), in bounded memory.
 *
 * Buckets are 10^k us wide, ten times wider whenever more than
 * TIME_BUCKETS_FINE_MAX would be needed; time_buckets_finish then merges
 * them into at most a given number of buckets of a 1-2-5 width, so that a
 * plot has between 40% of that number and that number (fewer only when the
 * span is that short). Bucket 0 starts at the first time seen; an earlier
 * time moves it back by whole buckets. Each row is one series: the same
 * buckets for all.
 */
#ifndef TCREC_TIME_BUCKETS_H
#define TCREC_TIME_BUCKETS_H

#include <stddef.h>
#include <stdint.h>

#define TIME_BUCKETS_FINE_MAX 4000

struct time_buckets {
	uint64_t start_ns;  /* start of bucket 0 */
	uint64_t bucket_ns; /* width */
	size_t n;           /* buckets (0 until a time was seen) */
	size_t cap;
	uint64_t **rows;    /* rows[r][b]: zero beyond n */
	size_t nrows;
};

void time_buckets_init(struct time_buckets *t);
void time_buckets_free(struct time_buckets *t);

/* A new row of zeros: its index, or -ENOMEM. */
int time_buckets_add_row(struct time_buckets *t);

/* The bucket of time ts, made to exist (widening or moving bucket 0 back
 * as needed): its index, or -ENOMEM. Indices of earlier calls are stale
 * after this one. */
int64_t time_buckets_at(struct time_buckets *t, uint64_t ts_ns);

/* Merges into at most max_buckets buckets of width 1, 2 or 5 times a
 * power of ten ns, at least min_width_ns once the span reaches
 * 100 * min_width_ns (0: no such floor). */
void time_buckets_finish(struct time_buckets *t, size_t max_buckets, uint64_t min_width_ns);

#endif
