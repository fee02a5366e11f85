/* SPDX-License-Identifier: MIT */
#include "rate_series.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet_text.h"
#include "stats_table.h"

void rate_series_init(struct rate_series *r)
{
	*r = (struct rate_series){ 0 };
	time_buckets_init(&r->tb);
}

void rate_series_free(struct rate_series *r)
{
	time_buckets_free(&r->tb);
	free(r->lines);
	free(r->file_first_ns);
	free(r->rotations_ns);
	rate_series_init(r);
}

static bool same_line(const struct rate_line *l, const char *name, uint64_t ino, uint32_t ifindex,
		      uint8_t dir)
{
	return l->ifindex == ifindex && l->dir == dir && l->netns_ino == ino && !strcmp(l->name, name);
}

/* The line of the packet's interface and direction, as stats keys its rows. */
static struct rate_line *line_of(struct rate_series *r, const struct log_packet *p)
{
	const struct tclog_iface *ifc = p->iface;
	const char *name = ifc ? ifc->name : "";
	uint64_t ino = ifc ? ifc->netns_ino : 0;
	uint32_t ifindex = ifc ? ifc->ifindex : p->rec->ifindex;
	uint8_t dir = p->rec->dir == TCREC_DIR_OUT;
	if (r->last < r->nlines && same_line(&r->lines[r->last], name, ino, ifindex, dir))
		return &r->lines[r->last];
	for (size_t i = 0; i < r->nlines; i++)
		if (same_line(&r->lines[i], name, ino, ifindex, dir))
			return &r->lines[r->last = i];
	if (r->nlines == r->cap_lines) {
		size_t cap = r->cap_lines ? r->cap_lines * 2 : 8;
		struct rate_line *v = realloc(r->lines, cap * sizeof(*v));
		if (!v)
			return NULL;
		r->lines = v;
		r->cap_lines = cap;
	}
	struct rate_line *l = &r->lines[r->nlines];
	memset(l, 0, sizeof(*l));
	for (int k = 0; k < RATE_KINDS; k++) {
		int row = time_buckets_add_row(&r->tb);
		if (row < 0)
			return NULL;
		if (!k)
			l->row = (size_t)row;
	}
	snprintf(l->name, sizeof(l->name), "%s", name);
	if (ifc)
		tclog_iface_ns_label(ifc, l->ns, sizeof(l->ns));
	l->netns_ino = ino;
	l->ifindex = ifindex;
	l->dir = dir;
	r->last = r->nlines++;
	return l;
}

static int note_file(struct rate_series *r, size_t file, uint64_t t)
{
	if (file >= r->nfiles) {
		uint64_t *v = realloc(r->file_first_ns, (file + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		for (size_t i = r->nfiles; i <= file; i++)
			v[i] = UINT64_MAX;
		r->file_first_ns = v;
		r->nfiles = file + 1;
	}
	if (t < r->file_first_ns[file])
		r->file_first_ns[file] = t;
	return 0;
}

int rate_series_add(struct rate_series *r, const struct log_packet *p)
{
	const struct tcrec_record *rec = p->rec;
	struct rate_line *l = line_of(r, p);
	if (!l)
		return -ENOMEM;
	int64_t b = time_buckets_at(&r->tb, rec->ts_ns);
	if (b < 0)
		return -ENOMEM;
	uint64_t **rows = r->tb.rows + l->row;
	rows[RATE_PACKETS][b]++;
	rows[RATE_BYTES][b] += rec->wire_len;
	rows[RATE_DROPS][b] += rec->drops;
	return note_file(r, p->file, rec->ts_ns);
}

/* The order of stats' rows, so that legend and table list alike. */
static int cmp_line(const void *a, const void *b)
{
	const struct rate_line *x = a, *y = b;
	struct iface_row_key kx = { x->ns, x->name, x->netns_ino, x->ifindex, x->dir };
	struct iface_row_key ky = { y->ns, y->name, y->netns_ino, y->ifindex, y->dir };

	return iface_row_cmp(&kx, &ky);
}

static void label_line(struct rate_line *l, bool several_ns)
{
	char both[sizeof(l->ns) + TCLOG_IFNAME_MAX + 1], esc[sizeof(l->label) - 8];
	if (l->name[0] && several_ns && l->ns[0]) {
		snprintf(both, sizeof(both), "%s/%s", l->ns, l->name);
		packet_text_escape(esc, sizeof(esc), both);
	} else if (l->name[0]) {
		packet_text_escape(esc, sizeof(esc), l->name);
	} else {
		snprintf(esc, sizeof(esc), "if%u", l->ifindex);
	}
	snprintf(l->label, sizeof(l->label), "%s %s", esc, l->dir ? "out" : "in");
}

/* Length of the directory part of path ("" and "." alike). */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) : 0;
}

/* A file that follows, with packets, the previous file with packets of
 * the same directory: the recorder rotated there. */
static int find_rotations(struct rate_series *r, struct log_input *in)
{
	size_t n = r->nfiles < log_input_nfiles(in) ? r->nfiles : log_input_nfiles(in);
	r->rotations_ns = calloc(n ? n : 1, sizeof(*r->rotations_ns));
	if (!r->rotations_ns)
		return -ENOMEM;
	const char *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		if (r->file_first_ns[i] == UINT64_MAX)
			continue;
		const char *path = log_input_file(in, i)->path;
		if (prev && dir_len(prev) == dir_len(path) && !strncmp(prev, path, dir_len(path)))
			r->rotations_ns[r->nrotations++] = r->file_first_ns[i];
		prev = path;
	}
	return 0;
}

int rate_series_finish(struct rate_series *r, struct log_input *in)
{
	time_buckets_finish(&r->tb, RATE_BUCKETS_MAX, 1000000000);
	r->start_ns = r->tb.start_ns;
	r->bucket_ns = r->tb.bucket_ns;
	r->nbuckets = r->tb.n;
	bool several = log_input_several_ns(in);
	for (size_t i = 0; i < r->nlines; i++) {
		label_line(&r->lines[i], several);
		for (int k = 0; k < RATE_KINDS; k++)
			r->lines[i].v[k] = r->tb.rows[r->lines[i].row + k];
	}
	if (r->nlines)
		qsort(r->lines, r->nlines, sizeof(*r->lines), cmp_line);
	return find_rotations(r, in);
}
