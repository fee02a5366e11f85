/* SPDX-License-Identifier: MIT */
#ifndef TCREC_DIFF_UNMATCHED_H
#define TCREC_DIFF_UNMATCHED_H

#include "diff_match.h"

#define DIFF_UNMATCHED_SNAP 262144

struct diff_unmatched;

/* Creates path; names[i] and linktype[i] describe side i (0 A, 1 B).
 * NULL with errno on error. */
struct diff_unmatched *diff_unmatched_open(const char *path, const char *const names[2],
					   const int linktype[2]);
/* 0 or -errno (sticky). */
int diff_unmatched_write(struct diff_unmatched *u, const struct dm_event *ev);
/* First error of the file's life or 0; frees u. NULL-safe. */
int diff_unmatched_close(struct diff_unmatched *u);

#endif
