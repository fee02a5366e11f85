/* SPDX-License-Identifier: MIT */
/* The options of IPv6 hop-by-hop and destination headers, which tcpdump
 * names with -v. */
#include "packet_text_parts.h"

#include <arpa/inet.h>

/* sub-options of a home address option */
static void put_sub_options(struct sbuf *b, const uint8_t *p, size_t len)
{
	size_t olen;
	for (size_t i = 0; i < len && !pt_line_full(b); i += olen) {
		olen = p[i] ? (i + 1 < len ? p[i + 1] + 2u : 0) : 1;
		if (!olen || i + olen > len)
			return;
		if (p[i] == 0)
			sb_printf(b, ", pad1");
		else if (p[i] == 1)
			sb_printf(b, ", padn");
		else
			sb_printf(b, ", sopt_type 0x%02x: len=%u", p[i], p[i + 1]);
	}
}

static void put_jumbo(struct sbuf *b, uint32_t jlen, bool hbh, unsigned plen, bool *seen)
{
	if (*seen)
		sb_printf(b, "(jumbo: %u - already seen) ", jlen);
	else if (!hbh)
		sb_printf(b, "(jumbo: %u - not a hop-by-hop option) ", jlen);
	else if (plen)
		sb_printf(b, "(jumbo: %u - payload len != 0) ", jlen);
	else if (jlen < 65536)
		sb_printf(b, "(jumbo: %u - < 65536) ", jlen);
	else
		sb_printf(b, "(jumbo: %u) ", jlen);
	*seen = true;
}

/*
 * The options after the first two bytes of a header of hlen bytes (all
 * captured), in tcpdump -v's words; plen is the IPv6 payload length (a
 * jumbo payload needs it 0). Stops where an option is malformed, as the
 * plain line already says what tcpdump says of that.
 */
void pt_put_ip6_options(struct sbuf *b, const uint8_t *h, size_t hlen, bool hbh, unsigned plen)
{
	const uint8_t *p = h + 2;
	size_t len = hlen - 2, olen;
	bool jumbo = false;
	sb_printf(b, " ");
	for (size_t i = 0; i < len; i += olen) {
		olen = p[i] ? (i + 1 < len ? p[i + 1] + 2u : 0) : 1;
		if (!olen || i + olen > len)
			return;
		const uint8_t *o = p + i;
		if (pt_line_full(b))
			return;
		switch (o[0]) {
		case 0:
			sb_printf(b, "(pad1)");
			break;
		case 1:
			sb_printf(b, "(padn)");
			break;
		case 5:
			if (o[1] != 2)
				return;
			sb_printf(b, "(rtalert: 0x%04x) ", be16(o + 2));
			break;
		case 0xc2:
			if (o[1] != 4)
				return;
			put_jumbo(b, be32(o + 2), hbh, plen, &jumbo);
			break;
		case 0xc9: {
			char a[INET6_ADDRSTRLEN];
			if (o[1] < 16)
				return;
			inet_ntop(AF_INET6, o + 2, a, sizeof(a));
			sb_printf(b, "(homeaddr: %s", a);
			if (o[1] > 16)
				put_sub_options(b, o + 18, olen - 18);
			sb_printf(b, ")");
			break;
		}
		default:
			sb_printf(b, "(opt_type 0x%02x: len=%u)", o[0], o[1]);
			break;
		}
	}
}
