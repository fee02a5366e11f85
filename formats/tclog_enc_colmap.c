/* SPDX-License-Identifier: MIT */
/*
 * Encoding 2's view of a record: the flow key (fields that stay constant
 * within a flow, stored once per flow and chunk) and the predicted fields
 * (stored only when the prediction misses). Every record field is in
 * exactly one of the two, except pad, which the format does not keep; in
 * v3 sock_cookie is a predicted field too (it holds the socket reference).
 */
#include <string.h>

#include "tclog_enc_columnar.h"
#include "tclog_le.h"

const uint8_t colz_width[CF_COUNT] = {
	[CF_IP_ID] = 32,     [CF_SEQ] = 32,       [CF_ACK] = 32,      [CF_IP_LEN] = 16,
	[CF_WIRE_LEN] = 32,  [CF_TCP_WIN] = 16,   [CF_TCP_FLAGS] = 8, [CF_CAP_LEN] = 32,
	[CF_FLAGS] = 16,     [CF_TTL] = 8,        [CF_TOS] = 8,       [CF_IP_HLEN] = 8,
	[CF_TCP_HLEN] = 8,   [CF_FRAG_OFF] = 16,  [CF_UDP_LEN] = 16,  [CF_ICMP_TYPE] = 8,
	[CF_ICMP_CODE] = 8,  [CF_ICMP_ID] = 16,   [CF_ICMP_SEQ] = 16, [CF_MARK] = 32,
	[CF_DROPS] = 32,     [CF_SOCK] = 16,
};

void colz_fields_get(const struct tcrec_record *r, uint32_t *v)
{
	v[CF_IP_ID] = r->ip_id;
	v[CF_SEQ] = r->tcp_seq;
	v[CF_ACK] = r->tcp_ack;
	v[CF_IP_LEN] = r->ip_len;
	v[CF_WIRE_LEN] = r->wire_len;
	v[CF_TCP_WIN] = r->tcp_win;
	v[CF_TCP_FLAGS] = r->tcp_flags;
	v[CF_CAP_LEN] = r->cap_len;
	v[CF_FLAGS] = r->flags;
	v[CF_TTL] = r->ttl;
	v[CF_TOS] = r->tos;
	v[CF_IP_HLEN] = r->ip_hlen;
	v[CF_TCP_HLEN] = r->tcp_hlen;
	v[CF_FRAG_OFF] = r->frag_off;
	v[CF_UDP_LEN] = r->udp_len;
	v[CF_ICMP_TYPE] = r->icmp_type;
	v[CF_ICMP_CODE] = r->icmp_code;
	v[CF_ICMP_ID] = r->icmp_id;
	v[CF_ICMP_SEQ] = r->icmp_seq;
	v[CF_MARK] = r->mark;
	v[CF_DROPS] = r->drops;
	v[CF_SOCK] = (uint16_t)r->sock_cookie;
}

/* v[] holds values already reduced to each field's width. */
void colz_fields_put(const uint32_t *v, struct tcrec_record *r)
{
	r->ip_id = v[CF_IP_ID];
	r->tcp_seq = v[CF_SEQ];
	r->tcp_ack = v[CF_ACK];
	r->ip_len = (uint16_t)v[CF_IP_LEN];
	r->wire_len = v[CF_WIRE_LEN];
	r->tcp_win = (uint16_t)v[CF_TCP_WIN];
	r->tcp_flags = (uint8_t)v[CF_TCP_FLAGS];
	r->cap_len = v[CF_CAP_LEN];
	r->flags = (uint16_t)v[CF_FLAGS];
	r->ttl = (uint8_t)v[CF_TTL];
	r->tos = (uint8_t)v[CF_TOS];
	r->ip_hlen = (uint8_t)v[CF_IP_HLEN];
	r->tcp_hlen = (uint8_t)v[CF_TCP_HLEN];
	r->frag_off = (uint16_t)v[CF_FRAG_OFF];
	r->udp_len = (uint16_t)v[CF_UDP_LEN];
	r->icmp_type = (uint8_t)v[CF_ICMP_TYPE];
	r->icmp_code = (uint8_t)v[CF_ICMP_CODE];
	r->icmp_id = (uint16_t)v[CF_ICMP_ID];
	r->icmp_seq = (uint16_t)v[CF_ICMP_SEQ];
	r->mark = v[CF_MARK];
	r->drops = v[CF_DROPS];
	r->sock_cookie = v[CF_SOCK];
}

/* Key layout (FORMAT.md): ifindex, saddr, daddr, smac, dmac, ethertype,
 * vlan_tci[3], vlan_tpid[3], sport, dport, dir, vlan_count, ip_proto. */
void colz_key_put(const struct tcrec_record *r, uint8_t k[COLZ_KEY_PAD])
{
	le32_put(k, r->ifindex);
	memcpy(k + 4, r->saddr, 16);
	memcpy(k + 20, r->daddr, 16);
	memcpy(k + 36, r->smac, 6);
	memcpy(k + 42, r->dmac, 6);
	le16_put(k + 48, r->ethertype);
	for (int i = 0; i < 3; i++) {
		le16_put(k + 50 + 2 * i, r->vlan_tci[i]);
		le16_put(k + 56 + 2 * i, r->vlan_tpid[i]);
	}
	le16_put(k + 62, r->sport);
	le16_put(k + 64, r->dport);
	k[66] = r->dir;
	k[67] = r->vlan_count;
	k[68] = r->ip_proto;
	memset(k + COLZ_KEY_SIZE, 0, COLZ_KEY_PAD - COLZ_KEY_SIZE);
}

void colz_key_get(const uint8_t k[COLZ_KEY_SIZE], struct tcrec_record *r)
{
	r->ifindex = le32_get(k);
	memcpy(r->saddr, k + 4, 16);
	memcpy(r->daddr, k + 20, 16);
	memcpy(r->smac, k + 36, 6);
	memcpy(r->dmac, k + 42, 6);
	r->ethertype = le16_get(k + 48);
	for (int i = 0; i < 3; i++) {
		r->vlan_tci[i] = le16_get(k + 50 + 2 * i);
		r->vlan_tpid[i] = le16_get(k + 56 + 2 * i);
	}
	r->sport = le16_get(k + 62);
	r->dport = le16_get(k + 64);
	r->dir = k[66];
	r->vlan_count = k[67];
	r->ip_proto = k[68];
}

static void xor_be(uint8_t *b, uint32_t cap, uint32_t off, uint32_t v, int n)
{
	if (off > cap || cap - off < (uint32_t)n)
		return;
	for (int i = 0; i < n; i++)
		b[off + i] ^= (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* The header fields the record already holds are XORed out of (or back
 * into) the captured bytes. Only the bytes move: whatever the packet
 * really holds there, applying this twice gives it back. */
void colz_bytes_xor(const struct tcrec_record *r, uint8_t *b)
{
	uint32_t l3 = 14 + 4u * r->vlan_count, l4 = l3 + r->ip_hlen, cap = r->cap_len;

	if (r->flags & TCREC_F_IPV4) {
		xor_be(b, cap, l3 + 2, r->ip_len, 2);
		xor_be(b, cap, l3 + 4, r->ip_id, 2);
	} else if (r->flags & TCREC_F_IPV6) {
		xor_be(b, cap, l3 + 4, r->ip_len, 2);
	} else {
		return;
	}
	if ((r->flags & TCREC_F_L4) && r->ip_proto == 6) {
		xor_be(b, cap, l4 + 4, r->tcp_seq, 4);
		xor_be(b, cap, l4 + 8, r->tcp_ack, 4);
		xor_be(b, cap, l4 + 14, r->tcp_win, 2);
	}
}
