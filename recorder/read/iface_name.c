/* SPDX-License-Identifier: MIT */
#include "iface_name.h"

#include <stdio.h>

const char *iface_name(const struct tclog_iface *ifc, bool with_ns, char *buf, size_t len)
{
	char label[TCLOG_CONTAINER_MAX + 24];
	tclog_iface_ns_label(ifc, label, sizeof(label));
	if (with_ns && label[0])
		snprintf(buf, len, "%s/%s", label, ifc->name);
	else
		snprintf(buf, len, "%s", ifc->name);
	return buf;
}

void ns_seen_add(struct ns_seen *s, const struct tclog_iface *ifc)
{
	if (!ifc->netns_ino || s->several)
		return;
	if (!s->first)
		s->first = ifc->netns_ino;
	else if (s->first != ifc->netns_ino)
		s->several = true;
}
