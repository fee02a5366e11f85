/* SPDX-License-Identifier: MIT */
/*
 * LOG... as one time-ordered stream. Every file is opened once up front to
 * learn its header and time span (from the chunk index), then closed; a
 * file is reopened for reading only when the merge reaches its first
 * record. A directory of rotated files therefore holds one or two files
 * open at a time, however many it contains, while files that overlap in
 * time (several vantage points) are merged record by record.
 */
#define _GNU_SOURCE /* qsort_r */
#include "log_input.h"

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "capture_source.h"
#include "log_input_state.h"
#include "iface_name.h"
#include "log_paths.h"
#include "iface_select.h"
#include "logging.h"
#include "proc_select.h"

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- per-file ---- */

/* Learns the header and the time span, then lets the file go. A file whose
 * index cannot be built is still listed: reading it says what is wrong
 * after returning what can be read. */
static int probe_file(struct log_input *in, struct lin_file *f, char *err, size_t errlen)
{
	if (capture_source_is_capture(f->path))
		return lin_cap_probe(in, f, err, errlen);
	struct tclog_reader *r = tclog_reader_open(f->path, err, errlen);
	if (!r)
		return -1;
	/* The table's used part only: a full one is 1024 entries per file. */
	const struct tclog_header *h = tclog_reader_header(r);
	uint32_t nif = h->n_ifaces < TCREC_MAX_IFACES ? h->n_ifaces : TCREC_MAX_IFACES;
	memcpy(&f->hdr, h, offsetof(struct tclog_header, ifaces) + nif * sizeof(h->ifaces[0]));
	f->hdr.n_ifaces = nif;
	for (uint32_t i = 0; i < nif; i++)
		ns_seen_add(&in->ns, &f->hdr.ifaces[i]);
	f->pub.path = f->path;
	f->pub.hdr = &f->hdr;
	f->pub.size = tclog_reader_file_size(r);
	f->pub.index_rebuilt = tclog_reader_index_rebuilt(r);
	f->first_ns = f->hdr.start_ns;
	f->last_ns = f->hdr.start_ns;
	const struct tclog_chunk_info *c;
	size_t nc = 0;
	int irc = tclog_reader_index(r, &c, &nc, NULL, 0);
	if (!irc && nc) {
		f->first_ns = UINT64_MAX;
		f->last_ns = 0;
		for (size_t i = 0; i < nc; i++) {
			if (c[i].first_ns < f->first_ns)
				f->first_ns = c[i].first_ns;
			if (c[i].last_ns > f->last_ns)
				f->last_ns = c[i].last_ns;
		}
		f->nchunks = nc;
		f->indexed = true;
	} else if (!irc) {
		f->indexed = true;
	}
	tclog_reader_close(r);
	return 0;
}

static bool chunk_in_range(const struct log_input *in, const struct tclog_chunk_info *c)
{
	return c->last_ns >= in->since_ns && (!in->until_ns || c->first_ns < in->until_ns);
}

static bool ranged(const struct log_input *in)
{
	return in->since_ns || in->until_ns;
}

/* After damage: say it, and go on with the next valid chunk. 0 to go on,
 * -1 to stop (strict, or the file cannot be read further). */
static int file_damaged(struct log_input *in, struct lin_file *f, char *err, size_t errlen)
{
	struct tclog_resync rs;

	if (in->on_damage == LOG_DAMAGE_STOP)
		return -1;
	in->problems++;
	if (tclog_reader_resync(f->r, &rs, err, errlen))
		return -1;
	pr_warn("warning: %s", err);
	f->left = 0; /* in range mode, the next chunk comes from the index */
	return 0;
}

/* Interfaces that came in chunks since the last record (v2 logs). */
static void sync_ifaces(struct log_input *in, struct lin_file *f)
{
	const struct tclog_header *h = tclog_reader_header(f->r);
	uint32_t n = h->n_ifaces < TCREC_MAX_IFACES ? h->n_ifaces : TCREC_MAX_IFACES;
	for (uint32_t i = f->hdr.n_ifaces; i < n; i++) {
		f->hdr.ifaces[i] = h->ifaces[i];
		ns_seen_add(&in->ns, &f->hdr.ifaces[i]);
	}
	if (n > f->hdr.n_ifaces)
		f->hdr.n_ifaces = n;
}

/* Next record of an active file inside the range: 1, 0 at its end, -1. */
static int file_fetch(struct log_input *in, struct lin_file *f, char *err, size_t errlen)
{
	if (f->cap)
		return lin_cap_fetch(in, f, err, errlen);
	for (;;) {
		if (ranged(in) && f->chunks && !f->left) {
			while (f->chunk < f->nchunks && !chunk_in_range(in, &f->chunks[f->chunk]))
				f->chunk++;
			if (f->chunk >= f->nchunks)
				return 0;
			if (tclog_reader_seek_chunk(f->r, f->chunk, err, errlen))
				return -1;
			f->left = f->chunks[f->chunk].records;
			f->chunk++;
			if (!f->left)
				continue;
		}
		int rc = tclog_reader_next(f->r, &f->rec, &f->bytes, err, errlen);
		if (rc < 0) {
			if (file_damaged(in, f, err, errlen))
				return -1;
			continue;
		}
		if (rc == 0)
			return 0;
		sync_ifaces(in, f);
		f->sock = tclog_reader_sock(f->r);
		if (ranged(in) && f->chunks)
			f->left--;
		if (in_range(in, f->rec->ts_ns))
			return 1;
	}
}

static void file_finish(struct log_input *in, struct lin_file *f)
{
	if (f->cap) {
		capture_source_close(f->cap);
		f->cap = NULL;
		f->rec = NULL;
		f->state = F_DONE;
		return;
	}
	const char *w = tclog_reader_warning(f->r);
	if (w)
		pr_warn("warning: %s", w);
	const struct tclog_final *fin = tclog_reader_final(f->r);
	if (fin) {
		f->fin = *fin;
		f->pub.final = &f->fin;
	}
	in->decompressed += tclog_reader_chunks_decompressed(f->r);
	tclog_reader_close(f->r);
	f->r = NULL;
	f->rec = NULL;
	f->state = F_DONE;
}

/* ---- heap of active files ---- */

static bool before(const struct log_input *in, size_t a, size_t b)
{
	uint64_t ta = in->files[a].rec->ts_ns, tb = in->files[b].rec->ts_ns;
	return ta < tb || (ta == tb && a < b);
}

static void heap_push(struct log_input *in, size_t fi)
{
	size_t i = in->nheap++;
	in->heap[i] = fi;
	while (i && before(in, in->heap[i], in->heap[(i - 1) / 2])) {
		size_t p = (i - 1) / 2, t = in->heap[p];
		in->heap[p] = in->heap[i];
		in->heap[i] = t;
		i = p;
	}
}

static size_t heap_pop(struct log_input *in)
{
	size_t top = in->heap[0];
	in->heap[0] = in->heap[--in->nheap];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < in->nheap && before(in, in->heap[l], in->heap[m]))
			m = l;
		if (r < in->nheap && before(in, in->heap[r], in->heap[m]))
			m = r;
		if (m == i)
			break;
		size_t t = in->heap[m];
		in->heap[m] = in->heap[i];
		in->heap[i] = t;
		i = m;
	}
	return top;
}

/* Fetches the file's next record into the heap, or finishes the file. */
static int file_advance(struct log_input *in, size_t fi, char *err, size_t errlen)
{
	struct lin_file *f = &in->files[fi];
	int rc = file_fetch(in, f, err, errlen);
	if (rc < 0 && in->on_damage == LOG_DAMAGE_SKIP) {
		in->problems++;
		pr_warn("warning: %s; the rest of the file is skipped", err);
		rc = 0;
	}
	if (rc < 0)
		return -1;
	if (rc == 0)
		file_finish(in, f);
	else
		heap_push(in, fi);
	return 0;
}

/* A capture file is open since the probe, its first packet read. */
static int cap_activate(struct log_input *in, size_t fi, char *err, size_t errlen)
{
	struct lin_file *f = &in->files[fi];
	f->state = F_ACTIVE;
	if (f->cap_err) {
		snprintf(err, errlen, "%s", f->cap_err);
		if (in->on_damage == LOG_DAMAGE_STOP)
			return -1;
		in->problems++;
		pr_warn("warning: %s; the rest of the file is skipped", err);
	}
	if (f->rec && in_range(in, f->rec->ts_ns))
		heap_push(in, fi);
	else if (f->rec)
		return file_advance(in, fi, err, errlen);
	else
		file_finish(in, f);
	return 0;
}

static int file_activate(struct log_input *in, size_t fi, char *err, size_t errlen)
{
	struct lin_file *f = &in->files[fi];
	if (f->cap)
		return cap_activate(in, fi, err, errlen);
	if (ranged(in) && f->indexed && (!f->nchunks || f->last_ns < in->since_ns ||
			   (in->until_ns && f->first_ns >= in->until_ns))) {
		f->state = F_DONE; /* nothing in range: not even opened */
		return 0;
	}
	f->r = tclog_reader_open(f->path, err, errlen);
	if (!f->r) {
		if (in->on_damage == LOG_DAMAGE_STOP)
			return -1;
		in->problems++;
		pr_warn("warning: %s; skipped", err);
		f->state = F_DONE;
		return 0;
	}
	f->state = F_ACTIVE;
	if (ranged(in)) {
		size_t nc;
		if (tclog_reader_index(f->r, &f->chunks, &nc, err, errlen)) {
			if (in->on_damage == LOG_DAMAGE_STOP)
				return -1;
			/* No index to skip by: read it all, the range still
			 * selects the records (damage is reported on the way). */
			f->chunks = NULL;
			nc = 0;
		}
		f->nchunks = nc;
		f->chunk = 0;
		f->left = 0;
	}
	return file_advance(in, fi, err, errlen);
}

/* ---- public ---- */

static int cmp_pending(const void *a, const void *b, void *ctx)
{
	const struct log_input *in = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	uint64_t tx = in->files[x].first_ns, ty = in->files[y].first_ns;
	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x < y ? -1 : x > y;
}

struct log_input *log_input_open(char *const *paths, size_t n, char *err, size_t errlen)
{
	return log_input_open_with(paths, n, LOG_DAMAGE_SKIP, err, errlen);
}

struct log_input *log_input_open_with(char *const *paths, size_t n, enum log_damage on_damage,
				      char *err, size_t errlen)
{
	struct log_paths l = { 0 };
	struct log_input *in = calloc(1, sizeof(*in));
	char why[512];
	size_t skipped = 0;
	if (!in) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	in->last = -1;
	in->on_damage = on_damage;
	if (log_paths_expand(&l, paths, n, err, errlen))
		goto fail;
	in->files = calloc(l.n, sizeof(*in->files));
	in->pending = calloc(l.n, sizeof(*in->pending));
	in->heap = calloc(l.n, sizeof(*in->heap));
	if (!in->files || !in->pending || !in->heap) {
		set_err(err, errlen, "out of memory for %zu files", l.n);
		goto fail;
	}
	for (size_t i = 0; i < l.n; i++) {
		struct lin_file *f = &in->files[in->n];
		f->path = l.v[i];
		l.v[i] = NULL;
		in->n++;
		if (!probe_file(in, f, why, sizeof(why))) {
			in->pending[in->n - 1] = in->n - 1;
			continue;
		}
		/* Alone, an unreadable file is the error; among others (rotated
		 * logs, a README in the directory) it is skipped with a warning. */
		if (on_damage == LOG_DAMAGE_STOP || l.n == 1) {
			set_err(err, errlen, "%s", why);
			goto fail;
		}
		pr_warn("warning: %s; skipped", why);
		skipped++;
		in->n--;
		capture_source_close(f->cap);
		free(f->cap_err);
		free(f->path);
		*f = (struct lin_file){ 0 };
	}
	if (!in->n) {
		set_err(err, errlen, "none of the %zu files is a readable tcrec log", l.n);
		goto fail;
	}
	in->problems = skipped;
	qsort_r(in->pending, in->n, sizeof(*in->pending), cmp_pending, in);
	free(l.v);
	return in;
fail:
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	log_input_close(in);
	return NULL;
}

void log_input_set_range(struct log_input *in, uint64_t since_ns, uint64_t until_ns)
{
	in->since_ns = since_ns;
	in->until_ns = until_ns;
}

uint64_t log_input_start_ns(const struct log_input *in)
{
	uint64_t start = 0;
	for (size_t f = 0; f < log_input_nfiles(in); f++) {
		uint64_t s = log_input_file(in, f)->hdr->start_ns;
		if (s && (!start || s < start))
			start = s;
	}
	return start;
}

static int next_any(struct log_input *in, struct log_packet *pkt, char *err, size_t errlen)
{
	if (in->last >= 0) {
		size_t fi = (size_t)in->last;
		in->last = -1;
		if (file_advance(in, fi, err, errlen))
			return -1;
	}
	/* Open the files whose first record could come before the current
	 * head; the rest wait closed. */
	while (in->next_pending < in->n) {
		size_t fi = in->pending[in->next_pending];
		if (in->nheap && in->files[fi].first_ns > in->files[in->heap[0]].rec->ts_ns)
			break;
		in->next_pending++;
		if (file_activate(in, fi, err, errlen))
			return -1;
	}
	if (!in->nheap)
		return 0;
	size_t fi = heap_pop(in);
	struct lin_file *f = &in->files[fi];
	pkt->rec = f->rec;
	pkt->bytes = f->bytes;
	pkt->hdr = &f->hdr;
	pkt->file = fi;
	pkt->iface = tclog_iface_of(&f->hdr, f->rec);
	pkt->sock = f->sock;
	/* records hold Ethernet frames (L3 devices, and capture files of
	 * other link types, get a synthesized header) */
	pkt->linktype = 1;
	pkt->bare = f->cap && f->cpkt.bare;
	in->last = (ssize_t)fi;
	return 1;
}

int log_input_next(struct log_input *in, struct log_packet *pkt, char *err, size_t errlen)
{
	int rc;
	while ((rc = next_any(in, pkt, err, errlen)) > 0) {
		bool take = !in->sel || (pkt->iface && log_input_selected(in, pkt->file,
					  (uint32_t)(pkt->iface - pkt->hdr->ifaces)));
		if (take && (!in->proc || proc_select_match(in->proc, pkt->sock)))
			return 1;
		in->unselected++;
	}
	return rc;
}

void log_input_set_select(struct log_input *in, const struct iface_select *sel)
{
	in->sel = iface_select_count(sel) ? sel : NULL;
}

void log_input_set_proc(struct log_input *in, const struct proc_select *sel)
{
	in->proc = proc_select_active(sel) ? sel : NULL;
}

bool log_input_selected(struct log_input *in, size_t file, uint32_t slot)
{
	if (!in->sel)
		return true;
	if (file >= in->n || slot >= in->files[file].hdr.n_ifaces)
		return false;
	struct lin_file *f = &in->files[file];
	if (!f->sel[slot])
		f->sel[slot] = iface_select_match(in->sel, &f->hdr.ifaces[slot]) ? SEL_TAKE : SEL_SKIP;
	return f->sel[slot] == SEL_TAKE;
}

uint64_t log_input_unselected(const struct log_input *in)
{
	return in->unselected;
}

bool log_input_several_ns(const struct log_input *in)
{
	return in->ns.several;
}

uint64_t log_input_problems(const struct log_input *in)
{
	return in->problems;
}

size_t log_input_nfiles(const struct log_input *in)
{
	return in->n;
}

const struct log_input_file *log_input_file(const struct log_input *in, size_t i)
{
	return i < in->n ? &in->files[i].pub : NULL;
}

uint64_t log_input_chunks_decompressed(const struct log_input *in)
{
	uint64_t n = in->decompressed;
	for (size_t i = 0; i < in->n; i++)
		if (in->files[i].r)
			n += tclog_reader_chunks_decompressed(in->files[i].r);
	return n;
}

void log_input_bytes(const struct log_input *in, uint64_t *done, uint64_t *total)
{
	bool known = true;
	*done = *total = 0;
	for (size_t i = 0; i < in->n; i++) {
		const struct lin_file *f = &in->files[i];
		uint64_t at = 0;
		if (f->state == F_DONE)
			at = f->pub.size;
		else if (f->r)
			at = tclog_reader_offset(f->r);
		else if (f->cap)
			at = capture_source_offset(f->cap);
		known = known && f->pub.size;
		*total += f->pub.size;
		*done += at < f->pub.size ? at : f->pub.size;
	}
	if (!known)
		*total = 0;
}

void log_input_close(struct log_input *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->n; i++) {
		tclog_reader_close(in->files[i].r);
		capture_source_close(in->files[i].cap);
		free(in->files[i].cap_err);
		free(in->files[i].path);
	}
	free(in->files);
	free(in->pending);
	free(in->heap);
	free(in);
}
