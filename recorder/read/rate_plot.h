/* SPDX-License-Identifier: MIT */
/*
 * The picture `tcrec stats --plot` writes: packets/s (top) and bytes/s
 * (bottom) per interface and direction over the span of the logs, ring
 * buffer drops as red triangles on the packets line of their interface,
 * rotations of a directory of logs as dashed vertical lines.
 */
#ifndef TCREC_RATE_PLOT_H
#define TCREC_RATE_PLOT_H

#include <stdio.h>

#include "rate_series.h"

/* Writes the SVG of a finished series to f (not closed). 0, -ENOMEM, or
 * -EIO when a write failed. */
int rate_plot_write(const struct rate_series *r, FILE *f);

#endif
