/* SPDX-License-Identifier: MIT */
/* What every subcommand shares: exit codes, messages, typed option parsers. */
#ifndef TCREC_CLI_H
#define TCREC_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "logging.h"

/* Exit status, as in diff(1) and tcpdump: 0 ok, 1 runtime error, 2 usage. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* Usage error: "tcrec CMD: message" and a hint to --help; returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* getopt_long's error (c is '?' or ':', with opterr = 0 and a leading ':'
 * in the option string), named as the user typed it; returns EXIT_USAGE. */
int bad_option(const char *cmd, char **argv, int c);

/* Typed, range-checked parsers: 0 or -1 (after printing a usage error
 * naming opt and the value). */
int parse_u64(const char *cmd, const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out);
int parse_seconds(const char *cmd, const char *opt, const char *s, double min, double max, double *out);

/* Subcommands: argv[0] is the subcommand name. Return an exit status. */
int cmd_record(int argc, char **argv);
int cmd_print(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_diff(int argc, char **argv);

#endif
