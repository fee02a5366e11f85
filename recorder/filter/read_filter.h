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

/* Compiles expr as tcpdump does. who starts the one warning about bytes
 * metadata-only records do not keep. 0 with *out set; -EINVAL (a bad
 * expression), -E2BIG (too long a program) with err saying why; -ENOMEM. */
int read_filter_open(const char *expr, const char *who, struct read_filter **out, char *err,
		     size_t errlen);

/* The expression as given (for pcapng if_filter). */
const char *read_filter_expr(const struct read_filter *f);

/* NULL-safe: a NULL filter accepts everything. */
bool read_filter_accepts(struct read_filter *f, const struct log_packet *p);

void read_filter_close(struct read_filter *f);

#endif
