/* SPDX-License-Identifier: MIT */
/*
 * The sink of tcrec logs, as tcpdump shapes its output: -C/-G/-W rotation
 * of self-contained files, each with its own share of the counters in its
 * trailer, and a full disk (a -C -W ring deletes its oldest file and goes
 * on; otherwise the file is closed, all of it readable).
 */
#ifndef TCREC_SINK_ROTATING_H
#define TCREC_SINK_ROTATING_H

#include <stddef.h>
#include <stdint.h>

#include "formats/tclog.h"
#include "record_opts.h"
#include "record_sink.h"

/* The first file opens at once. counters (may be NULL: unknown) are read
 * at each rotation. o must outlive the sink. NULL with errno, after one
 * line. */
struct record_sink *sink_rotating_open(const struct record_opts *o, const struct tclog_header *hdr,
				       const struct sink_counters *counters);

/* The name of the first file o makes at wall-clock second wall_s (before
 * any collision). 0 or -ENAMETOOLONG. */
int sink_rotating_first_name(const struct record_opts *o, uint64_t wall_s, char *out, size_t len);

#endif
