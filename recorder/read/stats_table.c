/* SPDX-License-Identifier: MIT */
#include "stats_table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int stats_table_init(struct stats_table *s)
{
	*s = (struct stats_table){ .flows = flow_table_new(), .procs = proc_table_new() };
	return s->flows && s->procs ? 0 : -ENOMEM;
}

void stats_table_free(struct stats_table *s)
{
	free(s->ifs);
	flow_table_free(s->flows);
	proc_table_free(s->procs);
	s->ifs = NULL;
	s->flows = NULL;
	s->procs = NULL;
}

/* The row of interface ifc (NULL: not in its log's table, known by the
 * record's ifindex only) and direction. */
static struct if_stat *if_stat_get(struct stats_table *s, const struct tclog_iface *ifc,
				   uint32_t ifindex, uint8_t dir)
{
	const char *name = ifc ? ifc->name : "";
	uint64_t ino = ifc ? ifc->netns_ino : 0;
	if (ifc)
		ifindex = ifc->ifindex;
	if (s->last_if < s->nifs) {
		struct if_stat *e = &s->ifs[s->last_if];
		if (e->ifindex == ifindex && e->dir == dir && e->netns_ino == ino && !strcmp(e->name, name))
			return e;
	}
	for (size_t i = 0; i < s->nifs; i++) {
		struct if_stat *e = &s->ifs[i];
		if (e->ifindex == ifindex && e->dir == dir && e->netns_ino == ino && !strcmp(e->name, name)) {
			s->last_if = i;
			return e;
		}
	}
	if (s->nifs == s->cap_ifs) {
		size_t cap = s->cap_ifs ? s->cap_ifs * 2 : 8;
		struct if_stat *v = realloc(s->ifs, cap * sizeof(*v));
		if (!v)
			return NULL;
		s->ifs = v;
		s->cap_ifs = cap;
	}
	struct if_stat *e = &s->ifs[s->nifs];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	if (ifc)
		tclog_iface_ns_label(ifc, e->ns, sizeof(e->ns));
	e->netns_ino = ino;
	e->ifindex = ifindex;
	e->dir = dir;
	s->last_if = s->nifs++;
	return e;
}

static void add_counters(struct tclog_counters *a, const struct tclog_counters *b)
{
	a->seen += b->seen;
	a->recorded += b->recorded;
	a->filtered += b->filtered;
	a->dropped += b->dropped;
}

int stats_table_add_packet(struct stats_table *s, const struct log_packet *p)
{
	const struct tcrec_record *r = p->rec;
	if (!s->packets || r->ts_ns < s->first_ns)
		s->first_ns = r->ts_ns;
	if (!s->packets || r->ts_ns > s->last_ns)
		s->last_ns = r->ts_ns;
	s->packets++;
	s->wire_bytes += r->wire_len;
	s->cap_bytes += r->cap_len;
	s->record_drops += r->drops;
	struct if_stat *e = if_stat_get(s, p->iface, r->ifindex, r->dir == TCREC_DIR_OUT);
	if (!e)
		return -ENOMEM;
	e->packets++;
	e->bytes += r->wire_len;
	if (proc_table_add(s->procs, p->sock, r->wire_len))
		return -ENOMEM;
	return flow_table_add(s->flows, r);
}

static int add_trailers(struct stats_table *s, struct log_input *in)
{
	for (size_t i = 0; i < log_input_nfiles(in); i++) {
		const struct log_input_file *f = log_input_file(in, i);
		if (!f->final)
			continue;
		s->files_with_trailer++;
		uint32_t n = f->hdr->n_ifaces < TCREC_MAX_IFACES ? f->hdr->n_ifaces : TCREC_MAX_IFACES;
		for (uint32_t slot = 0; slot < n; slot++) {
			const struct tclog_iface *ifc = &f->hdr->ifaces[slot];
			if (!log_input_selected(in, i, slot))
				continue;
			for (uint8_t dir = 0; dir < 2; dir++) {
				const struct tclog_counters *fc = &f->final->c[slot][dir];
				if (!fc->seen && !fc->recorded && !fc->filtered && !fc->dropped)
					continue; /* a direction that saw nothing adds no row */
				struct if_stat *e = if_stat_get(s, ifc, 0, dir);
				if (!e)
					return -ENOMEM;
				add_counters(&e->c, fc);
				add_counters(&s->total, fc);
			}
		}
	}
	return 0;
}

int iface_row_cmp(const struct iface_row_key *x, const struct iface_row_key *y)
{
	int c = strcmp(x->ns, y->ns);
	if (c)
		return c;
	if (x->netns_ino != y->netns_ino)
		return x->netns_ino < y->netns_ino ? -1 : 1;
	c = strcmp(x->name, y->name);
	if (c)
		return c;
	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return (int)x->dir - (int)y->dir;
}

static int cmp_if(const void *a, const void *b)
{
	const struct if_stat *x = a, *y = b;
	struct iface_row_key kx = { x->ns, x->name, x->netns_ino, x->ifindex, x->dir };
	struct iface_row_key ky = { y->ns, y->name, y->netns_ino, y->ifindex, y->dir };

	return iface_row_cmp(&kx, &ky);
}

int stats_table_finish(struct stats_table *s, struct log_input *in)
{
	s->several_ns = log_input_several_ns(in);
	int rc = add_trailers(s, in);
	if (rc)
		return rc;
	if (s->nifs) /* an empty log has no table to sort */
		qsort(s->ifs, s->nifs, sizeof(*s->ifs), cmp_if);
	return 0;
}
