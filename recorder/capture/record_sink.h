/* SPDX-License-Identifier: MIT */
/*
 * Where `tcrec record` puts its records. The drain loop only knows this
 * interface, so that another output format is one more implementation.
 * Records handed to a sink carry wall-clock ns in ts_ns.
 */
#ifndef TCREC_RECORD_SINK_H
#define TCREC_RECORD_SINK_H

#include "formats/tclog.h"

struct record_sink {
	/* One record and its rec->cap_len bytes. 0 or -errno. */
	int (*write)(struct record_sink *s, const struct tcrec_record *rec, const void *bytes);
	/* Makes what was written so far durable in the output (a chunk). */
	int (*flush)(struct record_sink *s);
	/* Final counters (may be NULL), close, free s. Returns the first error
	 * met during the output's life, or 0. */
	int (*close)(struct record_sink *s, const struct tclog_final *fin);
	/* Records written so far. */
	unsigned long long (*records)(const struct record_sink *s);
	/* Optional (NULL): called on every turn of the drain loop with the wall
	 * clock, for work due without packets (time rotation). 0, 1 = stop
	 * recording (a file limit is reached), or -errno. */
	int (*tick)(struct record_sink *s, uint64_t wall_ns);
	/* Optional (NULL): the file written now, for messages (a rotating
	 * output's -w is a template). */
	const char *(*name)(const struct record_sink *s);
};

#endif
