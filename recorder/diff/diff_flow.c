/* SPDX-License-Identifier: MIT */
#include "diff_flow.h"

#include <stdlib.h>
#include <string.h>

#include "diff_hash.h"

#define TAB_INIT 1024
#define V_INIT 256

int diff_flows_init(struct diff_flows *f, uint64_t top)
{
	memset(f, 0, sizeof(*f));
	f->cap = V_INIT;
	f->n = 1;
	f->top = top;
	f->v = calloc(f->cap, sizeof(*f->v));
	f->tab = calloc(TAB_INIT, sizeof(*f->tab));
	f->tab_mask = TAB_INIT - 1;
	/* seeded slots: crafted 5-tuples cannot pile up in one probe run */
	f->seed = diff_hash_seed(f);
	if (!f->v || !f->tab) {
		diff_flows_free(f);
		return -1;
	}
	return 0;
}

bool diff_flow_differs(const struct diff_flow *f)
{
	return f->lost || f->added || f->dup || f->reordered || f->pkts[0] != f->pkts[1] ||
	       f->bytes[0] != f->bytes[1];
}

static inline size_t slot_of(const struct diff_flows *f, uint64_t hash)
{
	return diff_fmix64(hash ^ f->seed) & f->tab_mask;
}

static int grow_tab(struct diff_flows *f)
{
	size_t size = (f->tab_mask + 1) * 2;
	uint32_t *tab = calloc(size, sizeof(*tab));

	if (!tab)
		return -1;
	free(f->tab);
	f->tab = tab;
	f->tab_mask = size - 1;
	for (uint32_t i = f->oldest; i; i = f->v[i].next) {
		size_t j = slot_of(f, f->v[i].hash);
		while (tab[j])
			j = (j + 1) & f->tab_mask;
		tab[j] = i;
	}
	return 0;
}

/* Linear probing without tombstones: the entries after the hole that
 * would no longer be found move back into it. */
static void tab_remove(struct diff_flows *f, uint32_t idx)
{
	size_t j = slot_of(f, f->v[idx].hash);

	while (f->tab[j] != idx)
		j = (j + 1) & f->tab_mask;
	for (size_t k = (j + 1) & f->tab_mask; f->tab[k]; k = (k + 1) & f->tab_mask) {
		size_t home = slot_of(f, f->v[f->tab[k]].hash);
		/* k's entry may move to j if its home is not in (j, k] */
		if (((k - home) & f->tab_mask) >= ((k - j) & f->tab_mask)) {
			f->tab[j] = f->tab[k];
			j = k;
		}
	}
	f->tab[j] = 0;
}

static void lru_unlink(struct diff_flows *f, uint32_t i)
{
	struct diff_flow *x = &f->v[i];

	if (x->prev)
		f->v[x->prev].next = x->next;
	else
		f->oldest = x->next;
	if (x->next)
		f->v[x->next].prev = x->prev;
	else
		f->newest = x->prev;
}

static void lru_append(struct diff_flows *f, uint32_t i)
{
	struct diff_flow *x = &f->v[i];

	x->prev = f->newest;
	x->next = 0;
	if (f->newest)
		f->v[f->newest].next = i;
	else
		f->oldest = i;
	f->newest = i;
}

static uint32_t new_flow(struct diff_flows *f)
{
	if (f->free_list) {
		uint32_t i = f->free_list;
		f->free_list = f->v[i].next;
		return i;
	}
	if (f->n >= UINT32_MAX)
		return 0;
	if (f->n == f->cap) {
		struct diff_flow *v = realloc(f->v, f->cap * 2 * sizeof(*v));
		if (!v)
			return 0;
		f->v = v;
		f->cap *= 2;
	}
	return (uint32_t)f->n++;
}

uint32_t diff_flows_add(struct diff_flows *f, int side, const struct diff_pkt *p, int64_t t)
{
	uint64_t h = p->flow_hash;
	size_t j = slot_of(f, h);
	uint32_t idx;

	while ((idx = f->tab[j])) {
		if (f->v[idx].hash == h && !memcmp(&f->v[idx].key, &p->flow, sizeof(p->flow))) {
			lru_unlink(f, idx);
			goto found;
		}
		j = (j + 1) & f->tab_mask;
	}
	/* keep the load under one half so probe runs stay short */
	if ((f->held + 1) * 2 > f->tab_mask + 1) {
		if (grow_tab(f) < 0)
			return 0;
		j = slot_of(f, h);
		while (f->tab[j])
			j = (j + 1) & f->tab_mask;
	}
	idx = new_flow(f);
	if (!idx)
		return 0;
	memset(&f->v[idx], 0, sizeof(f->v[idx]));
	f->v[idx].key = p->flow;
	f->v[idx].hash = h;
	f->v[idx].last_t = t;
	f->tab[j] = idx;
	if (++f->held > f->peak_held)
		f->peak_held = f->held;
found:;
	struct diff_flow *x = &f->v[idx];
	lru_append(f, idx);
	if (t > x->last_t)
		x->last_t = t;
	x->refs++;
	x->pkts[side]++;
	x->bytes[side] += p->l3_bytes;
	return idx;
}

void diff_flows_release(struct diff_flows *f, uint32_t idx)
{
	f->v[idx].refs--;
}

static int cmp_flow(const struct diff_flow *a, const struct diff_flow *b);

/* kept[1..nkept] as a heap whose root is the flow listed last. */
static bool ranks_lower(const struct diff_flows *f, size_t a, size_t b)
{
	return cmp_flow(&f->kept[a], &f->kept[b]) > 0;
}

static void sift_down(struct diff_flows *f, size_t i)
{
	for (;;) {
		size_t l = 2 * i, r = l + 1, m = i;
		if (l <= f->nkept && ranks_lower(f, l, m))
			m = l;
		if (r <= f->nkept && ranks_lower(f, r, m))
			m = r;
		if (m == i)
			return;
		struct diff_flow t = f->kept[i];
		f->kept[i] = f->kept[m];
		f->kept[m] = t;
		i = m;
	}
}

static int keep(struct diff_flows *f, const struct diff_flow *x)
{
	if (f->top && f->nkept == f->top) {
		/* full: x replaces the flow listed last if it ranks above it */
		if (cmp_flow(x, &f->kept[1]) >= 0)
			return 0;
		f->kept[1] = *x;
		sift_down(f, 1);
		return 0;
	}
	if (f->nkept + 1 >= f->capkept) {
		size_t cap = f->capkept ? f->capkept * 2 : 64;
		struct diff_flow *k = realloc(f->kept, cap * sizeof(*k));
		if (!k)
			return -1;
		f->kept = k;
		f->capkept = cap;
	}
	size_t i = ++f->nkept;
	f->kept[i] = *x;
	while (f->top && i > 1 && ranks_lower(f, i, i / 2)) {
		struct diff_flow t = f->kept[i];
		f->kept[i] = f->kept[i / 2];
		f->kept[i / 2] = t;
		i /= 2;
	}
	return 0;
}

static int retire(struct diff_flows *f, uint32_t idx)
{
	struct diff_flow *x = &f->v[idx];

	if (f->on_retire)
		f->on_retire(f->retire_ctx, x);
	f->total++;
	if (x->pkts[0] && x->pkts[1])
		f->both++;
	else
		f->only[x->pkts[0] ? 0 : 1]++;
	if (diff_flow_differs(x)) {
		f->differ++;
		if (keep(f, x) < 0)
			return -1;
	}
	lru_unlink(f, idx);
	tab_remove(f, idx);
	x->next = f->free_list;
	f->free_list = idx;
	f->held--;
	return 0;
}

int diff_flows_expire(struct diff_flows *f, int64_t now, uint64_t window_ns)
{
	/* a flow still held waits at the head: its packets leave the matcher
	 * about a window after they came, so it does not wait long */
	while (f->oldest && !f->v[f->oldest].refs &&
	       f->v[f->oldest].last_t + (int64_t)window_ns < now)
		if (retire(f, f->oldest) < 0)
			return -1;
	return 0;
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

static int cmp_flow(const struct diff_flow *a, const struct diff_flow *b)
{
	uint64_t da = a->lost + a->added + a->dup, db = b->lost + b->added + b->dup;

	if (da != db)
		return da > db ? -1 : 1;
	da = absdiff(a->pkts[0], a->pkts[1]);
	db = absdiff(b->pkts[0], b->pkts[1]);
	if (da != db)
		return da > db ? -1 : 1;
	da = absdiff(a->bytes[0], a->bytes[1]);
	db = absdiff(b->bytes[0], b->bytes[1]);
	if (da != db)
		return da > db ? -1 : 1;
	if (a->reordered != b->reordered)
		return a->reordered > b->reordered ? -1 : 1;
	return memcmp(&a->key, &b->key, sizeof(a->key));
}

static int cmp_flow_q(const void *x, const void *y)
{
	return cmp_flow(x, y);
}

int diff_flows_finish(struct diff_flows *f)
{
	while (f->oldest)
		if (retire(f, f->oldest) < 0)
			return -1;
	free(f->v);
	free(f->tab);
	f->tab = NULL;
	f->tab_mask = 0;
	/* kept[0] is unused, as v[0] */
	f->v = f->kept;
	f->n = f->nkept + 1;
	f->cap = f->capkept;
	f->kept = NULL;
	f->nkept = f->capkept = 0;
	if (!f->v) {
		f->v = calloc(1, sizeof(*f->v));
		if (!f->v)
			return -1;
		f->cap = 1;
	}
	if (f->n > 2)
		qsort(f->v + 1, f->n - 1, sizeof(*f->v), cmp_flow_q);
	return 0;
}

void diff_flows_free(struct diff_flows *f)
{
	free(f->v);
	free(f->tab);
	free(f->kept);
	memset(f, 0, sizeof(*f));
}
