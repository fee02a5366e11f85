/* SPDX-License-Identifier: MIT */
/* --since/--until as print and export take them. */
#ifndef TCREC_CLI_TIME_H
#define TCREC_CLI_TIME_H

struct log_input;

/*
 * Parses the two arguments (NULL = not given) against the start of the
 * recording in and restricts in to that range. 0, or EXIT_USAGE after one
 * usage error naming the argument at fault.
 */
int cli_time_range(const char *cmd, struct log_input *in, const char *since, const char *until);

#endif
