/* SPDX-License-Identifier: MIT */
/* IPv6 and its extension headers, named as tcpdump names them. */
#include "packet_text_parts.h"

#include <arpa/inet.h>

#include "formats/packet_parse.h"

static bool is_ipv6_ext(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60;
}

/* tcpdump's name for an extension header in its "[|name]" */
static const char *ipv6_ext_cut_name(uint8_t nh)
{
	switch (nh) {
	case 0: return "hbhopt";
	case 43: return "rt6";
	case 44: return "frag6";
	case 51: return "ah";
	default: return "dstopt";
	}
}

/* tcpdump follows any chain of extension headers, however long, but a line
 * must stay a line (print's buffer is 4 KiB): at most this many headers,
 * routing addresses and AH ICV bytes, and no further header once the line
 * is this long. */
#define IPV6_EXT_PRINT_MAX 16
#define RT6_ADDR_PRINT_MAX 16
#define AH_ICV_PRINT_MAX 64
#define IPV6_EXT_LINE_MAX 2048

/* Hop-by-hop options are checked for their framing even without -v;
 * false when an option runs past the header (tcpdump: "[|hbhopt]"). */
static bool hbh_options_framed(const uint8_t *h, size_t hlen)
{
	for (size_t i = 2; i < hlen;) {
		if (h[i] == 0) {
			i++;
			continue;
		}
		if (i + 1 >= hlen || i + h[i + 1] + 2u > hlen)
			return false;
		i += h[i + 1] + 2u;
	}
	return true;
}

/* "RT6 (len=.., type=.., segleft=.., [0]addr)" as far as the bytes go;
 * returns false where they end (the marker is printed). */
static bool put_rt6(struct sbuf *b, const uint8_t *h, size_t have, bool verbose)
{
	char a[INET6_ADDRSTRLEN];
	sb_printf(b, " RT6");
	if (have < 2)
		goto cut;
	sb_printf(b, " (len=%u", h[1]);
	if (have < 3)
		goto cut;
	sb_printf(b, ", type=%u%s", h[2], h[2] == 0 ? " [Deprecated]" : "");
	if (have < 4)
		goto cut;
	sb_printf(b, ", segleft=%u", h[3]);
	if (h[2] != 0 && h[2] != 2 && h[2] != 4) {
		sb_printf(b, " (unknown type) (invalid)");
		return false;
	}
	if (have < 8)
		goto cut;
	if (h[2] == 4) {
		/* segment routing header */
		sb_printf(b, ", last-entry=%u", h[4]);
		if (h[5] || verbose)
			sb_printf(b, ", flags=0x%x", h[5]);
		sb_printf(b, ", tag=%x", be16(h + 6));
	} else if (be32(h + 4) || verbose) {
		sb_printf(b, ", rsv=0x%x", be32(h + 4));
	}
	if (h[1] % 2) {
		sb_printf(b, " (invalid length %u) (invalid)", h[1]);
		return false;
	}
	for (unsigned i = 0; i < h[1] / 2u; i++) {
		if (i == RT6_ADDR_PRINT_MAX) {
			sb_printf(b, ", ...");
			break;
		}
		if (have < 8 + 16 * (i + 1u))
			goto cut;
		inet_ntop(AF_INET6, h + 8 + 16 * i, a, sizeof(a));
		sb_printf(b, ", [%u]%s", i, a);
	}
	sb_printf(b, ")");
	return true;
cut:
	sb_printf(b, " [|rt6]");
	return false;
}

/* "AH(spi=..,seq=..,icv=0x..): " as far as the bytes go. */
static bool put_ah(struct sbuf *b, const uint8_t *h, size_t have, size_t hlen, bool verbose)
{
	sb_printf(b, " AH");
	if (have < 2)
		goto cut;
	sb_printf(b, "(");
	if (verbose)
		sb_printf(b, "length=%u(%zu-bytes),", h[1], hlen);
	if (have < 4)
		goto cut;
	if (be16(h + 2))
		sb_printf(b, "reserved=0x%x[MustBeZero],", be16(h + 2));
	if (have < 8)
		goto cut;
	sb_printf(b, "spi=0x%08x,", be32(h + 4));
	if (have < 12)
		goto cut;
	sb_printf(b, "seq=0x%x,icv=0x", be32(h + 8));
	for (size_t i = 12; i < hlen; i++) {
		if (i == 12 + AH_ICV_PRINT_MAX) {
			sb_printf(b, "...");
			break;
		}
		if (i >= have)
			goto cut;
		sb_printf(b, "%02x", h[i]);
	}
	sb_printf(b, "):");
	return true;
cut:
	sb_printf(b, " [|ah]");
	return false;
}

/*
 * The extension headers of an IPv6 packet whose bytes were kept, named as
 * tcpdump names them, then the transport part. The record gives the
 * transport fields where its parser walked as far; past a chain longer
 * than the parser follows, they come from the bytes.
 */
static void put_ipv6_chain(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
			   const uint8_t *ip6, size_t caplen, const struct packet_text_opts *o)
{
	/* tcpdump reads nothing past the IP length */
	size_t end = caplen;
	if (r->ip_len && end > 40u + r->ip_len)
		end = 40u + r->ip_len;
	uint8_t nh = ip6[6];
	size_t off = 40;
	for (unsigned n = 0; is_ipv6_ext(nh); n++) {
		const uint8_t *h = ip6 + off;
		size_t have = end > off ? end - off : 0, hlen;
		if (n == IPV6_EXT_PRINT_MAX || b->len > IPV6_EXT_LINE_MAX) {
			sb_printf(b, " ...");
			return;
		}
		switch (nh) {
		case 0:
		case 60:
			if (have < 2 || have < (h[1] + 1u) * 8) {
				sb_printf(b, "  [|%s]", ipv6_ext_cut_name(nh));
				return;
			}
			hlen = (h[1] + 1u) * 8;
			sb_printf(b, nh ? " DSTOPT" : " HBH");
			if (!nh && !hbh_options_framed(h, hlen)) {
				sb_printf(b, "  [|hbhopt]");
				return;
			}
			if (o->verbose)
				pt_put_ip6_options(b, h, hlen, !nh, r->ip_len);
			break;
		case 43:
			if (!put_rt6(b, h, have, o->verbose))
				return;
			hlen = (h[1] + 1u) * 8;
			break;
		case 44: {
			/* -v names the identification, 4 bytes further */
			if (have < (o->verbose ? 8u : 4u)) {
				sb_printf(b, "  [|frag6]");
				return;
			}
			unsigned fo = be16(h + 2) & 0xfff8u;
			sb_printf(b, " frag (");
			if (o->verbose)
				sb_printf(b, "0x%08x:", be32(h + 4));
			sb_printf(b, "%u|%zu)", fo, (size_t)40 + r->ip_len - off - 8);
			/* a later fragment has nothing to decode; tcpdump also
			 * stops where the bytes end with the fragment header */
			if (fo || end <= off + 8)
				return;
			hlen = 8;
			break;
		}
		default: /* 51 */
			hlen = have >= 2 ? (h[1] + 2u) * 4 : 0;
			if (!put_ah(b, h, have, hlen, o->verbose))
				return;
			break;
		}
		nh = h[0];
		off += hlen;
	}
	if (off == r->ip_hlen && nh == r->ip_proto) {
		pt_put_l4(b, r, bytes, true, o);
	} else if ((r->flags & TCREC_F_EXT_LIMIT) && off <= 255) {
		struct tcrec_record past = *r;
		past.ip_hlen = (uint8_t)off;
		past.flags &= (uint16_t)~TCREC_F_EXT_LIMIT;
		packet_parse_l4(nh, ip6 + off, caplen > off ? (uint32_t)(caplen - off) : 0, &past);
		pt_put_l4(b, &past, bytes, true, o);
	} else {
		pt_put_l4(b, r, bytes, true, o);
	}
}

void pt_put_ipv6(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		 const struct packet_text_opts *o)
{
	struct l3_view v = r->cap_len ? pt_l3_bytes(r, bytes) : (struct l3_view){ NULL, 0 };
	pt_put_ip_missing(b, r);
	if (o->verbose)
		pt_put_ipv6_verbose(b, r, v.p, v.len);
	if (r->ip_hlen <= 40 && !is_ipv6_ext(r->ip_proto)) {
		pt_put_l4(b, r, bytes, false, o);
		return;
	}
	pt_put_endpoints(b, r, false);
	if (v.p && v.len >= 40) {
		put_ipv6_chain(b, r, bytes, v.p, v.len, o);
		return;
	}
	/* Without bytes the headers cannot be named; the record knows a
	 * fragment header, and which header the packet ended in. */
	if (r->flags & TCREC_F_FRAG) {
		unsigned off = r->frag_off & 0xfff8u;
		sb_printf(b, " frag (%u|%u)", off, pt_ip_payload(r));
		if (off)
			return;
	}
	if ((r->flags & TCREC_F_TRUNC) && is_ipv6_ext(r->ip_proto)) {
		sb_printf(b, "  [|%s]", ipv6_ext_cut_name(r->ip_proto));
		return;
	}
	pt_put_l4(b, r, bytes, true, o);
}
