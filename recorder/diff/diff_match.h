/* SPDX-License-Identifier: MIT */
/*
 * Packet matcher: both sides are pushed in one time-ordered stream (B's
 * times already moved by the clock offset). A packet waits at most the
 * window for its twin on the other side; then it is lost (A) or added (B).
 * An A packet stays known for one window after it matched, so that further
 * copies in B are recognised as duplicates. Memory: one entry per packet
 * of the last window, nothing per packet beyond it.
 *
 * Among waiting packets that look alike (same key; same payload hash, or no
 * payload on one side to tell them apart) the oldest is taken: look-alikes
 * pair in arrival order, in constant time per packet however many wait.
 * The oldest is passed over only when the look-alike just behind it fits
 * the running delay better by more than half the time between them (it was
 * lost, or has not arrived yet).
 * Reordering is counted as in RFC 4737: a matched B packet whose A position
 * is lower than that of a B packet matched before it is reordered.
 */
#ifndef TCREC_DIFF_MATCH_H
#define TCREC_DIFF_MATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "diff_hist.h"
#include "diff_pkt.h"

enum dm_kind { DM_LOST, DM_ADDED, DM_DUP, DM_REORDERED };

struct dm_event {
	enum dm_kind kind;
	int side;             /* 0 A, 1 B: the side the packet was read from */
	uint64_t num;         /* its position in that input */
	uint64_t ts_ns;       /* its time as read (no offset applied) */
	uint64_t other_num;   /* DUP, REORDERED: position of the matching A packet */
	uint32_t flow;
	uint32_t wire_len;
	uint32_t cap_len;
	const uint8_t *bytes; /* NULL unless keep_bytes (or the packet is the current one) */
	bool synthesized;     /* bytes are headers rebuilt from a metadata-only record */
};

typedef void (*dm_event_fn)(void *ctx, const struct dm_event *ev);

struct dm_stats {
	uint64_t matched;
	uint64_t lost;
	uint64_t added;
	uint64_t dup;
	uint64_t reordered;
	uint64_t peak_entries; /* largest number of packets held at once */
	uint64_t steps;        /* table probes and look-alikes weighed: a few per packet */
};

struct dm_cfg {
	uint64_t window_ns;
	int64_t offset_ns;    /* B's clock minus A's clock */
	bool keep_bytes;      /* copy packet bytes so that events can write them */
	dm_event_fn on_event;
	/* Called once per pushed packet, with its flow, when the matcher no
	 * longer holds it (no later event names that packet's flow because of
	 * it): lets the caller retire flows. May be NULL. */
	void (*on_release)(void *ctx, uint32_t flow);
	/* Called for every matched pair with the flow of the B packet and the
	 * one-way delay (B minus A, on A's clock). May be NULL. */
	void (*on_match)(void *ctx, uint32_t flow, int64_t delay_ns);
	void *ctx;
};

struct dm;

struct dm *dm_new(const struct dm_cfg *cfg);
/* t_ns: the packet's time on A's clock (B: ts - offset); pushes must come in
 * non-decreasing t_ns order, small inversions are tolerated. 0 or -ENOMEM. */
int dm_push(struct dm *m, int side, const struct diff_pkt *p, int64_t t_ns, uint32_t flow);
/* Hints that p will be pushed soon: dm_prefetch loads its bucket;
 * dm_prefetch_chain, issued later (once the bucket is in), loads the first
 * node of the bucket's chain. */
void dm_prefetch(const struct dm *m, const struct diff_pkt *p);
void dm_prefetch_chain(const struct dm *m, const struct diff_pkt *p);
/* End of both inputs: everything still waiting is lost or added. */
void dm_finish(struct dm *m);
const struct dm_stats *dm_stats(const struct dm *m);
const struct diff_hist *dm_delays(const struct dm *m);
void dm_free(struct dm *m);

#endif
