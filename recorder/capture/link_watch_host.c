/* SPDX-License-Identifier: MIT */
/* --host-side: a container's veths seen from the other end, normally in
 * the recorder's own namespace. Each is reported while both ends are
 * known, so a restarted container's new veth replaces the old one. */
#include <stdlib.h>
#include <string.h>

#include "netns_watch.h"

static const struct wlink *find_link(const struct wns *ns, uint32_t ifindex)
{
	for (size_t i = 0; i < ns->n_links; i++)
		if (ns->links[i].l.ifindex == ifindex)
			return &ns->links[i];
	return NULL;
}

/* The host-side link for container link cl, in the namespace that does
 * not report its own links, or NULL. */
static const struct wlink *peer_of(const struct link_watch *w, const struct watched_link *cl)
{
	if (cl->peer_ifindex <= 0 || !cl->peer_netns_ino || cl->peer_netns_ino == cl->netns_ino)
		return NULL;
	const struct wns *pns = lw_find(w, cl->peer_netns_ino);
	if (!pns || pns->reports)
		return NULL;
	return find_link(pns, (uint32_t)cl->peer_ifindex);
}

static bool is_container_ns(const struct link_watch *w, const struct wns *ns)
{
	for (int i = 0; i < w->n_slots; i++)
		if (w->slots[i].container && w->slots[i].ino == ns->ino)
			return true;
	return false;
}

static bool wanted(const struct link_watch *w, uint64_t ino, uint32_t ifindex)
{
	for (size_t i = 0; i < w->n_ns; i++) {
		const struct wns *ns = w->ns[i];
		if (!is_container_ns(w, ns))
			continue;
		for (size_t j = 0; j < ns->n_links; j++) {
			const struct wlink *p = peer_of(w, &ns->links[j].l);
			if (p && p->l.netns_ino == ino && p->l.ifindex == ifindex)
				return true;
		}
	}
	return false;
}

static bool reported(const struct link_watch *w, uint64_t ino, uint32_t ifindex)
{
	for (size_t i = 0; i < w->n_hs; i++)
		if (w->hs[i].ino == ino && w->hs[i].ifindex == ifindex)
			return true;
	return false;
}

static void add_new(struct link_watch *w, const struct wns *cns, const struct wlink *p)
{
	struct hs_link *v = realloc(w->hs, (w->n_hs + 1) * sizeof(*v));
	if (!v)
		return;
	w->hs = v;
	w->hs[w->n_hs++] = (struct hs_link){ p->l.netns_ino, p->l.ifindex };
	struct watched_link l = p->l;
	l.host_side = true;
	memcpy(l.container, cns->container, sizeof(l.container));
	if (w->ops.link_new)
		w->ops.link_new(w->ctx, &l);
}

void lw_host_side_sync(struct link_watch *w)
{
	if (!w->spec.host_side || !w->started)
		return;
	for (size_t i = 0; i < w->n_hs;) {
		struct hs_link h = w->hs[i];
		if (wanted(w, h.ino, h.ifindex)) {
			i++;
			continue;
		}
		w->hs[i] = w->hs[--w->n_hs];
		if (w->ops.link_gone)
			w->ops.link_gone(w->ctx, h.ino, h.ifindex);
	}
	for (size_t i = 0; i < w->n_ns; i++) {
		const struct wns *ns = w->ns[i];
		if (!is_container_ns(w, ns))
			continue;
		for (size_t j = 0; j < ns->n_links; j++) {
			const struct wlink *p = peer_of(w, &ns->links[j].l);
			if (p && !reported(w, p->l.netns_ino, p->l.ifindex))
				add_new(w, ns, p);
		}
	}
}
