/* SPDX-License-Identifier: MIT */
/*
 * The picture `tcrec diff --plot` writes: the one-way delay histogram B-A
 * in the log2 buckets diff prints (bars, top) and lost and added packets
 * per time bucket on A's clock (bottom).
 */
#ifndef TCREC_DIFF_PLOT_H
#define TCREC_DIFF_PLOT_H

#include <stdio.h>

#include "diff_model.h"
#include "diff_timeline.h"

/* Finishes tl over the span of both inputs and writes the SVG to f (not
 * closed). 0, -ENOMEM, or -EIO when a write failed. */
int diff_plot_write(const struct diff_result *res, struct diff_timeline *tl, FILE *f);

#endif
