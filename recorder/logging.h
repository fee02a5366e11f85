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

void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
