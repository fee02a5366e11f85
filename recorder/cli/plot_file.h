/* SPDX-License-Identifier: MIT */
/* Writing a picture of stats or diff to the file --plot names. */
#ifndef TCREC_PLOT_FILE_H
#define TCREC_PLOT_FILE_H

#include <stdio.h>

#include "read/log_input.h"
#include "read/rate_series.h"
#include "diff/diff_model.h"
#include "diff/diff_timeline.h"

/* Calls write(f, arg) on a new file at path (replaced if it exists) and
 * closes it. 0, or -1 after one message naming cmd, the file and why. */
int plot_file_write(const char *cmd, const char *path, int (*write)(FILE *f, const void *arg),
		    const void *arg);

/* stats --plot: finishes r over in and writes its picture to path. 0, or -1
 * after one message. */
int stats_plot_save(const char *path, struct rate_series *r, struct log_input *in);

/* diff --plot: the delay histogram of res and the losses of tl to path.
 * 0, or -1 after one message. */
int diff_plot_save(const char *path, const struct diff_result *res, struct diff_timeline *tl);

#endif
