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

/* The name of the first file o makes at wall-clock second wall_s (before
 * any collision). 0 or -ENAMETOOLONG. */
int record_output_first_name(const struct record_opts *o, uint64_t wall_s, char *out, size_t len);

/* record_prepare.c. Before any kernel work: resolves -Z, checks that the output's directory
 * takes new files (and that the -Z user can make them when rotating), and
 * that no other recorder writes the output. 0, or -1 after one line. */
int record_output_prepare(struct record_opts *o);

/* The sink for o: a rotating tcrec log (also without -C/-G: it handles a
 * full disk), else record_sink_open's. NULL with errno. */
struct record_sink *record_output_open(const struct record_opts *o, const struct tclog_header *hdr);

/* Closes s (fin as for sink->close) and sets *stored to the records
 * stored in the output over the run (files deleted by someone else while
 * written do not count). 0 or the first error. */
int record_output_close(struct record_sink *s, const struct tclog_final *fin, uint64_t *stored);

/* A start that failed after the output was made: closes it and deletes the
 * file this run created (only that file). NULL-safe. */
void record_output_discard(struct record_sink *s);

/* Where a rotation reads the counters that go into each file's trailer
 * (each file gets its own share), once the programs are loaded. No-op on
 * another sink. */
void record_output_bind(struct record_sink *s, struct tcrec_capture *skel, uint32_t n_ifaces);

/* -Z: to user and its groups, no capability left (the output files were
 * made the user's when they were created).
 * 0, or -1 after one line saying why. */
int record_drop_privileges(const char *user, struct record_sink *s);

#endif
