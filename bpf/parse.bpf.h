/* SPDX-License-Identifier: MIT */
/*
 * Kernel-only header parsing for the capture program. The parser reads a
 * copy of the packet's first bytes as they were on the wire (struct
 * tcrec_scratch.data: an offloaded VLAN tag put back, on L3 devices an
 * Ethernet header synthesized in front) and fills a tcrec_record.
 *
 * Every read goes through hdr_at(): the constant bound lets the verifier
 * prove the access stays inside the map value, the `avail` bound says
 * whether the packet really has those bytes.
 */
#ifndef TCREC_PARSE_BPF_H
#define TCREC_PARSE_BPF_H

#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bpf/parse.h"
#include "bpf/tcrec.h"

struct tcrec_scratch {
	__u64 walk_off; /* see forget_range() */
	struct tcrec_record rec;
	__u8 data[TCREC_SNAP_MAX]; /* right after rec: the two go out as one sample */
};

/* Every path through the IPv6 extension header walk leaves a different
 * offset range behind, and the verifier would explore each combination
 * (tens of thousands of states). A round trip through map memory makes the
 * offset an unknown scalar again, so the paths meet and are pruned; the
 * next hdr_at() bounds it anew. */
static __always_inline __u64 forget_range(struct tcrec_scratch *s, __u64 off)
{
	*(volatile __u64 *)&s->walk_off = off;
	return *(volatile __u64 *)&s->walk_off;
}

struct parse_ctx {
	struct tcrec_scratch *s;
	__u32 avail; /* valid bytes in s->data */
	__u32 len;   /* bytes in the packet, as on the wire */
};

static __always_inline const __u8 *hdr_at(const struct parse_ctx *p, __u64 off, __u32 size)
{
	/* 64-bit off: clang must check the same register it then adds */
	if (off > TCREC_HDR_WIN - size)
		return NULL;
	if (off + size > p->avail)
		return NULL;
	return &p->s->data[off];
}

/* A header hdr_at() refused: the packet ends before it (TRUNC), or it lies
 * past the parse window, which only a long IPv6 extension header chain can
 * push it to (EXT_LIMIT). The rule is user space's too (bpf/parse.h). */
static __always_inline void missed(const struct parse_ctx *p, struct tcrec_record *r, __u32 off,
				   __u32 size)
{
	r->flags |= tcrec_missing_flag(off + size, p->len);
}

static __always_inline __u16 rd16(const __u8 *b)
{
	return ((__u16)b[0] << 8) | b[1];
}

static __always_inline __u32 rd32(const __u8 *b)
{
	return ((__u32)b[0] << 24) | ((__u32)b[1] << 16) | ((__u32)b[2] << 8) | b[3];
}

static __always_inline void parse_l4(const struct parse_ctx *p, struct tcrec_record *r, __u32 off)
{
	const __u8 *h;
	__u32 need = TCREC_PORTS_HLEN;

	switch (r->ip_proto) {
	case TCREC_IPPROTO_TCP:
		need = TCREC_TCP_HLEN_MIN;
		h = hdr_at(p, off, TCREC_TCP_HLEN_MIN);
		if (!h)
			goto trunc;
		r->sport = rd16(h);
		r->dport = rd16(h + 2);
		r->tcp_seq = rd32(h + 4);
		r->tcp_ack = rd32(h + 8);
		r->tcp_hlen = (h[12] >> 4) * 4;
		r->tcp_flags = h[13];
		r->tcp_win = rd16(h + 14);
		break;
	case TCREC_IPPROTO_UDP:
	case TCREC_IPPROTO_UDPLITE:
		need = TCREC_UDP_HLEN;
		h = hdr_at(p, off, TCREC_UDP_HLEN);
		if (!h)
			goto trunc;
		r->sport = rd16(h);
		r->dport = rd16(h + 2);
		r->udp_len = rd16(h + 4);
		break;
	case TCREC_IPPROTO_SCTP:
		h = hdr_at(p, off, TCREC_PORTS_HLEN);
		if (!h)
			goto trunc;
		r->sport = rd16(h);
		r->dport = rd16(h + 2);
		break;
	case TCREC_IPPROTO_ICMP:
	case TCREC_IPPROTO_ICMPV6:
		h = hdr_at(p, off, TCREC_PORTS_HLEN);
		if (!h)
			goto trunc;
		r->icmp_type = h[0];
		r->icmp_code = h[1];
		if (tcrec_icmp_is_echo(r->ip_proto, h[0])) {
			need = TCREC_ICMP_ECHO_HLEN;
			h = hdr_at(p, off, TCREC_ICMP_ECHO_HLEN);
			if (!h)
				goto trunc;
			r->icmp_id = rd16(h + 4);
			r->icmp_seq = rd16(h + 6);
		}
		break;
	default:
		return;
	}
	r->flags |= TCREC_F_L4;
	return;
trunc:
	missed(p, r, off, need);
}

/* Returns the L4 header offset, or -1 when there is no L4 header to parse. */
static __always_inline int parse_ipv4(const struct parse_ctx *p, struct tcrec_record *r, __u32 off)
{
	const __u8 *h = hdr_at(p, off, TCREC_IPV4_HLEN_MIN);

	if (!h) {
		missed(p, r, off, TCREC_IPV4_HLEN_MIN);
		return -1;
	}
	if ((h[0] >> 4) != 4)
		return -1;
	r->flags |= TCREC_F_IPV4;
	r->tos = h[1];
	r->ip_len = rd16(h + 2);
	r->ip_id = rd16(h + 4);
	r->frag_off = rd16(h + 6);
	r->ttl = h[8];
	r->ip_proto = h[9];
	__builtin_memcpy(r->saddr, h + 12, 4);
	__builtin_memcpy(r->daddr, h + 16, 4);

	__u32 hlen = (h[0] & 0x0f) * 4;
	r->ip_hlen = hlen;
	if (hlen < TCREC_IPV4_HLEN_MIN) {
		r->flags |= TCREC_F_TRUNC;
		return -1;
	}
	if (r->frag_off & (TCREC_IP_MF | TCREC_IP_OFFMASK))
		r->flags |= TCREC_F_FRAG;
	/* only the first fragment carries the L4 header */
	if (r->frag_off & TCREC_IP_OFFMASK)
		return -1;
	return off + hlen;
}

static __always_inline int parse_ipv6(const struct parse_ctx *p, struct tcrec_record *r, __u32 off)
{
	const __u8 *h = hdr_at(p, off, TCREC_IPV6_HLEN);

	if (!h) {
		missed(p, r, off, TCREC_IPV6_HLEN);
		return -1;
	}
	if ((h[0] >> 4) != 6)
		return -1;
	r->flags |= TCREC_F_IPV6;
	r->tos = (h[0] << 4) | (h[1] >> 4);
	r->ip_id = rd32(h) & 0xfffff;
	r->ip_len = rd16(h + 4);
	r->ttl = h[7];
	__builtin_memcpy(r->saddr, h + 8, 16);
	__builtin_memcpy(r->daddr, h + 24, 16);

	__u8 nh = h[6];
	__u32 start = off;
	int later_frag = 0;

	off += TCREC_IPV6_HLEN;
	for (int i = 0; i < TCREC_IPV6_EXT_MAX; i++) {
		if (!tcrec_ipv6_is_ext(nh))
			break;
		h = hdr_at(p, off, TCREC_IPV6_EXT_HLEN_MIN);
		if (!h) {
			r->ip_proto = nh;
			r->ip_hlen = off - start;
			missed(p, r, off, TCREC_IPV6_EXT_HLEN_MIN);
			return -1;
		}
		if (nh == TCREC_NEXTHDR_FRAGMENT) {
			__u16 fo = rd16(h + 2);

			/* offset<<3 | M, the two reserved bits dropped */
			r->frag_off = fo & 0xfff9;
			r->flags |= TCREC_F_FRAG;
			later_frag = (fo & 0xfff8) != 0;
			off += 8;
		} else if (nh == TCREC_NEXTHDR_AUTH) {
			off += ((__u32)h[1] + 2) * 4;
		} else {
			off += ((__u32)h[1] + 1) * 8;
		}
		nh = h[0];
		off = forget_range(p->s, off);
	}
	r->ip_proto = nh;
	r->ip_hlen = off - start > 255 ? 255 : off - start;
	if (tcrec_ipv6_is_ext(nh)) {
		r->flags |= TCREC_F_EXT_LIMIT;
		return -1;
	}
	if (later_frag)
		return -1;
	return off;
}

/* IP by r->ethertype at off, then its L4 header. */
static __always_inline void parse_l3(const struct parse_ctx *p, struct tcrec_record *r, int off)
{
	if (off < 0)
		return;
	if (r->ethertype == TCREC_ETH_P_IP)
		off = parse_ipv4(p, r, off);
	else if (r->ethertype == TCREC_ETH_P_IPV6)
		off = parse_ipv6(p, r, off);
	else
		return;
	if (off >= 0)
		parse_l4(p, r, off);
}

/* Ethernet + VLAN tags; the offloaded tag, if any, is already in the bytes
 * at offset 12, so up to TCREC_VLAN_INPKT_MAX + vlan_skb tags are read.
 * Returns the L3 offset, or -1 when there is nothing more to parse. */
static __always_inline int parse_eth(const struct parse_ctx *p, struct tcrec_record *r, int vlan_skb)
{
	const __u8 *h = hdr_at(p, 0, TCREC_ETH_HLEN);
	__u32 off = TCREC_ETH_HLEN;

	if (!h) {
		missed(p, r, 0, TCREC_ETH_HLEN);
		return -1;
	}
	__builtin_memcpy(r->dmac, h, 6);
	__builtin_memcpy(r->smac, h + 6, 6);
	__u16 proto = rd16(h + 12);
	__u32 max_tags = TCREC_VLAN_INPKT_MAX + (vlan_skb ? 1 : 0);

	/* one more round than max_tags so that an extra tag is noticed */
	for (__u32 i = 0; i < TCREC_VLAN_MAX + 1; i++) {
		if (proto != TCREC_ETH_P_8021Q && proto != TCREC_ETH_P_8021AD)
			break;
		if (i >= max_tags) {
			r->flags |= TCREC_F_VLAN_MORE;
			r->ethertype = proto;
			return -1;
		}
		h = hdr_at(p, off, TCREC_VLAN_HLEN);
		if (!h) {
			missed(p, r, off, TCREC_VLAN_HLEN);
			r->ethertype = proto;
			return -1;
		}
		r->vlan_tpid[i] = proto;
		r->vlan_tci[i] = rd16(h);
		r->vlan_count = i + 1;
		proto = rd16(h + 2);
		off += TCREC_VLAN_HLEN;
	}
	r->ethertype = proto;
	return off;
}

#endif
