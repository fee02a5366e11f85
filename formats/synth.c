/* SPDX-License-Identifier: MIT */
#include "synth.h"

#include <stdbool.h>
#include <string.h>

#include "bpf/parse.h"

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return p + 4;
}

uint16_t synth_ip_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Options are replaced by an end-of-options marker and zero padding: the
 * header keeps its length, and no reader mistakes the padding for options. */
static uint8_t *put_ipv4(uint8_t *p, const struct tcrec_record *r, uint8_t fill)
{
	unsigned hlen = r->ip_hlen;
	if (hlen < 20 || hlen > 60 || hlen & 3)
		hlen = 20;
	uint8_t *h = p;
	memset(h, 0, 20);
	memset(h + 20, fill, hlen - 20);
	h[0] = (uint8_t)(0x40 | hlen / 4);
	/* A header length no header has is rebuilt as 20: the length nibble
	 * is then not the packet's. */
	if (hlen != r->ip_hlen && fill)
		h[0] = (uint8_t)(0x40 | (fill & 0x0f));
	h[1] = r->tos;
	put16(h + 2, r->ip_len);
	put16(h + 4, (uint16_t)r->ip_id);
	put16(h + 6, r->frag_off);
	h[8] = r->ttl;
	h[9] = r->ip_proto;
	memcpy(h + 12, r->saddr, 4);
	memcpy(h + 16, r->daddr, 4);
	/* The record does not keep the packet's own checksum: computed for a
	 * valid header, or the filler when a reader probes for unknown bytes. */
	put16(h + 10, fill ? (uint16_t)(fill << 8 | fill) : synth_ip_checksum(h, hlen));
	return p + hlen;
}

/* The extension headers' total length in bytes, or -1 when the record
 * cannot say: ip_hlen saturates at 255, and real chains are whole multiples
 * of 4 bytes of at least 8 (an AH header is 4-byte units, the rest 8). */
static int ipv6_ext_len(const struct tcrec_record *r)
{
	if (r->ip_hlen <= 40)
		return 0;
	unsigned ext = r->ip_hlen - 40u;
	bool frag = r->flags & TCREC_F_FRAG;
	if (ext & 3 || ext < 8 || (frag && ext == 12)) /* a fragment header and 4 bytes */
		return -1;
	return (int)ext;
}

/* Only a chain of one fragment header is known whole; of any other, the
 * record keeps the length, not which headers it holds. */
static bool ipv6_chain_known(const struct tcrec_record *r)
{
	int ext = ipv6_ext_len(r);
	return ext == 0 || (ext == 8 && (r->flags & TCREC_F_FRAG));
}

size_t synth_ipv6_chain_guesses(const struct tcrec_record *r, struct synth_chain_guess *out)
{
	static const uint8_t ext_types[] = { TCREC_NEXTHDR_HOP, TCREC_NEXTHDR_ROUTING,
					     TCREC_NEXTHDR_AUTH, TCREC_NEXTHDR_DEST,
					     TCREC_NEXTHDR_FRAGMENT };
	const size_t n_ext = sizeof(ext_types);
	if (!(r->flags & TCREC_F_IPV6) || r->ethertype != TCREC_ETH_P_IPV6 || ipv6_chain_known(r))
		return 0;
	size_t n = 0;
	for (size_t i = 0; i + 1 < n_ext; i++)
		out[n++] = (struct synth_chain_guess){ .first = ext_types[i] };
	/* A fragment header first, and more headers after it: its own next
	 * header is one of theirs. */
	if (r->flags & TCREC_F_FRAG)
		for (size_t i = 0; i < n_ext; i++)
			out[n++] = (struct synth_chain_guess){ .first = TCREC_NEXTHDR_FRAGMENT,
							       .after_frag = ext_types[i] };
	return n;
}

/* Rebuilt as one header of padding, a destination-options header or, when
 * the length is 4 bytes off whole 8-byte units, an AH header, followed by a
 * fragment header when the packet was a fragment. A probe (fill != 0) gets
 * all of that chain as fill, save a lone fragment header: which headers the
 * chain held, and in which order, is not known. */
static uint8_t *put_ipv6(uint8_t *p, const struct tcrec_record *r, uint8_t fill,
			 const struct synth_chain_guess *guess)
{
	int ext_len = ipv6_ext_len(r);
	/* of a chain of unknown length, the whole 8-byte units it surely has */
	unsigned ext = ext_len < 0 ? (r->ip_hlen > 40 ? (r->ip_hlen - 40u) & ~7u : 0)
				   : (unsigned)ext_len;
	int frag = (r->flags & TCREC_F_FRAG) && ext >= 8;
	unsigned pad_len = frag ? ext - 8 : ext;
	uint8_t pad_nh = pad_len & 4 ? TCREC_NEXTHDR_AUTH : TCREC_NEXTHDR_DEST;

	put32(p, 6u << 28 | (uint32_t)r->tos << 20 | (r->ip_id & 0xfffff));
	put16(p + 4, r->ip_len);
	p[6] = pad_len ? pad_nh : frag ? TCREC_NEXTHDR_FRAGMENT : r->ip_proto;
	p[7] = r->ttl;
	memcpy(p + 8, r->saddr, 16);
	memcpy(p + 24, r->daddr, 16);
	uint8_t *ip6 = p;
	p += 40;
	uint8_t *chain = p;
	if (pad_len) {
		memset(p, 0, pad_len);
		p[0] = frag ? TCREC_NEXTHDR_FRAGMENT : r->ip_proto;
		if (pad_nh == TCREC_NEXTHDR_AUTH) {
			p[1] = (uint8_t)(pad_len / 4 - 2);
		} else {
			p[1] = (uint8_t)(pad_len / 8 - 1);
			p[2] = 1; /* PadN over the rest */
			p[3] = (uint8_t)(pad_len - 4);
		}
		p += pad_len;
	}
	if (frag) {
		memset(p, 0, 4);
		memset(p + 4, fill, 4); /* identification: not recorded */
		p[0] = r->ip_proto;
		put16(p + 2, r->frag_off);
		/* nor the reserved byte, nor the two reserved bits beside M */
		p[1] = fill;
		p[3] |= fill & 0x06;
		p += 8;
	}
	if (ipv6_chain_known(r))
		return p;
	if (fill)
		memset(chain, fill, (size_t)(p - chain));
	if (guess) {
		ip6[6] = guess->first;
		if (guess->first == TCREC_NEXTHDR_FRAGMENT && p > chain)
			chain[0] = guess->after_frag;
	}
	return p;
}

static uint8_t *put_l4(uint8_t *p, const struct tcrec_record *r, uint8_t fill)
{
	switch (r->ip_proto) {
	case TCREC_IPPROTO_TCP: {
		unsigned hlen = r->tcp_hlen;
		if (hlen < 20 || hlen > 60 || hlen & 3)
			hlen = 20;
		memset(p, 0, 16);
		memset(p + 16, fill, hlen - 16); /* checksum, urgent pointer, options */
		put16(p, r->sport);
		put16(p + 2, r->dport);
		put32(p + 4, r->tcp_seq);
		put32(p + 8, r->tcp_ack);
		/* the record keeps the data offset, not the reserved bits (NS) */
		p[12] = (uint8_t)(hlen / 4 << 4 | (fill & 0x0f));
		p[13] = r->tcp_flags;
		put16(p + 14, r->tcp_win);
		return p + hlen;
	}
	case TCREC_IPPROTO_UDP:
		put16(p, r->sport);
		put16(p + 2, r->dport);
		put16(p + 4, r->udp_len);
		put16(p + 6, (uint16_t)(fill << 8 | fill));
		return p + 8;
	case TCREC_IPPROTO_SCTP:
		memset(p, fill, 12);
		put16(p, r->sport);
		put16(p + 2, r->dport);
		return p + 12;
	case TCREC_IPPROTO_ICMP:
	case TCREC_IPPROTO_ICMPV6:
		p[0] = r->icmp_type;
		p[1] = r->icmp_code;
		put16(p + 2, (uint16_t)(fill << 8 | fill));
		if (tcrec_icmp_is_echo(r->ip_proto, r->icmp_type)) {
			put16(p + 4, r->icmp_id);
			put16(p + 6, r->icmp_seq);
		} else {
			memset(p + 4, fill, 4); /* not kept: an MTU, a pointer, unused */
		}
		return p + 8;
	default:
		return p;
	}
}

static int has_l4(const struct tcrec_record *r)
{
	if (!(r->flags & TCREC_F_L4))
		return 0;
	/* Only a first fragment carries the L4 header. */
	if (r->flags & TCREC_F_IPV4)
		return (r->frag_off & TCREC_IP_OFFMASK) == 0;
	if (ipv6_ext_len(r) < 0)
		return 0; /* where the L4 header starts is not known */
	if (r->flags & TCREC_F_FRAG)
		return (r->frag_off >> 3) == 0;
	return 1;
}

size_t synth_headers(const struct tcrec_record *rec, uint8_t *buf)
{
	return synth_headers_guess(rec, buf, 0, NULL);
}

size_t synth_headers_guess(const struct tcrec_record *rec, uint8_t *buf, uint8_t fill,
			   const struct synth_chain_guess *guess)
{
	uint8_t *p = buf;
	memcpy(p, rec->dmac, 6);
	memcpy(p + 6, rec->smac, 6);
	p += 12;
	unsigned nvlan = rec->vlan_count < TCREC_VLAN_MAX ? rec->vlan_count : TCREC_VLAN_MAX;
	for (unsigned i = 0; i < nvlan; i++) {
		p = put16(p, rec->vlan_tpid[i] ? rec->vlan_tpid[i] : TCREC_ETH_P_8021Q);
		p = put16(p, rec->vlan_tci[i]);
	}
	p = put16(p, rec->ethertype);

	int l3 = 0;
	if ((rec->flags & TCREC_F_IPV4) && rec->ethertype == TCREC_ETH_P_IP) {
		p = put_ipv4(p, rec, fill);
		l3 = 1;
	} else if ((rec->flags & TCREC_F_IPV6) && rec->ethertype == TCREC_ETH_P_IPV6) {
		p = put_ipv6(p, rec, fill, guess);
		l3 = 1;
	}
	if (l3 && has_l4(rec))
		p = put_l4(p, rec, fill);

	size_t len = (size_t)(p - buf);
	return len < rec->wire_len ? len : rec->wire_len;
}
