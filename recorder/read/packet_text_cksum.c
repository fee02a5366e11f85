/* SPDX-License-Identifier: MIT */
/* Transport checksums for -v, from the kept bytes: tcpdump checks them
 * against the address the packet is finally bound for, which a source
 * route or routing header names. */
#include "packet_text_parts.h"

/* The last hop of an IPv4 LSRR or SSRR option, or the header's address. */
static const uint8_t *ipv4_final_dst(const uint8_t *ip, unsigned hlen)
{
	for (unsigned i = 20; i < hlen;) {
		uint8_t code = ip[i];
		if (code == 0)
			break;
		unsigned len = 1;
		if (code != 1) {
			if (i + 1 >= hlen || ip[i + 1] < 2)
				break;
			len = ip[i + 1];
		}
		if (i + len > hlen)
			break;
		if ((code == 131 || code == 137) && len >= 7)
			return ip + i + len - 4;
		i += len;
	}
	return ip + 16;
}

/* The last address of a type 0 or 2 routing header, the first segment of
 * a segment routing header, or the header's destination. */
static const uint8_t *ipv6_final_dst(const uint8_t *ip6, size_t end)
{
	uint8_t nh = ip6[6];
	size_t off = 40;
	for (int n = 0; n < 16 && off + 8 <= end; n++) {
		const uint8_t *h = ip6 + off;
		if (nh == 0 || nh == 60 || nh == 135 || nh == 62) {
			off += (h[1] + 1u) * 8;
		} else if (nh == 44) {
			off += 8;
		} else if (nh == 43) {
			unsigned len = h[1];
			if (len % 2)
				break;
			if (h[2] == 4)
				return off + 24 <= end ? h + 8 : ip6 + 24;
			if (h[2] == 0 || h[2] == 2) {
				size_t last = off + 8 + 16u * (len / 2);
				return len && last <= end ? ip6 + last - 16 : ip6 + 24;
			}
			break;
		} else {
			break;
		}
		nh = h[0];
	}
	return ip6 + 24;
}

/*
 * field_off: where the checksum field is in the transport header; pseudo:
 * whether the IP pseudo-header counts (not for ICMP over IPv4). False when
 * the bytes end before len bytes of the transport header and payload.
 */
bool pt_l4_cksum(const struct tcrec_record *r, const uint8_t *bytes, unsigned len,
		 unsigned field_off, bool pseudo, uint16_t *field, uint16_t *sum)
{
	const uint8_t *l4 = pt_l4_bytes(r, bytes, len);
	struct l3_view v = pt_l3_bytes(r, bytes);
	if (!l4 || len < field_off + 2)
		return false;
	uint32_t s = 0;
	if (pseudo && pt_rec_is_v4(r)) {
		s = pt_sum16(v.p + 12, 4, s);
		s = pt_sum16(ipv4_final_dst(v.p, r->ip_hlen), 4, s);
		s += r->ip_proto + (len & 0xffffu);
	} else if (pseudo) {
		size_t end = v.len < 40u + r->ip_len ? v.len : 40u + r->ip_len;
		s = pt_sum16(v.p + 8, 16, s);
		s = pt_sum16(ipv6_final_dst(v.p, end), 16, s);
		s += r->ip_proto + (len >> 16) + (len & 0xffffu);
	}
	s = pt_sum16(l4, len, s);
	*field = be16(l4 + field_off);
	*sum = pt_fold(s);
	return true;
}
