/* SPDX-License-Identifier: MIT */
/*
 * The writer's socket table of one chunk (FORMAT.md, "Socket table"): the
 * first record of a socket in a chunk adds its entry, later ones find it by
 * cookie; owners shared by several sockets are written once. The table
 * starts empty with every chunk, so a chunk carries the entries of exactly
 * the sockets its records use and reads alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tclog_le.h"
#include "tclog_socktab.h"

static uint32_t mix(uint64_t c)
{
	c ^= c >> 33;
	c *= 0xff51afd7ed558ccdull;
	c ^= c >> 33;
	return (uint32_t)c;
}

static uint32_t owner_hash(const struct tclog_sock *s)
{
	uint64_t h = mix(s->cgroup_id) ^ mix((uint64_t)s->pid << 32 | s->tid) ^ mix(s->uid);

	for (const char *p = s->comm; *p; p++)
		h = h * 31 + (uint8_t)*p;
	return mix(h);
}

static int owner_same(const struct tclog_sock *a, const struct tclog_sock *b)
{
	return a->cgroup_id == b->cgroup_id && a->pid == b->pid && a->tid == b->tid &&
	       a->uid == b->uid && !strcmp(a->comm, b->comm) && !strcmp(a->cgroup, b->cgroup) &&
	       !strcmp(a->container, b->container);
}

static uint32_t *sock_slot(const struct tclog_wsocks *t, uint64_t cookie)
{
	uint32_t i = mix(cookie) & t->mask;

	while (t->hash[i] && t->v[t->hash[i] - 1].cookie != cookie)
		i = (i + 1) & t->mask;
	return &t->hash[i];
}

static uint32_t *owner_slot(const struct tclog_wsocks *t, const struct tclog_sock *s)
{
	uint32_t i = owner_hash(s) & t->mask;

	while (t->ohash[i] && !owner_same(&t->own[t->ohash[i] - 1], s))
		i = (i + 1) & t->mask;
	return &t->ohash[i];
}

/* Bytes of the varint of socket j's cookie: the difference to socket
 * j - 1's (kernel cookies count up, so it is mostly small). */
static size_t cookie_len(const struct tclog_wsocks *t, uint32_t j)
{
	uint64_t d = t->v[j].cookie - (j ? t->v[j - 1].cookie : 0);
	uint64_t z = (d << 1) ^ (uint64_t)((int64_t)d >> 63);
	size_t n = 1;

	while (z >= 0x80) {
		z >>= 7;
		n++;
	}
	return n;
}

static size_t str_len(const char *s, size_t max)
{
	const char *z = memchr(s, 0, max);

	return z ? (size_t)(z - s) : max;
}

static int grow(struct tclog_wsocks *t)
{
	uint32_t mask = t->mask ? t->mask * 2 + 1 : 255;
	uint32_t cap = t->cap ? t->cap * 2 : 64;
	uint32_t *h = calloc((size_t)mask + 1, sizeof(*h)), *oh = calloc((size_t)mask + 1, sizeof(*h));
	struct tclog_sock *v = NULL, *own = NULL;
	uint16_t *owner = NULL;
	uint8_t *first = NULL;

	if (cap > TCLOG_SOCKS_MAX)
		cap = TCLOG_SOCKS_MAX;
	if (h && oh && (v = realloc(t->v, (size_t)cap * sizeof(*v))))
		t->v = v;
	if (v && (own = realloc(t->own, (size_t)cap * sizeof(*own))))
		t->own = own;
	if (own && (owner = realloc(t->owner, (size_t)cap * sizeof(*owner))))
		t->owner = owner;
	if (owner && (first = realloc(t->first, cap)))
		t->first = first;
	if (!first) {
		free(h);
		free(oh);
		return -ENOMEM;
	}
	free(t->hash);
	free(t->ohash);
	t->hash = h;
	t->ohash = oh;
	t->mask = mask;
	t->cap = cap;
	for (uint32_t k = 0; k < t->n; k++)
		*sock_slot(t, t->v[k].cookie) = k + 1;
	for (uint32_t k = 0; k < t->n_own; k++)
		*owner_slot(t, &t->own[k]) = k + 1;
	return 0;
}

int tclog_wsocks_ref(struct tclog_wsocks *t, const struct tclog_sock *s,
		     const struct tcrec_record *rec, uint32_t *ref, int *added)
{
	uint32_t *slot, *oslot;
	int err;

	*added = 0;
	if (t->mask && *(slot = sock_slot(t, s->cookie))) {
		*ref = *slot;
		return 0;
	}
	if (t->n == TCLOG_SOCKS_MAX)
		return -ENOSPC;
	/* the hashes stay at most half full, the arrays keep a free entry */
	if ((t->n + 1) * 2 > t->mask || t->n == t->cap) {
		err = grow(t);
		if (err)
			return err;
	}
	oslot = owner_slot(t, s);
	if (!*oslot) {
		t->own[t->n_own] = *s;
		*oslot = ++t->n_own;
		t->bytes += TCLOG_OWNER_FIXED + 3 + str_len(s->comm, TCLOG_COMM_MAX) +
			    str_len(s->cgroup, TCLOG_CGROUP_MAX) + str_len(s->container, TCLOG_CONTAINER_MAX);
	}
	t->owner[t->n] = (uint16_t)(*oslot - 1);
	t->first[t->n] = (uint8_t)tclog_sock_tuple_is(s, rec);
	t->v[t->n] = *s;
	t->bytes += TCLOG_SOCK_FIXED + cookie_len(t, t->n) + (t->first[t->n] ? 0 : TCLOG_TUPLE_SIZE);
	*sock_slot(t, s->cookie) = ++t->n;
	*ref = t->n;
	*added = 1;
	return 0;
}

void tclog_wsocks_unadd(struct tclog_wsocks *t)
{
	const struct tclog_sock *s = &t->v[t->n - 1];

	/* The newest entry is the end of its probe chain: clearing its slot
	 * breaks no other entry's chain. So is its owner, when it was new. */
	*sock_slot(t, s->cookie) = 0;
	t->n--;
	t->bytes -= TCLOG_SOCK_FIXED + cookie_len(t, t->n) + (t->first[t->n] ? 0 : TCLOG_TUPLE_SIZE);
	if (t->owner[t->n] == t->n_own - 1) {
		int shared = 0;

		for (uint32_t k = 0; k < t->n && !shared; k++)
			shared = t->owner[k] == t->owner[t->n];
		if (!shared) {
			*owner_slot(t, s) = 0;
			t->n_own--;
			t->bytes -= TCLOG_OWNER_FIXED + 3 + str_len(s->comm, TCLOG_COMM_MAX) +
				    str_len(s->cgroup, TCLOG_CGROUP_MAX) +
				    str_len(s->container, TCLOG_CONTAINER_MAX);
		}
	}
}

int tclog_wsocks_payload(struct tclog_wsocks *t, const uint8_t *body, size_t len,
			 const uint8_t **raw, size_t *raw_len)
{
	size_t tab = tclog_wsocks_size(t), need = tab + len;

	if (need > t->buf_cap) {
		uint8_t *p = realloc(t->buf, need);

		if (!p)
			return -ENOMEM;
		t->buf = p;
		t->buf_cap = need;
	}
	tclog_socktab_encode(t->buf, t);
	memcpy(t->buf + tab, body, len);
	*raw = t->buf;
	*raw_len = need;
	return 0;
}

void tclog_wsocks_reset(struct tclog_wsocks *t)
{
	if (t->n && t->hash) {
		memset(t->hash, 0, ((size_t)t->mask + 1) * sizeof(*t->hash));
		memset(t->ohash, 0, ((size_t)t->mask + 1) * sizeof(*t->ohash));
	}
	t->n = t->n_own = 0;
	t->bytes = 0;
}

void tclog_wsocks_free(struct tclog_wsocks *t)
{
	free(t->v);
	free(t->own);
	free(t->owner);
	free(t->first);
	free(t->hash);
	free(t->ohash);
	free(t->buf);
	memset(t, 0, sizeof(*t));
}
