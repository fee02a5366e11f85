/* SPDX-License-Identifier: MIT */
#include "iface_select.h"

#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_input.h"
#include "logging.h"

struct iface_pat {
	char *spec;   /* as given, for messages */
	char *ns;     /* NULL: any namespace */
	char *ifname;
};

struct iface_select {
	struct iface_pat *v;
	size_t n;
};

struct iface_select *iface_select_new(void)
{
	return calloc(1, sizeof(struct iface_select));
}

void iface_select_free(struct iface_select *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].spec);
		free(s->v[i].ns);
		free(s->v[i].ifname);
	}
	free(s->v);
	free(s);
}

int iface_select_add(struct iface_select *s, const char *spec, char *err, size_t errlen)
{
	/* Interface names cannot hold '/', so the last one splits NS from IF. */
	const char *slash = strrchr(spec, '/');
	const char *ifname = slash ? slash + 1 : spec;
	if (!*ifname || (slash && slash == spec)) {
		snprintf(err, errlen, "'%s': empty %s (NS/IF or IF, e.g. blue/eth0, 'veth*')", spec,
			 *ifname ? "namespace" : "interface name");
		return -EINVAL;
	}
	struct iface_pat *v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->v = v;
	struct iface_pat p = {
		.spec = strdup(spec),
		.ns = slash ? strndup(spec, (size_t)(slash - spec)) : NULL,
		.ifname = strdup(ifname),
	};
	if (!p.spec || !p.ifname || (slash && !p.ns)) {
		free(p.spec);
		free(p.ns);
		free(p.ifname);
		return -ENOMEM;
	}
	s->v[s->n++] = p;
	return 0;
}

size_t iface_select_count(const struct iface_select *s)
{
	return s ? s->n : 0;
}

const char *iface_select_spec(const struct iface_select *s, size_t i)
{
	return s->v[i].spec;
}

/* NS by any name people know the namespace by: container, `ip netns`
 * name, the label, the inode number or "ns<inode>". */
static bool ns_match(const char *pat, const struct tclog_iface *ifc)
{
	char label[TCLOG_CONTAINER_MAX + 24], ino[32];
	tclog_iface_ns_label(ifc, label, sizeof(label));
	if (!fnmatch(pat, label, 0))
		return true;
	if (ifc->container[0] && !fnmatch(pat, ifc->container, 0))
		return true;
	if (ifc->ns_name[0] && !fnmatch(pat, ifc->ns_name, 0))
		return true;
	if (!ifc->netns_ino)
		return false;
	snprintf(ino, sizeof(ino), "%" PRIu64, ifc->netns_ino);
	if (!fnmatch(pat, ino, 0))
		return true;
	snprintf(ino, sizeof(ino), "ns%" PRIu64, ifc->netns_ino);
	return !fnmatch(pat, ino, 0);
}

bool iface_select_match_one(const struct iface_select *s, size_t i, const struct tclog_iface *ifc)
{
	const struct iface_pat *p = &s->v[i];
	if (!ifc || fnmatch(p->ifname, ifc->name, 0))
		return false;
	return !p->ns || ns_match(p->ns, ifc);
}

bool iface_select_match(const struct iface_select *s, const struct tclog_iface *ifc)
{
	if (!s || !s->n)
		return true;
	for (size_t i = 0; i < s->n; i++)
		if (iface_select_match_one(s, i, ifc))
			return true;
	return false;
}

bool iface_select_match_name_one(const struct iface_select *s, size_t i, const char *ifname)
{
	const struct iface_pat *p = &s->v[i];
	if (!ifname)
		return false;
	/* An NS/IF name (as tcrec export writes them) also answers to NS. */
	const char *slash = strrchr(ifname, '/');
	if (!slash)
		return !fnmatch(p->ifname, ifname, 0);
	if (fnmatch(p->ifname, slash + 1, 0))
		return false;
	if (!p->ns)
		return true;
	char ns[TCLOG_CONTAINER_MAX + 24];
	snprintf(ns, sizeof(ns), "%.*s", (int)(slash - ifname), ifname);
	return !fnmatch(p->ns, ns, 0);
}

bool iface_select_match_name(const struct iface_select *s, const char *ifname)
{
	if (!s || !s->n)
		return true;
	for (size_t i = 0; i < s->n; i++)
		if (iface_select_match_name_one(s, i, ifname))
			return true;
	return false;
}

static bool any_table_matches(const struct iface_select *s, size_t i, const struct log_input *in)
{
	for (size_t f = 0; f < log_input_nfiles(in); f++) {
		const struct tclog_header *h = log_input_file(in, f)->hdr;
		for (uint32_t k = 0; k < h->n_ifaces && k < TCREC_MAX_IFACES; k++)
			if (iface_select_match_one(s, i, &h->ifaces[k]))
				return true;
	}
	return false;
}

void iface_select_warn_unmatched(const struct iface_select *s, const struct log_input *in)
{
	size_t nf = log_input_nfiles(in);
	for (size_t i = 0; i < iface_select_count(s); i++) {
		if (any_table_matches(s, i, in))
			continue;
		if (nf == 1)
			pr_warn("warning: --interface %s: no such interface in %s", s->v[i].spec,
				log_input_file(in, 0)->path);
		else
			pr_warn("warning: --interface %s: no such interface in any of the %zu logs",
				s->v[i].spec, nf);
	}
}
