/* SPDX-License-Identifier: MIT */
#include "netns_rtnl.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"

/* Room for a burst of events (a pod host deleting many veths at once)
 * before the kernel drops them (ENOBUFS, then we dump again). */
#define RTNL_RCVBUF (4 << 20)
#define RTNL_DUMP_WAIT_MS 5000

struct netns_rtnl {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char buf[32768];
};

struct open_args {
	struct mnl_socket *nl;
};

static int open_in_ns(void *arg)
{
	struct open_args *a = arg;

	a->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	return a->nl ? 0 : -errno;
}

struct netns_rtnl *netns_rtnl_open(int ns_fd, int self_fd)
{
	struct netns_rtnl *s = calloc(1, sizeof(*s));
	struct open_args a = { 0 };
	int err;

	if (!s)
		return NULL;
	err = netns_run_in(ns_fd, self_fd, open_in_ns, &a);
	if (err)
		goto fail;
	s->nl = a.nl;
	int fd = mnl_socket_get_fd(s->nl), sz = RTNL_RCVBUF;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (mnl_socket_bind(s->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto fail;
	}
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = (uint32_t)time(NULL);
	return s;
fail:
	netns_rtnl_close(s);
	errno = -err;
	return NULL;
}

int netns_rtnl_fd(const struct netns_rtnl *s)
{
	return mnl_socket_get_fd(s->nl);
}

void netns_rtnl_close(struct netns_rtnl *s)
{
	if (!s)
		return;
	if (s->nl)
		mnl_socket_close(s->nl);
	free(s);
}

static int linkinfo_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, IFLA_INFO_MAX) < 0)
		return MNL_CB_OK;
	if (type == IFLA_INFO_KIND && mnl_attr_validate(a, MNL_TYPE_STRING) < 0)
		return MNL_CB_OK;
	tb[type] = a;
	return MNL_CB_OK;
}

static int link_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, IFLA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_OK;
		break;
	case IFLA_MTU:
	case IFLA_LINK:
	case IFLA_LINK_NETNSID:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_OK;
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			return MNL_CB_OK;
		break;
	}
	tb[type] = a;
	return MNL_CB_OK;
}

static void copy_str(char *dst, size_t len, const struct nlattr *a)
{
	const char *s = mnl_attr_get_str(a);
	size_t n = strnlen(s, mnl_attr_get_payload_len(a));

	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = 0;
}

static void fill_link(struct watched_link *l, const struct ifinfomsg *ifm,
		      const struct nlattr **tb)
{
	memset(l, 0, sizeof(*l));
	l->ifindex = (uint32_t)ifm->ifi_index;
	l->loopback = ifm->ifi_flags & IFF_LOOPBACK;
	l->up = ifm->ifi_flags & IFF_UP;
	/* only these put an Ethernet header in front of the packet on the TC
	 * hook (loopback's is zeroed); tun, wireguard, ip tunnels do not */
	l->no_eth = ifm->ifi_type != ARPHRD_ETHER && ifm->ifi_type != ARPHRD_LOOPBACK;
	if (tb[IFLA_IFNAME])
		copy_str(l->name, sizeof(l->name), tb[IFLA_IFNAME]);
	if (tb[IFLA_MTU])
		l->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) == 6 && !l->no_eth)
		memcpy(l->mac, mnl_attr_get_payload(tb[IFLA_ADDRESS]), 6);
	/* a veth's ends in two namespaces may have the same ifindex */
	if (tb[IFLA_LINK] && (mnl_attr_get_u32(tb[IFLA_LINK]) != l->ifindex || tb[IFLA_LINK_NETNSID]))
		l->peer_ifindex = (int)mnl_attr_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_LINKINFO]) {
		const struct nlattr *info[IFLA_INFO_MAX + 1] = { 0 };
		mnl_attr_parse_nested(tb[IFLA_LINKINFO], linkinfo_attr, info);
		if (info[IFLA_INFO_KIND])
			copy_str(l->kind, sizeof(l->kind), info[IFLA_INFO_KIND]);
	}
}

struct msg_ctx {
	netns_link_fn fn;
	void *ctx;
	bool interrupted;
};

static int link_msg(const struct nlmsghdr *nlh, void *data)
{
	struct msg_ctx *m = data;
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct watched_link l;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		m->interrupted = true;
	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg))
		return MNL_CB_OK;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	/* AF_BRIDGE messages are about bridge ports (a port leaving a bridge
	 * is an RTM_DELLINK of them), not about the link itself */
	if (ifm->ifi_family != AF_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ifm), link_attr, tb) < 0)
		return MNL_CB_OK;
	fill_link(&l, ifm, tb);
	int32_t nsid = tb[IFLA_LINK_NETNSID] ? (int32_t)mnl_attr_get_u32(tb[IFLA_LINK_NETNSID]) : -1;
	m->fn(m->ctx, nlh->nlmsg_type == RTM_DELLINK, &l, nsid);
	return MNL_CB_OK;
}

static int recv_some(struct netns_rtnl *s, int wait_ms)
{
	int fd = mnl_socket_get_fd(s->nl);

	if (wait_ms) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, wait_ms);
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
	}
	ssize_t n = recv(fd, s->buf, sizeof(s->buf), MSG_DONTWAIT);
	return n < 0 ? -errno : (int)n;
}

int netns_rtnl_dump(struct netns_rtnl *s, netns_link_fn fn, void *ctx)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct msg_ctx m = { fn, ctx, false };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++s->seq;
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		int n = recv_some(s, RTNL_DUMP_WAIT_MS);
		if (n == -EINTR || n == -EAGAIN)
			continue;
		if (n < 0)
			return n;
		int r = mnl_cb_run(s->buf, (size_t)n, s->seq, s->portid, link_msg, &m);
		if (r == MNL_CB_STOP)
			return m.interrupted ? -EAGAIN : 0;
		if (r < 0)
			return errno ? -errno : -EIO;
	}
}

int netns_rtnl_read(struct netns_rtnl *s, netns_link_fn fn, void *ctx)
{
	struct msg_ctx m = { fn, ctx, false };

	for (;;) {
		int n = recv_some(s, 0);
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return 0;
		if (n == -EINTR)
			continue;
		if (n < 0)
			return n;
		/* events only: sequence 0, any port */
		if (mnl_cb_run(s->buf, (size_t)n, 0, 0, link_msg, &m) < 0 && errno != ESRCH)
			return -errno;
	}
}

static int nsid_query(struct mnl_socket *nl, uint32_t seq, int cand_fd, int32_t *nsid)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = RTM_GETNSID;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	struct rtgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (uint32_t)cand_fd);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	*nsid = -1;
	const struct nlmsghdr *r = (const struct nlmsghdr *)buf;
	if (!mnl_nlmsg_ok(r, (int)n) || r->nlmsg_type != RTM_NEWNSID)
		return 0; /* an error message: no such id */
	const struct nlattr *a;
	mnl_attr_for_each(a, r, sizeof(struct rtgenmsg)) {
		if (mnl_attr_get_type(a) == NETNSA_NSID && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			*nsid = (int32_t)mnl_attr_get_u32(a);
	}
	return 0;
}

int netns_rtnl_nsids(int in_fd, int self_fd, const int *cand_fds, int n, int32_t *nsids)
{
	struct open_args a = { 0 };
	int err = netns_run_in(in_fd, self_fd, open_in_ns, &a);

	if (err)
		return err;
	if (mnl_socket_bind(a.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto cleanup;
	}
	for (int i = 0; i < n && !err; i++)
		err = nsid_query(a.nl, (uint32_t)i + 1, cand_fds[i], &nsids[i]);
cleanup:
	mnl_socket_close(a.nl);
	return err;
}

int netns_rtnl_getlink(int ns_fd, int self_fd, uint32_t ifindex, netns_link_fn fn, void *ctx)
{
	char buf[16384];
	struct open_args a = { 0 };
	struct msg_ctx m = { fn, ctx, false };
	int err = netns_run_in(ns_fd, self_fd, open_in_ns, &a);

	if (err)
		return err;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 1;
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	if (mnl_socket_bind(a.nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(a.nl, nlh, nlh->nlmsg_len) < 0) {
		err = -errno;
		goto cleanup;
	}
	ssize_t n = mnl_socket_recvfrom(a.nl, buf, sizeof(buf));
	if (n < 0)
		err = -errno;
	else if (mnl_cb_run(buf, (size_t)n, 1, mnl_socket_get_portid(a.nl), link_msg, &m) < 0)
		err = errno ? -errno : -EIO;
cleanup:
	mnl_socket_close(a.nl);
	return err;
}
