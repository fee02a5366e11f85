/* SPDX-License-Identifier: MIT */
/*
 * Where `tcrec record` puts its records. The drain loop only knows this
 * interface, so that another output format is one more implementation.
 * Records handed to a sink carry wall-clock ns in ts_ns.
 */
#ifndef TCREC_RECORD_SINK_H
#define TCREC_RECORD_SINK_H

#include <stdbool.h>
#include <stdint.h>

#include "formats/tclog.h"
#include "record_opts.h"

/* The output side's figures, for the metrics: kept current by a sink
 * that writes files (at each open, flush and close), in the thread that
 * drives the sink. */
struct sink_stats {
	bool known;            /* set by a sink that keeps these */
	uint64_t files_written; /* files created this run */
	uint64_t files_rotated; /* -C/-G rotations (and a file replaced under us) */
	uint64_t files_deleted; /* ring files deleted (-W, disk full) */
	uint64_t disk_bytes;    /* bytes of the output's files on disk: the ring's
				 * files (earlier runs' included), else this run's */
};

/* How a sink reads the capture's counters (summed over CPUs) while it
 * runs, without knowing where they come from: 0 or -errno. stats (may be
 * NULL): where the sink keeps its sink_stats current. */
struct sink_counters {
	int (*read)(void *ctx, struct tclog_final *fin);
	void *ctx;
	struct sink_stats *stats;
};

struct record_sink {
	/* One record and its rec->cap_len bytes; sock (NULL = none) owns
	 * rec->sock_cookie. 0 or -errno. */
	int (*write)(struct record_sink *s, const struct tcrec_record *rec, const void *bytes,
		     const struct tclog_sock *sock);
	/* Makes what was written so far durable in the output (a chunk). */
	int (*flush)(struct record_sink *s);
	/* Final counters (may be NULL), close, free s; *stored: the records the
	 * output holds (files deleted by someone else while written do not
	 * count). Returns the first error met during the output's life, or 0. */
	int (*close)(struct record_sink *s, const struct tclog_final *fin, uint64_t *stored);
	/* A start that failed after the output was made: close s and delete
	 * the file it created (only that file). */
	void (*discard)(struct record_sink *s);
	/* Optional (NULL): called on every turn of the drain loop with the wall
	 * clock, for work due without packets (time rotation). 0, 1 = stop
	 * recording (a file limit is reached), or -errno. */
	int (*tick)(struct record_sink *s, uint64_t wall_ns);
	/* Optional (NULL): an interface added to the table while recording,
	 * at slot (the table's next); before any record names it. 0 or -errno. */
	int (*add_iface)(struct record_sink *s, uint32_t slot, const struct tclog_iface *ifc);
	/* The file written now, for messages (a rotating output's -w is a
	 * template). */
	const char *(*name)(const struct record_sink *s);
};

/* The one sink factory: "-w -" streams pcapng or pcap, -F pcapng/pcap
 * writes that file, a tcrec log goes to the rotating sink (also without
 * -C/-G: it handles a full disk). counters (may be NULL) give each rotated
 * file its share. NULL with errno, after one line saying why. */
struct record_sink *record_sink_open(const struct record_opts *o, const struct tclog_header *hdr,
				     const struct sink_counters *counters);

/* NULL-safe. */
void record_sink_discard(struct record_sink *s);

#endif
