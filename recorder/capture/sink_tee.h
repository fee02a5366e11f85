/* SPDX-License-Identifier: MIT */
/*
 * Two outputs of one recording: every record goes to the -w sink and to a
 * tcrec log beside it (o->tee_log), as when Wireshark watches a capture
 * that is also kept. An error of either side is said naming that side and
 * ends the recording as an error of a single sink would.
 */
#ifndef TCREC_SINK_TEE_H
#define TCREC_SINK_TEE_H

#include "record_opts.h"
#include "record_sink.h"

/* The sink `tcrec record` writes to: record_sink_open's, and when
 * o->tee_log is set, a tcrec log at that path too (no rotation). o must
 * outlive the sink. NULL with errno, after one line naming the output. */
struct record_sink *sink_tee_open(const struct record_opts *o, const struct tclog_header *hdr,
				  const struct sink_counters *counters);

#endif
