/* SPDX-License-Identifier: MIT */
#include "ifaces.h"

#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Only these link types put an Ethernet header in front of the packet on
 * the TC hook (loopback uses eth_header with zero MACs); everything else
 * (tun, wireguard, ip tunnels, ppp) hands TC the IP header directly. */
static int link_has_eth(unsigned short arphrd)
{
	return arphrd == ARPHRD_ETHER || arphrd == ARPHRD_LOOPBACK;
}

int iface_lookup(const char *name, struct tclog_iface *out)
{
	struct ifreq ifr;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (strlen(name) >= IFNAMSIZ || strlen(name) >= sizeof(out->name))
		return -ENODEV;
	unsigned idx = if_nametoindex(name);
	if (!idx)
		return errno == ENXIO || errno == ENODEV || !errno ? -ENODEV : -errno;

	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		err = -errno;
		goto cleanup;
	}
	if (link_has_eth(ifr.ifr_hwaddr.sa_family))
		memcpy(out->mac, ifr.ifr_hwaddr.sa_data, 6);
	else
		out->link_flags |= TCLOG_IF_NO_ETH;

	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFMTU, &ifr) < 0) {
		err = -errno;
		goto cleanup;
	}
	out->mtu = ifr.ifr_mtu;
	out->ifindex = idx;
	strncpy(out->name, name, sizeof(out->name) - 1);
cleanup:
	close(fd);
	return err;
}
