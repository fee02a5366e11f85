/* SPDX-License-Identifier: MIT */
#include "diff_owners.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff_hash.h"
#include "read/sock_label.h"

struct cookie_slot {
	uint64_t cookie; /* 0 = empty (a cookie is never 0) */
	uint32_t id;
};

struct diff_owners {
	char (*label)[SOCK_LABEL_MAX]; /* label[id - 1] */
	size_t n, cap;
	struct cookie_slot *tab;       /* sockets seen: their owner's id */
	size_t tab_n, tab_mask;
};

struct diff_owners *diff_owners_new(void)
{
	return calloc(1, sizeof(struct diff_owners));
}

void diff_owners_free(struct diff_owners *o)
{
	if (!o)
		return;
	free(o->label);
	free(o->tab);
	free(o);
}

static int grow_tab(struct diff_owners *o)
{
	size_t n = o->tab_mask ? (o->tab_mask + 1) * 2 : 256;
	struct cookie_slot *t = calloc(n, sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; o->tab && i <= o->tab_mask; i++) {
		if (!o->tab[i].cookie)
			continue;
		size_t k = diff_fmix64(o->tab[i].cookie) & (n - 1);
		while (t[k].cookie)
			k = (k + 1) & (n - 1);
		t[k] = o->tab[i];
	}
	free(o->tab);
	o->tab = t;
	o->tab_mask = n - 1;
	return 0;
}

/* The id of label, added if new; 0 when out of memory. Owners are few
 * (processes): a linear search per new socket is enough. */
static uint32_t label_id(struct diff_owners *o, const char *label)
{
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->label[i], label))
			return (uint32_t)i + 1;
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		void *v = realloc(o->label, cap * sizeof(*o->label));
		if (!v)
			return 0;
		o->label = v;
		o->cap = cap;
	}
	memcpy(o->label[o->n], label, SOCK_LABEL_MAX);
	return (uint32_t)++o->n;
}

uint32_t diff_owners_id(struct diff_owners *o, const struct tclog_sock *sock)
{
	if (!sock)
		return 0;
	if ((o->tab_n + 1) * 2 > o->tab_mask + 1 && grow_tab(o))
		return UINT32_MAX;
	size_t k = diff_fmix64(sock->cookie) & o->tab_mask;
	while (o->tab[k].cookie && o->tab[k].cookie != sock->cookie)
		k = (k + 1) & o->tab_mask;
	if (o->tab[k].cookie)
		return o->tab[k].id;
	char label[SOCK_LABEL_MAX] = { 0 };
	sock_label(label, sizeof(label), sock);
	uint32_t id = label_id(o, label);
	if (!id)
		return UINT32_MAX;
	/* a cookie of 0 would mark an empty slot: such a socket is relabelled
	 * each time, still with the same id */
	if (sock->cookie) {
		o->tab[k] = (struct cookie_slot){ sock->cookie, id };
		o->tab_n++;
	}
	return id;
}

size_t diff_owners_count(const struct diff_owners *o)
{
	return o ? o->n : 0;
}

const char *diff_owners_label(const struct diff_owners *o, uint32_t id)
{
	if (!o || !id || id > o->n)
		return "-";
	return o->label[id - 1];
}
