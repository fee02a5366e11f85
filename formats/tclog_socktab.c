/* SPDX-License-Identifier: MIT */
/*
 * The socket table of a v3 chunk (FORMAT.md, "Socket table"): owners once
 * each, then the sockets naming their owner, every part field by field
 * across its entries (all cookies, then all owners, ...) so that zstd sees
 * runs of alike values. A socket whose addresses and ports are those of its
 * first record in the chunk does not repeat them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tclog_le.h"
#include "tclog_socktab.h"

static size_t str_len(const char *s, size_t max)
{
	const char *z = memchr(s, 0, max);

	return z ? (size_t)(z - s) : max;
}

int tclog_sock_check(const struct tclog_sock *s)
{
	if (!s->cookie || str_len(s->comm, TCLOG_COMM_MAX) == TCLOG_COMM_MAX ||
	    str_len(s->cgroup, TCLOG_CGROUP_MAX) == TCLOG_CGROUP_MAX ||
	    str_len(s->container, TCLOG_CONTAINER_MAX) == TCLOG_CONTAINER_MAX ||
	    (s->family != 0 && s->family != 4 && s->family != 6))
		return -EINVAL;
	return 0;
}

void tclog_sock_tuple_from(struct tclog_sock *s, const struct tcrec_record *r)
{
	int out = r->dir == TCREC_DIR_OUT;

	s->family = (r->flags & TCREC_F_IPV4) ? 4 : 6;
	s->proto = r->ip_proto;
	s->lport = out ? r->sport : r->dport;
	s->rport = out ? r->dport : r->sport;
	memcpy(s->laddr, out ? r->saddr : r->daddr, 16);
	memcpy(s->raddr, out ? r->daddr : r->saddr, 16);
}

int tclog_sock_tuple_is(const struct tclog_sock *s, const struct tcrec_record *r)
{
	struct tclog_sock t;

	if (!(r->flags & (TCREC_F_IPV4 | TCREC_F_IPV6)))
		return 0;
	tclog_sock_tuple_from(&t, r);
	return s->family == t.family && s->proto == t.proto && s->lport == t.lport &&
	       s->rport == t.rport && !memcmp(s->laddr, t.laddr, 16) && !memcmp(s->raddr, t.raddr, 16);
}

static uint8_t *put_str(uint8_t *p, const char *s, size_t max)
{
	size_t n = str_len(s, max);

	*p++ = (uint8_t)n;
	memcpy(p, s, n);
	return p + n;
}

static uint8_t *put_owners(uint8_t *p, const struct tclog_sock *o, uint32_t m)
{
	for (uint32_t i = 0; i < m; i++, p += 8)
		le64_put(p, o[i].cgroup_id);
	for (uint32_t i = 0; i < m; i++, p += 4)
		le32_put(p, o[i].pid);
	for (uint32_t i = 0; i < m; i++, p += 4)
		le32_put(p, o[i].tid);
	for (uint32_t i = 0; i < m; i++, p += 4)
		le32_put(p, o[i].uid);
	for (uint32_t i = 0; i < m; i++)
		p = put_str(p, o[i].comm, TCLOG_COMM_MAX);
	for (uint32_t i = 0; i < m; i++)
		p = put_str(p, o[i].cgroup, TCLOG_CGROUP_MAX);
	for (uint32_t i = 0; i < m; i++)
		p = put_str(p, o[i].container, TCLOG_CONTAINER_MAX);
	return p;
}

void tclog_socktab_encode(uint8_t *o, const struct tclog_wsocks *t)
{
	const struct tclog_sock *v = t->v;
	uint32_t n = t->n;
	uint8_t *p = o + 12;

	le32_put(o, (uint32_t)(8 + t->bytes));
	le32_put(o + 4, t->n_own);
	le32_put(o + 8, n);
	p = put_owners(p, t->own, t->n_own);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t d = v[i].cookie - (i ? v[i - 1].cookie : 0);
		uint64_t z = (d << 1) ^ (uint64_t)((int64_t)d >> 63);

		for (; z >= 0x80; z >>= 7)
			*p++ = (uint8_t)(z | 0x80);
		*p++ = (uint8_t)z;
	}
	for (uint32_t i = 0; i < n; i++, p += 2)
		le16_put(p, t->owner[i]);
	for (uint32_t i = 0; i < n; i++, p += 4)
		le32_put(p, v[i].flags);
	for (uint32_t i = 0; i < n; i++)
		*p++ = t->first[i];
	for (uint32_t i = 0; i < n; i++)
		if (!t->first[i])
			*p++ = v[i].family;
	for (uint32_t i = 0; i < n; i++)
		if (!t->first[i])
			*p++ = v[i].proto;
	for (uint32_t i = 0; i < n; i++)
		if (!t->first[i]) {
			le16_put(p, v[i].lport);
			p += 2;
		}
	for (uint32_t i = 0; i < n; i++)
		if (!t->first[i]) {
			le16_put(p, v[i].rport);
			p += 2;
		}
	for (uint32_t i = 0; i < n; i++)
		if (!t->first[i]) {
			memcpy(p, v[i].laddr, 16);
			p += 16;
		}
	for (uint32_t i = 0; i < n; i++)
		if (!t->first[i]) {
			memcpy(p, v[i].raddr, 16);
			p += 16;
		}
}

/* One string column: n strings of at most max - 1 bytes, no NUL inside,
 * stored NUL-terminated at field offset `field` of each entry. */
static int get_strs(const uint8_t **pp, const uint8_t *end, struct tclog_sock *v, uint32_t n,
		    size_t field, size_t max, const char *what, char *why, size_t whylen)
{
	const uint8_t *p = *pp;

	for (uint32_t i = 0; i < n; i++) {
		char *dst = (char *)&v[i] + field;
		size_t len;

		if (p == end || (len = *p++) > max - 1 || (size_t)(end - p) < len) {
			snprintf(why, whylen, "socket table: %s of owner %u too long or past the table end",
				 what, i);
			return -1;
		}
		if (memchr(p, 0, len)) {
			snprintf(why, whylen, "socket table: NUL byte inside the %s of owner %u", what, i);
			return -1;
		}
		memcpy(dst, p, len);
		memset(dst + len, 0, max - len);
		p += len;
	}
	*pp = p;
	return 0;
}

static int get_owners(const uint8_t **pp, const uint8_t *end, struct tclog_sock *o, uint32_t m,
		      char *why, size_t whylen)
{
	const uint8_t *p = *pp;

	for (uint32_t i = 0; i < m; i++, p += 8)
		o[i].cgroup_id = le64_get(p);
	for (uint32_t i = 0; i < m; i++, p += 4)
		o[i].pid = le32_get(p);
	for (uint32_t i = 0; i < m; i++, p += 4)
		o[i].tid = le32_get(p);
	for (uint32_t i = 0; i < m; i++, p += 4)
		o[i].uid = le32_get(p);
	if (get_strs(&p, end, o, m, offsetof(struct tclog_sock, comm), TCLOG_COMM_MAX, "comm", why,
		     whylen) ||
	    get_strs(&p, end, o, m, offsetof(struct tclog_sock, cgroup), TCLOG_CGROUP_MAX, "cgroup",
		     why, whylen) ||
	    get_strs(&p, end, o, m, offsetof(struct tclog_sock, container), TCLOG_CONTAINER_MAX,
		     "container", why, whylen))
		return -1;
	*pp = p;
	return 0;
}

/* The sockets' cookies: n varints, each the zigzag difference to the
 * previous cookie. 0 or -1 with why. */
static int get_cookies(const uint8_t **pp, const uint8_t *end, struct tclog_sock *v, uint32_t n,
		       char *why, size_t whylen)
{
	const uint8_t *p = *pp;
	uint64_t c = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint64_t z = 0;
		int sh = 0;

		do {
			if (p == end || sh > 63) {
				snprintf(why, whylen, "socket table: cookie of socket %u malformed or past "
					 "the table end", i);
				return -1;
			}
			z |= (uint64_t)(*p & 0x7f) << sh;
			sh += 7;
		} while (*p++ & 0x80);
		c += (z >> 1) ^ (0 - (z & 1));
		v[i].cookie = c;
	}
	*pp = p;
	return 0;
}

/* The sockets' part after the owners and cookies: n sockets whose fixed
 * fields are known to fit. */
static int get_socks(const uint8_t *p, const uint8_t *end, struct tclog_rsocks *t, uint32_t m,
		     char *why, size_t whylen)
{
	const uint8_t *own = p, *first = own + 6 * (size_t)t->n;
	struct tclog_sock *v = t->v;
	uint32_t n = t->n, k = 0;

	for (uint32_t i = 0; i < n; i++, own += 2) {
		uint16_t o = le16_get(own);

		if (o >= m || first[i] > 1 || !v[i].cookie) {
			snprintf(why, whylen, "socket table: socket %u: cookie 0, owner %u of %u, or tuple "
				 "kind %u", i, o, m, first[i]);
			return -1;
		}
		memcpy(&v[i].cgroup_id, &t->own[o].cgroup_id, sizeof(v[i].cgroup_id));
		v[i].pid = t->own[o].pid;
		v[i].tid = t->own[o].tid;
		v[i].uid = t->own[o].uid;
		memcpy(v[i].comm, t->own[o].comm, sizeof(v[i].comm) + sizeof(v[i].cgroup) +
						    sizeof(v[i].container));
		k += !first[i];
	}
	p = own;
	for (uint32_t i = 0; i < n; i++, p += 4)
		v[i].flags = le32_get(p);
	p += n; /* the tuple kinds */
	if ((size_t)(end - p) != (size_t)k * TCLOG_TUPLE_SIZE) {
		snprintf(why, whylen, "socket table: %zu bytes for %u explicit tuples",
			 (size_t)(end - p), k);
		return -1;
	}
	const uint8_t *fam = p, *pro = fam + k, *lp = pro + k, *rp = lp + 2 * k, *la = rp + 2 * k,
		      *ra = la + 16 * (size_t)k;

	for (uint32_t i = 0; i < n; i++) {
		if (first[i]) {
			v[i].family = TCLOG_SOCK_TUPLE_FIRST;
			continue;
		}
		v[i].family = *fam++;
		v[i].proto = *pro++;
		v[i].lport = le16_get(lp);
		v[i].rport = le16_get(rp);
		memcpy(v[i].laddr, la, 16);
		memcpy(v[i].raddr, ra, 16);
		lp += 2, rp += 2, la += 16, ra += 16;
		if (v[i].family != 0 && v[i].family != 4 && v[i].family != 6) {
			snprintf(why, whylen, "socket table: socket %u: family %u", i, v[i].family);
			return -1;
		}
	}
	return 0;
}

static int grow(struct tclog_sock **v, uint32_t *cap, uint32_t n)
{
	struct tclog_sock *p;

	if (n <= *cap)
		return 0;
	p = realloc(*v, (size_t)n * sizeof(*p));
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = n;
	return 0;
}

int tclog_socktab_decode(const uint8_t *raw, size_t len, uint32_t records, struct tclog_rsocks *t,
			 size_t *used, char *why, size_t whylen)
{
	uint32_t tlen, m, n;
	const uint8_t *p, *end;

	t->n = 0;
	if (len < 12 || (tlen = le32_get(raw)) < 8 || tlen > len - 4) {
		snprintf(why, whylen, "socket table length runs past the payload (%zu bytes)", len);
		return -1;
	}
	m = le32_get(raw + 4);
	n = le32_get(raw + 8);
	/* Caps before any allocation: a socket per record at most, an owner
	 * per socket, and their fixed fields inside the table. */
	if (n > TCLOG_SOCKS_MAX || n > records || m > n ||
	    (uint64_t)m * (TCLOG_OWNER_FIXED + 3) + (uint64_t)n * TCLOG_SOCK_MIN > tlen - 8) {
		snprintf(why, whylen, "socket table: %u owners and %u sockets cannot be in %u bytes for "
			 "%u records", m, n, tlen, records);
		return -1;
	}
	if (grow(&t->v, &t->cap, n) || grow(&t->own, &t->own_cap, m))
		return -ENOMEM;
	p = raw + 12;
	end = raw + 4 + tlen;
	if (get_owners(&p, end, t->own, m, why, whylen) || get_cookies(&p, end, t->v, n, why, whylen))
		return -1;
	if ((size_t)(end - p) < (size_t)n * TCLOG_SOCK_FIXED) {
		snprintf(why, whylen, "socket table: %u sockets past the table end", n);
		return -1;
	}
	t->n = n;
	if (get_socks(p, end, t, m, why, whylen)) {
		t->n = 0;
		return -1;
	}
	*used = 4 + (size_t)tlen;
	return 0;
}
