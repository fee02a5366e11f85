/* SPDX-License-Identifier: MIT */
/*
 * The identity of a packet across vantage points. In: 5-tuple, IPv4 ID or
 * IPv6 flow label, fragment field, IP and UDP lengths, TCP seq/ack/flags/
 * window/header length, ICMP type/code/id/seq, and for non-IP frames the
 * ethertype and L2 payload length. Out: everything a router or a bridge may
 * change on the way (MACs, VLAN tags, TTL, TOS/ECN, checksums).
 */
#include <string.h>

#include "diff_pkt.h"

static uint64_t fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/* One multiply per word and a full avalanche at the end: enough for hash
 * tables and 64-bit equality, and cheap at several million packets/s. */
uint64_t diff_hash64(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ull);
	uint64_t w;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 32;
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 32;
	}
	return fmix64(h);
}

uint64_t diff_flowkey_hash(const struct diff_flowkey *k)
{
	return diff_hash64(k, sizeof(*k), 0x666c6f77);
}

struct keybuf {
	uint8_t saddr[16];
	uint8_t daddr[16];
	uint32_t ip_id;
	uint32_t tcp_seq;
	uint32_t tcp_ack;
	uint32_t l2len; /* non-IP only */
	uint16_t ip_len;
	uint16_t frag_off;
	uint16_t sport;
	uint16_t dport;
	uint16_t tcp_win;
	uint16_t udp_len;
	uint16_t icmp_id;
	uint16_t icmp_seq;
	uint16_t ethertype; /* non-IP only */
	uint8_t family;
	uint8_t proto;
	uint8_t tcp_flags;
	uint8_t tcp_hlen;
	uint8_t icmp_type;
	uint8_t icmp_code;
};

/* Fixed L4 header bytes before the hashed part; 0 when the payload starts
 * right after the IP header (non-first fragments, unknown protocols). TCP
 * options are hashed with the payload: they tell a retransmission from the
 * original (timestamps) where every other field is equal. */
static uint32_t l4_hdr_len(const struct tcrec_record *r)
{
	if (!(r->flags & TCREC_F_L4))
		return 0;
	switch (r->ip_proto) {
	case 6:
		return 20;
	case 17:
	case 136:
	case 1:
	case 58:
		return 8;
	case 132:
		return 12;
	default:
		return 0;
	}
}

static void payload_hash(const struct tcrec_record *r, const struct diff_payload *pl,
			 uint32_t l3_total, struct diff_pkt *p)
{
	p->has_pay = false;
	p->pay_hash = 0;
	if (!p->bytes || !pl->l3_known || (r->flags & (TCREC_F_TRUNC | TCREC_F_EXT_LIMIT)))
		return;
	uint32_t off, len;
	if (r->flags & (TCREC_F_IPV4 | TCREC_F_IPV6)) {
		bool later_frag = (r->flags & TCREC_F_FRAG) &&
				  ((r->flags & TCREC_F_IPV4) ? (r->frag_off & TCREC_IP_OFFMASK)
							     : (r->frag_off & 0xfff8));
		bool want_l4 = !later_frag && (r->ip_proto == 6 || r->ip_proto == 17 ||
					       r->ip_proto == 136 || r->ip_proto == 1 ||
					       r->ip_proto == 58 || r->ip_proto == 132);
		if (want_l4 && !(r->flags & TCREC_F_L4))
			return;
		uint32_t hdrs = r->ip_hlen + l4_hdr_len(r);
		off = pl->l3_off + hdrs;
		len = l3_total > hdrs ? l3_total - hdrs : 0;
	} else {
		off = pl->l3_off;
		len = l3_total;
	}
	if (len > DIFF_PAYLOAD_HASH_MAX)
		len = DIFF_PAYLOAD_HASH_MAX;
	/* The hashed length depends on the packet only, never on the snap
	 * length, so both sides hash the same bytes or one side abstains. */
	if (len == 0 || off + len > p->cap_len || off + len < off)
		return;
	p->pay_hash = diff_hash64(p->bytes + off, len, 0x7061796c);
	p->has_pay = true;
}

void diff_pkt_from_record(const struct tcrec_record *r, const struct diff_payload *pl,
			  struct diff_pkt *p)
{
	struct keybuf k;
	struct diff_flowkey *f = &p->flow;
	uint32_t l3_off = pl->l3_known ? pl->l3_off : 14u + 4u * r->vlan_count;
	uint32_t l2len = r->wire_len > l3_off ? r->wire_len - l3_off : 0;
	uint32_t l3_total;

	memset(&k, 0, sizeof(k));
	memset(f, 0, sizeof(*f));
	if (r->flags & (TCREC_F_IPV4 | TCREC_F_IPV6)) {
		bool v6 = r->flags & TCREC_F_IPV6;
		size_t alen = v6 ? 16 : 4;
		k.family = f->family = v6 ? 6 : 4;
		k.proto = f->proto = r->ip_proto;
		memcpy(k.saddr, r->saddr, alen);
		memcpy(k.daddr, r->daddr, alen);
		memcpy(f->saddr, r->saddr, alen);
		memcpy(f->daddr, r->daddr, alen);
		k.ip_id = r->ip_id;
		k.ip_len = r->ip_len;
		k.frag_off = r->frag_off;
		if (r->flags & TCREC_F_L4) {
			k.sport = r->sport;
			k.dport = r->dport;
			k.tcp_seq = r->tcp_seq;
			k.tcp_ack = r->tcp_ack;
			k.tcp_flags = r->tcp_flags;
			k.tcp_hlen = r->tcp_hlen;
			k.tcp_win = r->tcp_win;
			k.udp_len = r->udp_len;
			k.icmp_type = r->icmp_type;
			k.icmp_code = r->icmp_code;
			k.icmp_id = r->icmp_id;
			k.icmp_seq = r->icmp_seq;
			if (r->ip_proto == 1 || r->ip_proto == 58) {
				bool echo = (r->ip_proto == 1 && (r->icmp_type == 0 || r->icmp_type == 8)) ||
					    (r->ip_proto == 58 && (r->icmp_type == 128 || r->icmp_type == 129));
				f->sport = echo ? r->icmp_id : 0;
				f->dport = r->icmp_type;
			} else {
				f->sport = r->sport;
				f->dport = r->dport;
			}
		}
		l3_total = v6 ? (uint32_t)r->ip_len + 40 : r->ip_len;
		/* jumbograms and TSO super-packets may carry 0: fall back to the wire */
		if (r->ip_len == 0)
			l3_total = l2len;
	} else {
		k.ethertype = f->ethertype = r->ethertype;
		k.l2len = l2len;
		l3_total = l2len;
	}
	p->l3_bytes = l3_total;
	p->key = diff_hash64(&k, sizeof(k), 0x6b6579);
	p->flow_hash = diff_flowkey_hash(f);
	payload_hash(r, pl, l3_total, p);
}
