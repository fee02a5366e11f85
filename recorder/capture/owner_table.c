/* SPDX-License-Identifier: MIT */
#include "owner_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/parse.h"
#include "cgroup_path.h"

/* Both tables are open-addressed and emptied whole when three quarters
 * full: a socket or flow forgotten is only looked up again. */
#define SOCK_SLOTS 8192u
#define FLOW_SLOTS 65536u

struct sock_slot {
	struct tclog_sock s;
	uint8_t used;
	uint8_t missing; /* the map had no owner: no second lookup */
};

struct flow_key {
	uint64_t netns_ino;
	uint8_t local[16];
	uint8_t remote[16];
	uint16_t lport;  /* ICMP echo: the identifier */
	uint16_t rport;
	uint8_t proto;
	uint8_t pad[3];
};

struct flow_slot {
	struct flow_key k;
	uint64_t cookie;
};

struct owner_table {
	const struct owner *ow;
	struct cgroup_paths *cg;
	struct sock_slot *socks;
	uint32_t n_socks;
	struct flow_slot *flows;
	uint32_t n_flows;
	struct owner_table_stats st;
};

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static uint64_t hash_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return mix(h);
}

struct owner_table *owner_table_new(const struct owner *ow)
{
	struct owner_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ow = ow;
	t->cg = cgroup_paths_open(); /* NULL: owners without cgroup paths */
	t->socks = calloc(SOCK_SLOTS, sizeof(*t->socks));
	t->flows = calloc(FLOW_SLOTS, sizeof(*t->flows));
	if (!t->socks || !t->flows) {
		owner_table_free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

void owner_table_free(struct owner_table *t)
{
	if (!t)
		return;
	cgroup_paths_close(t->cg);
	free(t->socks);
	free(t->flows);
	free(t);
}

void owner_table_stats(const struct owner_table *t, struct owner_table_stats *out)
{
	*out = t->st;
}

/* Which end of the packet is ours: the source on egress. Only flows
 * whose packets can be told apart by ports (or an echo identifier). */
static int flow_of(const struct tcrec_record *r, uint64_t netns_ino, struct flow_key *k)
{
	int out = r->dir == TCREC_DIR_OUT;

	if (!(r->flags & TCREC_F_L4) || (r->flags & TCREC_F_FRAG))
		return 0;
	memset(k, 0, sizeof(*k));
	k->netns_ino = netns_ino;
	k->proto = r->ip_proto;
	memcpy(k->local, out ? r->saddr : r->daddr, 16);
	memcpy(k->remote, out ? r->daddr : r->saddr, 16);
	switch (r->ip_proto) {
	case TCREC_IPPROTO_TCP:
	case TCREC_IPPROTO_UDP:
		k->lport = out ? r->sport : r->dport;
		k->rport = out ? r->dport : r->sport;
		return 1;
	case TCREC_IPPROTO_ICMP:
	case TCREC_IPPROTO_ICMPV6:
		if (!tcrec_icmp_is_echo(r->ip_proto, r->icmp_type))
			return 0;
		k->lport = r->icmp_id;
		return 1;
	default:
		return 0;
	}
}

static struct flow_slot *flow_find(struct owner_table *t, const struct flow_key *k, int add)
{
	uint32_t i = hash_bytes(k, sizeof(*k)) & (FLOW_SLOTS - 1);

	for (;; i = (i + 1) & (FLOW_SLOTS - 1)) {
		struct flow_slot *f = &t->flows[i];

		if (!f->cookie) {
			if (!add)
				return NULL;
			if (t->n_flows >= FLOW_SLOTS / 4 * 3) {
				memset(t->flows, 0, FLOW_SLOTS * sizeof(*t->flows));
				t->n_flows = 0;
				return flow_find(t, k, add);
			}
			t->n_flows++;
			f->k = *k;
			return f;
		}
		if (!memcmp(&f->k, k, sizeof(*k)))
			return f;
	}
}

/* Fills an entry from the owner map, the cgroup path and the packet. */
static void fill_sock(struct owner_table *t, struct sock_slot *e, uint64_t cookie,
		      const struct tcrec_record *r)
{
	struct tcrec_sockinfo info;
	int out = r->dir == TCREC_DIR_OUT;

	memset(e, 0, sizeof(*e));
	e->used = 1;
	e->s.cookie = cookie;
	if (owner_lookup(t->ow, cookie, &info)) {
		e->missing = 1;
		t->st.unknown++;
		return;
	}
	t->st.sockets++;
	e->s.cgroup_id = info.cgroup_id;
	e->s.pid = info.pid;
	e->s.tid = info.tid;
	e->s.uid = info.uid;
	e->s.flags = info.flags;
	memcpy(e->s.comm, info.comm, sizeof(e->s.comm));
	e->s.comm[sizeof(e->s.comm) - 1] = 0;
	if (t->cg && !cgroup_paths_name(t->cg, info.cgroup_id, e->s.cgroup, sizeof(e->s.cgroup)))
		cgroup_container(e->s.cgroup, e->s.container, sizeof(e->s.container));
	e->s.family = (r->flags & TCREC_F_IPV6) ? 6 : (r->flags & TCREC_F_IPV4) ? 4 : 0;
	e->s.proto = r->ip_proto;
	if (r->flags & TCREC_F_L4) {
		e->s.lport = out ? r->sport : r->dport;
		e->s.rport = out ? r->dport : r->sport;
	}
	memcpy(e->s.laddr, out ? r->saddr : r->daddr, 16);
	memcpy(e->s.raddr, out ? r->daddr : r->saddr, 16);
}

static const struct tclog_sock *sock_find(struct owner_table *t, uint64_t cookie,
					  const struct tcrec_record *r)
{
	uint32_t i = mix(cookie) & (SOCK_SLOTS - 1);

	for (;; i = (i + 1) & (SOCK_SLOTS - 1)) {
		struct sock_slot *e = &t->socks[i];

		if (!e->used) {
			if (t->n_socks >= SOCK_SLOTS / 4 * 3) {
				memset(t->socks, 0, SOCK_SLOTS * sizeof(*t->socks));
				t->n_socks = 0;
				return sock_find(t, cookie, r);
			}
			t->n_socks++;
			fill_sock(t, e, cookie, r);
			return e->missing ? NULL : &e->s;
		}
		if (e->s.cookie == cookie)
			return e->missing ? NULL : &e->s;
	}
}

const struct tclog_sock *owner_table_resolve(struct owner_table *t, struct tcrec_record *rec,
					     uint64_t netns_ino)
{
	struct flow_key k;
	int has_flow = flow_of(rec, netns_ino, &k);
	const struct tclog_sock *s = NULL;

	if (rec->sock_cookie) {
		s = sock_find(t, rec->sock_cookie, rec);
		if (s && has_flow) {
			struct flow_slot *f = flow_find(t, &k, 1);

			f->cookie = s->cookie;
		}
	} else if (has_flow) {
		struct flow_slot *f = flow_find(t, &k, 0);

		if (f) {
			s = sock_find(t, f->cookie, rec);
			if (s)
				t->st.by_flow++;
		}
	}
	rec->sock_cookie = s ? s->cookie : 0;
	return s;
}
