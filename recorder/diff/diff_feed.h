/* SPDX-License-Identifier: MIT */
/*
 * One side's packets for the merge. Threaded, a reader thread decodes and
 * keys the packets in batches while the main thread matches: decoding a
 * tcrec log or a pcap and hashing the invariants is about half of the
 * work. Threaded packets carry no bytes (they would be gone by the time
 * they are used), so --write-unmatched reads in the main thread instead.
 */
#ifndef TCREC_DIFF_FEED_H
#define TCREC_DIFF_FEED_H

#include <stdbool.h>
#include <stddef.h>

#include "diff_source.h"

struct diff_feed;

/* Takes over src only on success. NULL with errno on error. */
struct diff_feed *diff_feed_new(struct diff_src *src, bool threaded);

/* 1 = *p points to the next packet (valid until the next call), 0 = end,
 * -1 = error with the message in err. */
int diff_feed_next(struct diff_feed *f, const struct diff_pkt **p, char *err, size_t errlen);

/* The packet k places after the one last returned when it is already
 * decoded (same batch), else NULL: lets the caller prefetch. */
const struct diff_pkt *diff_feed_peek(const struct diff_feed *f, int k);

/* Stops the reader, closes the source. NULL-safe. */
void diff_feed_free(struct diff_feed *f);

#endif
