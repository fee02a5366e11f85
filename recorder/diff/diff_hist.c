/* SPDX-License-Identifier: MIT */
#include "diff_hist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int diff_hist_init(struct diff_hist *h, uint64_t window_ns)
{
	memset(h, 0, sizeof(*h));
	uint64_t span_us = 2 * (window_ns / 1000 + 1);
	uint64_t res_us = (span_us + DIFF_HIST_BINS_MAX - 1) / DIFF_HIST_BINS_MAX;

	if (res_us == 0)
		res_us = 1;
	h->res_ns = (int64_t)(res_us * 1000);
	h->nbins = span_us / res_us + 2;
	/* bin values are multiples of the resolution, so 0 and the whole
	 * microseconds fall on bin edges */
	h->lo_ns = -(int64_t)(h->nbins / 2) * h->res_ns;
	/* calloc of this size maps zero pages: RSS grows only where delays fall */
	h->bins = calloc(h->nbins, sizeof(*h->bins));
	if (!h->bins)
		return -ENOMEM;
	h->min_ns = INT64_MAX;
	h->max_ns = INT64_MIN;
	return 0;
}

static int log_bucket(uint64_t mag_ns)
{
	uint64_t us = mag_ns / 1000;
	int b = us == 0 ? 0 : 64 - __builtin_clzll(us);
	return b < DIFF_HIST_LOG_BUCKETS ? b : DIFF_HIST_LOG_BUCKETS - 1;
}

void diff_hist_add(struct diff_hist *h, int64_t d)
{
	int64_t off = d - h->lo_ns;
	int64_t i = off >= 0 ? off / h->res_ns : -1;

	if (i < 0)
		i = 0;
	if ((uint64_t)i >= h->nbins)
		i = (int64_t)h->nbins - 1;
	h->bins[i]++;
	h->count++;
	h->sum_ns += d;
	if (d < h->min_ns)
		h->min_ns = d;
	if (d > h->max_ns)
		h->max_ns = d;
	if (d >= 0)
		h->pos_log[log_bucket((uint64_t)d)]++;
	else
		h->neg_log[log_bucket((uint64_t)-(d + 1) + 1)]++;
}

void diff_hist_percentiles(const struct diff_hist *h, const unsigned *pct, int64_t *out, int n)
{
	uint64_t cum = 0;
	int k = 0;

	for (int j = 0; j < n; j++)
		out[j] = 0;
	if (h->count == 0)
		return;
	/* pct[] is ascending, so one pass finds them all */
	for (uint64_t i = 0; i < h->nbins && k < n; i++) {
		cum += h->bins[i];
		while (k < n) {
			uint64_t rank = (h->count * pct[k] + 99) / 100;
			if (rank == 0)
				rank = 1;
			if (cum < rank)
				break;
			out[k++] = h->lo_ns + (int64_t)i * h->res_ns;
		}
	}
}

void diff_hist_log_bounds(int i, int64_t *lo_ns, int64_t *hi_ns)
{
	*lo_ns = i == 0 ? 0 : (int64_t)(1ull << (i - 1)) * 1000;
	*hi_ns = (int64_t)(1ull << i) * 1000;
}

void diff_hist_free(struct diff_hist *h)
{
	free(h->bins);
	h->bins = NULL;
}
