/* SPDX-License-Identifier: MIT */
/*
 * A FILTER expression applied when reading logs (print, stats, export).
 * Records with bytes are filtered on those bytes, as tcpdump filters a
 * capture with that snaplen. Metadata-only records are filtered on headers
 * rebuilt from the record (formats/synth.h): header fields select exactly,
 * but an expression that reads further (payload, ARP bodies, IP or TCP
 * options) cannot see the original bytes. That is detected per packet and
 * said once on stderr.
 */
#ifndef TCREC_READ_FILTER_H
#define TCREC_READ_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "read/log_input.h"

struct read_filter;

/* LOG... [FILTER]: how many leading arguments are logs. The first always
 * counts as one (so a missing file is reported as missing); after it, the
 * arguments that exist on disk. */
size_t read_filter_split(char *const *args, size_t n);

/* Joins and compiles args as tcpdump does. On failure prints one line and
 * returns the exit status (2 for a bad expression, 1 when args[0] looks
 * like a log path that is not there); 0 with *out set otherwise. */
int read_filter_open(const char *cmd, char *const *args, size_t n, struct read_filter **out);

/* The expression as given (for pcapng if_filter). */
const char *read_filter_expr(const struct read_filter *f);

/* NULL-safe: a NULL filter accepts everything. */
bool read_filter_accepts(struct read_filter *f, const struct log_packet *p);

void read_filter_close(struct read_filter *f);

#endif
