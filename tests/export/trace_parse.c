/* SPDX-License-Identifier: MIT */
#include "trace_parse.h"

#include <string.h>

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void parse_l4(const uint8_t *p, size_t len, struct tcrec_record *r)
{
	switch (r->ip_proto) {
	case 6:
		if (len < 20)
			goto trunc;
		r->sport = rd16(p);
		r->dport = rd16(p + 2);
		r->tcp_seq = rd32(p + 4);
		r->tcp_ack = rd32(p + 8);
		r->tcp_hlen = (uint8_t)((p[12] >> 4) * 4);
		r->tcp_flags = p[13];
		r->tcp_win = rd16(p + 14);
		break;
	case 17:
		if (len < 8)
			goto trunc;
		r->sport = rd16(p);
		r->dport = rd16(p + 2);
		r->udp_len = rd16(p + 4);
		break;
	case 132:
		if (len < 12)
			goto trunc;
		r->sport = rd16(p);
		r->dport = rd16(p + 2);
		break;
	case 1:
	case 58:
		if (len < 8)
			goto trunc;
		r->icmp_type = p[0];
		r->icmp_code = p[1];
		if ((r->ip_proto == 1 && (p[0] == 0 || p[0] == 8)) ||
		    (r->ip_proto == 58 && (p[0] == 128 || p[0] == 129))) {
			r->icmp_id = rd16(p + 4);
			r->icmp_seq = rd16(p + 6);
		}
		break;
	default:
		return;
	}
	r->flags |= TCREC_F_L4;
	return;
trunc:
	r->flags |= TCREC_F_TRUNC;
}

static void parse_ipv4(const uint8_t *p, size_t len, struct tcrec_record *r)
{
	if (len < 20 || (p[0] >> 4) != 4) {
		r->flags |= TCREC_F_TRUNC;
		return;
	}
	r->flags |= TCREC_F_IPV4;
	r->ip_hlen = (uint8_t)((p[0] & 15) * 4);
	r->tos = p[1];
	r->ip_len = rd16(p + 2);
	r->ip_id = rd16(p + 4);
	r->frag_off = rd16(p + 6);
	r->ttl = p[8];
	r->ip_proto = p[9];
	memcpy(r->saddr, p + 12, 4);
	memcpy(r->daddr, p + 16, 4);
	if (r->frag_off & (TCREC_IP_MF | TCREC_IP_OFFMASK))
		r->flags |= TCREC_F_FRAG;
	if (r->frag_off & TCREC_IP_OFFMASK)
		return;
	if (r->ip_hlen < 20 || r->ip_hlen > len) {
		r->flags |= TCREC_F_TRUNC;
		return;
	}
	parse_l4(p + r->ip_hlen, len - r->ip_hlen, r);
}

static void parse_ipv6(const uint8_t *p, size_t len, struct tcrec_record *r)
{
	if (len < 40 || (p[0] >> 4) != 6) {
		r->flags |= TCREC_F_TRUNC;
		return;
	}
	r->flags |= TCREC_F_IPV6;
	uint32_t w = rd32(p);
	r->tos = (uint8_t)(w >> 20);
	r->ip_id = w & 0xfffff;
	r->ip_len = rd16(p + 4);
	r->ttl = p[7];
	memcpy(r->saddr, p + 8, 16);
	memcpy(r->daddr, p + 24, 16);
	uint8_t nh = p[6];
	size_t off = 40;
	for (int i = 0; i < 8; i++) {
		size_t hl;
		if (nh == 0 || nh == 43 || nh == 60) {
			if (off + 8 > len)
				goto trunc;
			hl = (size_t)(p[off + 1] + 1) * 8;
		} else if (nh == 51) {
			if (off + 8 > len)
				goto trunc;
			hl = (size_t)(p[off + 1] + 2) * 4;
		} else if (nh == 44) {
			if (off + 8 > len)
				goto trunc;
			hl = 8;
			r->flags |= TCREC_F_FRAG;
			r->frag_off = rd16(p + off + 2) & 0xfff9;
		} else {
			break;
		}
		nh = p[off];
		off += hl;
		if (i == 7 && (nh == 0 || nh == 43 || nh == 60 || nh == 51 || nh == 44)) {
			r->flags |= TCREC_F_EXT_LIMIT;
			r->ip_proto = nh;
			r->ip_hlen = (uint8_t)(off > 255 ? 255 : off);
			return;
		}
	}
	r->ip_proto = nh;
	r->ip_hlen = (uint8_t)(off > 255 ? 255 : off);
	if ((r->flags & TCREC_F_FRAG) && (r->frag_off >> 3))
		return;
	if (off > len)
		goto trunc;
	parse_l4(p + off, len - off, r);
	return;
trunc:
	r->flags |= TCREC_F_TRUNC;
}

void trace_parse(const uint8_t *pkt, uint32_t caplen, uint32_t wire_len, struct tcrec_record *r)
{
	memset(r, 0, sizeof(*r));
	r->wire_len = wire_len;
	if (caplen < 14) {
		r->flags |= TCREC_F_TRUNC;
		return;
	}
	memcpy(r->dmac, pkt, 6);
	memcpy(r->smac, pkt + 6, 6);
	size_t off = 12;
	uint16_t et = rd16(pkt + off);
	while ((et == 0x8100 || et == 0x88a8) && off + 6 <= caplen) {
		if (r->vlan_count == 3) {
			r->flags |= TCREC_F_VLAN_MORE;
			break;
		}
		r->vlan_tpid[r->vlan_count] = et;
		r->vlan_tci[r->vlan_count] = rd16(pkt + off + 2);
		r->vlan_count++;
		off += 4;
		et = rd16(pkt + off);
	}
	r->ethertype = et;
	off += 2;
	if (et == 0x0800)
		parse_ipv4(pkt + off, caplen - off, r);
	else if (et == 0x86dd)
		parse_ipv6(pkt + off, caplen - off, r);
}
