/* SPDX-License-Identifier: MIT */
/* The commands main() dispatches to, one cmd_NAME.c each: argv[0] is the
 * command's name; each returns an exit status (cli.h). */
#ifndef TCREC_COMMANDS_H
#define TCREC_COMMANDS_H

#include <stdbool.h>

int cmd_record(int argc, char **argv);
int cmd_print(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_interfaces(int argc, char **argv);
int cmd_extcap(int argc, char **argv);

/* Whether argv is a Wireshark extcap call (an --extcap-* option or
 * --capture anywhere): main() then hands all of argv to cmd_extcap. */
bool extcap_called(int argc, char **argv);

/* tcrec record's run once its options are parsed: checks, attach, record
 * until stopped, detach. Takes o->filter (malloc'ed) over. An exit status. */
struct record_opts;
int record_execute(struct record_opts *o);

#endif
