/* SPDX-License-Identifier: MIT */
/*
 * The identity of a packet across vantage points. In: 5-tuple, IPv4 ID or
 * IPv6 flow label, fragment field, IP and UDP lengths, TCP seq/ack/flags/
 * window/header length, ICMP type/code/id/seq, and for non-IP frames the
 * ethertype and L2 payload length. Out: everything a router or a bridge may
 * change on the way (MACs, VLAN tags, TTL, TOS/ECN, checksums).
 */
#include "diff_key.h"

#include <string.h>

#include "diff_hash.h"

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

static void payload_hash(const struct tcrec_record *r, const struct packet_l3 *pl,
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

/* Word-at-a-time hashing of the fields, no intermediate buffer: this runs
 * once per packet per side. */
static inline uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 32);
}

static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

void diff_pkt_from_record(const struct tcrec_record *r, const struct packet_l3 *pl,
			  struct diff_pkt *p)
{
	struct diff_flowkey *f = &p->flow;
	uint32_t l3_off = pl->l3_known ? pl->l3_off : 14u + 4u * r->vlan_count;
	uint32_t l2len = r->wire_len > l3_off ? r->wire_len - l3_off : 0;
	uint32_t l3_total;
	uint64_t h = 0x6b6579, fh = 0x666c6f77;

	memset(f, 0, sizeof(*f));
	if (r->flags & (TCREC_F_IPV4 | TCREC_F_IPV6)) {
		bool v6 = r->flags & TCREC_F_IPV6;
		bool l4 = r->flags & TCREC_F_L4;
		size_t alen = v6 ? 16 : 4;
		f->family = v6 ? 6 : 4;
		f->proto = r->ip_proto;
		memcpy(f->saddr, r->saddr, alen);
		memcpy(f->daddr, r->daddr, alen);
		if (l4) {
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
		/* the flow key's addresses are the record's with IPv4 padding zeroed */
		h = mix(h, rd64(f->saddr));
		h = mix(h, rd64(f->saddr + 8));
		h = mix(h, rd64(f->daddr));
		h = mix(h, rd64(f->daddr + 8));
		h = mix(h, (uint64_t)r->ip_id | (uint64_t)r->ip_len << 32 | (uint64_t)r->frag_off << 48);
		h = mix(h, (uint64_t)f->family | (uint64_t)r->ip_proto << 8);
		if (l4) {
			h = mix(h, (uint64_t)r->tcp_seq | (uint64_t)r->tcp_ack << 32);
			h = mix(h, (uint64_t)r->sport | (uint64_t)r->dport << 16 |
					   (uint64_t)r->tcp_win << 32 | (uint64_t)r->udp_len << 48);
			h = mix(h, (uint64_t)r->icmp_id | (uint64_t)r->icmp_seq << 16 |
					   (uint64_t)r->tcp_flags << 32 | (uint64_t)r->tcp_hlen << 40 |
					   (uint64_t)r->icmp_type << 48 | (uint64_t)r->icmp_code << 56);
		}
		l3_total = v6 ? (uint32_t)r->ip_len + 40 : r->ip_len;
		/* jumbograms and TSO super-packets may carry 0: fall back to the wire */
		if (r->ip_len == 0)
			l3_total = l2len;
	} else {
		f->ethertype = r->ethertype;
		h = mix(h, (uint64_t)r->ethertype | (uint64_t)l2len << 16 | 0xffull << 56);
		l3_total = l2len;
	}
	p->l3_bytes = l3_total;
	p->key = diff_fmix64(h);
	fh = mix(fh, rd64(f->saddr));
	fh = mix(fh, rd64(f->saddr + 8));
	fh = mix(fh, rd64(f->daddr));
	fh = mix(fh, rd64(f->daddr + 8));
	fh = mix(fh, (uint64_t)f->sport | (uint64_t)f->dport << 16 | (uint64_t)f->ethertype << 32 |
			     (uint64_t)f->family << 48 | (uint64_t)f->proto << 56);
	p->flow_hash = diff_fmix64(fh);
	payload_hash(r, pl, l3_total, p);
}
