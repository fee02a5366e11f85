/* SPDX-License-Identifier: MIT */
/*
 * Same header window, same fragment and extension header handling as
 * bpf/parse.bpf.h, by the rules of bpf/parse.h: a pcap packet and a tcrec
 * record of the same packet must give the same fields, or a mixed diff
 * would report differences that are not there (tests/parse checks it).
 */
#include "packet_parse.h"

#include <errno.h>
#include <string.h>

#include "bpf/parse.h"

struct cursor {
	const uint8_t *b;
	uint32_t avail; /* bytes at b */
	uint32_t len;   /* bytes in the packet, as on the wire: avail or more */
};

static const uint8_t *at(const struct cursor *c, uint32_t off, uint32_t size)
{
	if (off > TCREC_HDR_WIN - size || off + size > c->avail)
		return NULL;
	return c->b + off;
}

/* A header at() refused: the same flag as the capture program's. */
static void missed(const struct cursor *c, struct tcrec_record *r, uint32_t off, uint32_t size)
{
	r->flags |= tcrec_missing_flag(off + size, c->len);
}

static uint16_t rd16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t rd32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void parse_l4(const struct cursor *c, struct tcrec_record *r, uint32_t off)
{
	const uint8_t *h;
	uint32_t need = TCREC_PORTS_HLEN;

	switch (r->ip_proto) {
	case TCREC_IPPROTO_TCP:
		need = TCREC_TCP_HLEN_MIN;
		if (!(h = at(c, off, need)))
			goto trunc;
		r->sport = rd16(h);
		r->dport = rd16(h + 2);
		r->tcp_seq = rd32(h + 4);
		r->tcp_ack = rd32(h + 8);
		r->tcp_hlen = (uint8_t)((h[12] >> 4) * 4);
		r->tcp_flags = h[13];
		r->tcp_win = rd16(h + 14);
		break;
	case TCREC_IPPROTO_UDP:
	case TCREC_IPPROTO_UDPLITE:
		need = TCREC_UDP_HLEN;
		if (!(h = at(c, off, need)))
			goto trunc;
		r->sport = rd16(h);
		r->dport = rd16(h + 2);
		r->udp_len = rd16(h + 4);
		break;
	case TCREC_IPPROTO_SCTP:
		if (!(h = at(c, off, need)))
			goto trunc;
		r->sport = rd16(h);
		r->dport = rd16(h + 2);
		break;
	case TCREC_IPPROTO_ICMP:
	case TCREC_IPPROTO_ICMPV6:
		if (!(h = at(c, off, need)))
			goto trunc;
		r->icmp_type = h[0];
		r->icmp_code = h[1];
		if (tcrec_icmp_is_echo(r->ip_proto, h[0])) {
			need = TCREC_ICMP_ECHO_HLEN;
			if (!(h = at(c, off, need)))
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
	missed(c, r, off, need);
}

static void parse_ipv4(const struct cursor *c, struct tcrec_record *r, uint32_t off)
{
	const uint8_t *h = at(c, off, TCREC_IPV4_HLEN_MIN);

	if (!h) {
		missed(c, r, off, TCREC_IPV4_HLEN_MIN);
		return;
	}
	if (h[0] >> 4 != 4)
		return;
	r->flags |= TCREC_F_IPV4;
	r->tos = h[1];
	r->ip_len = rd16(h + 2);
	r->ip_id = rd16(h + 4);
	r->frag_off = rd16(h + 6);
	r->ttl = h[8];
	r->ip_proto = h[9];
	memcpy(r->saddr, h + 12, 4);
	memcpy(r->daddr, h + 16, 4);
	uint32_t hlen = (h[0] & 0x0fu) * 4;
	r->ip_hlen = (uint8_t)hlen;
	if (hlen < TCREC_IPV4_HLEN_MIN) {
		r->flags |= TCREC_F_TRUNC;
		return;
	}
	if (r->frag_off & (TCREC_IP_MF | TCREC_IP_OFFMASK))
		r->flags |= TCREC_F_FRAG;
	if (r->frag_off & TCREC_IP_OFFMASK)
		return;
	parse_l4(c, r, off + hlen);
}

static void parse_ipv6(const struct cursor *c, struct tcrec_record *r, uint32_t off)
{
	const uint8_t *h = at(c, off, TCREC_IPV6_HLEN);

	if (!h) {
		missed(c, r, off, TCREC_IPV6_HLEN);
		return;
	}
	if (h[0] >> 4 != 6)
		return;
	r->flags |= TCREC_F_IPV6;
	r->tos = (uint8_t)(h[0] << 4 | h[1] >> 4);
	r->ip_id = rd32(h) & 0xfffff;
	r->ip_len = rd16(h + 4);
	r->ttl = h[7];
	memcpy(r->saddr, h + 8, 16);
	memcpy(r->daddr, h + 24, 16);

	uint8_t nh = h[6];
	uint32_t start = off;
	bool later_frag = false;

	off += TCREC_IPV6_HLEN;
	for (int i = 0; i < TCREC_IPV6_EXT_MAX && tcrec_ipv6_is_ext(nh); i++) {
		if (!(h = at(c, off, TCREC_IPV6_EXT_HLEN_MIN))) {
			r->ip_proto = nh;
			r->ip_hlen = (uint8_t)(off - start > 255 ? 255 : off - start);
			missed(c, r, off, TCREC_IPV6_EXT_HLEN_MIN);
			return;
		}
		if (nh == TCREC_NEXTHDR_FRAGMENT) {
			uint16_t fo = rd16(h + 2);
			r->frag_off = fo & 0xfff9;
			r->flags |= TCREC_F_FRAG;
			later_frag = (fo & 0xfff8) != 0;
			off += 8;
		} else if (nh == TCREC_NEXTHDR_AUTH) {
			off += ((uint32_t)h[1] + 2) * 4;
		} else {
			off += ((uint32_t)h[1] + 1) * 8;
		}
		nh = h[0];
	}
	r->ip_proto = nh;
	r->ip_hlen = (uint8_t)(off - start > 255 ? 255 : off - start);
	if (tcrec_ipv6_is_ext(nh)) {
		r->flags |= TCREC_F_EXT_LIMIT;
		return;
	}
	if (!later_frag)
		parse_l4(c, r, off);
}

static void parse_l3(const struct cursor *c, struct tcrec_record *r, uint32_t off)
{
	if (r->ethertype == TCREC_ETH_P_IP)
		parse_ipv4(c, r, off);
	else if (r->ethertype == TCREC_ETH_P_IPV6)
		parse_ipv6(c, r, off);
}

static void parse_eth(const struct cursor *c, struct tcrec_record *r, struct packet_l3 *pl)
{
	const uint8_t *h = at(c, 0, TCREC_ETH_HLEN);
	uint32_t off = TCREC_ETH_HLEN;

	if (!h) {
		missed(c, r, 0, TCREC_ETH_HLEN);
		return;
	}
	memcpy(r->dmac, h, 6);
	memcpy(r->smac, h + 6, 6);
	uint16_t proto = rd16(h + 12);
	for (int i = 0; proto == TCREC_ETH_P_8021Q || proto == TCREC_ETH_P_8021AD; i++) {
		if (i >= TCREC_VLAN_MAX) {
			r->flags |= TCREC_F_VLAN_MORE;
			r->ethertype = proto;
			return;
		}
		if (!(h = at(c, off, TCREC_VLAN_HLEN))) {
			missed(c, r, off, TCREC_VLAN_HLEN);
			r->ethertype = proto;
			return;
		}
		r->vlan_tpid[i] = proto;
		r->vlan_tci[i] = rd16(h);
		r->vlan_count = (uint8_t)(i + 1);
		proto = rd16(h + 2);
		off += TCREC_VLAN_HLEN;
	}
	r->ethertype = proto;
	pl->l3_off = off;
	pl->l3_known = true;
	parse_l3(c, r, off);
}

/* L3 with the protocol given by a cooked header (SLL/SLL2) or the IP version. */
static void parse_at_l3(const struct cursor *c, struct tcrec_record *r, struct packet_l3 *pl,
			uint32_t off, uint16_t proto)
{
	r->flags |= TCREC_F_NO_ETH;
	r->ethertype = proto;
	pl->l3_off = off;
	pl->l3_known = true;
	parse_l3(c, r, off);
}

void packet_parse_l4(uint8_t proto, const uint8_t *b, uint32_t avail, struct tcrec_record *rec)
{
	struct cursor c = { b, avail, avail };

	rec->ip_proto = proto;
	rec->flags &= (uint16_t)~(TCREC_F_L4 | TCREC_F_TRUNC);
	parse_l4(&c, rec, 0);
}

int packet_parse(int linktype, const uint8_t *b, uint32_t caplen, struct tcrec_record *rec,
		 struct packet_l3 *pl)
{
	/* the caller's wire length, if it set one: see packet_parse.h */
	struct cursor c = { b, caplen, rec->wire_len > caplen ? rec->wire_len : caplen };
	const uint8_t *h;

	pl->l3_off = 0;
	pl->l3_known = false;
	switch (linktype) {
	case PACKET_DLT_EN10MB:
		parse_eth(&c, rec, pl);
		return 0;
	case PACKET_DLT_RAW:
	case PACKET_DLT_IPV4:
	case PACKET_DLT_IPV6:
		if (caplen < 1) {
			rec->flags |= TCREC_F_TRUNC;
			return 0;
		}
		parse_at_l3(&c, rec, pl, 0, b[0] >> 4 == 6 ? TCREC_ETH_P_IPV6 : TCREC_ETH_P_IP);
		return 0;
	case PACKET_DLT_LINUX_SLL:
		if (!(h = at(&c, 0, 16))) {
			rec->flags |= TCREC_F_TRUNC;
			return 0;
		}
		parse_at_l3(&c, rec, pl, 16, rd16(h + 14));
		return 0;
	case PACKET_DLT_LINUX_SLL2:
		if (!(h = at(&c, 0, 20))) {
			rec->flags |= TCREC_F_TRUNC;
			return 0;
		}
		parse_at_l3(&c, rec, pl, 20, rd16(h));
		return 0;
	default:
		return -EPROTONOSUPPORT;
	}
}
