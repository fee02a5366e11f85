/* SPDX-License-Identifier: MIT */
/*
 * `tcrec record --metrics` and `--metrics-file`: the recorder's counters in
 * Prometheus text exposition (format 0.0.4). The drain loop counts and
 * publishes a snapshot at most every METRICS_PUBLISH_MS; the HTTP server
 * (metrics_http.c) and the textfile writer (metrics_file.c) render only
 * published snapshots, in their own threads, so neither ever holds up the
 * drain loop: it skips a publish rather than wait for the lock.
 */
#ifndef TCREC_METRICS_H
#define TCREC_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "capture.h"
#include "record_sink.h"

#define METRICS_PUBLISH_MS 500

struct metrics;

/* A new, empty set (NULL with errno). start_ns: wall clock of the start. */
struct metrics *metrics_new(uint64_t start_ns);

/* Checks ADDR:PORT as --metrics takes it (":PORT" is 127.0.0.1:PORT,
 * "[::1]:PORT" an IPv6 address; numeric addresses only). 0, or -EINVAL
 * with why in err. */
int metrics_addr_check(const char *spec, char *err, size_t len);

/* Binds spec and serves /metrics from a thread of its own. 0 or -errno
 * after one line naming the address (a port in use says so). */
int metrics_http_start(struct metrics *m, const char *spec);

/* Checks that path's directory is there and writable, by o's -Z user when
 * there is one (0 or -errno after one line); metrics_file_start then
 * writes path once (as the user the process runs as by then) and every
 * 10 s from a thread of its own. */
int metrics_file_check(const char *path, const struct record_opts *o);
int metrics_file_start(struct metrics *m, const char *path);

/* Where the output sink keeps its figures (see struct sink_counters). */
struct sink_stats *metrics_sink_stats(struct metrics *m);

/* The drain loop: a record of wire_len bytes handed to the output. */
void metrics_count(struct metrics *m, uint32_t slot, uint8_t dir, uint32_t wire_len);

/* The drain loop: the output was flushed at wall clock wall_ns. */
void metrics_flushed(struct metrics *m, uint64_t wall_ns);

/* The drain loop, on every turn: publishes a snapshot of c's counters when
 * METRICS_PUBLISH_MS have passed since the last one (now: CLOCK_MONOTONIC
 * ns) and the lock is free; never waits. */
void metrics_tick(struct metrics *m, const struct capture *c, uint64_t now);

/* After the output was closed: the final counters (NULL when unknown) and
 * records stored, published; the metrics file written a last time. */
void metrics_final(struct metrics *m, const struct capture *c, const struct tclog_final *fin,
		   uint64_t stored);

/* The published snapshot in Prometheus text format into f. 0 or -errno. */
int metrics_render(struct metrics *m, FILE *f);

/* Stops the server and the file writer, frees; NULL-safe. */
void metrics_free(struct metrics *m);

#endif
