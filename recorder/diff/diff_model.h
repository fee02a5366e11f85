/* SPDX-License-Identifier: MIT */
/* What `tcrec diff` found: the result the engine fills and the text and
 * JSON reports print. Types and defaults only. */
#ifndef TCREC_DIFF_MODEL_H
#define TCREC_DIFF_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "diff_flow.h"
#include "diff_match.h"
#include "diff_procs.h"
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
	const struct diff_procs *procs; /* --by-process, else NULL */
	bool same;
};

#endif
