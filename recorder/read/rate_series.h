/* SPDX-License-Identifier: MIT */
/*
 * Packets, bytes and ring-buffer drops per time bucket, one line per
 * interface and direction (the rows tcrec stats prints), and the times at
 * which a directory of rotated logs went on in its next file: what
 * `tcrec stats --plot` draws.
 *
 * Buckets as time_buckets.h makes them: at most RATE_BUCKETS_MAX, at least
 * 1 s wide once the span reaches 100 s. Memory: TIME_BUCKETS_FINE_MAX
 * buckets of three counters per line.
 */
#ifndef TCREC_RATE_SERIES_H
#define TCREC_RATE_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iface_name.h"
#include "log_input.h"
#include "time_buckets.h"

#define RATE_BUCKETS_MAX 400

enum { RATE_PACKETS, RATE_BYTES, RATE_DROPS, RATE_KINDS };

struct rate_line {
	char label[4 * IFACE_NAME_MAX + 8]; /* as stats names the row, then " in"/" out" */
	char name[TCLOG_IFNAME_MAX];
	char ns[TCLOG_CONTAINER_MAX + 24];
	uint64_t netns_ino;
	uint32_t ifindex;
	uint8_t dir; /* 0 in, 1 out */
	size_t row; /* its first row in the buckets: packets, wire bytes, record drops */
	const uint64_t *v[RATE_KINDS]; /* those rows, set by rate_series_finish */
};

struct rate_series {
	struct time_buckets tb;
	uint64_t start_ns;  /* after finish: start of bucket 0 (at or a little before the
			     * first packet's time) */
	uint64_t bucket_ns;
	size_t nbuckets;
	struct rate_line *lines;
	size_t nlines, cap_lines, last;
	uint64_t *file_first_ns; /* first packet time per input file, UINT64_MAX: none */
	size_t nfiles;
	uint64_t *rotations_ns;  /* after finish: where a file of the same directory took over */
	size_t nrotations;
};

void rate_series_init(struct rate_series *r);
void rate_series_free(struct rate_series *r);

/* Counts one packet. 0 or -ENOMEM. */
int rate_series_add(struct rate_series *r, const struct log_packet *p);

/* After the last packet: the final buckets, labels (NS/IF when the input
 * holds several namespaces), lines sorted as stats sorts its rows, and the
 * rotations. 0 or -ENOMEM. */
int rate_series_finish(struct rate_series *r, struct log_input *in);

#endif
