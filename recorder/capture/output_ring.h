/* SPDX-License-Identifier: MIT */
/*
 * The files of a -C -W ring, oldest first: the ones this run wrote and the
 * ones earlier runs left with names from the same template, so that -W
 * holds across restarts.
 */
#ifndef TCREC_OUTPUT_RING_H
#define TCREC_OUTPUT_RING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct output_ring_file {
	char *path;
	dev_t dev;
	ino_t ino;
	uint64_t size;  /* bytes once closed (0 while written), for the metrics */
};

struct output_ring {
	struct output_ring_file *v;
	uint32_t n, cap;
	uint64_t deleted; /* files output_ring_delete removed */
};

/* Adds the tcrec logs in tmpl's directory whose names the template makes
 * (output_name_in_ring), owned by us or by uid, oldest (mtime) first.
 * 0 or -errno. */
int output_ring_scan(struct output_ring *r, const char *tmpl, bool by_time, uid_t uid);

/* Appends a file (the newest). 0 or -ENOMEM. */
int output_ring_add(struct output_ring *r, const char *path, dev_t dev, ino_t ino);

/* Index of path in the ring, or -1. */
int output_ring_find(const struct output_ring *r, const char *path);

/* Deletes the file at index i (only if path still names it) and forgets
 * it. 0 or -errno (the file is forgotten anyway). */
int output_ring_delete(struct output_ring *r, uint32_t i);

void output_ring_free(struct output_ring *r);

#endif
