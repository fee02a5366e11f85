/* SPDX-License-Identifier: MIT */
/*
 * Which network interfaces exist in the namespaces a recording covers, as
 * a stream of events: every link found at the start, every link that
 * appears or goes away later (netlink link events, one rtnetlink socket
 * per namespace), namespaces that appear (--netns all, a container that
 * restarts) and go away. The capture side decides which links to record.
 *
 * A namespace is held (its descriptor and socket) only while something
 * else keeps it reachable, a process in it or a name under /run/netns:
 * once nothing does, it is let go within one rescan so that it can be
 * freed, and its links are reported gone.
 */
#ifndef TCREC_LINK_WATCH_H
#define TCREC_LINK_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/tclog.h"

#define LINK_WATCH_MAX_SPECS 64

/* What to watch, as the command line said it. */
struct link_watch_spec {
	/* --netns NAME|PATH|PID, in order; none = the recorder's own namespace
	 * (unless all_netns or containers are given). "all" here is taken as
	 * all_netns. A NAME that is deleted and made again is watched again. */
	const char *netns[LINK_WATCH_MAX_SPECS];
	int n_netns;
	bool all_netns;          /* --netns all: every namespace, also later ones */
	const char *containers[LINK_WATCH_MAX_SPECS]; /* --container NAME|ID */
	int n_containers;
	/* --host-side: the containers' host-side veth peers instead of their
	 * own links, while both ends exist (a restart: the old peer gone, the
	 * new one new); not reported when the peer's namespace is watched for
	 * its own links anyway */
	bool host_side;
};

/* One link in one namespace. */
struct watched_link {
	uint64_t netns_ino;
	uint64_t netns_cookie;   /* SO_NETNS_COOKIE of the namespace; 0 if unknown */
	char ns_name[TCLOG_NSNAME_MAX];        /* `ip netns` name, "host" for PID 1's, else "" */
	/* container name when known, else "" (--netns all: the containers
	 * podman or docker lists at start) */
	char container[TCLOG_CONTAINER_MAX];
	uint32_t ifindex;
	char name[TCLOG_IFNAME_MAX];
	char kind[16];           /* IFLA_INFO_KIND ("veth", "bridge", ...), "" for a plain device */
	uint32_t mtu;
	uint8_t mac[6];
	bool no_eth;             /* no Ethernet header on the TC hook (L3 device) */
	bool loopback;
	bool up;                 /* IFF_UP */
	bool host_side;          /* a --host-side peer of a --container's interface */
	int peer_ifindex;        /* veth peer (IFLA_LINK), 0 when none */
	uint64_t peer_netns_ino; /* the peer's namespace when known, else 0 */
};

struct link_watch_ops {
	/* A link that exists at start or appeared since (also one that came back
	 * under a new ifindex, or moved in from another namespace). Called in
	 * the recorder's own namespace. Once per link until it is gone: a
	 * rename, up/down or MTU change is no new link. The kernel gives a freed
	 * namespace's inode to a later one: a netns_ino can come back, always
	 * after link_gone for every link it had. */
	void (*link_new)(void *ctx, const struct watched_link *l);
	/* The link (netns_ino, ifindex) went away, or its namespace did. */
	void (*link_gone)(void *ctx, uint64_t netns_ino, uint32_t ifindex);
	/* One line: a namespace or container that cannot be watched, and why
	 * (the rest goes on). */
	void (*problem)(void *ctx, const char *msg);
};

struct link_watch;

/* Resolves the spec (names, paths, pids, containers) and opens a socket in
 * each namespace. NULL with errno after one line naming what is wrong
 * ("--netns blue: no such namespace (/run/netns/blue)", "--container web:
 * no such container (podman)", permission...). No callback yet. */
struct link_watch *link_watch_new(const struct link_watch_spec *spec,
				  const struct link_watch_ops *ops, void *ctx);

/* Reports every link of every watched namespace through link_new. 0 or
 * -errno. */
int link_watch_start(struct link_watch *w);

/* A descriptor that becomes readable when link_watch_process has work
 * (an epoll set of the namespaces' sockets and an inotify on /run/netns). */
int link_watch_fd(const struct link_watch *w);

/* Longest wait before link_watch_process must run again even without a
 * readable fd (rescans for --netns all, containers that restart), in ms;
 * -1 = none. */
int link_watch_timeout_ms(const struct link_watch *w);

/* Reads pending events and does due rescans, calling ops. 0 or -errno
 * (a failure of the watcher itself, not of one namespace). */
int link_watch_process(struct link_watch *w);

/* Runs fn(arg) with the calling thread in namespace netns_ino (then back
 * in the recorder's own): attaching needs it, since ifindexes are looked
 * up in the caller's namespace. fn's result, or -ENOENT when the
 * namespace is not watched (any more), or -errno from setns. */
int link_watch_in_netns(struct link_watch *w, uint64_t netns_ino, int (*fn)(void *arg),
			void *arg);

/* The recorder's own namespace inode. */
uint64_t link_watch_self_ino(const struct link_watch *w);

/* Number of namespaces held now (tests of fds staying flat). */
int link_watch_n_netns(const struct link_watch *w);

/* NULL-safe; closes every descriptor. */
void link_watch_free(struct link_watch *w);

#endif
