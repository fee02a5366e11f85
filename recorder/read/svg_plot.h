/* SPDX-License-Identifier: MIT */
/*
 * A small SVG writer for the pictures stats and diff draw: panels with axes,
 * nice ticks and labels, polylines, bars, point markers, dashed vertical
 * lines, legends and a title, at a fixed size. Every series carries the
 * numbers it draws machine-readably (data-series, data-values and whatever
 * attributes the caller adds), so that a test can check the drawing against
 * the figures the command prints. No plotting library: what a browser,
 * rsvg-convert or an editor opens.
 */
#ifndef TCREC_SVG_PLOT_H
#define TCREC_SVG_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SVG_WIDTH 960
#define SVG_HEIGHT 540

/* A plot area: pixel box, then the data range it shows. */
struct svg_panel {
	double x, y, w, h;    /* pixels; y is the top edge */
	double xmin, xmax;
	double ymin, ymax;    /* ymax is rounded up to a tick by svg_panel_scale */
	double xstep, ystep;  /* tick spacing; 0 = no numeric ticks on that axis */
	const char *const *xlabels; /* categorical x axis: label of x = i (NULL: numeric) */
	size_t nxlabels;
	bool counts;          /* y values are whole numbers: no tick below 1 */
};

/* One drawn series. values are written as data-values exactly (NULL: the
 * y coordinates are written instead); attrs is more attributes, written as
 * given ('data-bucket-ns="1000"'): numbers only, the caller's own text. */
struct svg_series {
	const char *name;
	const char *color;
	size_t n;
	const double *x, *y;
	const uint64_t *values;
	const char *attrs;
};

struct svg_doc;

/* Starts a document of SVG_WIDTH x SVG_HEIGHT on f (not owned) with a title
 * and a smaller subtitle line (NULL: none). NULL with errno on ENOMEM. */
struct svg_doc *svg_begin(FILE *f, const char *title, const char *subtitle);

/* Fits the y range to [0, ymax_data] with nice ticks and the x range to
 * [xmin, xmax] (nice ticks unless p->xlabels is set). */
void svg_panel_scale(struct svg_panel *p, double ymax_data);

/* Pixel coordinates of a data point in p. */
double svg_px(const struct svg_panel *p, double x);
double svg_py(const struct svg_panel *p, double y);

/* Frame, grid, ticks, tick labels and axis titles of p; the panel's group
 * carries its scale (data-x0 ... data-ymax) for tests. name names the panel
 * (data-panel). */
void svg_axes(struct svg_doc *d, const struct svg_panel *p, const char *name, const char *xtitle,
	      const char *ytitle);

/* A polyline through the points. */
void svg_polyline(struct svg_doc *d, const struct svg_panel *p, const struct svg_series *s);

/* One bar per point, centred on x, width bar_w in data units, from 0 up to y. */
void svg_bars(struct svg_doc *d, const struct svg_panel *p, const struct svg_series *s, double bar_w);

/* A small triangle at each point (drops). */
void svg_markers(struct svg_doc *d, const struct svg_panel *p, const struct svg_series *s);

/* A dashed vertical line across p at each x (rotations); y is not used. */
void svg_vlines(struct svg_doc *d, const struct svg_panel *p, const struct svg_series *s);

/* A legend right of p (leave room there): a swatch and a name per entry
 * (as many as fit its height);
 * dashed[i] (may be NULL) draws that swatch dashed. */
void svg_legend(struct svg_doc *d, const struct svg_panel *p, const char *const *names,
		const char *const *colors, const bool *dashed, size_t n);

/* A line of text centred in p (e.g. "no packets"). */
void svg_note(struct svg_doc *d, const struct svg_panel *p, const char *text);

/* Writes the closing tag and frees d. 0, or -EIO when any write to f failed
 * (f is not closed). */
int svg_end(struct svg_doc *d);

/* The colour of series i, from a fixed palette that tells lines apart. */
const char *svg_color(size_t i);

/* A number as a tick label: 0, 250, 1.5k, 2M, 0.25 ... */
void svg_number(char *buf, size_t len, double v);

#endif
