/* SPDX-License-Identifier: MIT */
/* Inside the metrics module: the snapshot and the state its parts share. */
#ifndef TCREC_METRICS_STATE_H
#define TCREC_METRICS_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/tclog.h"
#include "metrics.h"

struct metrics_snap {
	bool published;
	uint32_t n_ifaces;
	struct tclog_iface ifaces[TCREC_MAX_IFACES];
	bool counters_ok;
	struct tclog_final fin;                  /* the BPF per-CPU counters, summed */
	uint64_t bytes[TCREC_MAX_IFACES][2];     /* wire bytes handed to the output */
	uint64_t written;                        /* records handed to (at the end: held by)
						  * the output */
	bool ring_known;
	uint64_t ring_used, ring_size;
	struct sink_stats out;
	uint64_t last_flush_ns;                  /* wall clock, 0 = not yet */
};

struct metrics {
	pthread_mutex_t lock;       /* guards pub */
	struct metrics_snap pub;
	struct metrics_snap work;   /* the drain loop's own */
	struct sink_stats sink;     /* the sink's, in the drain loop's thread */
	uint64_t start_ns;
	uint64_t last_publish;
	bool ring_tried;
	void *cons, *prod;          /* the ring buffer's position pages */
	size_t page;
	uint64_t ring_size;
	struct metrics_http *http;
	struct metrics_file *file;
};

/* Stop and free (NULL-safe); the file writer writes a last time. */
void metrics_http_stop(struct metrics_http *h);
void metrics_file_stop(struct metrics_file *f, struct metrics *m);

#endif
