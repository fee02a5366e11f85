/* SPDX-License-Identifier: MIT */
/* The link watcher's door: set-up from the command line's spec, the
 * event loop's hooks, running code inside a watched namespace. */
#include "link_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "logging.h"
#include "netns.h"
#include "netns_watch.h"

/* --netns all looks for unnamed namespaces this often; names under
 * /run/netns are noticed at once (inotify) and then looked at this often
 * for a while, since `ip netns add` mounts the namespace on the name only
 * after creating the file. */
#define FULL_RESCAN_MS 200
#define FAST_RESCAN_MS 10
#define FAST_WINDOW_MS 500

static bool needs_rescan(const struct link_watch *w)
{
	return w->spec.all_netns || w->n_slots > 0;
}

static void watch_run_dir(struct link_watch *w)
{
	if (w->inofd < 0 || w->inowd >= 0)
		return;
	w->inowd = inotify_add_watch(w->inofd, NETNS_RUN_DIR,
				     IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_ATTRIB);
}

static int open_self(struct link_watch *w)
{
	w->self_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (w->self_fd < 0)
		return -errno;
	w->self_ino = netns_fd_ino(w->self_fd);
	w->pid1_ino = netns_path_ino("/proc/1/ns/net");
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0)
		return -errno;
	struct wns *self = lw_ns_add(w, w->self_fd, w->self_ino, NULL, "own network namespace");
	if (!self)
		return -EIO;
	/* with --netns all the own namespace counts even when the recorder
	 * is the only process in it (the scan skips the recorder) */
	if (!w->n_slots || w->spec.all_netns)
		self->reports = true;
	return 0;
}

/* Every spec named on the command line must name something at start. */
static int resolve_slots(struct link_watch *w)
{
	char tools[64];
	struct container_info ci;

	for (int i = 0; i < w->n_slots; i++) {
		struct wslot *s = &w->slots[i];
		if (s->container) {
			int err = container_resolve(s->spec, &ci, tools, sizeof(tools));
			if (err == -ENOEXEC)
				pr_warn("--container %s: neither podman nor docker is installed", s->spec);
			else if (err)
				pr_warn("--container %s: no such container (%s)", s->spec, tools);
			else if (ci.pid <= 0)
				pr_warn("--container %s: not running", s->spec);
			if (err || ci.pid <= 0)
				return err ? err : -ESRCH;
			continue;
		}
		if (netns_spec_path(s->spec, s->path, sizeof(s->path)) < 0) {
			pr_warn("--netns %s: not a namespace name, path or pid", s->spec);
			return -EINVAL;
		}
		uint64_t ino = 0;
		int fd = netns_open(s->path, &ino);
		if (fd < 0) {
			pr_warn("--netns %s: %s (%s)", s->spec,
				fd == -ENOENT ? "no such network namespace"
				: fd == -EINVAL ? "not a network namespace" : strerror(-fd), s->path);
			return fd;
		}
		close(fd);
	}
	return 0;
}

static void load_labels(struct link_watch *w)
{
	char path[64];

	if (container_list(&w->labels, &w->n_labels) < 0 || !w->n_labels)
		return;
	w->label_ino = calloc(w->n_labels, sizeof(*w->label_ino));
	for (size_t i = 0; w->label_ino && i < w->n_labels; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/net", w->labels[i].pid);
		w->label_ino[i] = netns_path_ino(path);
	}
	if (!w->label_ino)
		w->n_labels = 0;
}

struct link_watch *link_watch_new(const struct link_watch_spec *spec,
				  const struct link_watch_ops *ops, void *ctx)
{
	struct link_watch *w = calloc(1, sizeof(*w));
	int err = -ENOMEM;

	if (!w)
		goto fail;
	w->spec = *spec;
	w->ops = *ops;
	w->ctx = ctx;
	w->self_fd = w->epfd = w->inofd = w->inowd = -1;
	for (int i = 0; i < spec->n_netns && i < LINK_WATCH_MAX_SPECS; i++) {
		if (!strcmp(spec->netns[i], "all"))
			w->spec.all_netns = true;
		else
			w->slots[w->n_slots++] = (struct wslot){ .spec = spec->netns[i] };
	}
	for (int i = 0; i < spec->n_containers && i < LINK_WATCH_MAX_SPECS; i++)
		w->slots[w->n_slots++] = (struct wslot){ .spec = spec->containers[i], .container = true };
	err = resolve_slots(w);
	if (err)
		goto fail;
	err = open_self(w);
	if (err) {
		pr_warn("link watch: the own network namespace: %s", strerror(-err));
		goto fail;
	}
	if (spec->all_netns)
		load_labels(w);
	if (needs_rescan(w)) {
		w->inofd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
		if (w->inofd >= 0 && epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->inofd, &ev) < 0) {
			close(w->inofd);
			w->inofd = -1;
		}
		watch_run_dir(w);
	}
	return w;
fail:
	link_watch_free(w);
	errno = -err;
	return NULL;
}

int link_watch_start(struct link_watch *w)
{
	/* every namespace held before any is dumped, so that the peers of the
	 * veths between them are known when their links are reported */
	w->begun = true;
	if (needs_rescan(w)) {
		lw_rescan(w, true);
		w->next_full_ms = lw_now_ms() + FULL_RESCAN_MS;
	}
	w->started = true;
	for (size_t i = 0; i < w->n_ns; i++) {
		int err = lw_ns_dump(w, w->ns[i]);
		if (err)
			lw_problem(w, "ns%llu: cannot list its links: %s",
				   (unsigned long long)w->ns[i]->ino, strerror(-err));
	}
	lw_host_side_sync(w);
	return 0;
}

int link_watch_fd(const struct link_watch *w)
{
	return w->epfd;
}

int link_watch_timeout_ms(const struct link_watch *w)
{
	if (!needs_rescan(w))
		return -1;
	int64_t now = lw_now_ms(), due = w->next_full_ms;
	if (now < w->fast_until_ms && w->next_fast_ms < due)
		due = w->next_fast_ms;
	return due <= now ? 0 : (int)(due - now);
}

static void drain_inotify(struct link_watch *w)
{
	char buf[4096];

	while (read(w->inofd, buf, sizeof(buf)) > 0)
		;
	/* a name deleted: let its namespace go now, not at the next rescan */
	w->next_full_ms = 0;
	w->fast_until_ms = lw_now_ms() + FAST_WINDOW_MS;
	w->next_fast_ms = 0;
}

int link_watch_process(struct link_watch *w)
{
	struct epoll_event evs[64];
	int n;

	do {
		n = epoll_wait(w->epfd, evs, 64, 0);
		if (n < 0)
			return errno == EINTR ? 0 : -errno;
		for (int i = 0; i < n; i++) {
			if (!evs[i].data.ptr)
				drain_inotify(w);
			else
				lw_ns_read(w, evs[i].data.ptr);
		}
	} while (n == 64);
	int64_t now = lw_now_ms();
	if (needs_rescan(w) && now >= w->next_full_ms) {
		watch_run_dir(w);
		lw_rescan(w, true);
		w->next_full_ms = now + FULL_RESCAN_MS;
	} else if (now < w->fast_until_ms && now >= w->next_fast_ms) {
		lw_rescan(w, false);
		w->next_fast_ms = now + FAST_RESCAN_MS;
	}
	lw_host_side_sync(w);
	return 0;
}

int link_watch_in_netns(struct link_watch *w, uint64_t netns_ino, int (*fn)(void *arg),
			void *arg)
{
	struct wns *ns = lw_find(w, netns_ino);

	if (!ns)
		return -ENOENT;
	return netns_run_in(ns->self ? -1 : ns->fd, w->self_fd, fn, arg);
}

uint64_t link_watch_self_ino(const struct link_watch *w)
{
	return w->self_ino;
}

int link_watch_n_netns(const struct link_watch *w)
{
	return (int)w->n_ns;
}

void link_watch_free(struct link_watch *w)
{
	if (!w)
		return;
	w->started = w->begun = false; /* no callbacks from here */
	while (w->n_ns)
		lw_ns_release(w, w->ns[w->n_ns - 1]);
	if (w->self_fd >= 0)
		close(w->self_fd);
	if (w->inofd >= 0)
		close(w->inofd);
	if (w->epfd >= 0)
		close(w->epfd);
	free(w->ns);
	free(w->hs);
	free(w->labels);
	free(w->label_ino);
	free(w);
}
