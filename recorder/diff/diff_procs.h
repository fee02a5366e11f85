/* SPDX-License-Identifier: MIT */
/*
 * diff --by-process: A's packets, and those of them lost or matched (with
 * their one-way delay), per process that owns them. Every packet counts for
 * the process of its flow: the owner of the flow's first A packet that has
 * one (a socket is one 5-tuple; fragments after the first have no socket
 * of their own), "-" for none.
 */
#ifndef TCREC_DIFF_PROCS_H
#define TCREC_DIFF_PROCS_H

#include <stddef.h>
#include <stdint.h>

struct diff_proc_row {
	uint32_t owner;       /* id in A's diff_owners; 0 = no process */
	const char *label;    /* "comm:pid" or "-", set by diff_procs_finish */
	uint64_t packets;     /* A packets */
	uint64_t lost;
	uint64_t matched;
	int64_t delay_sum_ns; /* over the matched */
	int64_t delay_max_ns;
};

struct diff_procs {
	struct diff_proc_row *v; /* v[owner]; after finish: sorted, n rows */
	size_t n, cap;
};

/* Makes owner's row (before any of its packets is counted). 0 or -ENOMEM. */
int diff_procs_owner(struct diff_procs *p, uint32_t owner);
/* Counts n A packets of owner's flows. */
void diff_procs_packets(struct diff_procs *p, uint32_t owner, uint64_t n);
/* A packet of owner's flow lost, or matched with delay_ns. */
void diff_procs_lost(struct diff_procs *p, uint32_t owner);
void diff_procs_matched(struct diff_procs *p, uint32_t owner, int64_t delay_ns);

/* Names the rows (label(ctx, owner)), keeps the ones that saw packets,
 * sorts them by lost, then packets, descending. */
void diff_procs_finish(struct diff_procs *p, const char *(*label)(const void *ctx, uint32_t owner),
		       const void *ctx);
void diff_procs_free(struct diff_procs *p);

#endif
