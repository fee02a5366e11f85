/* SPDX-License-Identifier: MIT */
#include "diff_plot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "read/packet_text.h"
#include "read/svg_plot.h"

#define NB (2 * DIFF_HIST_LOG_BUCKETS)
#define LOST_COLOR "#e01010"
#define ADDED_COLOR "#1f5fbf"
#define BAR_COLOR "#2a7fbf"

/* The histogram's buckets in the order diff prints them: negative delays
 * from the largest magnitude, then positive ones. */
struct hist_bars {
	size_t n;
	double x[NB], y[NB];
	uint64_t count[NB];
	int64_t lo[NB], hi[NB];
	char label[NB][24];
	const char *labels[NB];
	char attrs[NB * 48 + 64];
};

/* "-512us", "0", "1.02ms", "2.1s" */
static void delay_label(char *buf, size_t len, int64_t ns)
{
	double a = (double)(ns < 0 ? -ns : ns);
	const char *sign = ns < 0 ? "-" : "";
	if (a < 1e6)
		snprintf(buf, len, "%s%.0fus", sign, a / 1e3);
	else if (a < 1e9)
		snprintf(buf, len, "%s%.3gms", sign, a / 1e6);
	else
		snprintf(buf, len, "%s%.3gs", sign, a / 1e9);
	if (!ns)
		snprintf(buf, len, "0");
}

/* From the first bucket with delays to the last, empty ones between kept. */
static void hist_collect(const struct diff_hist *h, struct hist_bars *b)
{
	int first = -1, last = -1;
	for (int k = 0; k < NB; k++) {
		bool neg = k < DIFF_HIST_LOG_BUCKETS;
		int i = neg ? DIFF_HIST_LOG_BUCKETS - 1 - k : k - DIFF_HIST_LOG_BUCKETS;
		if (neg ? h->neg_log[i] : h->pos_log[i]) {
			if (first < 0)
				first = k;
			last = k;
		}
	}
	b->n = 0;
	for (int k = first; first >= 0 && k <= last; k++) {
		bool neg = k < DIFF_HIST_LOG_BUCKETS;
		int i = neg ? DIFF_HIST_LOG_BUCKETS - 1 - k : k - DIFF_HIST_LOG_BUCKETS;
		int64_t lo, hi;
		diff_hist_log_bounds(i, &lo, &hi);
		size_t j = b->n++;
		b->lo[j] = neg ? -hi : lo;
		b->hi[j] = neg ? -lo : hi;
		b->count[j] = neg ? h->neg_log[i] : h->pos_log[i];
		b->x[j] = (double)j;
		b->y[j] = (double)b->count[j];
		delay_label(b->label[j], sizeof(b->label[j]), b->lo[j]);
		b->labels[j] = b->label[j];
	}
	size_t used = (size_t)snprintf(b->attrs, sizeof(b->attrs), "data-lo-ns=\"");
	for (size_t j = 0; j < b->n; j++)
		used += (size_t)snprintf(b->attrs + used, sizeof(b->attrs) - used, j ? " %" PRId64 : "%" PRId64,
					 b->lo[j]);
	used += (size_t)snprintf(b->attrs + used, sizeof(b->attrs) - used, "\" data-hi-ns=\"");
	for (size_t j = 0; j < b->n; j++)
		used += (size_t)snprintf(b->attrs + used, sizeof(b->attrs) - used, j ? " %" PRId64 : "%" PRId64,
					 b->hi[j]);
	snprintf(b->attrs + used, sizeof(b->attrs) - used, "\"");
}

static void draw_hist(struct svg_doc *d, const struct diff_result *res)
{
	struct hist_bars b;
	hist_collect(res->hist, &b);
	struct svg_panel p = { .x = 90, .y = 50, .w = 690, .h = 190, .xmin = -0.5,
			       .xmax = b.n ? (double)b.n - 0.5 : 0.5, .xlabels = b.labels,
			       .nxlabels = b.n, .counts = true };
	uint64_t most = 0;
	for (size_t j = 0; j < b.n; j++)
		if (b.count[j] > most)
			most = b.count[j];
	svg_panel_scale(&p, (double)most);
	char title[96];
	snprintf(title, sizeof(title), "one-way delay B-A (%" PRIu64 " matched; bucket lower bounds)",
		 res->hist->count);
	svg_axes(d, &p, "delay", title, "packets");
	if (!b.n) {
		svg_note(d, &p, "no matched packets");
		return;
	}
	const struct svg_series s = { .name = "delay", .color = BAR_COLOR, .n = b.n, .x = b.x,
				      .y = b.y, .values = b.count, .attrs = b.attrs };
	svg_bars(d, &p, &s, 0.8);
}

/* The span of both inputs on A's clock: what the loss panel covers. */
static void span(const struct diff_result *res, uint64_t *from, uint64_t *to)
{
	*from = *to = 0;
	for (int i = 0; i < 2; i++) {
		const struct diff_side *s = &res->side[i];
		if (!s->packets)
			continue;
		uint64_t a = s->first_ns - (i ? (uint64_t)res->offset_ns : 0);
		uint64_t b = s->last_ns - (i ? (uint64_t)res->offset_ns : 0);
		if (!*from || a < *from)
			*from = a;
		if (b > *to)
			*to = b;
	}
}

static int draw_loss(struct svg_doc *d, const struct diff_timeline *tl)
{
	const struct time_buckets *tb = &tl->tb;
	double w = (double)tb->bucket_ns / 1e9;
	double *x = calloc(tb->n ? tb->n : 1, sizeof(double));
	double *y[DIFF_TL_ROWS] = { calloc(tb->n ? tb->n : 1, sizeof(double)),
				    calloc(tb->n ? tb->n : 1, sizeof(double)) };
	if (!x || !y[0] || !y[1]) {
		free(x);
		free(y[0]);
		free(y[1]);
		return -ENOMEM;
	}
	uint64_t most = 0;
	for (size_t j = 0; j < tb->n; j++) {
		x[j] = ((double)j + 0.5) * w;
		for (int r = 0; r < DIFF_TL_ROWS; r++) {
			y[r][j] = (double)tb->rows[r][j];
			if (tb->rows[r][j] > most)
				most = tb->rows[r][j];
		}
	}
	struct svg_panel p = { .x = 90, .y = 300, .w = 690, .h = 190, .xmax = tb->n ? (double)tb->n * w : 1,
			       .counts = true };
	svg_panel_scale(&p, (double)most);
	char ytitle[64], attrs[128];
	snprintf(ytitle, sizeof(ytitle), "packets per %.9g s", w);
	snprintf(attrs, sizeof(attrs), "data-bucket-ns=\"%llu\" data-start-ns=\"%llu\"",
		 (unsigned long long)tb->bucket_ns, (unsigned long long)tb->start_ns);
	svg_axes(d, &p, "loss", "seconds from the start (A's clock)", ytitle);
	static const char *const names[] = { "added", "lost" };
	static const char *const colors[] = { ADDED_COLOR, LOST_COLOR };
	/* lost drawn last: on top where both are zero */
	for (int k = 0; k < 2 && tb->n; k++) {
		int r = k ? DIFF_TL_LOST : DIFF_TL_ADDED;
		const struct svg_series s = { .name = names[k], .color = colors[k], .n = tb->n, .x = x,
					      .y = y[r], .values = tb->rows[r], .attrs = attrs };
		svg_polyline(d, &p, &s);
	}
	svg_legend(d, &p, names, colors, NULL, 2);
	free(x);
	free(y[0]);
	free(y[1]);
	return 0;
}

int diff_plot_write(const struct diff_result *res, struct diff_timeline *tl, FILE *f)
{
	uint64_t from, to;
	span(res, &from, &to);
	int rc = diff_timeline_finish(tl, from, to);
	if (rc)
		return rc;
	char sub[200], start[64] = "-";
	if (tl->tb.n)
		packet_text_time(start, sizeof(start), tl->tb.start_ns, false);
	snprintf(sub, sizeof(sub), "%" PRIu64 " matched, %" PRIu64 " lost, %" PRIu64 " added; from %s",
		 res->st->matched, res->st->lost, res->st->added, start);
	struct svg_doc *d = svg_begin(f, "tcrec diff: one-way delay and loss", sub);
	if (!d)
		return -ENOMEM;
	draw_hist(d, res);
	rc = draw_loss(d, tl);
	int end = svg_end(d);
	return rc ? rc : end;
}
