/* SPDX-License-Identifier: MIT */
/*
 * Encoding 2: columnar with per-flow prediction (FORMAT.md). A record is a
 * flow reference, a time step and a mask of the fields whose prediction
 * missed; each field's misses go to its own column so zstd sees long runs
 * of similar bytes. Packet bytes get their own column too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tclog_codec.h"
#include "tclog_enc_columnar.h"
#include "tclog_enc_varint.h"
#include "tclog_le.h"


struct enc_flow {
	uint8_t key[COLZ_KEY_PAD];
	struct colz_state st;
};

struct colz_enc {
	struct col_buf col[COLZ_NCOL];
	uint64_t *ts;      /* times wait for finish: the time unit needs them all */
	uint32_t n;
	uint32_t ts_cap;
	struct enc_flow *flows;
	uint32_t n_flows;
	uint32_t flows_cap;
	uint32_t *hash;    /* flow id + 1, 0 = free; open addressing */
	uint32_t hash_mask;
	uint32_t recent[COLZ_RECENT];
	uint32_t n_recent;
	int64_t last;      /* flow of the previous record, -1 at chunk start */
	uint32_t snap;
	uint32_t room;     /* records every column but CC_BYTES has room for */
	int nf, ncol;      /* fields and columns: v3 adds CF_SOCK and CC_SOCK */
	struct col_buf out;
};

/* Checking 20-odd columns for room on every record was a quarter of the
 * encoder's time: the columns are grown for this many records at once. A
 * record adds at most one varint (10 bytes) to each column, one key to
 * CC_KEYS, and its packet bytes to CC_BYTES, checked on its own. */
#define COLZ_RESERVE_BATCH 256

static void *colz_new(int socks)
{
	struct colz_enc *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->nf = socks ? CF_COUNT : COLZ_NFIELD_V2;
	e->ncol = socks ? COLZ_NCOL : COLZ_NCOL_V2;
	e->hash_mask = 1023;
	e->hash = calloc(e->hash_mask + 1, sizeof(*e->hash));
	if (!e->hash) {
		free(e);
		return NULL;
	}
	e->last = -1;
	return e;
}

static void colz_free(void *st)
{
	struct colz_enc *e = st;

	if (!e)
		return;
	for (int c = 0; c < COLZ_NCOL; c++)
		free(e->col[c].p);
	free(e->ts);
	free(e->flows);
	free(e->hash);
	free(e->out.p);
	free(e);
}

static void colz_reset(void *st)
{
	struct colz_enc *e = st;

	for (int c = 0; c < COLZ_NCOL; c++)
		e->col[c].len = 0;
	e->n = 0;
	e->n_flows = 0;
	e->n_recent = 0;
	e->last = -1;
	e->snap = 0;
	e->room = 0;
	memset(e->hash, 0, (e->hash_mask + 1) * sizeof(*e->hash));
}

static uint32_t key_hash(const uint8_t *k)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < COLZ_KEY_PAD; i += 8) {
		uint64_t w;

		memcpy(&w, k + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return (uint32_t)h;
}

static int hash_grow(struct colz_enc *e)
{
	uint32_t mask = e->hash_mask * 2 + 1;
	uint32_t *h = calloc((size_t)mask + 1, sizeof(*h));

	if (!h)
		return -ENOMEM;
	for (uint32_t id = 0; id < e->n_flows; id++) {
		uint32_t i = key_hash(e->flows[id].key) & mask;

		while (h[i])
			i = (i + 1) & mask;
		h[i] = id + 1;
	}
	free(e->hash);
	e->hash = h;
	e->hash_mask = mask;
	return 0;
}

/* The flow id of key; a new flow gets the next id and *is_new. */
static int64_t flow_lookup(struct colz_enc *e, const uint8_t *key, int *is_new)
{
	uint32_t i = key_hash(key) & e->hash_mask, id;
	struct enc_flow *f;

	for (; e->hash[i]; i = (i + 1) & e->hash_mask) {
		id = e->hash[i] - 1;
		if (!memcmp(e->flows[id].key, key, COLZ_KEY_PAD)) {
			*is_new = 0;
			return id;
		}
	}
	if (e->n_flows == e->flows_cap) {
		uint32_t cap = e->flows_cap ? e->flows_cap * 2 : 256;
		struct enc_flow *p = realloc(e->flows, (size_t)cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		e->flows = p;
		e->flows_cap = cap;
	}
	id = e->n_flows++;
	f = &e->flows[id];
	memcpy(f->key, key, COLZ_KEY_PAD);
	e->hash[i] = id + 1;
	*is_new = 1;
	if (e->n_flows * 2 > e->hash_mask && hash_grow(e)) {
		e->n_flows--;
		e->hash[i] = 0;
		return -ENOMEM;
	}
	return id;
}

/* Moves id to the front of the recency list; its previous position, or -1
 * when it was not in the list (the oldest entry then falls off a full list). */
static int recent_touch(uint32_t *list, uint32_t *n, uint32_t id)
{
	uint32_t i;
	int pos;

	for (i = 0; i < *n && list[i] != id; i++)
		;
	pos = i < *n ? (int)i : -1;
	if (pos < 0) {
		if (*n < COLZ_RECENT)
			(*n)++;
		else
			i = COLZ_RECENT - 1;
	}
	memmove(list + 1, list, i * sizeof(*list));
	list[0] = id;
	return pos;
}

static int colz_add(void *st, const struct tcrec_record *rec, const void *bytes)
{
	struct colz_enc *e = st;
	uint8_t key[COLZ_KEY_PAD];
	uint32_t cur[CF_COUNT], mask = 0, code;
	struct colz_state *p;
	int64_t id;
	int is_new, pos, err = 0;

	if (!e->room) {
		for (int c = 0; c < COLZ_NCOL && !err; c++)
			if (c != CC_BYTES)
				err = col_reserve(&e->col[c], COLZ_RESERVE_BATCH *
								   (c == CC_KEYS ? COLZ_KEY_SIZE : 10));
		if (err)
			return err;
		e->room = COLZ_RESERVE_BATCH;
	}
	err = col_reserve(&e->col[CC_BYTES], rec->cap_len);
	if (err)
		return err;
	if (e->n == e->ts_cap) {
		uint32_t cap = e->ts_cap ? e->ts_cap * 2 : 4096;
		uint64_t *t = realloc(e->ts, (size_t)cap * sizeof(*t));

		if (!t)
			return -ENOMEM;
		e->ts = t;
		e->ts_cap = cap;
	}
	colz_key_put(rec, key);
	id = flow_lookup(e, key, &is_new);
	if (id < 0)
		return (int)id;
	p = &e->flows[id].st;
	if (is_new) {
		/* a new flow starts from the previous record's state: TTL, header
		 * lengths, flags are likely shared with its neighbours */
		if (e->last >= 0)
			*p = e->flows[e->last].st;
		else
			memset(p, 0, sizeof(*p));
		p->ip_proto = rec->ip_proto;
		col_put_bytes(&e->col[CC_KEYS], key, COLZ_KEY_SIZE);
	}
	pos = recent_touch(e->recent, &e->n_recent, (uint32_t)id);
	code = pos >= 0 ? (uint32_t)pos : COLZ_RECENT + (uint32_t)id;
	col_put_varint(&e->col[CC_FLOW], code);

	colz_fields_get(rec, cur);
	if (e->nf == COLZ_NFIELD_V2)
		cur[CF_SOCK] = 0;
	for (int f = 0; f < e->nf; f++) {
		uint32_t d = (cur[f] - colz_predict(f, p, cur, e->snap)) & colz_wmask(f);

		if (d) {
			int sh = 32 - colz_width[f];
			int32_t s = (int32_t)(d << sh) >> sh; /* sign-extend from the width */

			mask |= 1u << f;
			col_put_varint(&e->col[colz_col(f)],
				       (COLZ_STORE_VALUE >> f & 1) ? cur[f] : zigzag64(s));
		}
	}
	col_put_varint(&e->col[CC_MASK], mask);
	colz_update(p, cur, &e->snap);
	e->last = id;
	e->ts[e->n++] = rec->ts_ns;
	e->room--;
	if (rec->cap_len) {
		uint8_t *b = e->col[CC_BYTES].p + e->col[CC_BYTES].len;

		col_put_bytes(&e->col[CC_BYTES], bytes, rec->cap_len);
		colz_bytes_xor(rec, b);
	}
	return 0;
}

static size_t colz_size(const void *st)
{
	const struct colz_enc *e = st;
	size_t s = COLZ_HDR_SIZE(e->ncol) + (size_t)e->n * 3; /* times: a guess until finish */

	for (int c = 0; c < COLZ_NCOL; c++)
		s += e->col[c].len;
	return s;
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static uint64_t abs_step(uint64_t from, uint64_t to)
{
	uint64_t d = to - from;

	return (int64_t)d < 0 ? 0 - d : d;
}

/* Time steps in units of the largest common divisor of all steps: files
 * made from microsecond captures then spend no bits on zeros. */
static int time_column(struct colz_enc *e, uint64_t *unit)
{
	struct col_buf *c = &e->col[CC_TIME];
	uint64_t g = 0;
	int err;

	for (uint32_t i = 1; i < e->n && g != 1; i++)
		g = gcd64(g, abs_step(e->ts[i - 1], e->ts[i]));
	*unit = g ? g : 1;
	err = col_reserve(c, (size_t)e->n * 10);
	if (err)
		return err;
	for (uint32_t i = 0; i < e->n; i++) {
		uint64_t d = i ? e->ts[i] - e->ts[i - 1] : 0;
		uint64_t q = ((int64_t)d < 0 ? 0 - ((0 - d) / *unit) : d / *unit);

		col_put_varint(c, zigzag64((int64_t)q));
	}
	return 0;
}

static int colz_finish(void *st, const uint8_t **raw, size_t *len)
{
	struct colz_enc *e = st;
	uint64_t unit;
	size_t total = COLZ_HDR_SIZE(e->ncol);
	uint8_t *o;
	int err;

	if (!e->n)
		return -EINVAL;
	e->col[CC_TIME].len = 0;
	err = time_column(e, &unit);
	if (err)
		return err;
	for (int c = 0; c < e->ncol; c++) {
		if (e->col[c].len > UINT32_MAX)
			return -EOVERFLOW;
		total += e->col[c].len;
	}
	e->out.len = 0;
	err = col_reserve(&e->out, total);
	if (err)
		return err;
	o = e->out.p;
	le64_put(o, e->ts[0]);
	le64_put(o + 8, unit);
	for (int c = 0; c < e->ncol; c++)
		le32_put(o + 16 + 4 * c, (uint32_t)e->col[c].len);
	e->out.len = COLZ_HDR_SIZE(e->ncol);
	for (int c = 0; c < e->ncol; c++)
		col_put_bytes(&e->out, e->col[c].p, e->col[c].len);
	*raw = e->out.p;
	*len = e->out.len;
	return 0;
}

/* ---------------- decoder ---------------- */

struct dec_flow {
	struct tcrec_record tmpl; /* key fields filled in */
	struct colz_state st;
};

struct dec {
	struct col_rd col[COLZ_NCOL];
	struct dec_flow *flows;
	uint32_t n_flows;
	uint32_t max_flows;
	uint32_t recent[COLZ_RECENT];
	uint32_t n_recent;
	int64_t last;
	uint32_t snap;
	uint64_t ts;
	uint64_t unit;
	int nf, ncol;
	const uint8_t *bytes_in;  /* the BYTES column in the payload */
	uint8_t *bytes_out;       /* its copy, where the XOR is undone */
};

static int dec_flow_ref(struct dec *d, uint32_t i, struct dec_flow **out, char *why, size_t whylen)
{
	uint64_t code;
	uint32_t id;

	if (col_get_varint(&d->col[CC_FLOW], &code, 5) || code > UINT32_MAX) {
		snprintf(why, whylen, "record %u: flow column ends or is malformed", i);
		return -1;
	}
	if (code < COLZ_RECENT) {
		if (code >= d->n_recent) {
			snprintf(why, whylen, "record %u: recent flow %u of %u", i, (unsigned)code,
				 d->n_recent);
			return -1;
		}
		id = d->recent[code];
	} else {
		id = (uint32_t)(code - COLZ_RECENT);
		if (id > d->n_flows) {
			snprintf(why, whylen, "record %u: flow %u beyond the %u defined", i, id,
				 d->n_flows);
			return -1;
		}
	}
	if (id == d->n_flows) {
		struct dec_flow *f;
		struct col_rd *k = &d->col[CC_KEYS];

		if (id == d->max_flows || k->end - k->p < COLZ_KEY_SIZE) {
			snprintf(why, whylen, "record %u: new flow but no key left", i);
			return -1;
		}
		f = &d->flows[d->n_flows++];
		memset(&f->tmpl, 0, sizeof(f->tmpl));
		colz_key_get(k->p, &f->tmpl);
		k->p += COLZ_KEY_SIZE;
		if (d->last >= 0)
			f->st = d->flows[d->last].st;
		else
			memset(&f->st, 0, sizeof(f->st));
		f->st.ip_proto = f->tmpl.ip_proto;
	}
	recent_touch(d->recent, &d->n_recent, id);
	d->last = id;
	*out = &d->flows[id];
	return 0;
}

static int dec_record(struct dec *d, uint32_t i, struct tcrec_record *r, const uint8_t **bytes,
		      char *why, size_t whylen)
{
	struct dec_flow *fl;
	uint32_t cur[CF_COUNT] = { 0 };
	uint64_t mask, step;
	char what[96];

	if (dec_flow_ref(d, i, &fl, why, whylen))
		return -1;
	if (col_get_varint(&d->col[CC_TIME], &step, 10) ||
	    col_get_varint(&d->col[CC_MASK], &mask, 5) || mask >> d->nf) {
		snprintf(why, whylen, "record %u: time or mask column ends or is malformed", i);
		return -1;
	}
	d->ts += (uint64_t)unzigzag64(step) * d->unit;
	for (int f = 0; f < d->nf; f++) {
		uint32_t pred = colz_predict(f, &fl->st, cur, d->snap);
		uint64_t z;

		cur[f] = pred;
		if (!(mask >> f & 1))
			continue;
		if (col_get_varint(&d->col[colz_col(f)], &z, 5) || z > colz_wmask(f) ||
		    (!z && !(COLZ_STORE_VALUE >> f & 1))) {
			snprintf(why, whylen, "record %u: field column %d ends or is malformed", i, f);
			return -1;
		}
		if (COLZ_STORE_VALUE >> f & 1) {
			if (z == pred) {
				snprintf(why, whylen, "record %u: field %d stored equal to its prediction", i, f);
				return -1;
			}
			cur[f] = (uint32_t)z;
		} else {
			cur[f] = (pred + (uint32_t)unzigzag64(z)) & colz_wmask(f);
		}
	}
	colz_update(&fl->st, cur, &d->snap);
	*r = fl->tmpl;
	r->ts_ns = d->ts;
	colz_fields_put(cur, r);
	if (tclog_record_check(r, what, sizeof(what))) {
		snprintf(why, whylen, "record %u: %s", i, what);
		return -1;
	}
	if ((size_t)(d->col[CC_BYTES].end - d->col[CC_BYTES].p) < r->cap_len) {
		snprintf(why, whylen, "record %u: %u packet bytes beyond the column end", i, r->cap_len);
		return -1;
	}
	/* the bytes were copied to the decoder's buffer, in the same place */
	*bytes = d->bytes_out + (d->col[CC_BYTES].p - d->bytes_in);
	colz_bytes_xor(r, (uint8_t *)*bytes);
	d->col[CC_BYTES].p += r->cap_len;
	return 0;
}

static int dec_open(struct dec *d, const uint8_t *raw, size_t len, char *why, size_t whylen)
{
	size_t off = COLZ_HDR_SIZE(d->ncol);

	if (len < off) {
		snprintf(why, whylen, "payload of %zu bytes is shorter than its column table", len);
		return -1;
	}
	d->ts = le64_get(raw);
	d->unit = le64_get(raw + 8);
	if (!d->unit) {
		snprintf(why, whylen, "time unit 0");
		return -1;
	}
	for (int c = 0; c < d->ncol; c++) {
		uint32_t n = le32_get(raw + 16 + 4 * c);

		if (len - off < n) {
			snprintf(why, whylen, "column %d (%u bytes) runs past the payload end", c, n);
			return -1;
		}
		d->col[c] = (struct col_rd){ raw + off, raw + off + n };
		off += n;
	}
	if (off != len) {
		snprintf(why, whylen, "%zu bytes after the last column", len - off);
		return -1;
	}
	if ((d->col[CC_KEYS].end - d->col[CC_KEYS].p) % COLZ_KEY_SIZE) {
		snprintf(why, whylen, "key column is not a whole number of keys");
		return -1;
	}
	d->max_flows = (uint32_t)((d->col[CC_KEYS].end - d->col[CC_KEYS].p) / COLZ_KEY_SIZE);
	d->last = -1;
	return 0;
}

static int colz_decode(const uint8_t *raw, size_t len, uint32_t count, int socks,
		       struct tclog_decoded *out, char *why, size_t whylen)
{
	struct dec d = { .nf = socks ? CF_COUNT : COLZ_NFIELD_V2,
			 .ncol = socks ? COLZ_NCOL : COLZ_NCOL_V2 };
	size_t blen;
	int err;

	if (dec_open(&d, raw, len, why, whylen))
		return -1;
	/* every record takes at least one byte of each of the flow, time and
	 * mask columns: no allocation for a count the payload cannot hold */
	if ((size_t)(d.col[CC_MASK].end - d.col[CC_MASK].p) < count ||
	    d.max_flows > count) {
		snprintf(why, whylen, "%u records cannot fit in the columns", count);
		return -1;
	}
	err = tclog_decoded_reserve(out, count);
	if (err)
		return err;
	blen = (size_t)(d.col[CC_BYTES].end - d.col[CC_BYTES].p);
	if (blen > out->buf_cap) {
		uint8_t *b = realloc(out->buf, blen);

		if (!b)
			return -ENOMEM;
		out->buf = b;
		out->buf_cap = blen;
	}
	if (blen)
		memcpy(out->buf, d.col[CC_BYTES].p, blen);
	d.bytes_in = d.col[CC_BYTES].p;
	/* never NULL, even with no bytes at all: consumers compare 0 bytes */
	d.bytes_out = blen ? out->buf : (uint8_t *)(uintptr_t)d.bytes_in;
	d.flows = malloc((size_t)(d.max_flows ? d.max_flows : 1) * sizeof(*d.flows));
	if (!d.flows)
		return -ENOMEM;
	out->n = 0;
	for (uint32_t i = 0; i < count; i++) {
		if (dec_record(&d, i, &out->recs[i], &out->bytes[i], why, whylen)) {
			free(d.flows);
			return -1;
		}
	}
	free(d.flows);
	for (int c = 0; c < d.ncol; c++)
		if (d.col[c].p != d.col[c].end) {
			snprintf(why, whylen, "column %d has %zu bytes left after %u records", c,
				 (size_t)(d.col[c].end - d.col[c].p), count);
			return -1;
		}
	out->n = count;
	return 0;
}

const struct tclog_codec tclog_codec_columnar = {
	.id = TCLOG_ENC_COLUMNAR,
	.name = "columnar",
	.enc_new = colz_new,
	.enc_free = colz_free,
	.enc_reset = colz_reset,
	.enc_add = colz_add,
	.enc_size = colz_size,
	.enc_finish = colz_finish,
	.decode = colz_decode,
};
