/* SPDX-License-Identifier: MIT */
/*
 * Entries live in a ring in arrival order and are named by a sequence
 * number (slot = seq & mask), so growing the ring moves no identities. Each
 * hash bucket chains its entries in arrival order too; hence the oldest
 * entry of the ring is always the head of its chain, and expiry is a pop at
 * both ends with no search.
 */
#include "diff_match.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { ST_PENDING, ST_MATCHED, ST_DEAD };

struct ent {
	uint64_t key;
	uint64_t pay;
	uint64_t num;
	uint64_t next; /* seq of the next entry in the bucket chain, 0 = none */
	int64_t t;
	uint8_t *bytes;
	uint32_t cap_len;
	uint32_t wire_len;
	uint32_t flow;
	uint8_t side;
	uint8_t state;
	uint8_t has_pay;
	uint8_t synth;
};

struct bucket {
	uint64_t head, tail;
};

struct dm {
	struct dm_cfg cfg;
	struct ent *ring;
	uint64_t rmask;
	uint64_t head, tail; /* seqs: oldest live, next to assign */
	struct bucket *bk;
	uint64_t bmask;
	int64_t now;
	bool started;
	uint64_t max_a;      /* highest A position matched so far (reordering) */
	int64_t delay_est;   /* running average of the delays of matched pairs */
	struct dm_stats st;
	struct diff_hist hist;
};

#define RING_INIT 4096

struct dm *dm_new(const struct dm_cfg *cfg)
{
	struct dm *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->cfg = *cfg;
	m->ring = malloc(RING_INIT * sizeof(*m->ring));
	m->bk = calloc(RING_INIT, sizeof(*m->bk));
	m->rmask = m->bmask = RING_INIT - 1;
	m->head = m->tail = 1;
	if (!m->ring || !m->bk || diff_hist_init(&m->hist, cfg->window_ns) < 0) {
		dm_free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

static inline struct ent *E(const struct dm *m, uint64_t seq)
{
	return &m->ring[seq & m->rmask];
}

static void emit(struct dm *m, enum dm_kind kind, int side, uint64_t num, int64_t t,
		 uint64_t other, uint32_t flow, uint32_t wire_len, uint32_t cap_len,
		 const uint8_t *bytes, bool synth)
{
	if (!m->cfg.on_event)
		return;
	struct dm_event ev = {
		.kind = kind,
		.side = side,
		.num = num,
		.ts_ns = (uint64_t)(side ? t + m->cfg.offset_ns : t),
		.other_num = other,
		.flow = flow,
		.wire_len = wire_len,
		.cap_len = bytes ? cap_len : 0,
		.bytes = bytes,
		.synthesized = synth,
	};
	m->cfg.on_event(m->cfg.ctx, &ev);
}

#define POP_AHEAD 16

static void pop_oldest(struct dm *m)
{
	struct ent *e = E(m, m->head);

	/* the buckets of the next entries to expire are cold: load them early */
	if (m->tail - m->head > POP_AHEAD)
		__builtin_prefetch(&m->bk[E(m, m->head + POP_AHEAD)->key & m->bmask], 1);
	struct bucket *b = &m->bk[e->key & m->bmask];

	b->head = e->next;
	if (!b->head)
		b->tail = 0;
	if (e->state == ST_PENDING) {
		if (e->side == 0)
			m->st.lost++;
		else
			m->st.added++;
		emit(m, e->side ? DM_ADDED : DM_LOST, e->side, e->num, e->t, 0, e->flow,
		     e->wire_len, e->cap_len, e->bytes, e->synth);
	}
	free(e->bytes);
	m->head++;
}

static void expire(struct dm *m)
{
	while (m->head != m->tail && E(m, m->head)->t + (int64_t)m->cfg.window_ns < m->now)
		pop_oldest(m);
}

static int grow_ring(struct dm *m)
{
	uint64_t size = (m->rmask + 1) * 2;
	struct ent *ring = malloc(size * sizeof(*ring));

	if (!ring)
		return -ENOMEM;
	for (uint64_t s = m->head; s != m->tail; s++)
		ring[s & (size - 1)] = *E(m, s);
	free(m->ring);
	m->ring = ring;
	m->rmask = size - 1;
	return 0;
}

/* Rebuilt in arrival order, so chains stay ordered oldest first. */
static int grow_buckets(struct dm *m)
{
	uint64_t size = (m->bmask + 1) * 2;
	struct bucket *bk = calloc(size, sizeof(*bk));

	if (!bk)
		return -ENOMEM;
	for (uint64_t s = m->head; s != m->tail; s++) {
		struct ent *e = E(m, s);
		struct bucket *b = &bk[e->key & (size - 1)];
		e->next = 0;
		if (b->tail)
			E(m, b->tail)->next = s;
		else
			b->head = s;
		b->tail = s;
	}
	free(m->bk);
	m->bk = bk;
	m->bmask = size - 1;
	return 0;
}

static int insert(struct dm *m, int side, const struct diff_pkt *p, int64_t t, uint32_t flow,
		  int state)
{
	if (m->tail - m->head > m->rmask && grow_ring(m) < 0)
		return -ENOMEM;
	uint8_t *copy = NULL;
	if (state == ST_PENDING && m->cfg.keep_bytes && p->bytes && p->cap_len) {
		copy = malloc(p->cap_len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, p->bytes, p->cap_len);
	}
	uint64_t seq = m->tail++;
	struct ent *e = E(m, seq);
	*e = (struct ent){
		.key = p->key,
		.pay = p->pay_hash,
		.num = p->num,
		.t = t,
		.bytes = copy,
		.cap_len = p->cap_len,
		.wire_len = p->wire_len,
		.flow = flow,
		.side = (uint8_t)side,
		.state = (uint8_t)state,
		.has_pay = p->has_pay,
		.synth = p->synthesized,
	};
	struct bucket *b = &m->bk[p->key & m->bmask];
	if (b->tail)
		E(m, b->tail)->next = seq;
	else
		b->head = seq;
	b->tail = seq;
	uint64_t live = m->tail - m->head;
	if (live > m->st.peak_entries)
		m->st.peak_entries = live;
	/* a quarter full: a twin is then usually alone in its bucket, and the
	 * walk does not touch old entries that are out of the caches */
	if (live * 4 > m->bmask + 1)
		return grow_buckets(m);
	return 0;
}

static void matched(struct dm *m, uint64_t a_num, uint64_t b_num, int64_t t_b, int64_t delay,
		    uint32_t flow, uint32_t wire_len)
{
	/* a slow average: one odd delay does not move it */
	m->delay_est = m->st.matched ? m->delay_est + (delay - m->delay_est) / 16 : delay;
	m->st.matched++;
	diff_hist_add(&m->hist, delay);
	if (a_num < m->max_a) {
		m->st.reordered++;
		emit(m, DM_REORDERED, 1, b_num, t_b, a_num, flow, wire_len, 0, NULL, false);
	} else {
		m->max_a = a_num;
	}
}

int dm_push(struct dm *m, int side, const struct diff_pkt *p, int64_t t, uint32_t flow)
{
	if (!m->started || t > m->now) {
		m->now = t;
		m->started = true;
	}
	expire(m);

	struct ent *twin = NULL, *orig = NULL;
	uint64_t best = UINT64_MAX;
	for (uint64_t s = m->bk[p->key & m->bmask].head; s; s = E(m, s)->next) {
		struct ent *e = E(m, s);
		if (e->key != p->key || e->side == side)
			continue;
		if (e->has_pay && p->has_pay && e->pay != p->pay_hash)
			continue;
		if (e->state == ST_PENDING) {
			/* Packets that look alike (no payload to tell them apart)
			 * pair by the delay nearest to the recent one: when one of
			 * them was lost, oldest-first would blame the wrong one.
			 * Before the first pair there is no recent delay (0 would
			 * favour the newest look-alike): the chain's order, oldest
			 * first, decides. */
			int64_t d = side ? t - e->t : e->t - t;
			uint64_t off = !m->st.matched ? 0
				       : d > m->delay_est ? (uint64_t)(d - m->delay_est)
							  : (uint64_t)(m->delay_est - d);
			if (off < best) {
				best = off;
				twin = e;
			}
			continue;
		}
		if (e->state == ST_MATCHED && !orig)
			orig = e;
	}
	if (twin && side == 1) {
		twin->state = ST_MATCHED;
		free(twin->bytes);
		twin->bytes = NULL;
		matched(m, twin->num, p->num, t, t - twin->t, flow, p->wire_len);
		return 0;
	}
	if (twin) {
		/* B came first (negative delay); A stays known for duplicates */
		twin->state = ST_DEAD;
		free(twin->bytes);
		twin->bytes = NULL;
		matched(m, p->num, twin->num, twin->t, twin->t - t, twin->flow, twin->wire_len);
		return insert(m, side, p, t, flow, ST_MATCHED);
	}
	if (orig && side == 1) {
		m->st.dup++;
		emit(m, DM_DUP, 1, p->num, t, orig->num, flow, p->wire_len, p->cap_len, p->bytes,
		     p->synthesized);
		return 0;
	}
	return insert(m, side, p, t, flow, ST_PENDING);
}

void dm_prefetch(const struct dm *m, uint64_t key)
{
	/* the bucket only: following it to the entry would wait for the miss */
	__builtin_prefetch(&m->bk[key & m->bmask]);
}

void dm_prefetch_chain(const struct dm *m, uint64_t key)
{
	uint64_t s = m->bk[key & m->bmask].head;

	if (s)
		__builtin_prefetch(E(m, s));
}

void dm_finish(struct dm *m)
{
	while (m->head != m->tail)
		pop_oldest(m);
}

const struct dm_stats *dm_stats(const struct dm *m)
{
	return &m->st;
}

const struct diff_hist *dm_delays(const struct dm *m)
{
	return &m->hist;
}

void dm_free(struct dm *m)
{
	if (!m)
		return;
	if (m->ring)
		for (uint64_t s = m->head; s != m->tail; s++)
			free(E(m, s)->bytes);
	free(m->ring);
	free(m->bk);
	diff_hist_free(&m->hist);
	free(m);
}
