/* SPDX-License-Identifier: MIT */
#include "rate_plot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "packet_text.h"
#include "svg_plot.h"

#define DROP_COLOR "#e01010"
#define ROTATION_COLOR "#404040"

/* Room for the x and y of every bucket, and the drop markers' attributes. */
struct plot_buf {
	double *x, *y, *mx, *my;
	uint64_t *mv;
	char *attrs; /* data-buckets="i ..." of the markers */
	size_t attrs_len;
};

static void buf_free(struct plot_buf *b)
{
	free(b->x);
	free(b->y);
	free(b->mx);
	free(b->my);
	free(b->mv);
	free(b->attrs);
}

static int buf_alloc(struct plot_buf *b, size_t n)
{
	n = n ? n : 1;
	b->x = calloc(n, sizeof(double));
	b->y = calloc(n, sizeof(double));
	b->mx = calloc(n, sizeof(double));
	b->my = calloc(n, sizeof(double));
	b->mv = calloc(n, sizeof(uint64_t));
	b->attrs_len = 32 + n * 21;
	b->attrs = malloc(b->attrs_len);
	return b->x && b->y && b->mx && b->my && b->mv && b->attrs ? 0 : -ENOMEM;
}

static double bucket_s(const struct rate_series *r)
{
	return (double)r->bucket_ns / 1e9;
}

static double max_rate(const struct rate_series *r, int kind)
{
	uint64_t m = 0;
	for (size_t i = 0; i < r->nlines; i++)
		for (size_t j = 0; j < r->nbuckets; j++)
			if (r->lines[i].v[kind][j] > m)
				m = r->lines[i].v[kind][j];
	return (double)m / bucket_s(r);
}

/* Drops of line l as markers on its packets line. */
static void draw_drops(struct svg_doc *d, const struct svg_panel *p, const struct rate_series *r,
		       const struct rate_line *l, struct plot_buf *b)
{
	size_t n = 0, used = (size_t)snprintf(b->attrs, b->attrs_len, "data-buckets=\"");
	for (size_t j = 0; j < r->nbuckets; j++) {
		if (!l->v[RATE_DROPS][j])
			continue;
		b->mx[n] = b->x[j];
		b->my[n] = (double)l->v[RATE_PACKETS][j] / bucket_s(r);
		b->mv[n] = l->v[RATE_DROPS][j];
		used += (size_t)snprintf(b->attrs + used, b->attrs_len - used, n ? " %zu" : "%zu", j);
		n++;
	}
	if (!n)
		return;
	snprintf(b->attrs + used, b->attrs_len - used, "\"");
	char name[sizeof(l->label) + 8];
	snprintf(name, sizeof(name), "drops %s", l->label);
	const struct svg_series s = { .name = name, .color = DROP_COLOR, .n = n, .x = b->mx,
				      .y = b->my, .values = b->mv, .attrs = b->attrs };
	svg_markers(d, p, &s);
}

static void draw_panel(struct svg_doc *d, struct svg_panel *p, const struct rate_series *r, int kind,
		       struct plot_buf *b)
{
	static const char *const names[] = { "packets", "bytes" };
	static const char *const ytitles[] = { "packets/s", "bytes/s (wire)" };
	char attrs[160];
	snprintf(attrs, sizeof(attrs), "data-kind=\"%s\" data-bucket-ns=\"%llu\" data-start-ns=\"%llu\"",
		 names[kind], (unsigned long long)r->bucket_ns, (unsigned long long)r->start_ns);
	svg_panel_scale(p, max_rate(r, kind));
	svg_axes(d, p, names[kind], "seconds from the first packet", ytitles[kind]);
	if (!r->nlines)
		svg_note(d, p, "no packets");
	for (size_t i = 0; i < r->nlines; i++) {
		const struct rate_line *l = &r->lines[i];
		for (size_t j = 0; j < r->nbuckets; j++) {
			b->x[j] = ((double)j + 0.5) * bucket_s(r);
			b->y[j] = (double)l->v[kind][j] / bucket_s(r);
		}
		const struct svg_series s = { .name = l->label, .color = svg_color(i), .n = r->nbuckets,
					      .x = b->x, .y = b->y, .values = l->v[kind], .attrs = attrs };
		svg_polyline(d, p, &s);
		if (kind == RATE_PACKETS)
			draw_drops(d, p, r, l, b);
	}
	for (size_t i = 0; i < r->nrotations; i++)
		b->mx[i] = (double)(r->rotations_ns[i] - r->start_ns) / 1e9;
	const struct svg_series rot = { .name = "rotations", .color = ROTATION_COLOR,
					.n = r->nrotations, .x = b->mx, .y = b->mx };
	if (r->nrotations)
		svg_vlines(d, p, &rot);
}

static int draw_legend(struct svg_doc *d, const struct svg_panel *p, const struct rate_series *r)
{
	size_t n = 0;
	const char **names = calloc(r->nlines + 2, sizeof(*names));
	const char **colors = calloc(r->nlines + 2, sizeof(*colors));
	bool *dashed = calloc(r->nlines + 2, sizeof(*dashed));
	int rc = names && colors && dashed ? 0 : -ENOMEM;
	bool drops = false;
	for (size_t i = 0; !rc && i < r->nlines; i++, n++) {
		names[n] = r->lines[i].label;
		colors[n] = svg_color(i);
		for (size_t j = 0; j < r->nbuckets && !drops; j++)
			drops = r->lines[i].v[RATE_DROPS][j] != 0;
	}
	if (!rc && drops) {
		names[n] = "ring-buffer drops";
		colors[n++] = DROP_COLOR;
	}
	if (!rc && r->nrotations) {
		names[n] = "file rotation";
		dashed[n] = true;
		colors[n++] = ROTATION_COLOR;
	}
	if (!rc)
		svg_legend(d, p, names, colors, dashed, n);
	free(names);
	free(colors);
	free(dashed);
	return rc;
}

int rate_plot_write(const struct rate_series *r, FILE *f)
{
	struct plot_buf b = { 0 };
	size_t n = r->nbuckets > r->nrotations ? r->nbuckets : r->nrotations;
	char sub[160], start[64] = "";
	if (buf_alloc(&b, n)) {
		buf_free(&b);
		return -ENOMEM;
	}
	if (r->nbuckets)
		packet_text_time(start, sizeof(start), r->start_ns, false);
	snprintf(sub, sizeof(sub), "from %s, %zu buckets of %.9g s", r->nbuckets ? start : "-",
		 r->nbuckets, bucket_s(r));
	struct svg_doc *d = svg_begin(f, "tcrec stats: packets and bytes per second", sub);
	if (!d) {
		buf_free(&b);
		return -ENOMEM;
	}
	double xmax = r->nbuckets ? (double)r->nbuckets * bucket_s(r) : 1;
	struct svg_panel top = { .x = 90, .y = 50, .w = 690, .h = 190, .xmax = xmax };
	struct svg_panel bottom = top;
	bottom.y = 300;
	draw_panel(d, &top, r, RATE_PACKETS, &b);
	draw_panel(d, &bottom, r, RATE_BYTES, &b);
	int rc = draw_legend(d, &top, r);
	int end = svg_end(d);
	buf_free(&b);
	return rc ? rc : end;
}
