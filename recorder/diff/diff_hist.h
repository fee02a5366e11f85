/* SPDX-License-Identifier: MIT */
/*
 * One-way delay distribution. Matches only happen inside the window, so
 * every delay lies in [-window, +window]: a linear histogram with 1 us bins
 * over that range gives exact quantiles at 1 us resolution in memory bounded
 * by the window (pages of bins never hit are never touched). Windows above
 * DIFF_HIST_BINS_MAX us wide get proportionally wider bins.
 */
#ifndef TCREC_DIFF_HIST_H
#define TCREC_DIFF_HIST_H

#include <stdint.h>

#define DIFF_HIST_BINS_MAX (8u << 20)
/* log2 display buckets per sign: [0,1us), [1,2us), [2,4us) ... */
#define DIFF_HIST_LOG_BUCKETS 48

struct diff_hist {
	int64_t lo_ns;   /* value of bin 0 */
	int64_t res_ns;  /* bin width */
	uint64_t nbins;
	uint64_t *bins;
	uint64_t count;
	int64_t min_ns;
	int64_t max_ns;
	__int128 sum_ns;  /* exact, and no x87 arithmetic per packet */
	uint64_t pos_log[DIFF_HIST_LOG_BUCKETS]; /* delay >= 0 */
	uint64_t neg_log[DIFF_HIST_LOG_BUCKETS]; /* delay < 0, by magnitude */
};

/* 0 or -ENOMEM. */
int diff_hist_init(struct diff_hist *h, uint64_t window_ns);
void diff_hist_add(struct diff_hist *h, int64_t d_ns);

/* Nearest-rank percentiles (the smallest bin value v with at least
 * ceil(pct/100 * count) delays <= v), pct[i] in 1..100, one pass. */
void diff_hist_percentiles(const struct diff_hist *h, const unsigned *pct, int64_t *out, int n);

/* Bounds of log bucket i in ns: [lo, hi). */
void diff_hist_log_bounds(int i, int64_t *lo_ns, int64_t *hi_ns);

void diff_hist_free(struct diff_hist *h);

#endif
