/* SPDX-License-Identifier: MIT */
/*
 * Deterministic socket owners for packets of pcap traces, as tests need
 * them without a kernel: every TCP/UDP flow (both directions, fragments
 * excluded) is one socket, whose cookie and owner are a function of the
 * flow alone. Shared by pcap2tclog --sockets (which documents the rule) and
 * tclog_bench's size figures, so both measure the same assignment.
 */
#ifndef TCREC_TESTS_FLOW_OWNER_H
#define TCREC_TESTS_FLOW_OWNER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/tclog.h"

#define FLOW_KEY_SIZE 40

static inline uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* The direction-free key of r's flow, or false: no socket (no ports, or a
 * fragment). */
static inline bool flow_key(const struct tcrec_record *r, uint8_t key[FLOW_KEY_SIZE])
{
	uint8_t a[18], b[18];

	if (!(r->flags & TCREC_F_L4) || (r->flags & TCREC_F_FRAG) ||
	    (r->ip_proto != 6 && r->ip_proto != 17))
		return false;
	memcpy(a, r->saddr, 16);
	a[16] = (uint8_t)(r->sport >> 8);
	a[17] = (uint8_t)r->sport;
	memcpy(b, r->daddr, 16);
	b[16] = (uint8_t)(r->dport >> 8);
	b[17] = (uint8_t)r->dport;
	memset(key, 0, FLOW_KEY_SIZE);
	key[0] = r->ip_proto;
	key[1] = (r->flags & TCREC_F_IPV6) ? 6 : 4;
	memcpy(key + 2, memcmp(a, b, 18) <= 0 ? a : b, 18);
	memcpy(key + 20, memcmp(a, b, 18) <= 0 ? b : a, 18);
	return true;
}

/* Is r's source the local end of s (then r leaves the host: egress)? */
static inline bool flow_owner_is_local_src(const struct tclog_sock *s, const struct tcrec_record *r)
{
	return r->sport == s->lport && !memcmp(r->saddr, s->laddr, 16);
}

/* The owner of the socket of a new flow, a function of its key alone. */
static inline void make_owner(const uint8_t key[FLOW_KEY_SIZE], const struct tcrec_record *r, struct tclog_sock *s)
{
	uint64_t h = fnv1a(key, FLOW_KEY_SIZE);
	unsigned n = (unsigned)(h % 7) + 1;

	memset(s, 0, sizeof(*s));
	s->pid = 1000 + n;
	s->tid = s->pid + (unsigned)((h >> 8) % 3);
	s->uid = 1000 + n % 2;
	s->cgroup_id = 5000 + n;
	s->flags = TCREC_SOCK_CREATED;
	s->family = key[1];
	s->proto = r->ip_proto;
	s->lport = r->sport;
	s->rport = r->dport;
	memcpy(s->laddr, r->saddr, 16);
	memcpy(s->raddr, r->daddr, 16);
	snprintf(s->comm, sizeof(s->comm), "proc%u", n);
	if (n % 3) {
		snprintf(s->cgroup, sizeof(s->cgroup), "/tcrec.slice/proc%u.scope", n);
		return;
	}
	char id[65];

	for (int i = 0; i < 4; i++) /* a podman container id: 64 hex digits */
		snprintf(id + 16 * i, sizeof(id) - 16 * (size_t)i, "%016llx",
			 (unsigned long long)fnv1a((const uint8_t *)&(uint64_t){ n * 4u + (unsigned)i }, 8));
	snprintf(s->cgroup, sizeof(s->cgroup), "/machine.slice/libpod-%s.scope", id);
	/* as the recorder derives it: the id, cut to what the field holds */
	memcpy(s->container, id, sizeof(s->container) - 1);
}

/* Flows met so far and their sockets. */
struct flow_owners {
	struct flow_sock {
		uint8_t key[FLOW_KEY_SIZE];
		struct tclog_sock sock;
	} *v;
	size_t n, cap;
};

/* The socket of r's flow (*is_new: the flow's first packet), or NULL: no
 * socket, or out of memory. Linear search from the newest flow: test
 * traces hold a few thousand flows at most. */
static inline const struct tclog_sock *flow_owner_of(struct flow_owners *m,
						     const struct tcrec_record *r, bool *is_new)
{
	uint8_t key[FLOW_KEY_SIZE];

	*is_new = false;
	if (!flow_key(r, key))
		return NULL;
	for (size_t i = m->n; i-- > 0;)
		if (!memcmp(m->v[i].key, key, sizeof(key)))
			return &m->v[i].sock;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		struct flow_sock *v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		m->v = v;
		m->cap = cap;
	}
	memcpy(m->v[m->n].key, key, sizeof(key));
	make_owner(key, r, &m->v[m->n].sock);
	/* the kernel hands out cookies from one counter: sockets opened one
	 * after the other have neighbouring cookies */
	m->v[m->n].sock.cookie = 65536 + m->n;
	*is_new = true;
	return &m->v[m->n++].sock;
}

#endif
