/* SPDX-License-Identifier: MIT */
#include "flow_table.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Open addressing, linear probing, at most half full. */
struct flow_table {
	struct flow_entry *slots;
	bool *used;
	size_t cap; /* power of two */
	size_t n;
	uint64_t untracked;
};

struct flow_table *flow_table_new(void)
{
	return calloc(1, sizeof(struct flow_table));
}

void flow_table_free(struct flow_table *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t->used);
	free(t);
}

static uint64_t hash_key(const struct flow_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < sizeof(*k); i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

static size_t find_slot(const struct flow_entry *slots, const bool *used, size_t cap,
			const struct flow_key *k)
{
	size_t i = (size_t)hash_key(k) & (cap - 1);
	while (used[i] && memcmp(&slots[i].key, k, sizeof(*k)))
		i = (i + 1) & (cap - 1);
	return i;
}

static int grow(struct flow_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	struct flow_entry *slots = calloc(cap, sizeof(*slots));
	bool *used = calloc(cap, sizeof(*used));
	if (!slots || !used) {
		free(slots);
		free(used);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->used[i])
			continue;
		size_t j = find_slot(slots, used, cap, &t->slots[i].key);
		slots[j] = t->slots[i];
		used[j] = true;
	}
	free(t->slots);
	free(t->used);
	t->slots = slots;
	t->used = used;
	t->cap = cap;
	return 0;
}

int flow_table_add(struct flow_table *t, const struct tcrec_record *r)
{
	struct flow_key k;
	if (!(r->flags & (TCREC_F_IPV4 | TCREC_F_IPV6)))
		return 0;
	memset(&k, 0, sizeof(k));
	k.family = (r->flags & TCREC_F_IPV4) ? 4 : 6;
	k.proto = r->ip_proto;
	memcpy(k.saddr, r->saddr, 16);
	memcpy(k.daddr, r->daddr, 16);
	if (r->flags & TCREC_F_L4) {
		k.sport = r->sport;
		k.dport = r->dport;
	}
	if (t->cap && t->n < t->cap / 2) {
		/* fast path below */
	} else if (t->n < FLOW_TABLE_MAX) {
		int rc = grow(t);
		if (rc)
			return rc;
	}
	size_t i = find_slot(t->slots, t->used, t->cap, &k);
	if (!t->used[i]) {
		if (t->n >= FLOW_TABLE_MAX || t->n + 1 > t->cap / 2) {
			t->untracked++;
			return 0;
		}
		t->used[i] = true;
		t->slots[i].key = k;
		t->n++;
	}
	t->slots[i].packets++;
	t->slots[i].bytes += r->wire_len;
	return 0;
}

size_t flow_table_count(const struct flow_table *t)
{
	return t->n;
}

uint64_t flow_table_untracked(const struct flow_table *t)
{
	return t->untracked;
}

static bool bigger(const struct flow_entry *a, const struct flow_entry *b)
{
	return a->packets > b->packets || (a->packets == b->packets && a->bytes > b->bytes);
}

size_t flow_table_top(const struct flow_table *t, struct flow_entry *out, size_t n)
{
	size_t have = 0;
	for (size_t i = 0; i < t->cap && n; i++) {
		if (!t->used[i])
			continue;
		const struct flow_entry *e = &t->slots[i];
		/* Insertion into a short sorted list: n is small (top N). */
		size_t pos = have;
		while (pos > 0 && bigger(e, &out[pos - 1]))
			pos--;
		if (pos >= n)
			continue;
		size_t last = have < n ? have : n - 1;
		memmove(&out[pos + 1], &out[pos], (last - pos) * sizeof(*out));
		out[pos] = *e;
		if (have < n)
			have++;
	}
	return have;
}
