/* SPDX-License-Identifier: MIT */
/*
 * Growable byte columns with LEB128 varints and zigzag signs, as encoding 2
 * (FORMAT.md) stores its fields. Writers reserve room for a whole record
 * up front so the per-field stores need no bounds check; readers check
 * every byte against the column end because the payload is hostile.
 */
#ifndef TCREC_TCLOG_ENC_VARINT_H
#define TCREC_TCLOG_ENC_VARINT_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct col_buf {
	uint8_t *p;
	size_t len;
	size_t cap;
};

/* Room for at least n more bytes: 0 or -ENOMEM. */
static inline int col_reserve(struct col_buf *c, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (c->cap - c->len >= n)
		return 0;
	cap = c->cap ? c->cap : 4096;
	while (cap - c->len < n)
		cap *= 2;
	p = realloc(c->p, cap);
	if (!p)
		return -ENOMEM;
	c->p = p;
	c->cap = cap;
	return 0;
}

/* Caller reserved 10 bytes. */
static inline void col_put_varint(struct col_buf *c, uint64_t v)
{
	uint8_t *p = c->p + c->len;

	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	c->len = (size_t)(p - c->p);
}

static inline void col_put_bytes(struct col_buf *c, const void *b, size_t n)
{
	if (!n)
		return; /* an empty column may have no buffer at all */
	memcpy(c->p + c->len, b, n);
	c->len += n;
}

static inline uint64_t zigzag64(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzigzag64(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Read side: a bounded cursor over one column. */
struct col_rd {
	const uint8_t *p;
	const uint8_t *end;
};

/* A varint of at most max_bytes bytes (5 for 32-bit values, 10 for 64):
 * 0, or -1 when the column ends inside it or it is too long. */
static inline int col_get_varint(struct col_rd *c, uint64_t *out, int max_bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < max_bytes; i++) {
		uint8_t b;

		if (c->p == c->end)
			return -1;
		b = *c->p++;
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

#endif
