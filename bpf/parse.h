/* SPDX-License-Identifier: MIT */
/*
 * The rules both packet parsers follow: the capture program's
 * (bpf/parse.bpf.h) and the one user space reads captured bytes with
 * (formats/packet_parse.c). For the same bytes they must give the same
 * struct tcrec_record (tests/parse checks it on every corpus packet), so
 * the limits that say how far a record describes a packet, the wire
 * numbers they test and the choice between TRUNC and EXT_LIMIT are
 * written once, here. Usable from BPF and user space alike: UAPI types
 * only, no libc.
 */
#ifndef TCREC_PARSE_H
#define TCREC_PARSE_H

#include <linux/types.h>

#include "bpf/tcrec.h"

/* Headers are parsed only inside the first TCREC_HDR_WIN bytes of the
 * frame: enough for three VLAN tags + IPv4 with options + TCP, or IPv6
 * with 150+ bytes of extension headers. */
#define TCREC_HDR_WIN 256
/* IPv6 extension headers followed before giving up (TCREC_F_EXT_LIMIT). */
#define TCREC_IPV6_EXT_MAX 6
/* VLAN tags a record holds (vlan_tci[], vlan_tpid[]). */
#define TCREC_VLAN_MAX 3
/* In-packet tags the capture program reads; an offloaded tag comes on top.
 * In a pcap an offloaded tag is back in the bytes (libpcap reinserts it)
 * and cannot be told apart, so user space reads up to TCREC_VLAN_MAX. */
#define TCREC_VLAN_INPKT_MAX 2

#define TCREC_ETH_HLEN 14
#define TCREC_VLAN_HLEN 4
#define TCREC_ETH_P_IP 0x0800
#define TCREC_ETH_P_IPV6 0x86dd
#define TCREC_ETH_P_8021Q 0x8100
#define TCREC_ETH_P_8021AD 0x88a8
#define TCREC_ETH_P_ARP 0x0806

#define TCREC_IPPROTO_ICMP 1
#define TCREC_IPPROTO_TCP 6
#define TCREC_IPPROTO_UDP 17
#define TCREC_IPPROTO_ICMPV6 58
#define TCREC_IPPROTO_SCTP 132
#define TCREC_IPPROTO_UDPLITE 136

/* IPv6 extension headers the parsers walk through. */
#define TCREC_NEXTHDR_HOP 0
#define TCREC_NEXTHDR_ROUTING 43
#define TCREC_NEXTHDR_FRAGMENT 44
#define TCREC_NEXTHDR_AUTH 51
#define TCREC_NEXTHDR_DEST 60

/* Bytes a header must have before its fields are read. */
#define TCREC_IPV4_HLEN_MIN 20
#define TCREC_IPV6_HLEN 40
#define TCREC_IPV6_EXT_HLEN_MIN 8 /* next header, length, fragment offset */
#define TCREC_TCP_HLEN_MIN 20
#define TCREC_UDP_HLEN 8
#define TCREC_PORTS_HLEN 4        /* SCTP ports; ICMP type, code, checksum */
#define TCREC_ICMP_ECHO_HLEN 8    /* ... and an echo's id and sequence */

static inline int tcrec_ipv6_is_ext(__u8 nh)
{
	return nh == TCREC_NEXTHDR_HOP || nh == TCREC_NEXTHDR_ROUTING ||
	       nh == TCREC_NEXTHDR_FRAGMENT || nh == TCREC_NEXTHDR_AUTH || nh == TCREC_NEXTHDR_DEST;
}

/* Echo request/reply of ICMP (8/0) and ICMPv6 (128/129): they carry an id
 * and a sequence number. */
static inline int tcrec_icmp_is_echo(__u8 proto, __u8 type)
{
	return (proto == TCREC_IPPROTO_ICMP && (type == 0 || type == 8)) ||
	       (proto == TCREC_IPPROTO_ICMPV6 && (type == 128 || type == 129));
}

/*
 * The flag for a header that could not be read, ending at byte `end` of a
 * frame wire_len bytes long. Past the window while the packet goes on, the
 * parser gave up (EXT_LIMIT), however many bytes a copy of it kept: the
 * record of a capture cut at the window is the record of the whole packet.
 * Otherwise the bytes ended first: the packet's, or a capture's cut short
 * inside the window (TRUNC).
 */
static inline __u16 tcrec_missing_flag(__u32 end, __u32 wire_len)
{
	return end > TCREC_HDR_WIN && end <= wire_len ? TCREC_F_EXT_LIMIT : TCREC_F_TRUNC;
}

#endif
