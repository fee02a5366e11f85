/* SPDX-License-Identifier: MIT */
/* The drain loop of `tcrec record`: the capture's ring buffer into a sink,
 * until told to stop. */
#ifndef TCREC_CAPTURE_DRAIN_H
#define TCREC_CAPTURE_DRAIN_H

#include <stdint.h>

#include "capture.h"
#include "iface_follow.h"
#include "metrics.h"
#include "record_opts.h"
#include "record_sink.h"

struct record_stats {
	uint64_t written;
	int sink_err;        /* first write error (-errno), 0 if none */
	uint64_t malformed;  /* ring samples shorter than they claim */
	struct metrics *metrics; /* NULL, or what --metrics publishes */
};

/* Drains c's ring buffer into sink until a signal, o's -c or --duration
 * (timestamps moved by clock_off to wall clock), following interfaces
 * that come and go with f; then detaches c's hooks and drains what is
 * left. 0 or -errno (-ENODEV: an interface asked for went away). */
int capture_drain(struct capture *c, struct iface_follow *f, struct record_sink *sink,
		  const struct record_opts *o, int64_t clock_off, struct record_stats *st);

/* SIGINT/SIGTERM end the drain loop instead of the process. */
void capture_install_signals(void);

#endif
