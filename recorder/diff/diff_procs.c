/* SPDX-License-Identifier: MIT */
#include "diff_procs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct diff_proc_row *row(struct diff_procs *p, uint32_t owner)
{
	if (owner < p->n)
		return &p->v[owner];
	if (owner >= p->cap) {
		size_t cap = p->cap ? p->cap : 16;
		while (cap <= owner)
			cap *= 2;
		struct diff_proc_row *v = realloc(p->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		p->v = v;
		p->cap = cap;
	}
	memset(&p->v[p->n], 0, (owner + 1 - p->n) * sizeof(*p->v));
	for (size_t i = p->n; i <= owner; i++)
		p->v[i].owner = (uint32_t)i;
	p->n = owner + 1;
	return &p->v[owner];
}

int diff_procs_owner(struct diff_procs *p, uint32_t owner)
{
	return row(p, owner) ? 0 : -ENOMEM;
}

void diff_procs_packets(struct diff_procs *p, uint32_t owner, uint64_t n)
{
	if (owner < p->n)
		p->v[owner].packets += n;
}

/* Rows exist: diff_procs_owner made them when the flow got its owner. */
void diff_procs_lost(struct diff_procs *p, uint32_t owner)
{
	if (owner < p->n)
		p->v[owner].lost++;
}

void diff_procs_matched(struct diff_procs *p, uint32_t owner, int64_t delay_ns)
{
	if (owner >= p->n)
		return;
	struct diff_proc_row *r = &p->v[owner];
	if (!r->matched || delay_ns > r->delay_max_ns)
		r->delay_max_ns = delay_ns;
	r->matched++;
	r->delay_sum_ns += delay_ns;
}

static int cmp_rows(const void *x, const void *y)
{
	const struct diff_proc_row *a = x, *b = y;
	if (a->lost != b->lost)
		return a->lost > b->lost ? -1 : 1;
	if (a->packets != b->packets)
		return a->packets > b->packets ? -1 : 1;
	int c = strcmp(a->label, b->label);
	return c ? c : (a->owner > b->owner) - (a->owner < b->owner);
}

void diff_procs_finish(struct diff_procs *p, const char *(*label)(const void *ctx, uint32_t owner),
		       const void *ctx)
{
	size_t k = 0;
	for (size_t i = 0; i < p->n; i++) {
		if (!p->v[i].packets && !p->v[i].lost)
			continue;
		p->v[k] = p->v[i];
		p->v[k].label = label(ctx, p->v[k].owner);
		k++;
	}
	p->n = k;
	if (k)
		qsort(p->v, k, sizeof(*p->v), cmp_rows);
}

void diff_procs_free(struct diff_procs *p)
{
	free(p->v);
	p->v = NULL;
	p->n = p->cap = 0;
}
