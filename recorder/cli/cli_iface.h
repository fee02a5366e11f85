/* SPDX-License-Identifier: MIT */
/* --interface NS/IF as print, stats, export and diff take it. */
#ifndef TCREC_CLI_IFACE_H
#define TCREC_CLI_IFACE_H

struct iface_select;

/* Adds spec to *sel (made on first use). 0, or -1 after one usage error
 * naming the argument (out of memory is said as such). */
int cli_add_interface(const char *cmd, struct iface_select **sel, const char *spec);

#endif
