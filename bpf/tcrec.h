/* SPDX-License-Identifier: MIT */
/*
 * The contract between the capture program and user space: the v1 packet
 * record, the counters and the sizes that also size kernel maps.
 *
 * Layout rules: fixed-width types only, largest fields first, explicit
 * padding, host byte order for every integer unless the name ends in _be.
 * The log format stores this record field by field (see formats/FORMAT.md),
 * so a change here is a format change.
 */
#ifndef TCREC_H
#define TCREC_H

#include <linux/types.h>

#define TCREC_RECORD_VERSION 1

/* Largest number of packet bytes one record can carry (`-s 0`). Bounded by
 * the per-CPU scratch buffer the kernel side copies through (per-CPU map
 * values are limited to 32 KiB). */
#define TCREC_SNAP_MAX 16384

/* Interfaces one recording can hold; sizes the counter map. */
#define TCREC_MAX_IFACES 1024

/* direction */
#define TCREC_DIR_IN 0
#define TCREC_DIR_OUT 1

/* parse-status flags (tcrec_record.flags); which of TRUNC and EXT_LIMIT a
 * header that could not be read gets: tcrec_missing_flag() in bpf/parse.h */
#define TCREC_F_VLAN_SKB (1u << 0)   /* vlan_tci[0] came from the skb (offloaded) */
#define TCREC_F_IPV4 (1u << 1)
#define TCREC_F_IPV6 (1u << 2)
#define TCREC_F_L4 (1u << 3)         /* ports / TCP / ICMP fields are valid */
#define TCREC_F_FRAG (1u << 4)       /* IPv4 or IPv6 fragment */
#define TCREC_F_TRUNC (1u << 5)      /* the packet ended before a header we wanted */
#define TCREC_F_EXT_LIMIT (1u << 6)  /* gave up on a long IPv6 extension header chain */
#define TCREC_F_NO_ETH (1u << 7)     /* L3 device: Ethernet header synthesized, MACs zero */
#define TCREC_F_VLAN_MORE (1u << 8)  /* more in-packet VLAN tags than the record holds */

/* IPv4 frag_off bits, as in the header (host order) */
#define TCREC_IP_DF 0x4000
#define TCREC_IP_MF 0x2000
#define TCREC_IP_OFFMASK 0x1fff

/*
 * One packet. ts_ns is CLOCK_MONOTONIC (bpf_ktime_get_ns) in the ring buffer
 * and wall-clock ns (UNIX epoch) everywhere in user space after the recorder
 * converts it once.
 * Addresses: IPv4 in the first 4 bytes of saddr/daddr, the rest zero.
 * vlan_tci[] are the tags in wire order, outermost first, vlan_tpid[] their
 * ethertypes (0x8100 or 0x88a8); vlan_count says how many are valid.
 * l4 fields: for TCP/UDP/SCTP sport/dport; for ICMP/ICMPv6 icmp_type/code and,
 * for echo, icmp_id/icmp_seq.
 */
struct tcrec_record {
	__u64 ts_ns;
	__u32 ifindex;       /* the interface's slot (see struct tcrec_ifslot) */
	__u32 wire_len;      /* skb->len as seen on the hook (+4 when a VLAN tag was offloaded,
			      * +14 on L3 devices: their bytes start with the synthesized header) */
	__u32 tcp_seq;
	__u32 tcp_ack;
	__u32 mark;          /* skb->mark */
	__u32 ip_id;         /* IPv4 identification, or IPv6 flow label (20 bits) */
	__u32 drops;         /* ring-buffer drops on this CPU/interface/direction since the previous record */
	__u32 cap_len;       /* packet bytes that follow the record */
	__u8 saddr[16];
	__u8 daddr[16];
	__u8 smac[6];
	__u8 dmac[6];
	__u16 ethertype;     /* after all VLAN tags */
	__u16 vlan_tci[3];
	__u16 vlan_tpid[3];
	__u16 ip_len;        /* IPv4 total length, or IPv6 payload length */
	__u16 frag_off;      /* IPv4 flags+offset; IPv6: offset<<3 | M bit, as in the fragment header */
	__u16 sport;
	__u16 dport;
	__u16 tcp_win;
	__u16 udp_len;       /* UDP length field */
	__u16 icmp_id;
	__u16 icmp_seq;
	__u16 flags;         /* TCREC_F_* */
	__u8 dir;            /* TCREC_DIR_* */
	__u8 vlan_count;
	__u8 ip_proto;       /* IPv4 protocol, or the IPv6 next header after extension headers */
	__u8 ttl;            /* TTL or hop limit */
	__u8 tos;            /* TOS or traffic class */
	__u8 ip_hlen;        /* IPv4 header length in bytes, or 40 + extension headers for IPv6 */
	__u8 tcp_flags;      /* FIN..CWR, byte 13 of the TCP header */
	__u8 tcp_hlen;       /* TCP header length in bytes */
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 pad[2];
	/* The local socket the packet belongs to: its cookie (SO_COOKIE),
	 * 0 = none known (forwarded, no socket, or not yet attributed). The
	 * owner is in the socket table (struct tcrec_sockinfo; in logs, struct
	 * tclog_sock), never in the record. */
	__u64 sock_cookie;
};

_Static_assert(sizeof(struct tcrec_record) == 136, "tcrec_record is 136 bytes");
_Static_assert(__builtin_offsetof(struct tcrec_record, sock_cookie) == 128, "sock_cookie offset");
_Static_assert(__builtin_offsetof(struct tcrec_record, saddr) == 40, "saddr offset");
_Static_assert(__builtin_offsetof(struct tcrec_record, ethertype) == 84, "ethertype offset");
_Static_assert(__builtin_offsetof(struct tcrec_record, flags) == 114, "flags offset");

/* Key of the interface -> slot map the recorder fills before attaching:
 * an ifindex is unique only within its network namespace. netns_cookie is
 * 0 when one namespace is recorded (or the kernel cannot tell a tc program
 * its namespace). */
struct tcrec_ifkey {
	__u64 netns_cookie;
	__u32 ifindex;
	__u32 pad;
};

/* Its value. */
struct tcrec_ifslot {
	__u32 slot;  /* index into the interface table, < TCREC_MAX_IFACES */
	__u32 no_eth; /* 1 on L3 devices: the packet starts at the IP header */
};

/* Per CPU, per (interface slot, direction): index = slot * 2 + dir. */
struct tcrec_counters {
	__u64 seen;
	__u64 recorded;
	__u64 filtered;
	__u64 dropped;       /* ring buffer full */
	__u64 pending_drops; /* drops not yet reported in a record's drops field */
};

#define TCREC_COMM_LEN 16

/* Who owns a socket, as the kernel side saw it once: when it was created
 * (socket(2)) or found already open when recording started. An accepted
 * socket carries its listener's owner.
 * Value of the socket map, keyed by cookie. */
struct tcrec_sockinfo {
	__u64 cookie;
	__u64 cgroup_id;     /* cgroup v2 id (the cgroup directory's inode) */
	__u32 pid;           /* thread group id, in the initial pid namespace */
	__u32 tid;           /* the thread that created or accepted it */
	__u32 uid;
	__u32 flags;         /* TCREC_SOCK_* */
	char comm[TCREC_COMM_LEN];
};
#define TCREC_SOCK_CREATED 1u  /* seen at socket(2) */
#define TCREC_SOCK_SEEDED 4u   /* open before recording started */
#define TCREC_SOCK_SELECTED 8u /* in the cgroup record --cgroup keeps */

#endif
