/* SPDX-License-Identifier: MIT */
#include "svg_plot.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

struct svg_doc {
	FILE *f;
};

/* Readable on white and apart from each other, red kept for drops. */
static const char *const palette[] = {
	"#1f5fbf", "#e08000", "#2a9d3a", "#8a3fbf", "#7a5230",
	"#d04a9e", "#606060", "#9aa000", "#00a5b8", "#203060",
};

const char *svg_color(size_t i)
{
	return palette[i % (sizeof(palette) / sizeof(palette[0]))];
}

/* Text content or attribute value: XML's five specials escaped; control
 * bytes and bytes above ASCII (callers escape names first) as '?', since
 * XML 1.0 cannot carry the former and the latter may not be UTF-8. */
static void put_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc(c < 0x20 || c >= 0x7f ? '?' : c, f);
		}
	}
}

static void text_at(FILE *f, double x, double y, const char *anchor, const char *extra, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>", x, y, anchor, extra);
	put_text(f, s);
	fputs("</text>\n", f);
}

struct svg_doc *svg_begin(FILE *f, const char *title, const char *subtitle)
{
	struct svg_doc *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->f = f;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		   "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n"
		   "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
		SVG_WIDTH, SVG_HEIGHT, SVG_WIDTH, SVG_HEIGHT, SVG_WIDTH, SVG_HEIGHT);
	fputs("<title>", f);
	put_text(f, title);
	fputs("</title>\n", f);
	text_at(f, SVG_WIDTH / 2.0, 20, "middle", " font-size=\"15\" font-weight=\"bold\"", title);
	if (subtitle)
		text_at(f, SVG_WIDTH / 2.0, 36, "middle", " fill=\"#404040\"", subtitle);
	return d;
}

/* 1, 2 or 5 times a power of ten, the smallest at least raw. */
static double nice_step(double raw)
{
	if (!(raw > 0) || !isfinite(raw))
		return 1;
	double mag = pow(10, floor(log10(raw)));
	double m = raw / mag;
	double k = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
	return k * mag;
}

void svg_panel_scale(struct svg_panel *p, double ymax_data)
{
	p->ymin = 0;
	if (!(ymax_data > 0) || !isfinite(ymax_data))
		ymax_data = 1;
	p->ystep = nice_step(ymax_data / 5);
	if (p->counts && p->ystep < 1)
		p->ystep = 1;
	p->ymax = ceil(ymax_data / p->ystep - 1e-9) * p->ystep;
	if (p->xmax <= p->xmin)
		p->xmax = p->xmin + 1;
	p->xstep = p->xlabels ? 0 : nice_step((p->xmax - p->xmin) / 8);
}

double svg_px(const struct svg_panel *p, double x)
{
	return p->x + (x - p->xmin) / (p->xmax - p->xmin) * p->w;
}

double svg_py(const struct svg_panel *p, double y)
{
	return p->y + p->h - (y - p->ymin) / (p->ymax - p->ymin) * p->h;
}

void svg_number(char *buf, size_t len, double v)
{
	static const char suffix[] = { 0, 'k', 'M', 'G', 'T', 'P' };
	double a = fabs(v);
	int i = 0;
	while (a >= 1000 && i < 5) {
		a /= 1000;
		v /= 1000;
		i++;
	}
	/* ticks are 1, 2 or 5 steps: three significant digits say any of them */
	char num[32];
	snprintf(num, sizeof(num), "%.3g", fabs(v) < 1e-12 ? 0 : v);
	if (suffix[i])
		snprintf(buf, len, "%s%c", num, suffix[i]);
	else
		snprintf(buf, len, "%s", num);
}

static void x_ticks(FILE *f, const struct svg_panel *p)
{
	double bottom = p->y + p->h;
	if (p->xlabels) {
		/* at most ~12 labels, every k-th */
		size_t k = p->nxlabels / 12 + 1;
		for (size_t i = 0; i < p->nxlabels; i += k) {
			double x = svg_px(p, (double)i);
			fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#000000\"/>\n",
				x, bottom, x, bottom + 4);
			text_at(f, x, bottom + 15, "middle", "", p->xlabels[i]);
		}
		return;
	}
	double first = ceil(p->xmin / p->xstep - 1e-9) * p->xstep;
	for (double v = first; v <= p->xmax + p->xstep * 1e-6; v += p->xstep) {
		char t[32];
		double x = svg_px(p, v);
		svg_number(t, sizeof(t), v);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#e4e4e4\"/>\n", x,
			p->y, x, bottom);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#000000\"/>\n", x,
			bottom, x, bottom + 4);
		text_at(f, x, bottom + 15, "middle", "", t);
	}
}

static void y_ticks(FILE *f, const struct svg_panel *p)
{
	for (double v = p->ymin; v <= p->ymax + p->ystep * 1e-6; v += p->ystep) {
		char t[32];
		double y = svg_py(p, v);
		svg_number(t, sizeof(t), v);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#e4e4e4\"/>\n",
			p->x, y, p->x + p->w, y);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#000000\"/>\n",
			p->x - 4, y, p->x, y);
		text_at(f, p->x - 7, y + 4, "end", "", t);
	}
}

void svg_axes(struct svg_doc *d, const struct svg_panel *p, const char *name, const char *xtitle,
	      const char *ytitle)
{
	FILE *f = d->f;
	fputs("<g data-panel=\"", f);
	put_text(f, name);
	fprintf(f, "\" data-x0=\"%.2f\" data-y0=\"%.2f\" data-width=\"%.2f\" data-height=\"%.2f\" "
		   "data-xmin=\"%.17g\" data-xmax=\"%.17g\" data-ymin=\"%.17g\" data-ymax=\"%.17g\">\n",
		p->x, p->y, p->w, p->h, p->xmin, p->xmax, p->ymin, p->ymax);
	y_ticks(f, p);
	x_ticks(f, p);
	fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" "
		   "stroke=\"#000000\"/>\n", p->x, p->y, p->w, p->h);
	text_at(f, p->x + p->w / 2, p->y + p->h + 30, "middle", "", xtitle);
	char rot[96];
	double ty = p->y + p->h / 2;
	snprintf(rot, sizeof(rot), " transform=\"rotate(-90 %.1f %.1f)\"", p->x - 52, ty);
	text_at(f, p->x - 52, ty, "middle", rot, ytitle);
	fputs("</g>\n", f);
}

/* data-series and data-values of s, then its own attributes. */
static void series_attrs(FILE *f, const struct svg_series *s)
{
	fputs(" data-series=\"", f);
	put_text(f, s->name);
	fputs("\" data-values=\"", f);
	for (size_t i = 0; i < s->n; i++) {
		if (s->values)
			fprintf(f, i ? " %llu" : "%llu", (unsigned long long)s->values[i]);
		else
			fprintf(f, i ? " %.17g" : "%.17g", s->y[i]);
	}
	fputc('"', f);
	if (s->attrs)
		fprintf(f, " %s", s->attrs);
}

void svg_polyline(struct svg_doc *d, const struct svg_panel *p, const struct svg_series *s)
{
	FILE *f = d->f;
	fputs("<polyline", f);
	series_attrs(f, s);
	fprintf(f, " fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" stroke-linejoin=\"round\" points=\"",
		s->color);
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, i ? " %.2f,%.2f" : "%.2f,%.2f", svg_px(p, s->x[i]), svg_py(p, s->y[i]));
	fputs("\"/>\n", f);
}

void svg_bars(struct svg_doc *d, const struct svg_panel *p, const struct svg_series *s, double bar_w)
{
	FILE *f = d->f;
	fputs("<g", f);
	series_attrs(f, s);
	fprintf(f, " fill=\"%s\">\n", s->color);
	for (size_t i = 0; i < s->n; i++) {
		double x0 = svg_px(p, s->x[i] - bar_w / 2), x1 = svg_px(p, s->x[i] + bar_w / 2);
		double y0 = svg_py(p, s->y[i]), y1 = svg_py(p, 0);
		fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>\n", x0, y0,
			x1 - x0, y1 - y0);
	}
	fputs("</g>\n", f);
}

void svg_markers(struct svg_doc *d, const struct svg_panel *p, const struct svg_series *s)
{
	FILE *f = d->f;
	fputs("<g", f);
	series_attrs(f, s);
	fprintf(f, " fill=\"%s\" stroke=\"#000000\" stroke-width=\"0.5\">\n", s->color);
	for (size_t i = 0; i < s->n; i++) {
		double x = svg_px(p, s->x[i]), y = svg_py(p, s->y[i]);
		fprintf(f, "<path d=\"M%.2f,%.2f l-4.5,-8 h9 z\"/>\n", x, y);
	}
	fputs("</g>\n", f);
}

void svg_vlines(struct svg_doc *d, const struct svg_panel *p, const struct svg_series *s)
{
	FILE *f = d->f;
	fputs("<g", f);
	series_attrs(f, s);
	fprintf(f, " stroke=\"%s\" stroke-width=\"1.2\" stroke-dasharray=\"5,4\">\n", s->color);
	for (size_t i = 0; i < s->n; i++) {
		double x = svg_px(p, s->x[i]);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>\n", x, p->y, x,
			p->y + p->h);
	}
	fputs("</g>\n", f);
}

void svg_legend(struct svg_doc *d, const struct svg_panel *p, const char *const *names,
		const char *const *colors, const bool *dashed, size_t n)
{
	FILE *f = d->f;
	/* right of the plot area, where it hides no line */
	double left = p->x + p->w + 10, y = p->y + 10;
	fputs("<g data-legend=\"1\">\n", f);
	for (size_t i = 0; i < n && y < p->y + p->h; i++, y += 14) {
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			   "stroke-width=\"2.5\"%s/>\n", left, y - 4, left + 18, y - 4, colors[i],
			dashed && dashed[i] ? " stroke-dasharray=\"4,3\"" : "");
		text_at(f, left + 23, y, "start", "", names[i]);
	}
	fputs("</g>\n", f);
}

void svg_note(struct svg_doc *d, const struct svg_panel *p, const char *text)
{
	text_at(d->f, p->x + p->w / 2, p->y + p->h / 2, "middle", " fill=\"#808080\" font-size=\"14\"",
		text);
}

int svg_end(struct svg_doc *d)
{
	fputs("</svg>\n", d->f);
	int rc = fflush(d->f) || ferror(d->f) ? -EIO : 0;
	free(d);
	return rc;
}
