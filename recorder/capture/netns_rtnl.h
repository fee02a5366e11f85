/* SPDX-License-Identifier: MIT */
/*
 * One rtnetlink socket inside one network namespace (libmnl): a dump of
 * its links, then its link events, each turned into a struct watched_link.
 */
#ifndef TCREC_NETNS_RTNL_H
#define TCREC_NETNS_RTNL_H

#include <stdbool.h>
#include <stdint.h>

#include "link_watch.h"

/* A link message: gone = RTM_DELLINK. l has everything but the namespace
 * fields and peer_netns_ino; link_nsid is IFLA_LINK_NETNSID (the peer's
 * namespace as this one numbers it), -1 when the peer is in this one. */
typedef void (*netns_link_fn)(void *ctx, bool gone, const struct watched_link *l,
			      int32_t link_nsid);

struct netns_rtnl;

/* Opens the socket inside ns_fd (ns_fd < 0: here; self_fd = the way back)
 * and joins the link group. NULL with errno. */
struct netns_rtnl *netns_rtnl_open(int ns_fd, int self_fd);

int netns_rtnl_fd(const struct netns_rtnl *s);

/* Dumps every link through fn (events read meanwhile go through fn too).
 * 0, -EAGAIN when the kernel says the dump was interrupted (do it again),
 * or -errno. */
int netns_rtnl_dump(struct netns_rtnl *s, netns_link_fn fn, void *ctx);

/* Hands every pending event to fn without blocking. 0, -ENOBUFS when
 * events were lost (dump again), or -errno. */
int netns_rtnl_read(struct netns_rtnl *s, netns_link_fn fn, void *ctx);

void netns_rtnl_close(struct netns_rtnl *s);

/* What the namespace in_fd calls each of the namespaces cand_fds[0..n)
 * (its nsid for them, -1 when it has none): nsids[i]. 0 or -errno. */
int netns_rtnl_nsids(int in_fd, int self_fd, const int *cand_fds, int n, int32_t *nsids);

/* Asks the namespace ns_fd about one link again, through fn (not called
 * when the link is gone). A veth's first event comes before its peer is
 * set, so it says no peer. 0 or -errno. */
int netns_rtnl_getlink(int ns_fd, int self_fd, uint32_t ifindex, netns_link_fn fn, void *ctx);

#endif
