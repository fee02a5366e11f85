/* SPDX-License-Identifier: MIT */
/* One held namespace: its socket, its link table, its events. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "logging.h"
#include "netns.h"
#include "netns_watch.h"

int64_t lw_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void lw_problem(struct link_watch *w, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->begun && w->ops.problem)
		w->ops.problem(w->ctx, msg);
	else
		pr_warn("%s", msg);
}

struct wns *lw_find(const struct link_watch *w, uint64_t ino)
{
	for (size_t i = 0; i < w->n_ns; i++)
		if (w->ns[i]->ino == ino)
			return w->ns[i];
	return NULL;
}

static struct wlink *find_link(struct wns *ns, uint32_t ifindex)
{
	for (size_t i = 0; i < ns->n_links; i++)
		if (ns->links[i].l.ifindex == ifindex)
			return &ns->links[i];
	return NULL;
}

static uint64_t nsid_lookup(const struct wns *ns, int32_t nsid)
{
	for (size_t i = 0; i < ns->n_nsids; i++)
		if (ns->nsids[i].nsid == nsid)
			return ns->nsids[i].ino;
	return 0;
}

/* Asks ns what it calls each held namespace (ours first: a veth's other
 * end is most often there), once per set of held namespaces. */
static void nsids_refresh(struct link_watch *w, struct wns *ns)
{
	int *fds = calloc(w->n_ns, sizeof(*fds));
	int32_t *ids = calloc(w->n_ns, sizeof(*ids));
	struct nsid_map *map = calloc(w->n_ns, sizeof(*map));
	size_t n = 0;

	if (!fds || !ids || !map)
		goto cleanup;
	for (size_t i = 0; i < w->n_ns; i++)
		fds[i] = w->ns[i]->fd;
	if (netns_rtnl_nsids(ns->fd, w->self_fd, fds, (int)w->n_ns, ids) < 0)
		goto cleanup;
	for (size_t i = 0; i < w->n_ns; i++)
		if (ids[i] >= 0)
			map[n++] = (struct nsid_map){ ids[i], w->ns[i]->ino };
	free(ns->nsids);
	ns->nsids = map;
	ns->n_nsids = n;
	map = NULL;
	ns->nsids_epoch = w->ns_epoch;
cleanup:
	free(fds);
	free(ids);
	free(map);
}

static uint64_t peer_ino(struct link_watch *w, struct wns *ns, const struct wlink *wl)
{
	if (!wl->l.peer_ifindex)
		return 0;
	if (wl->nsid < 0)
		return ns->ino;
	uint64_t ino = nsid_lookup(ns, wl->nsid);
	if (!ino && ns->nsids_epoch != w->ns_epoch) {
		nsids_refresh(w, ns);
		ino = nsid_lookup(ns, wl->nsid);
	}
	return ino;
}

static void fill_ns_fields(struct wns *ns, struct watched_link *l)
{
	l->netns_ino = ns->ino;
	l->netns_cookie = ns->cookie;
	snprintf(l->ns_name, sizeof(l->ns_name), "%s", ns->ns_name);
	snprintf(l->container, sizeof(l->container), "%s", ns->container);
}

static void report_new(struct link_watch *w, struct wns *ns, struct wlink *wl)
{
	if (!ns->reports || !w->started || !w->ops.link_new)
		return;
	/* A namespace first seen through a process (`ip netns add` itself,
	 * before it mounts the name) has its name by the time links come. */
	if (!ns->ns_name[0] && !ns->self) {
		netns_name_of(ns->ino, ns->ns_name, sizeof(ns->ns_name));
		fill_ns_fields(ns, &wl->l);
	}
	w->ops.link_new(w->ctx, &wl->l);
}

static void link_remove(struct link_watch *w, struct wns *ns, struct wlink *wl)
{
	uint32_t ifindex = wl->l.ifindex;

	*wl = ns->links[--ns->n_links];
	if (ns->reports && w->started && w->ops.link_gone)
		w->ops.link_gone(w->ctx, ns->ino, ifindex);
}

/* Links whose peer is in a namespace not held when they were seen: the
 * new one may be it (what is already reported keeps peer 0). */
static void resolve_pending(struct link_watch *w, struct wns *added)
{
	for (size_t i = 0; i < w->n_ns; i++) {
		struct wns *ns = w->ns[i];
		for (size_t j = 0; ns != added && j < ns->n_links; j++) {
			struct wlink *wl = &ns->links[j];
			if (wl->l.peer_ifindex && wl->nsid >= 0 && !wl->l.peer_netns_ino)
				wl->l.peer_netns_ino = peer_ino(w, ns, wl);
		}
	}
}

struct link_ev {
	struct link_watch *w;
	struct wns *ns;
};

struct refetched {
	bool found;
	struct watched_link l;
	int32_t nsid;
};

static void take_refetch(void *ctx, bool gone, const struct watched_link *l, int32_t nsid)
{
	struct refetched *r = ctx;

	if (gone)
		return;
	r->found = true;
	r->l = *l;
	r->nsid = nsid;
}

static void on_link(void *ctx, bool gone, const struct watched_link *l, int32_t nsid)
{
	struct link_ev *ev = ctx;
	struct wns *ns = ev->ns;
	struct wlink *wl = find_link(ns, l->ifindex);

	if (gone) {
		if (wl)
			link_remove(ev->w, ns, wl);
		return;
	}
	if (wl && strcmp(wl->l.name, l->name)) {
		/* renamed: gone under the old name, new under the new one, so that
		 * -i matches it again (docker renames a veth to eth0 once it is
		 * in the container) */
		link_remove(ev->w, ns, wl);
		wl = NULL;
	}
	if (wl) {
		/* up or down, MTU, moved peer: the same link, not a new one */
		int32_t old_nsid = wl->nsid;
		uint64_t old_peer = wl->l.peer_netns_ino;
		wl->l = *l;
		wl->nsid = nsid;
		wl->gen = ns->gen;
		fill_ns_fields(ns, &wl->l);
		wl->l.peer_netns_ino = nsid == old_nsid ? old_peer : peer_ino(ev->w, ns, wl);
		return;
	}
	if (ns->n_links == ns->cap_links) {
		size_t cap = ns->cap_links ? ns->cap_links * 2 : 16;
		struct wlink *v = realloc(ns->links, cap * sizeof(*v));
		if (!v) {
			lw_problem(ev->w, "link watch: out of memory for the links of ns%llu",
				   (unsigned long long)ns->ino);
			return;
		}
		ns->links = v;
		ns->cap_links = cap;
	}
	wl = &ns->links[ns->n_links++];
	wl->l = *l;
	wl->nsid = nsid;
	if (!strcmp(l->kind, "veth") && !l->peer_ifindex) {
		struct refetched r = { 0 };
		if (netns_rtnl_getlink(ns->self ? -1 : ns->fd, ev->w->self_fd, l->ifindex,
				       take_refetch, &r) == 0 && r.found) {
			wl->l = r.l;
			wl->nsid = r.nsid;
		}
	}
	wl->gen = ns->gen;
	fill_ns_fields(ns, &wl->l);
	wl->l.peer_netns_ino = peer_ino(ev->w, ns, wl);
	report_new(ev->w, ns, wl);
}

int lw_ns_dump(struct link_watch *w, struct wns *ns)
{
	struct link_ev ev = { w, ns };
	int err;

	for (int tries = 0; tries < 5; tries++) {
		ns->gen++;
		err = netns_rtnl_dump(ns->rtnl, on_link, &ev);
		if (err != -EAGAIN)
			break;
	}
	if (err && err != -EAGAIN)
		return err;
	for (size_t i = 0; i < ns->n_links;) {
		if (ns->links[i].gen != ns->gen)
			link_remove(w, ns, &ns->links[i]);
		else
			i++;
	}
	return 0;
}

void lw_ns_read(struct link_watch *w, struct wns *ns)
{
	struct link_ev ev = { w, ns };
	int err = netns_rtnl_read(ns->rtnl, on_link, &ev);

	if (err == -ENOBUFS) /* events were lost: the dump tells what is there */
		err = lw_ns_dump(w, ns);
	if (err)
		lw_problem(w, "link watch: reading the link events of ns%llu: %s",
			   (unsigned long long)ns->ino, strerror(-err));
}

void lw_ns_set_reports(struct link_watch *w, struct wns *ns)
{
	if (ns->reports)
		return;
	ns->reports = true;
	for (size_t i = 0; i < ns->n_links; i++)
		report_new(w, ns, &ns->links[i]);
}

struct wns *lw_ns_add(struct link_watch *w, int fd, uint64_t ino, const char *name,
		      const char *label)
{
	struct wns *ns = calloc(1, sizeof(*ns));
	struct epoll_event ev = { .events = EPOLLIN };

	if (!ns) {
		lw_problem(w, "%s: out of memory", label);
		goto fail;
	}
	if (w->n_ns == w->cap_ns) {
		size_t cap = w->cap_ns ? w->cap_ns * 2 : 16;
		struct wns **v = realloc(w->ns, cap * sizeof(*v));
		if (!v) {
			lw_problem(w, "%s: out of memory", label);
			goto fail;
		}
		w->ns = v;
		w->cap_ns = cap;
	}
	ns->fd = fd;
	ns->ino = ino;
	ns->self = ino == w->self_ino;
	if (!name) /* a pid or a path: it may have an `ip netns` name too */
		netns_name_of(ino, ns->ns_name, sizeof(ns->ns_name));
	else
		snprintf(ns->ns_name, sizeof(ns->ns_name), "%s", name);
	if (!ns->ns_name[0] && ino == w->pid1_ino)
		snprintf(ns->ns_name, sizeof(ns->ns_name), "host");
	ns->rtnl = netns_rtnl_open(ns->self ? -1 : fd, w->self_fd);
	if (!ns->rtnl) {
		if (errno == EPERM)
			lw_problem(w, "%s: cannot enter it to watch its links: %s (needs CAP_SYS_ADMIN)",
				   label, strerror(errno));
		else
			lw_problem(w, "%s: cannot open a netlink socket in it: %s", label,
				   strerror(errno));
		goto fail;
	}
	ns->cookie = netns_sock_cookie(netns_rtnl_fd(ns->rtnl));
	ev.data.ptr = ns;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, netns_rtnl_fd(ns->rtnl), &ev) < 0) {
		lw_problem(w, "%s: epoll: %s", label, strerror(errno));
		goto fail;
	}
	for (size_t i = 0; i < w->n_labels; i++)
		if (w->label_ino[i] == ino)
			snprintf(ns->container, sizeof(ns->container), "%s", w->labels[i].name);
	w->ns[w->n_ns++] = ns;
	w->ns_epoch++;
	resolve_pending(w, ns);
	if (w->started && lw_ns_dump(w, ns) < 0)
		lw_problem(w, "%s: cannot list its links: %s", label, strerror(errno));
	return ns;
fail:
	if (ns)
		netns_rtnl_close(ns->rtnl);
	free(ns);
	if (fd != w->self_fd)
		close(fd);
	return NULL;
}

static void forget_nsid(struct wns *ns, uint64_t ino)
{
	for (size_t i = 0; i < ns->n_nsids;) {
		if (ns->nsids[i].ino == ino)
			ns->nsids[i] = ns->nsids[--ns->n_nsids];
		else
			i++;
	}
}

void lw_ns_release(struct link_watch *w, struct wns *ns)
{
	while (ns->n_links)
		link_remove(w, ns, &ns->links[ns->n_links - 1]);
	for (size_t i = 0; i < w->n_ns; i++)
		if (w->ns[i] == ns)
			w->ns[i] = w->ns[--w->n_ns];
	for (size_t i = 0; i < w->n_ns; i++)
		forget_nsid(w->ns[i], ns->ino); /* the kernel gives its id away */
	if (ns->rtnl)
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, netns_rtnl_fd(ns->rtnl), NULL);
	netns_rtnl_close(ns->rtnl);
	if (!ns->self)
		close(ns->fd);
	free(ns->links);
	free(ns->nsids);
	free(ns);
}
