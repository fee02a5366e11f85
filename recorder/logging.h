/* SPDX-License-Identifier: MIT */
/*
 * Messages on stderr, for every room: warnings always, information unless
 * -q, debugging with -v. The command layer sets the two levels once.
 */
#ifndef TCREC_LOGGING_H
#define TCREC_LOGGING_H

#include <stdbool.h>

extern int tcrec_verbose; /* -v count */
extern bool tcrec_quiet;  /* -q */

/* A line stderr shows without its newline yet (a progress line redrawn
 * with \r): a message first clears it, so that it starts a line of its
 * own; the next redraw puts the progress line back under it. */
void log_line_open(bool open);

void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
