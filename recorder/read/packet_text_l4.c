/* SPDX-License-Identifier: MIT */
/* The transport part of a line: addresses and ports, UDP and SCTP, and the
 * choice of printer for the others. */
#include "packet_text_parts.h"
#include "packet_text_app.h"

/* "a.b.c.d.port > e.f.g.h.port:" or, without ports, "a > b:". */
void pt_put_endpoints(struct sbuf *b, const struct tcrec_record *r, bool ports)
{
	pt_put_addr(b, r, r->saddr);
	if (ports)
		sb_printf(b, ".%u", r->sport);
	sb_printf(b, " > ");
	pt_put_addr(b, r, r->daddr);
	if (ports)
		sb_printf(b, ".%u", r->dport);
	sb_printf(b, ":");
}

/* "a.sport > b.dport:", or "sport > dport:" after IPv6 extension headers
 * (tcpdump names the addresses of such a packet once, before them). */
static void put_ports(struct sbuf *b, const struct tcrec_record *r, uint16_t sport, uint16_t dport,
		      bool after_ext)
{
	if (after_ext) {
		sb_printf(b, " %u > %u:", sport, dport);
		return;
	}
	pt_put_addr(b, r, r->saddr);
	sb_printf(b, ".%u > ", sport);
	pt_put_addr(b, r, r->daddr);
	sb_printf(b, ".%u:", dport);
}

/* The ports of a transport header the capture parser found cut short (it
 * wants the whole header), when the kept bytes hold them: tcpdump names
 * them before saying where the capture ended. */
static bool cut_ports(const struct tcrec_record *r, const uint8_t *bytes, uint16_t *sport,
		      uint16_t *dport)
{
	const uint8_t *h = pt_l4_bytes(r, bytes, 4);
	if (!h)
		return false;
	*sport = be16(h);
	*dport = be16(h + 2);
	return true;
}

/* -v on IPv6, -vv on IPv4 (where the checksum may be absent): the UDP
 * checksum, when the datagram was kept whole and is not fragmented. */
static void put_udp_cksum(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
			  unsigned len, const struct packet_text_opts *o)
{
	uint16_t field, sum;
	bool v4 = pt_rec_is_v4(r);
	if (!o->verbose || (v4 && o->verbose < 2) || (r->flags & TCREC_F_FRAG))
		return;
	const uint8_t *h = pt_l4_bytes(r, bytes, 8);
	if (v4 && h && !be16(h + 6)) {
		sb_printf(b, " [no cksum]");
		return;
	}
	if (!pt_l4_cksum(r, bytes, len, 6, true, &field, &sum))
		return;
	if (sum)
		sb_printf(b, " [bad udp cksum 0x%04x -> 0x%04x!]", field, pt_cksum_shouldbe(field, sum));
	else
		sb_printf(b, " [udp sum ok]");
}

static void put_udp(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		    const struct packet_text_opts *o)
{
	unsigned len = pt_ip_payload(r);
	unsigned ulen = r->udp_len;
	if (len < 8) {
		sb_printf(b, " truncated-udp %u", len);
		return;
	}
	if (ulen < 8) {
		sb_printf(b, " truncated-udplength %u", ulen);
		return;
	}
	/* tcpdump takes the smaller of the UDP and IP lengths, and calls a UDP
	 * length beyond the IP one bad, except in a fragment, which carries
	 * part of a longer datagram. */
	ulen -= 8;
	len -= 8;
	if (ulen < len)
		len = ulen;
	put_udp_cksum(b, r, bytes, len + 8, o);
	if (!o->quiet && pt_put_dns(b, r, bytes, len)) /* tcpdump -q decodes no payload */
		return;
	if (ulen > len && !(r->flags & TCREC_F_FRAG))
		sb_printf(b, " UDP, bad length %u > %u", ulen, len);
	else
		sb_printf(b, " UDP, length %u", ulen);
}

/*
 * The transport part. tcpdump's IP printers name the addresses before any
 * protocol but TCP, UDP and SCTP, whose printers name addresses and ports
 * themselves; after IPv6 extension headers the addresses came first, so
 * TCP and UDP name only the ports. Where the capture ended inside the
 * header, the line ends in tcpdump's "[|proto]".
 */
void pt_put_l4(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
	       bool after_ext, const struct packet_text_opts *o)
{
	bool l4 = r->flags & TCREC_F_L4;
	uint16_t sp, dp;
	uint8_t p = r->ip_proto;
	if (p != TCREC_IPPROTO_TCP && p != TCREC_IPPROTO_UDP && p != TCREC_IPPROTO_SCTP && !after_ext)
		pt_put_endpoints(b, r, false);
	switch (p) {
	case TCREC_IPPROTO_TCP:
		if (l4) {
			put_ports(b, r, r->sport, r->dport, after_ext);
			pt_put_tcp(b, r, bytes, o);
		} else if (cut_ports(r, bytes, &sp, &dp)) {
			put_ports(b, r, sp, dp, after_ext);
			sb_printf(b, "  [|tcp]");
		} else {
			/* Not even the ports: tcpdump names the addresses, after
			 * extension headers too. */
			sb_printf(b, "%s", after_ext ? " " : "");
			pt_put_endpoints(b, r, false);
			sb_printf(b, " [|tcp]");
		}
		return;
	case TCREC_IPPROTO_UDP:
		if (l4) {
			put_ports(b, r, r->sport, r->dport, after_ext);
			put_udp(b, r, bytes, o);
		} else if (cut_ports(r, bytes, &sp, &dp)) {
			put_ports(b, r, sp, dp, after_ext);
			sb_printf(b, "  [|udp]");
		} else if (after_ext) {
			sb_printf(b, "  [|udp]");
		} else {
			pt_put_endpoints(b, r, false);
			sb_printf(b, "  [|udp]");
		}
		return;
	case TCREC_IPPROTO_SCTP:
		sb_printf(b, "%s", after_ext ? " " : "");
		if (!l4) {
			sb_printf(b, " [|sctp]");
			return;
		}
		pt_put_endpoints(b, r, true);
		sb_printf(b, " sctp");
		/* tcpdump goes on with the chunks, which only the bytes hold:
		 * where they were kept but end before the first one, it says so */
		if (r->cap_len && bytes && pt_l3_bytes(r, bytes).p && pt_ip_payload(r) > 12 &&
			  !pt_l4_bytes(r, bytes, 16))
			sb_printf(b, " [|sctp]");
		return;
	case TCREC_IPPROTO_ICMP:
		if (l4)
			pt_put_icmp(b, r, bytes, o);
		else
			sb_printf(b, "  [|icmp]");
		return;
	case TCREC_IPPROTO_ICMPV6:
		if (l4) {
			pt_put_icmp6(b, r, bytes, o);
		} else {
			/* With the type byte kept, tcpdump names the message first. */
			const uint8_t *h = pt_l4_bytes(r, bytes, 1);
			const char *name = h ? pt_icmp6_name(h[0]) : NULL;
			if (name)
				sb_printf(b, " ICMP6, %s [|icmp6]", name);
			else if (h)
				sb_printf(b, " ICMP6, unknown icmp6 type (%u) [|icmp6]", h[0]);
			else
				sb_printf(b, "  [|icmp6]");
		}
		return;
	case 59:
		sb_printf(b, " no next header");
		return;
	default:
		sb_printf(b, "  ip-proto-%u %u", p, pt_ip_payload(r)); /* sic: two spaces */
		return;
	}
}
