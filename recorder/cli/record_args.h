/* SPDX-License-Identifier: MIT */
/* tcrec record's command line into struct record_opts. */
#ifndef TCREC_RECORD_ARGS_H
#define TCREC_RECORD_ARGS_H

#include "capture/record_opts.h"

/* CLI_RUN to go on, else the exit status (EXIT_OK after --help,
 * EXIT_USAGE after one line). */
int record_parse_args(int argc, char **argv, struct record_opts *o);

#endif
