/* SPDX-License-Identifier: MIT */
/*
 * The socket table of a v3 chunk of records (FORMAT.md, "Socket table"):
 * the owners of the sockets the chunk's records refer to, at the start of
 * the chunk's raw payload, so that every chunk reads alone. Records name an
 * entry by reference: 0 = no socket, k = entry k - 1.
 */
#ifndef TCREC_TCLOG_SOCKTAB_H
#define TCREC_TCLOG_SOCKTAB_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/tcrec.h"
#include "formats/tclog.h"

#define TCLOG_SOCKS_MAX 65535u   /* entries per chunk: references fit 16 bits */
#define TCLOG_OWNER_FIXED 20     /* bytes of an owner's fixed-size fields */
#define TCLOG_SOCK_FIXED 7       /* bytes of a socket's fixed-size fields */
#define TCLOG_SOCK_MIN (TCLOG_SOCK_FIXED + 1) /* and its cookie: a varint of 1..10 bytes */
#define TCLOG_TUPLE_SIZE 38      /* family, proto, lport, rport, laddr, raddr */
#define TCLOG_SOCK_TUPLE_FIRST 0xff /* decoded family: take the tuple from the first record */

/* 0, or -EINVAL when a string of s lacks its NUL, the cookie is 0 or the
 * family is not 0, 4 or 6. */
int tclog_sock_check(const struct tclog_sock *s);

/* Does the record give the socket's tuple (family, proto, ports,
 * addresses) as the first record referring to it (FORMAT.md)? */
int tclog_sock_tuple_is(const struct tclog_sock *s, const struct tcrec_record *rec);
/* Sets the socket's tuple from that record. */
void tclog_sock_tuple_from(struct tclog_sock *s, const struct tcrec_record *rec);

/* The writer's table of the chunk being built: sockets in order of first
 * use, found by cookie, and their owners (process, cgroup, container), each
 * once. Emptied after each chunk, so it never holds more than one chunk's
 * sockets. */
struct tclog_wsocks {
	struct tclog_sock *v;   /* sockets (owner fields unused) */
	uint16_t *owner;        /* owner of each socket */
	uint8_t *first;         /* 1: its tuple is its first record's */
	uint32_t n, cap;
	uint32_t *hash;         /* socket + 1, 0 = free; open addressing by cookie */
	uint32_t mask;
	struct tclog_sock *own; /* owners (owner fields only) */
	uint32_t n_own;
	uint32_t *ohash;        /* owner + 1, 0 = free */
	size_t bytes;           /* table bytes after its two counts */
	uint8_t *buf;           /* the v3 raw payload: table length, table, records */
	size_t buf_cap;
};

/* s's reference in the table (1 + its entry), adding s when its cookie is
 * new (rec is its first record in the chunk); *added says so. -ENOSPC when
 * the table is full (write the chunk first), -ENOMEM. */
int tclog_wsocks_ref(struct tclog_wsocks *t, const struct tclog_sock *s,
		     const struct tcrec_record *rec, uint32_t *ref, int *added);
/* Takes back the socket the last tclog_wsocks_ref added. */
void tclog_wsocks_unadd(struct tclog_wsocks *t);
/* Raw payload bytes the table adds to a chunk (its length field included). */
static inline size_t tclog_wsocks_size(const struct tclog_wsocks *t)
{
	return 4 + 8 + t->bytes;
}
/* The v3 raw payload: u32 table length, the table, then the len bytes of
 * body (the encoding's records). Valid until the next call. 0 or -ENOMEM. */
int tclog_wsocks_payload(struct tclog_wsocks *t, const uint8_t *body, size_t len,
			 const uint8_t **raw, size_t *raw_len);
void tclog_wsocks_reset(struct tclog_wsocks *t);
void tclog_wsocks_free(struct tclog_wsocks *t);

/* The table (t->n sockets) as bytes: table length u32, then the table. */
void tclog_socktab_encode(uint8_t *out, const struct tclog_wsocks *t);

/* The reader's decoded table; owners are a scratch list. */
struct tclog_rsocks {
	struct tclog_sock *v, *own;
	uint32_t n, cap, own_cap;
};

/* The table at the start of a v3 raw payload of len bytes, for a chunk of
 * `records` records, into t (t->n sockets; a socket whose tuple is its
 * first record's has family TCLOG_SOCK_TUPLE_FIRST until the reader sets
 * it); *used = bytes the table took with its length. 0, -1 with why
 * (damage), or -ENOMEM. */
int tclog_socktab_decode(const uint8_t *raw, size_t len, uint32_t records, struct tclog_rsocks *t,
			 size_t *used, char *why, size_t whylen);

#endif
