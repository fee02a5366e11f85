/* SPDX-License-Identifier: MIT */
/* IPv4 and what every IP printer shares: addresses, lengths, where the
 * transport header starts in the kept bytes. */
#include "packet_text_parts.h"

#include <arpa/inet.h>
#include <stdio.h>

bool pt_rec_is_v4(const struct tcrec_record *r)
{
	return r->flags & TCREC_F_IPV4;
}

void pt_put_addr(struct sbuf *b, const struct tcrec_record *r, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];
	if (!inet_ntop(pt_rec_is_v4(r) ? AF_INET : AF_INET6, a, s, sizeof(s)))
		snprintf(s, sizeof(s), "?");
	sb_printf(b, "%s", s);
}

/* Payload length after the network header, from the IP length field (as
 * tcpdump counts it, not from what was captured). */
unsigned pt_ip_payload(const struct tcrec_record *r)
{
	unsigned total, hdr;
	if (pt_rec_is_v4(r)) {
		total = r->ip_len;
		hdr = r->ip_hlen;
	} else {
		/* IPv6 ip_len is the payload length; ip_hlen counts the fixed
		 * header too. */
		total = r->ip_len + 40u;
		hdr = r->ip_hlen;
	}
	return total > hdr ? total - hdr : 0;
}

/* Where the TCP header starts in the captured bytes, or NULL. */
const uint8_t *pt_l4_bytes(const struct tcrec_record *r, const uint8_t *bytes, size_t need)
{
	struct l3_view v = pt_l3_bytes(r, bytes);
	if (!v.p || v.len < (size_t)r->ip_hlen + need)
		return NULL;
	return v.p + r->ip_hlen;
}

/* tcpdump flags an IP packet whose length field claims more than the frame
 * carried (sic: no space after the IPv6 one). */
void pt_put_ip_missing(struct sbuf *b, const struct tcrec_record *r)
{
	unsigned l3 = TCREC_ETH_HLEN + 4u * r->vlan_count;
	unsigned have = r->wire_len > l3 ? r->wire_len - l3 : 0;
	unsigned want = pt_rec_is_v4(r) ? r->ip_len : r->ip_len + 40u;
	if (want > have)
		sb_printf(b, "truncated-ip%s - %u bytes missing!%s", pt_rec_is_v4(r) ? "" : "6",
			     want - have, pt_rec_is_v4(r) ? " " : "");
}

void pt_put_ipv4(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		 const struct packet_text_opts *o)
{
	if (r->ip_hlen < 20) {
		sb_printf(b, "bad-hlen %u", r->ip_hlen);
		return;
	}
	pt_put_ip_missing(b, r);
	if (r->ip_len < r->ip_hlen) {
		sb_printf(b, "bad-len %u", r->ip_len);
		return;
	}
	if (o->verbose) {
		struct l3_view v = r->cap_len ? pt_l3_bytes(r, bytes) : (struct l3_view){ NULL, 0 };
		if (!pt_put_ipv4_verbose(b, r, v.p, v.len))
			return;
	}
	if (r->frag_off & TCREC_IP_OFFMASK) {
		/* Not the first fragment: no transport header to read. */
		pt_put_endpoints(b, r, false);
		sb_printf(b, " ip-proto-%u", r->ip_proto);
		return;
	}
	pt_put_l4(b, r, bytes, false, o);
}
