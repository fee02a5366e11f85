/* SPDX-License-Identifier: MIT */
/* tcpdump -v prints the IP packet an ICMP error quotes on a line of its
 * own, as it prints any IP packet. The quote is only in the bytes: it is
 * parsed into a record of its own and printed by the same printers. */
#include "packet_text_parts.h"

#include <stdlib.h>
#include <string.h>

#include "formats/packet_parse.h"

/* A quote inside a quote inside ... is possible in hostile bytes. */
#define QUOTE_DEPTH_MAX 4

static _Thread_local int quote_depth;

static bool icmp_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

void pt_put_icmp_quote(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		       const struct packet_text_opts *o)
{
	struct l3_view v = pt_l3_bytes(r, bytes);
	if (!o->verbose || !icmp_is_error(r->icmp_type) || !v.p || !r->cap_len)
		return;
	/* tcpdump reads nothing past the outer IP length */
	size_t end = v.len < r->ip_len ? v.len : r->ip_len;
	size_t at = (size_t)r->ip_hlen + 8;
	size_t avail = end > at ? end - at : 0;
	const uint8_t *q = v.p + at;
	sb_printf(b, "\n\t");
	if (avail < 4) {
		sb_printf(b, " [|icmp]");
		return;
	}
	unsigned ver = q[0] >> 4, qlen = be16(q + 2);
	if (ver != 4) {
		if (ver == 6)
			sb_printf(b, "IP6, wrong link-layer encapsulation (invalid)");
		else
			sb_printf(b, "IP%u (invalid)", ver);
		return;
	}
	if (!o->link)
		sb_printf(b, "IP ");
	if (avail < 20) {
		sb_printf(b, " [|ip]");
		return;
	}
	if (quote_depth >= QUOTE_DEPTH_MAX) {
		sb_printf(b, "...");
		return;
	}
	size_t n = avail < qlen ? avail : qlen;
	uint8_t *frame = calloc(1, TCREC_ETH_HLEN + n);
	if (!frame) {
		sb_printf(b, "...");
		return;
	}
	frame[12] = TCREC_ETH_P_IP >> 8;
	frame[13] = TCREC_ETH_P_IP & 0xff;
	memcpy(frame + TCREC_ETH_HLEN, q, n);
	struct tcrec_record in;
	memset(&in, 0, sizeof(in));
	/* tcpdump takes the quote's own length as the packet's */
	in.wire_len = TCREC_ETH_HLEN + (qlen > n ? qlen : (uint32_t)n);
	in.cap_len = (uint32_t)(TCREC_ETH_HLEN + n);
	struct packet_l3 l3;
	packet_parse(PACKET_DLT_EN10MB, frame, in.cap_len, &in, &l3);
	unsigned hlen = (q[0] & 0x0fu) * 4u;
	if (in.flags & TCREC_F_IPV4) {
		quote_depth++;
		pt_put_ipv4(b, &in, frame, o);
		quote_depth--;
	} else if (hlen < 20) {
		sb_printf(b, "bad-hlen %u", hlen);
	} else if (qlen < hlen) {
		sb_printf(b, "bad-len %u", qlen);
	} else {
		sb_printf(b, " [|ip]");
	}
	free(frame);
}
