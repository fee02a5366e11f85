/* SPDX-License-Identifier: MIT */
/*
 * Inside the link watcher (link_watch*.c only): one held namespace with
 * its socket and links, the command-line specs it comes from, and the
 * watcher's own state.
 */
#ifndef TCREC_NETNS_WATCH_H
#define TCREC_NETNS_WATCH_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "container.h"
#include "link_watch.h"
#include "netns_rtnl.h"

struct wlink {
	struct watched_link l;
	int32_t nsid;  /* IFLA_LINK_NETNSID, -1 for none */
	uint32_t gen;  /* the dump that last saw it */
};

struct nsid_map {
	int32_t nsid;
	uint64_t ino;
};

struct wns {
	int fd;
	uint64_t ino;
	uint64_t cookie;
	char ns_name[TCLOG_NSNAME_MAX];
	char container[TCLOG_CONTAINER_MAX];
	struct netns_rtnl *rtnl;
	bool self;
	bool reports;       /* its own links go to the callbacks */
	uint32_t all_seen;  /* the --netns all scan that last found it */
	uint32_t gen;
	struct wlink *links;
	size_t n_links, cap_links;
	struct nsid_map *nsids; /* what this namespace calls the others */
	size_t n_nsids;
	uint32_t nsids_epoch;   /* w->ns_epoch when last asked */
};

/* A --netns or --container of the command line, resolved again on each
 * rescan: ino 0 while it names nothing. */
struct wslot {
	const char *spec;
	bool container;
	char path[PATH_MAX];
	uint64_t ino;
	int pid;
	char cname[TCLOG_CONTAINER_MAX];
	int64_t next_try_ms;
	bool complained;
};

struct hs_link {
	uint64_t ino;
	uint32_t ifindex;
};

struct link_watch {
	struct link_watch_spec spec;
	struct link_watch_ops ops;
	void *ctx;
	int self_fd;
	uint64_t self_ino;
	uint64_t pid1_ino;
	int epfd;
	int inofd;
	int inowd;
	bool begun;             /* link_watch_start called: problems go to ops */
	bool started;           /* links are reported */
	struct wns **ns;
	size_t n_ns, cap_ns;
	uint32_t ns_epoch;      /* bumped when a namespace is added */
	uint32_t scan_gen;
	struct wslot slots[2 * LINK_WATCH_MAX_SPECS];
	int n_slots;
	struct hs_link *hs;     /* host-side peers reported now */
	size_t n_hs;
	struct container_info *labels; /* --netns all: containers by pid */
	uint64_t *label_ino;
	size_t n_labels;
	uint64_t bad_ino[256];  /* --netns all: said once, not tried again */
	size_t n_bad;
	int64_t next_full_ms;
	int64_t fast_until_ms;
	int64_t next_fast_ms;
};

int64_t lw_now_ms(void);
void lw_problem(struct link_watch *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct wns *lw_find(const struct link_watch *w, uint64_t ino);
/* Holds the namespace fd (taken over, closed on failure): socket, epoll,
 * and after start its dump. NULL after a problem line naming label. */
struct wns *lw_ns_add(struct link_watch *w, int fd, uint64_t ino, const char *name,
		      const char *label);
void lw_ns_release(struct link_watch *w, struct wns *ns);
/* Dumps ns's links (again): new ones reported, missing ones gone. */
int lw_ns_dump(struct link_watch *w, struct wns *ns);
void lw_ns_read(struct link_watch *w, struct wns *ns);
/* Links of ns go to the callbacks from now on (all the current ones now). */
void lw_ns_set_reports(struct link_watch *w, struct wns *ns);
/* Rescans: specs, containers, and with full the --netns all scan and the
 * release of unreachable namespaces. */
void lw_rescan(struct link_watch *w, bool full);
/* Reports the host-side peers of the containers' links as they are now. */
void lw_host_side_sync(struct link_watch *w);

#endif
