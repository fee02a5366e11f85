/* SPDX-License-Identifier: MIT */
/* tcrec record's command line into struct record_opts. */
#ifndef TCREC_RECORD_ARGS_H
#define TCREC_RECORD_ARGS_H

#include "capture/record_opts.h"

/* CLI_RUN to go on, else the exit status (EXIT_OK after --help,
 * EXIT_USAGE after one line). */
int record_parse_args(int argc, char **argv, struct record_opts *o);

/* -Q's value (in, out or inout) into RECORD_DIR_* bits; cmd and opt name
 * the option in the usage line. 0 or EXIT_USAGE. */
int record_parse_dirs(const char *cmd, const char *opt, const char *arg, unsigned *dirs);

#endif
