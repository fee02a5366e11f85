/* SPDX-License-Identifier: MIT */
/* Which interface a record belongs to, and how people name its namespace,
 * for logs of either version. */
#include <inttypes.h>
#include <stdio.h>

#include "formats/tclog.h"

const struct tclog_iface *tclog_iface_of(const struct tclog_header *h,
					 const struct tcrec_record *rec)
{
	uint32_t n = h->n_ifaces < TCREC_MAX_IFACES ? h->n_ifaces : TCREC_MAX_IFACES;

	if (h->rec_ifslot)
		return rec->ifindex < n ? &h->ifaces[rec->ifindex] : NULL;
	/* v1: one namespace, so an ifindex names one entry. */
	for (uint32_t i = 0; i < n; i++)
		if (h->ifaces[i].ifindex == rec->ifindex)
			return &h->ifaces[i];
	return NULL;
}

const char *tclog_iface_ns_label(const struct tclog_iface *ifc, char *buf, size_t len)
{
	if (!len)
		return buf;
	if (ifc->container[0])
		snprintf(buf, len, "%.*s", TCLOG_CONTAINER_MAX - 1, ifc->container);
	else if (ifc->ns_name[0])
		snprintf(buf, len, "%.*s", TCLOG_NSNAME_MAX - 1, ifc->ns_name);
	else if (ifc->netns_ino)
		snprintf(buf, len, "ns%" PRIu64, ifc->netns_ino);
	else
		buf[0] = 0;
	return buf;
}
