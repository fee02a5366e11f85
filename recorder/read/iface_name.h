/* SPDX-License-Identifier: MIT */
/*
 * How output names an interface: IF while the logs read hold one network
 * namespace, NS/IF once they hold several (NS = tclog_iface_ns_label), so
 * that two eth0 of two namespaces never read alike.
 */
#ifndef TCREC_IFACE_NAME_H
#define TCREC_IFACE_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/tclog.h"

/* Room for any NS/IF (label, '/', name, NUL). */
#define IFACE_NAME_MAX (TCLOG_CONTAINER_MAX + 24 + TCLOG_IFNAME_MAX + 2)

/* NS/IF when with_ns and the namespace is known, else IF. Returns buf. */
const char *iface_name(const struct tclog_iface *ifc, bool with_ns, char *buf, size_t len);

/* Distinct namespaces seen, as far as telling one from several goes.
 * Inode 0 (a v1 log: namespace not known) counts as none. */
struct ns_seen {
	uint64_t first;
	bool several;
};
void ns_seen_add(struct ns_seen *s, const struct tclog_iface *ifc);

#endif
