/* SPDX-License-Identifier: MIT */
/*
 * Which interfaces a recording covers, over its whole life: -i names,
 * shell patterns and "any", in the namespaces and containers asked for,
 * matched against the links the link watcher reports. A match is put on
 * the capture's hooks and into the output's interface table; one that
 * goes away is taken off, its counters kept. An -i NAME given exactly
 * that goes away ends the recording, unless --follow.
 */
#ifndef TCREC_IFACE_FOLLOW_H
#define TCREC_IFACE_FOLLOW_H

#include <stdbool.h>

#include "capture.h"
#include "record_opts.h"
#include "record_sink.h"

struct iface_follow;

/* Resolves the namespaces and containers of o and lists their links:
 * nothing is attached yet. NULL with errno after one line. */
struct iface_follow *iface_follow_open(const struct record_opts *o);

/* Whether the links found so far satisfy o: every -i NAME given exactly
 * exists (unless --follow), with one line for the first that does not.
 * Then shape says how to load the programs. 0 or -ENODEV. */
int iface_follow_check(struct iface_follow *f, struct capture_shape *shape);

/* Puts the matching links found at the start on c's hooks (the table of
 * hdr, which c fills): 0, or -errno when none could be recorded while
 * some were asked for by name. */
int iface_follow_attach(struct iface_follow *f, struct capture *c);

/* From now on interfaces added later also go into sink's table. */
void iface_follow_set_sink(struct iface_follow *f, struct record_sink *sink);

/* Handles the link events that are due, without blocking. 0, 1 = the
 * recording must stop (an -i NAME went away), or -errno. */
int iface_follow_poll(struct iface_follow *f);

/* NULL-safe. */
void iface_follow_close(struct iface_follow *f);

#endif
