/* SPDX-License-Identifier: MIT */
#include "diff_match_nodes.h"

#include <errno.h>
#include <stdlib.h>

#define NODES_INIT 4096
#define BK_INIT 8192

int dm_nodes_init(struct dm_nodes *t, uint64_t *steps)
{
	*t = (struct dm_nodes){ .n = 1, .cap = NODES_INIT, .bmask = BK_INIT - 1, .steps = steps };
	t->v = malloc(NODES_INIT * sizeof(*t->v));
	t->bk = calloc(BK_INIT, sizeof(*t->bk));
	t->seed = diff_hash_seed(t);
	if (!t->v || !t->bk) {
		dm_nodes_free(t);
		return -ENOMEM;
	}
	return 0;
}

void dm_nodes_free(struct dm_nodes *t)
{
	free(t->v);
	free(t->bk);
	t->v = NULL;
	t->bk = NULL;
}

static uint32_t find_node(struct dm_nodes *t, uint64_t key, uint64_t pay, bool sub)
{
	uint32_t i = t->bk[dm_nodes_bucket(t, key, pay, sub)];

	for (; i; i = t->v[i].hnext) {
		const struct dm_node *n = &t->v[i];
		(*t->steps)++;
		if (n->key == key && n->is_sub == sub && (!sub || n->pay == pay))
			return i;
	}
	return 0;
}

static int grow_buckets(struct dm_nodes *t)
{
	uint64_t size = (t->bmask + 1) * 2;
	uint32_t *bk = calloc(size, sizeof(*bk));

	if (!bk)
		return -ENOMEM;
	free(t->bk);
	t->bk = bk;
	t->bmask = size - 1;
	for (uint32_t i = 1; i < t->n; i++) {
		struct dm_node *n = &t->v[i];
		if (!n->refs)
			continue; /* on the free list */
		uint64_t b = dm_nodes_bucket(t, n->key, n->pay, n->is_sub);
		n->hnext = bk[b];
		bk[b] = i;
	}
	return 0;
}

uint32_t dm_node_get(struct dm_nodes *t, uint64_t key, uint64_t pay, bool sub)
{
	uint32_t i = find_node(t, key, pay, sub);

	if (i)
		return i;
	/* at most half as many nodes as buckets: chains stay short */
	if ((uint64_t)(t->live + 1) * 2 > t->bmask + 1 && grow_buckets(t) < 0)
		return 0;
	if (t->free) {
		i = t->free;
		t->free = t->v[i].hnext;
	} else {
		if (t->n == t->cap) {
			if (t->cap > UINT32_MAX / 2)
				return 0;
			struct dm_node *v = realloc(t->v, (size_t)t->cap * 2 * sizeof(*v));
			if (!v)
				return 0;
			t->v = v;
			t->cap *= 2;
		}
		i = t->n++;
	}
	struct dm_node *n = &t->v[i];
	*n = (struct dm_node){ .key = key, .pay = pay, .is_sub = sub };
	uint64_t b = dm_nodes_bucket(t, key, pay, sub);
	n->hnext = t->bk[b];
	t->bk[b] = i;
	t->live++;
	return i;
}

void dm_node_put(struct dm_nodes *t, uint32_t i)
{
	struct dm_node *n = &t->v[i];

	if (n->refs && --n->refs)
		return;
	uint32_t *p = &t->bk[dm_nodes_bucket(t, n->key, n->pay, n->is_sub)];
	while (*p != i)
		p = &t->v[*p].hnext;
	*p = n->hnext;
	n->hnext = t->free;
	t->free = i;
	t->live--;
}
