/* SPDX-License-Identifier: MIT */
#include "diff_flow.h"

#include <stdlib.h>
#include <string.h>

#define TAB_INIT 1024

int diff_flows_init(struct diff_flows *f)
{
	memset(f, 0, sizeof(*f));
	f->cap = 256;
	f->n = 1;
	f->v = calloc(f->cap, sizeof(*f->v));
	f->tab = calloc(TAB_INIT, sizeof(*f->tab));
	f->tab_mask = TAB_INIT - 1;
	if (!f->v || !f->tab) {
		diff_flows_free(f);
		return -1;
	}
	return 0;
}

static int grow_tab(struct diff_flows *f)
{
	size_t size = (f->tab_mask + 1) * 2;
	uint32_t *tab = calloc(size, sizeof(*tab));

	if (!tab)
		return -1;
	for (size_t i = 1; i < f->n; i++) {
		size_t j = f->v[i].hash & (size - 1);
		while (tab[j])
			j = (j + 1) & (size - 1);
		tab[j] = (uint32_t)i;
	}
	free(f->tab);
	f->tab = tab;
	f->tab_mask = size - 1;
	return 0;
}

uint32_t diff_flows_add(struct diff_flows *f, int side, const struct diff_pkt *p)
{
	uint64_t h = p->flow_hash;
	size_t j = h & f->tab_mask;
	uint32_t idx;

	while ((idx = f->tab[j])) {
		if (f->v[idx].hash == h && !memcmp(&f->v[idx].key, &p->flow, sizeof(p->flow)))
			goto found;
		j = (j + 1) & f->tab_mask;
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
	idx = (uint32_t)f->n++;
	memset(&f->v[idx], 0, sizeof(f->v[idx]));
	f->v[idx].key = p->flow;
	f->v[idx].hash = h;
	f->tab[j] = idx;
	/* keep the load under one half so probe runs stay short */
	if (f->n * 2 > f->tab_mask + 1 && grow_tab(f) < 0) {
		f->n--;
		f->tab[j] = 0;
		return 0;
	}
found:
	f->v[idx].pkts[side]++;
	f->v[idx].bytes[side] += p->l3_bytes;
	return idx;
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

static int cmp_flow(const void *x, const void *y)
{
	const struct diff_flow *a = x, *b = y;
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

void diff_flows_sort(struct diff_flows *f)
{
	if (f->n > 2)
		qsort(f->v + 1, f->n - 1, sizeof(*f->v), cmp_flow);
}

void diff_flows_free(struct diff_flows *f)
{
	free(f->v);
	free(f->tab);
	memset(f, 0, sizeof(*f));
}
