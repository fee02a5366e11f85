/* SPDX-License-Identifier: MIT */
/*
 * The output of `tcrec record` as tcpdump shapes it: -C/-G/-W rotation of
 * self-contained logs, disk-full handling, and -Z (running as a user once
 * the privileged work is done).
 */
#ifndef TCREC_RECORD_OUTPUT_H
#define TCREC_RECORD_OUTPUT_H

#include "record_run.h"

struct tcrec_capture;

/* Parses -C, -G, -W, -Z, --flush-ms into o. 0, or -1 after a usage error. */
int record_output_opt(int c, const char *arg, struct record_opts *o);
/* Checks the combination once all options are in. 0 or -1 (usage error). */
int record_output_check(const struct record_opts *o);

/* The sink for o: a rotating tcrec log (also without -C/-G: it handles a
 * full disk), else record_sink_open's. NULL with errno. */
struct record_sink *record_output_open(const struct record_opts *o, const struct tclog_header *hdr);

/* Where a rotation reads the counters that go into each file's trailer
 * (each file gets its own share), once the programs are loaded. No-op on
 * another sink. */
void record_output_bind(struct record_sink *s, struct tcrec_capture *skel, uint32_t n_ifaces);

/* -Z: to user and its groups, no capability left; the current output file
 * is handed to the user first so that a ring can overwrite it later.
 * 0, or -1 after one line saying why. */
int record_drop_privileges(const char *user, struct record_sink *s);

#endif
