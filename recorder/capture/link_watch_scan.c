/* SPDX-License-Identifier: MIT */
/* Which namespaces the watcher holds: the command line's specs resolved
 * again on each rescan, --netns all's scan, and the release of the ones
 * nothing keeps reachable any more. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"
#include "netns_watch.h"

/* A stopped container is asked about again at most this often. */
#define CONTAINER_RETRY_MS 500

static struct wns *hold(struct link_watch *w, const char *path, const char *name,
			const char *label, bool *complained)
{
	uint64_t ino = 0;
	int fd = netns_open(path, &ino);

	if (fd < 0) {
		/* gone between the scan and the open: nothing to say */
		if (complained && !*complained && fd != -ENOENT && fd != -ESRCH)
			lw_problem(w, "%s: cannot open %s: %s", label, path, strerror(-fd));
		if (complained)
			*complained = true;
		errno = -fd;
		return NULL;
	}
	struct wns *ns = lw_find(w, ino);
	if (ns) {
		close(fd);
		return ns;
	}
	return lw_ns_add(w, fd, ino, name, label);
}

static void slot_netns(struct link_watch *w, struct wslot *s)
{
	char label[PATH_MAX + 16];
	uint64_t ino = netns_path_ino(s->path);

	if (s->ino && ino != s->ino)
		s->ino = 0; /* gone or replaced: the sweep lets the old one go */
	if (s->ino || !ino)
		return;
	snprintf(label, sizeof(label), "--netns %s", s->spec);
	const char *name = strncmp(s->path, NETNS_RUN_DIR "/", sizeof(NETNS_RUN_DIR)) ? NULL
			   : s->path + sizeof(NETNS_RUN_DIR);
	struct wns *ns = hold(w, s->path, name, label, &s->complained);
	if (!ns)
		return;
	s->ino = ns->ino;
	s->complained = false;
	lw_ns_set_reports(w, ns);
}

static void slot_container(struct link_watch *w, struct wslot *s, int64_t now)
{
	char label[300], tools[64];
	struct container_info ci;

	if (s->ino && netns_path_ino(s->path) != s->ino)
		s->ino = 0; /* stopped or restarted: its namespace is not its any more */
	if (s->ino || now < s->next_try_ms)
		return;
	s->next_try_ms = now + CONTAINER_RETRY_MS;
	if (container_resolve(s->spec, &ci, tools, sizeof(tools)) < 0 || ci.pid <= 0)
		return;
	snprintf(s->cname, sizeof(s->cname), "%s", ci.name);
	snprintf(s->path, sizeof(s->path), "/proc/%d/ns/net", ci.pid);
	snprintf(label, sizeof(label), "--container %s", s->spec);
	struct wns *ns = hold(w, s->path, NULL, label, &s->complained);
	if (!ns)
		return;
	s->ino = ns->ino;
	s->complained = false;
	snprintf(ns->container, sizeof(ns->container), "%s", s->cname);
	for (size_t i = 0; i < ns->n_links; i++)
		snprintf(ns->links[i].l.container, sizeof(ns->links[i].l.container), "%s", s->cname);
	if (!w->spec.host_side)
		lw_ns_set_reports(w, ns);
}

static int found_one(void *ctx, uint64_t ino, const char *path, const char *name)
{
	struct link_watch *w = ctx;
	struct wns *ns = lw_find(w, ino);
	char label[300];

	if (!ns) {
		for (size_t i = 0; i < w->n_bad; i++)
			if (w->bad_ino[i] == ino)
				return 0;
		snprintf(label, sizeof(label), "--netns all: %s", path);
		bool complained = false;
		errno = 0;
		ns = hold(w, path, name, label, &complained);
		/* not ours to enter: said once. One that went away since the scan
		 * is not remembered: the kernel gives its inode to the next one. */
		if (!ns && errno != ENOENT && errno != ESRCH &&
		    w->n_bad < sizeof(w->bad_ino) / sizeof(w->bad_ino[0]))
			w->bad_ino[w->n_bad++] = ino;
	}
	if (ns) {
		ns->all_seen = w->scan_gen;
		lw_ns_set_reports(w, ns);
	}
	return 0;
}

static bool slot_holds(const struct link_watch *w, uint64_t ino)
{
	for (int i = 0; i < w->n_slots; i++)
		if (w->slots[i].ino == ino)
			return true;
	return false;
}

static void sweep(struct link_watch *w)
{
	for (size_t i = 0; i < w->n_ns;) {
		struct wns *ns = w->ns[i];
		bool keep = ns->self || slot_holds(w, ns->ino) ||
			    (w->spec.all_netns && ns->all_seen == w->scan_gen);
		if (keep) {
			i++;
			continue;
		}
		lw_ns_release(w, ns); /* moves the last one to i */
	}
}

void lw_rescan(struct link_watch *w, bool full)
{
	int64_t now = lw_now_ms();

	for (int i = 0; i < w->n_slots; i++) {
		if (w->slots[i].container)
			slot_container(w, &w->slots[i], now);
		else
			slot_netns(w, &w->slots[i]);
	}
	if (w->spec.all_netns) {
		w->scan_gen += full;
		if (full)
			netns_scan(getpid(), found_one, w);
		else
			netns_scan_names(found_one, w);
	}
	if (full)
		sweep(w);
}
