/* SPDX-License-Identifier: MIT */
/* What `tcrec diff` found, shared by the text and JSON reports. */
#ifndef TCREC_DIFF_H
#define TCREC_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diff_flow.h"
#include "diff_match.h"
#include "diff_source.h"

#define DIFF_WINDOW_MS_DEFAULT 2000
#define DIFF_TOP_DEFAULT 20

struct diff_side {
	const char *path;
	enum diff_src_kind kind;
	uint64_t packets; /* after FILTER */
	uint64_t bytes;   /* IP bytes, as flows count them */
	uint64_t capture_drops;
	uint64_t first_ns, last_ns;
	uint64_t prev_ns;
	uint64_t backwards;  /* times a packet is more than a window older than the one before */
	bool damaged;        /* read to a cut or over damage: see diff_src_damaged */
};

struct diff_result {
	struct diff_side side[2];
	uint64_t window_ns;
	int64_t offset_ns;
	const char *filter;
	const struct dm_stats *st;
	const struct diff_hist *hist;
	struct diff_flows *flows; /* finished: totals, and the flows listed in order */
	unsigned top;             /* flows listed, 0 = all that differ */
	bool same;
};

void diff_flow_format(const struct diff_flowkey *k, char *buf, size_t len);

void diff_report_text(FILE *f, const struct diff_result *r);
void diff_report_json(FILE *f, const struct diff_result *r);

/* Per-packet listing (--packets): text lines, or JSON objects streamed as
 * elements of the "packets" array. */
void diff_event_text(FILE *f, const struct dm_event *ev, const struct diff_flows *flows);
void diff_event_json(FILE *f, const struct dm_event *ev, const struct diff_flows *flows, bool first);
const char *diff_event_why(const struct dm_event *ev, char *buf, size_t len);

#endif
