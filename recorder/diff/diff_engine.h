/* SPDX-License-Identifier: MIT */
/*
 * The diff itself: both inputs merged into one stream ordered by time on A's
 * clock, through the matcher (diff_match.h) and the flow table
 * (diff_flow.h), into the result the reports print (diff_model.h). Memory is
 * bounded by the window, as those two are.
 */
#ifndef TCREC_DIFF_ENGINE_H
#define TCREC_DIFF_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diff_model.h"
#include "diff_source.h"

struct diff_timeline;

struct diff_engine_cfg {
	uint64_t window_ns;    /* how long a packet waits for its twin */
	int64_t offset_ns;     /* B's clock minus A's clock */
	uint64_t top;          /* flows listed, 0 = all that differ */
	const char *unmatched; /* pcapng file for the lost, added and duplicated packets, or NULL */
	FILE *listing;         /* every event printed here as it is found, or NULL */
	bool listing_json;     /* as elements of a JSON array (diff_json.h), not text lines */
	bool by_process;       /* group A's packets by process (diff_procs.h); tcrec log A only */
	struct diff_timeline *timeline; /* counts lost and added packets over time, or NULL */
};

struct diff_engine;

/* Takes over src[0] (A) and src[1] (B), also on failure; creates the
 * unmatched file. NULL with errno and one line in err naming what failed. */
struct diff_engine *diff_engine_new(struct diff_src *const src[2], const struct diff_engine_cfg *cfg,
				    char *err, size_t errlen);

/* Reads both inputs to their end and fills res (zeroed by the caller; its
 * pointers point into e until diff_engine_free; res->filter is left to the
 * caller). 0, or -errno with err (-EIO: an input could not be read). */
int diff_engine_run(struct diff_engine *e, struct diff_result *res, char *err, size_t errlen);

/* Closes the inputs and the unmatched file. NULL-safe. */
void diff_engine_free(struct diff_engine *e);

#endif
