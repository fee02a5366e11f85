/* SPDX-License-Identifier: MIT */
/*
 * Entries live in a ring in arrival order and are named by a sequence
 * number (slot = seq & mask), so growing the ring moves no identities.
 *
 * Look-alikes are found through nodes of a hash table, never by walking the
 * packets of a bucket. A group node per key keeps, per side, FIFOs of the
 * packets still waiting for a twin: all of them, those without payload, and
 * those with the first payload hash the key was seen with. Packets with
 * another payload hash wait in a node of their own per (key, payload hash),
 * so a key shared by packets with different payloads costs nothing more.
 * A packet with payload can be the twin of the waiting packets of the other
 * side with its payload or with none; a packet without payload, of any.
 * Candidates come in arrival order, and only the first DM_LOOKAHEAD are
 * weighed; FIFOs are doubly linked so that a packet leaves them the moment
 * it is paired. The cost per packet is bounded whatever number of
 * look-alikes wait.
 *
 * Links are the low 32 bits of sequence numbers (fewer than 2^32 packets
 * are ever held); the sequence numbers whose low half is 0 go to fillers,
 * so that 0 can mean none. A node lives while packets of the ring refer to
 * it; nodes are found through a seeded hash table (diff_match_nodes.h).
 */
#include "diff_match.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff_match_nodes.h"

enum { ST_PENDING, ST_MATCHED, ST_DEAD, ST_FILLER };

/* Links of an entry: in its group's Q_ALL, and in the FIFO of its payload. */
enum { L_ALL, L_SPEC };

/* Look-alikes weighed per packet, oldest first. */
#define DM_LOOKAHEAD 4

struct ent {
	uint64_t num;
	int64_t t;
	uint8_t *bytes;
	uint32_t nx[2], pv[2]; /* FIFO links (seq32), by L_ALL / L_SPEC */
	uint32_t grp;          /* group node; 0 for a filler */
	uint32_t sub;          /* 0 no payload, grp: the group's payload, else a payload node */
	uint32_t cap_len;
	uint32_t wire_len;
	uint32_t flow;
	uint8_t side;
	uint8_t state;
	uint8_t synth;
};

struct dm {
	struct dm_cfg cfg;
	struct ent *ring;
	uint64_t rmask;
	uint64_t head, tail; /* seqs: oldest live, next to assign */
	struct dm_nodes nt;
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
	m->rmask = RING_INIT - 1;
	m->head = m->tail = 1;
	if (!m->ring || dm_nodes_init(&m->nt, &m->st.steps) < 0 ||
	    diff_hist_init(&m->hist, cfg->window_ns) < 0) {
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

/* The full sequence number of a link, from the live range it lies in. */
static inline uint64_t full_seq(const struct dm *m, uint32_t s32)
{
	return m->head + (uint32_t)(s32 - (uint32_t)m->head);
}

/* The FIFO kind of an entry's payload in its group, or Q_PAY of its own
 * payload node. */
static inline int spec_kind(const struct ent *e)
{
	return e->sub ? Q_PAY : Q_NOPAY;
}

static inline struct dm_fifo *spec_fifo(struct dm *m, const struct ent *e)
{
	uint32_t n = e->sub && e->sub != e->grp ? e->sub : e->grp;

	return &m->nt.v[n].q[e->side][spec_kind(e)];
}

static void link_in(struct dm *m, struct dm_fifo *q, int l, uint64_t seq)
{
	struct ent *e = E(m, seq);

	e->nx[l] = 0;
	e->pv[l] = q->tail;
	if (q->tail)
		E(m, full_seq(m, q->tail))->nx[l] = (uint32_t)seq;
	else
		q->head = (uint32_t)seq;
	q->tail = (uint32_t)seq;
}

static void link_out(struct dm *m, struct dm_fifo *q, int l, struct ent *e)
{
	if (e->pv[l])
		E(m, full_seq(m, e->pv[l]))->nx[l] = e->nx[l];
	else
		q->head = e->nx[l];
	if (e->nx[l])
		E(m, full_seq(m, e->nx[l]))->pv[l] = e->pv[l];
	else
		q->tail = e->pv[l];
}

/* A pending packet is paired or gone: it leaves both of its FIFOs. */
static void unqueue(struct dm *m, struct ent *e)
{
	link_out(m, &m->nt.v[e->grp].q[e->side][Q_ALL], L_ALL, e);
	link_out(m, spec_fifo(m, e), L_SPEC, e);
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

static void release(struct dm *m, uint32_t flow)
{
	if (m->cfg.on_release)
		m->cfg.on_release(m->cfg.ctx, flow);
}

/* A matched A packet stays known for one window: later copies in B are
 * duplicates of it. */
static void note_matched_a(struct dm *m, const struct ent *e, int delta)
{
	struct dm_node *g = &m->nt.v[e->grp];
	int k = spec_kind(e);
	struct dm_node *s = e->sub && e->sub != e->grp ? &m->nt.v[e->sub] : g;

	g->matched_a[Q_ALL] += (uint32_t)delta;
	s->matched_a[k] += (uint32_t)delta;
	if (delta > 0) {
		g->last_a[Q_ALL] = e->num;
		s->last_a[k] = e->num;
	}
}

#define POP_AHEAD 16

static void pop_oldest(struct dm *m)
{
	struct ent *e = E(m, m->head);

	if (e->state == ST_FILLER) {
		m->head++;
		return;
	}
	/* the nodes of the next entries to expire are cold: load them early */
	if (m->tail - m->head > POP_AHEAD)
		__builtin_prefetch(&m->nt.v[E(m, m->head + POP_AHEAD)->grp], 1);
	if (e->state == ST_PENDING) {
		unqueue(m, e);
		if (e->side == 0)
			m->st.lost++;
		else
			m->st.added++;
		emit(m, e->side ? DM_ADDED : DM_LOST, e->side, e->num, e->t, 0, e->flow,
		     e->wire_len, e->cap_len, e->bytes, e->synth);
	} else if (e->side == 0 && e->state == ST_MATCHED) {
		note_matched_a(m, e, -1);
	}
	free(e->bytes);
	if (e->sub && e->sub != e->grp)
		dm_node_put(&m->nt, e->sub);
	dm_node_put(&m->nt, e->grp);
	uint32_t flow = e->flow;
	m->head++;
	release(m, flow);
}

static void expire(struct dm *m)
{
	while (m->head != m->tail && (E(m, m->head)->state == ST_FILLER ||
				      E(m, m->head)->t + (int64_t)m->cfg.window_ns < m->now))
		pop_oldest(m);
}

static int grow_ring(struct dm *m)
{
	uint64_t size = (m->rmask + 1) * 2;

	if (size > (1ull << 31))
		return -ENOMEM; /* links hold 32 bits of sequence numbers */
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

static int next_seq(struct dm *m, uint64_t *seq)
{
	for (;;) {
		if (m->tail - m->head > m->rmask && grow_ring(m) < 0)
			return -ENOMEM;
		if ((uint32_t)m->tail) {
			*seq = m->tail++;
			return 0;
		}
		*E(m, m->tail) = (struct ent){ .state = ST_FILLER };
		m->tail++;
	}
}

static int insert(struct dm *m, int side, const struct diff_pkt *p, int64_t t, uint32_t flow,
		  uint32_t grp, uint32_t sub, int state)
{
	uint64_t seq;

	if (next_seq(m, &seq) < 0)
		return -ENOMEM;
	uint8_t *copy = NULL;
	if (state == ST_PENDING && m->cfg.keep_bytes && p->bytes && p->cap_len) {
		copy = malloc(p->cap_len);
		if (!copy) {
			m->tail--;
			return -ENOMEM;
		}
		memcpy(copy, p->bytes, p->cap_len);
	}
	struct ent *e = E(m, seq);
	*e = (struct ent){
		.num = p->num,
		.t = t,
		.bytes = copy,
		.grp = grp,
		.sub = sub,
		.cap_len = p->cap_len,
		.wire_len = p->wire_len,
		.flow = flow,
		.side = (uint8_t)side,
		.state = (uint8_t)state,
		.synth = p->synthesized,
	};
	m->nt.v[grp].refs++;
	if (sub && sub != grp)
		m->nt.v[sub].refs++;
	if (state == ST_PENDING) {
		link_in(m, &m->nt.v[grp].q[side][Q_ALL], L_ALL, seq);
		link_in(m, spec_fifo(m, e), L_SPEC, seq);
	} else if (side == 0 && state == ST_MATCHED) {
		note_matched_a(m, e, 1);
	}
	uint64_t live = m->tail - m->head;
	if (live > m->st.peak_entries)
		m->st.peak_entries = live;
	return 0;
}

static void matched(struct dm *m, uint64_t a_num, uint64_t b_num, int64_t t_b, int64_t delay,
		    uint32_t flow, uint32_t wire_len)
{
	/* a slow average: one odd delay does not move it */
	m->delay_est = m->st.matched ? m->delay_est + (delay - m->delay_est) / 16 : delay;
	m->st.matched++;
	diff_hist_add(&m->hist, delay);
	if (m->cfg.on_match)
		m->cfg.on_match(m->cfg.ctx, flow, delay);
	if (a_num < m->max_a) {
		m->st.reordered++;
		emit(m, DM_REORDERED, 1, b_num, t_b, a_num, flow, wire_len, 0, NULL, false);
	} else {
		m->max_a = a_num;
	}
}

static inline uint64_t absdiff(int64_t a, int64_t b)
{
	return a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a;
}

/*
 * The twin of a packet at time t among the waiting packets of side
 * `other`: the oldest, unless one just behind it explains the delay so
 * much better that the oldest is more likely lost (or not sent yet): a
 * look-alike is passed over when its delay is further from the running
 * average than the next one's by more than half the time between them.
 * With a steady delay every look-alike keeps its place; after a loss the
 * pairs do not shift by one. Before any pair there is no delay to go by:
 * the oldest. 0 if none.
 */
static uint64_t find_twin(struct dm *m, uint32_t grp, uint32_t sub, bool has_pay, int other,
			  int64_t t)
{
	struct dm_node *g = &m->nt.v[grp];
	/* one FIFO, or two merged by age (with payload: its own, and none) */
	uint32_t a = has_pay ? (sub == grp ? g->q[other][Q_PAY].head
				: sub ? m->nt.v[sub].q[other][Q_PAY].head : 0)
			     : g->q[other][Q_ALL].head;
	uint32_t b = has_pay ? g->q[other][Q_NOPAY].head : 0;
	int la = has_pay ? L_SPEC : L_ALL;
	uint64_t best = 0, best_cost = UINT64_MAX;
	int64_t t_first = 0;

	for (int n = 0; n < DM_LOOKAHEAD && (a || b); n++) {
		uint64_t sa = a ? full_seq(m, a) : UINT64_MAX, sb = b ? full_seq(m, b) : UINT64_MAX;
		uint64_t s = sa < sb ? sa : sb;
		const struct ent *e = E(m, s);
		if (s == sa)
			a = e->nx[la];
		else
			b = e->nx[L_SPEC];
		m->st.steps++;
		if (!n) {
			t_first = e->t;
			best = s;
			if (!m->st.matched)
				break;
		}
		int64_t d = other ? e->t - t : t - e->t;
		uint64_t cost = absdiff(d, m->delay_est) + absdiff(e->t, t_first) / 2;
		if (cost < best_cost) {
			best_cost = cost;
			best = s;
		}
	}
	return best;
}

/* Nodes made for a packet that is not held are not kept. */
static void unhold(struct dm *m, uint32_t grp, uint32_t sub)
{
	if (sub && sub != grp && !m->nt.v[sub].refs)
		dm_node_put(&m->nt, sub);
	if (!m->nt.v[grp].refs)
		dm_node_put(&m->nt, grp);
}

int dm_push(struct dm *m, int side, const struct diff_pkt *p, int64_t t, uint32_t flow)
{
	if (!m->started || t > m->now) {
		m->now = t;
		m->started = true;
	}
	expire(m);

	uint32_t grp = dm_node_get(&m->nt, p->key, 0, false);
	if (!grp)
		return -ENOMEM;
	uint32_t sub = 0;
	if (p->has_pay) {
		struct dm_node *g = &m->nt.v[grp];
		if (!g->has_pay) {
			g->has_pay = 1;
			g->pay = p->pay_hash;
		}
		if (g->pay == p->pay_hash) {
			sub = grp;
		} else {
			/* held while the payload node is made (buckets may be rebuilt) */
			g->refs++;
			sub = dm_node_get(&m->nt, p->key, p->pay_hash, true);
			m->nt.v[grp].refs--;
			if (!sub) {
				unhold(m, grp, 0);
				return -ENOMEM;
			}
		}
	}
	uint64_t s = find_twin(m, grp, sub, p->has_pay, !side, t);
	if (s && side == 1) {
		struct ent *twin = E(m, s);
		unqueue(m, twin);
		twin->state = ST_MATCHED;
		note_matched_a(m, twin, 1);
		free(twin->bytes);
		twin->bytes = NULL;
		matched(m, twin->num, p->num, t, t - twin->t, flow, p->wire_len);
		goto unheld;
	}
	if (s) {
		/* B came first (negative delay); A stays known for duplicates */
		struct ent *twin = E(m, s);
		unqueue(m, twin);
		twin->state = ST_DEAD;
		free(twin->bytes);
		twin->bytes = NULL;
		matched(m, p->num, twin->num, twin->t, twin->t - t, twin->flow, twin->wire_len);
		return insert(m, side, p, t, flow, grp, sub, ST_MATCHED);
	}
	if (side == 1) {
		const struct dm_node *g = &m->nt.v[grp];
		const struct dm_node *sn = sub && sub != grp ? &m->nt.v[sub] : g;
		uint64_t orig = 0;
		if (!p->has_pay && g->matched_a[Q_ALL])
			orig = g->last_a[Q_ALL];
		else if (p->has_pay && sn->matched_a[Q_PAY])
			orig = sn->last_a[Q_PAY];
		else if (p->has_pay && g->matched_a[Q_NOPAY])
			orig = g->last_a[Q_NOPAY];
		if (orig) {
			m->st.dup++;
			emit(m, DM_DUP, 1, p->num, t, orig, flow, p->wire_len, p->cap_len, p->bytes,
			     p->synthesized);
			goto unheld;
		}
	}
	if (insert(m, side, p, t, flow, grp, sub, ST_PENDING) < 0) {
		unhold(m, grp, sub);
		return -ENOMEM;
	}
	return 0;
unheld:
	unhold(m, grp, sub);
	release(m, flow);
	return 0;
}

void dm_prefetch(const struct dm *m, const struct diff_pkt *p)
{
	/* the bucket only: following it to the node would wait for the miss */
	__builtin_prefetch(&m->nt.bk[dm_nodes_bucket(&m->nt, p->key, 0, false)]);
}

void dm_prefetch_chain(const struct dm *m, const struct diff_pkt *p)
{
	uint32_t i = m->nt.bk[dm_nodes_bucket(&m->nt, p->key, 0, false)];

	if (i)
		__builtin_prefetch(&m->nt.v[i]);
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
	dm_nodes_free(&m->nt);
	diff_hist_free(&m->hist);
	free(m);
}
