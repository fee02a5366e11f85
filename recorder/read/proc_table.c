/* SPDX-License-Identifier: MIT */
#include "proc_table.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows in insertion order, found through an open-addressing index. */
struct rows {
	struct proc_entry *v;
	size_t n, cap;
	uint32_t *slot; /* row + 1, 0 = empty; nslot a power of two */
	size_t nslot;
};

struct proc_table {
	struct rows procs, containers;
	uint64_t unattributed, attributed;
	bool done; /* sorted for the top lists: no more packets */
};

static uint64_t hash_entry(const struct proc_entry *e)
{
	uint64_t h = 0xcbf29ce484222325ull ^ e->pid;
	for (const char *p = e->comm; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	for (const char *p = e->container; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

static bool same(const struct proc_entry *a, const struct proc_entry *b)
{
	return a->pid == b->pid && !strcmp(a->comm, b->comm) && !strcmp(a->container, b->container);
}

static int grow_index(struct rows *r)
{
	size_t n = r->nslot ? r->nslot * 2 : 64;
	uint32_t *s = calloc(n, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++) {
		size_t k = hash_entry(&r->v[i]) & (n - 1);
		while (s[k])
			k = (k + 1) & (n - 1);
		s[k] = (uint32_t)i + 1;
	}
	free(r->slot);
	r->slot = s;
	r->nslot = n;
	return 0;
}

static struct proc_entry *find_or_add(struct rows *r, const struct proc_entry *key)
{
	if ((r->n + 1) * 4 > r->nslot * 3 && grow_index(r))
		return NULL;
	size_t k = hash_entry(key) & (r->nslot - 1);
	while (r->slot[k]) {
		struct proc_entry *e = &r->v[r->slot[k] - 1];
		if (same(e, key))
			return e;
		k = (k + 1) & (r->nslot - 1);
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct proc_entry *v = realloc(r->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n] = *key;
	r->slot[k] = (uint32_t)++r->n;
	return &r->v[r->n - 1];
}

struct proc_table *proc_table_new(void)
{
	return calloc(1, sizeof(struct proc_table));
}

static void rows_free(struct rows *r)
{
	free(r->v);
	free(r->slot);
}

void proc_table_free(struct proc_table *t)
{
	if (!t)
		return;
	rows_free(&t->procs);
	rows_free(&t->containers);
	free(t);
}

int proc_table_add(struct proc_table *t, const struct tclog_sock *sock, uint32_t wire_len)
{
	if (t->done)
		return -EINVAL;
	if (!sock) {
		t->unattributed++;
		return 0;
	}
	t->attributed++;
	struct proc_entry key = { .pid = sock->pid };
	snprintf(key.comm, sizeof(key.comm), "%.*s", TCLOG_COMM_MAX, sock->comm);
	struct proc_entry *e = find_or_add(&t->procs, &key);
	if (!e)
		return -ENOMEM;
	e->packets++;
	e->bytes += wire_len;
	if (!sock->container[0])
		return 0;
	struct proc_entry ckey = { 0 };
	snprintf(ckey.container, sizeof(ckey.container), "%.*s", TCLOG_CONTAINER_MAX - 1,
		 sock->container);
	e = find_or_add(&t->containers, &ckey);
	if (!e)
		return -ENOMEM;
	e->packets++;
	e->bytes += wire_len;
	return 0;
}

size_t proc_table_processes(const struct proc_table *t)
{
	return t->procs.n;
}

size_t proc_table_containers(const struct proc_table *t)
{
	return t->containers.n;
}

uint64_t proc_table_unattributed(const struct proc_table *t)
{
	return t->unattributed;
}

uint64_t proc_table_attributed(const struct proc_table *t)
{
	return t->attributed;
}

static int cmp_desc(const void *x, const void *y)
{
	const struct proc_entry *a = x, *b = y;
	if (a->packets != b->packets)
		return a->packets > b->packets ? -1 : 1;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	int c = strcmp(a->container, b->container);
	if (c)
		return c;
	c = strcmp(a->comm, b->comm);
	return c ? c : (a->pid > b->pid) - (a->pid < b->pid);
}

/* Sorts the rows in place: their index is stale from then on. */
static size_t top(struct rows *r, struct proc_entry *out, size_t n)
{
	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), cmp_desc);
	free(r->slot);
	r->slot = NULL;
	r->nslot = 0;
	size_t k = n < r->n ? n : r->n;
	if (k) /* no rows: r->v may be NULL */
		memcpy(out, r->v, k * sizeof(*out));
	return k;
}

size_t proc_table_top_processes(struct proc_table *t, struct proc_entry *out, size_t n)
{
	t->done = true;
	return top(&t->procs, out, n);
}

size_t proc_table_top_containers(struct proc_table *t, struct proc_entry *out, size_t n)
{
	t->done = true;
	return top(&t->containers, out, n);
}
