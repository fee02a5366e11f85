/* SPDX-License-Identifier: MIT */
/* clsact filters, the hooks of kernels without tcx: what attach.c calls
 * to put one on, take it off, and clear what a killed run left. */
#ifndef TCREC_ATTACH_CLSACT_H
#define TCREC_ATTACH_CLSACT_H

#include <stdbool.h>

#include "attach.h"

int clsact_attach(struct attach_entry *e, int prog_fd, bool *qdisc_created_on_if);
void clsact_detach(const struct attach_entry *e);
/* Removes the clsact filter of a killed tcrec (a tcrec_* program at our
 * handle/priority that no process holds) from e's hook, and says so:
 * otherwise it would run on every packet until the next tc-mode start.
 * 1 removed, 0 nothing stale, -errno. */
int clsact_remove_stale(const struct attach_entry *e);
/* Filters on the ingress and egress hooks of ifindex, or -errno when
 * netlink cannot say. */
int clsact_count_filters(int ifindex);

#endif
