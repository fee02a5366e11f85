/* SPDX-License-Identifier: MIT */
/* Interface entries (header table, v1 and v2) and the payload of v2
 * interface chunks, which continue the table while the recording runs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tclog_le.h"
#include "tclog_wire.h"

/* A fixed-size, NUL-padded name field: the string must leave room for
 * at least one NUL. */
static int put_name(uint8_t *p, const char *s, size_t field)
{
	size_t n = strnlen(s, field);

	if (n >= field)
		return -EINVAL;
	memset(p, 0, field);
	memcpy(p, s, n);
	return 0;
}

static int get_name(const uint8_t *p, char *dst, size_t field)
{
	if (!memchr(p, 0, field))
		return -1;
	memcpy(dst, p, field);
	return 0;
}

int tclog_iface_put(uint8_t *p, const struct tclog_iface *f, unsigned version)
{
	le32_put(p, f->ifindex);
	le32_put(p + 4, f->mtu);
	memcpy(p + 8, f->mac, 6);
	le16_put(p + 14, f->link_flags);
	if (put_name(p + 16, f->name, TCLOG_IFNAME_MAX))
		return -EINVAL;
	if (version == TCLOG_VERSION_V1)
		return 0;
	le64_put(p + 32, f->netns_ino);
	if (put_name(p + 40, f->ns_name, TCLOG_NSNAME_MAX) ||
	    put_name(p + 72, f->container, TCLOG_CONTAINER_MAX))
		return -EINVAL;
	return 0;
}

int tclog_iface_get(const uint8_t *p, struct tclog_iface *f, unsigned version, char *why,
		    size_t whylen)
{
	const char *bad = NULL;

	memset(f, 0, sizeof(*f));
	f->ifindex = le32_get(p);
	f->mtu = le32_get(p + 4);
	memcpy(f->mac, p + 8, 6);
	f->link_flags = le16_get(p + 14);
	if (get_name(p + 16, f->name, TCLOG_IFNAME_MAX))
		bad = "name";
	else if (version != TCLOG_VERSION_V1) {
		f->netns_ino = le64_get(p + 32);
		if (get_name(p + 40, f->ns_name, TCLOG_NSNAME_MAX))
			bad = "namespace name";
		else if (get_name(p + 72, f->container, TCLOG_CONTAINER_MAX))
			bad = "container name";
	}
	if (!bad)
		return 0;
	if (why && whylen)
		snprintf(why, whylen, "%s not terminated", bad);
	return -1;
}

int tclog_ifchunk_encode(uint8_t *buf, uint32_t first_slot, const struct tclog_iface *v, uint32_t n)
{
	le32_put(buf, first_slot);
	for (uint32_t i = 0; i < n; i++)
		if (tclog_iface_put(buf + TCLOG_IFCHUNK_RAW(i), &v[i], TCLOG_VERSION))
			return -EINVAL;
	return 0;
}

int tclog_ifchunk_apply(const uint8_t *raw, size_t len, uint32_t count, struct tclog_header *h,
			char *why, size_t whylen)
{
	struct tclog_iface f;
	uint32_t first;
	char ewhy[64];

	if (len < 4 || len != TCLOG_IFCHUNK_RAW(count)) {
		snprintf(why, whylen, "interface chunk: %zu bytes do not hold %u entries", len, count);
		return -1;
	}
	first = le32_get(raw);
	if (first > TCREC_MAX_IFACES || count > TCREC_MAX_IFACES - first) {
		snprintf(why, whylen, "interface chunk: slots %u..%llu exceed the table's %u", first,
			 (unsigned long long)first + count - 1, TCREC_MAX_IFACES);
		return -1;
	}
	/* Check every entry first: a bad chunk changes nothing. */
	for (uint32_t i = 0; i < count; i++)
		if (tclog_iface_get(raw + TCLOG_IFCHUNK_RAW(i), &f, TCLOG_VERSION, ewhy, sizeof(ewhy))) {
			snprintf(why, whylen, "interface chunk: slot %u: %s", first + i, ewhy);
			return -1;
		}
	/* Slots whose chunk was lost to damage stay empty entries, so the
	 * later ones keep their numbers. */
	for (uint32_t s = h->n_ifaces; s < first; s++)
		memset(&h->ifaces[s], 0, sizeof(h->ifaces[s]));
	for (uint32_t i = 0; i < count; i++)
		tclog_iface_get(raw + TCLOG_IFCHUNK_RAW(i), &h->ifaces[first + i], TCLOG_VERSION, NULL, 0);
	if (first + count > h->n_ifaces)
		h->n_ifaces = first + count;
	return 0;
}
