/* SPDX-License-Identifier: MIT */
/*
 * The matcher's nodes (diff_match.c) and the hash table that finds them: a
 * group node per key that waiting packets have, and a payload node per
 * (key, payload hash) beyond the first payload hash of a key. Buckets are
 * chained through the nodes and indexed with a seed per run, so that a
 * crafted input cannot pile its keys into one bucket; there are at least
 * twice as many buckets as nodes, so chains stay short. A node lives while
 * something holds a reference to it.
 */
#ifndef TCREC_DIFF_MATCH_NODES_H
#define TCREC_DIFF_MATCH_NODES_H

#include <stdbool.h>
#include <stdint.h>

#include "diff_hash.h"

/* FIFOs of a group node, per side; a payload node uses Q_PAY only. */
enum { Q_ALL, Q_NOPAY, Q_PAY, NQ };

/* Links are the low 32 bits of the sequence numbers of ring entries. */
struct dm_fifo {
	uint32_t head, tail;
};

struct dm_node {
	uint64_t key;
	uint64_t pay;            /* payload node: its hash; group: the hash of Q_PAY */
	uint64_t last_a[NQ];     /* A# of the latest matched A packet, by FIFO kind */
	uint32_t matched_a[NQ];  /* matched A packets held, by FIFO kind */
	struct dm_fifo q[2][NQ]; /* [side][kind] */
	uint32_t hnext;          /* bucket chain; free list when unused */
	uint32_t refs;           /* ring entries referring to it */
	uint8_t is_sub;
	uint8_t has_pay;         /* group: pay is set */
};

struct dm_nodes {
	struct dm_node *v;       /* v[0] unused: 0 means none */
	uint32_t n, cap, free, live;
	uint32_t *bk;
	uint64_t bmask;
	uint64_t seed;
	uint64_t *steps;         /* counts the chain links followed */
};

/* steps: where lookups count their steps. 0 or -ENOMEM. */
int dm_nodes_init(struct dm_nodes *t, uint64_t *steps);
void dm_nodes_free(struct dm_nodes *t);

/* The node of key (sub: the payload node of key and pay), made if need be;
 * 0 when out of memory. A new node has no refs: the caller takes one or
 * gives it back (dm_node_put) before the next node is made, which may
 * rebuild the buckets. */
uint32_t dm_node_get(struct dm_nodes *t, uint64_t key, uint64_t pay, bool sub);

/* Drops a reference; the node goes when none is left. */
void dm_node_put(struct dm_nodes *t, uint32_t i);

static inline uint64_t dm_nodes_bucket(const struct dm_nodes *t, uint64_t key, uint64_t pay, bool sub)
{
	uint64_t h = key ^ t->seed;

	if (sub)
		h = diff_fmix64(h ^ pay * 0x9e3779b97f4a7c15ull) + 1;
	return diff_fmix64(h) & t->bmask;
}

#endif
