/* SPDX-License-Identifier: MIT */
/*
 * The progress line of long offline work (export, diff, stats over big
 * inputs): percent of the input bytes, packets per second and time left,
 * redrawn in place (\r, rest of the line cleared) at most four times a
 * second. Whether there is a line at all (a terminal, an option) is the
 * caller's business; this only draws it.
 */
#ifndef TCREC_PROGRESS_H
#define TCREC_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct progress;

/* A line starting "label: " on out. total_bytes 0 = size unknown (stdin, a
 * pipe): packets and rate only, no percent or time left. NULL with errno
 * when out of memory. */
struct progress *progress_start(FILE *out, const char *label, uint64_t total_bytes);

/* Whether a redraw is due (a quarter of a second since the start or the
 * last one), so that a caller works out bytes_done only then. false for
 * NULL. */
bool progress_due(const struct progress *p);

/* Redraws the line when due. NULL-safe. */
void progress_tick(struct progress *p, uint64_t bytes_done, uint64_t packets);

/* Draws the last state (100 % once everything was read) and ends the line
 * with a newline; work that ended before any line was drawn leaves no line
 * at all. Frees p. NULL-safe. */
void progress_finish(struct progress *p, uint64_t bytes_done, uint64_t packets);

#endif
