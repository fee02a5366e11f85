/* SPDX-License-Identifier: MIT */
/* What every subcommand shares: exit codes, messages, typed option parsers. */
#ifndef TCREC_CLI_H
#define TCREC_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "logging.h"
#include "filter/read_filter.h"

/* Exit status, as in diff(1) and tcpdump: 0 ok, 1 runtime error, 2 usage. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* What a command's option parser returns: CLI_RUN to go on, else the exit
 * status to end with (EXIT_OK after --help, EXIT_USAGE after a usage error). */
enum { CLI_RUN = -1 };

/* Usage error, one line on stderr: "tcrec CMD: message (see 'tcrec CMD
 * --help')". Returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* getopt_long as every subcommand calls it: an unknown option or one
 * missing its value is reported by usage_error, named as the user typed it,
 * and CLI_BAD_OPTION is returned; otherwise what getopt_long returns.
 * shortopts is getopt's string without a leading ':'. */
#define CLI_BAD_OPTION (-2)
struct option;
int cli_next_option(const char *cmd, int argc, char **argv, const char *shortopts,
		    const struct option *longopts);

/* CAPTURE... [FILTER]: how many leading arguments are inputs. The first
 * always counts as one (so a missing file is reported as missing); after
 * it, the arguments that exist on disk. */
size_t cli_split_inputs(char *const *args, size_t n);

/* The FILTER words joined and compiled as tcpdump does. On failure one
 * line and the exit status (2 for a bad expression, 1 when the first word
 * looks like an input path that is not there); 0 with *out set otherwise
 * (NULL when there are no words). */
int cli_read_filter(const char *cmd, char *const *words, size_t n, struct read_filter **out);

/* The words after the options of print, stats and export: LOG... [FILTER].
 * Sets logs and n_logs to the inputs and filter to the compiled FILTER (NULL
 * without one). CLI_RUN, or the exit status after one message. */
int cli_take_inputs(const char *cmd, char **words, size_t n, char ***logs, size_t *n_logs,
		    struct read_filter **filter);

/* Opens the inputs cli_take_inputs found, stopping at damage with
 * --strict; NULL after one message naming the input at fault. */
struct log_input *cli_open_logs(char **logs, size_t n_logs, bool strict);

/*
 * Every `tcrec CMD --help` has one layout (tests/cli checks it):
 *   Usage: tcrec CMD ...           (continuation lines indented)
 *   <blank> one or more paragraphs saying what the command does
 *   Options:                       two-space indent, option then text
 *   <further sections, each a title line ending in ':' then its text>
 *   Examples:                      lines "  tcrec CMD ..." with their comments
 *   Exit status: ...               the last line
 * No line is wider than 80 columns.
 */

/* Typed, range-checked parsers: 0 or -1 (after printing a usage error
 * naming opt and the value). */
int parse_u64(const char *cmd, const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out);
int parse_seconds(const char *cmd, const char *opt, const char *s, double min, double max, double *out);

#endif
