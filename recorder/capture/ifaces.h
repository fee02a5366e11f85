/* SPDX-License-Identifier: MIT */
/* The interface table of a recording: what the -i names resolve to. */
#ifndef TCREC_IFACES_H
#define TCREC_IFACES_H

#include "formats/tclog.h"

/* Fills *out for the interface called name: ifindex, MAC, MTU, and whether
 * it is an L3 device (no Ethernet header on the TC hook).
 * 0, -ENODEV when there is no such interface, or another -errno. */
int iface_lookup(const char *name, struct tclog_iface *out);

#endif
