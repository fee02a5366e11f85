/* SPDX-License-Identifier: MIT */
/* The commands main() dispatches to, one cmd_NAME.c each: argv[0] is the
 * command's name; each returns an exit status (cli.h). */
#ifndef TCREC_COMMANDS_H
#define TCREC_COMMANDS_H

int cmd_record(int argc, char **argv);
int cmd_print(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_interfaces(int argc, char **argv);

#endif
