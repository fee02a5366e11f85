/* SPDX-License-Identifier: MIT */
#include "packet_text.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Append-only line buffer: like snprintf, len counts what the whole line
 * needs even when buf is too short, so callers can size and retry. */
struct sbuf {
	char *p;
	size_t cap;
	size_t len;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char *dst = NULL;
	size_t room = 0;
	if (b->len < b->cap) {
		dst = b->p + b->len;
		room = b->cap - b->len;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
}

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_IPV6 0x86dd
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_HLEN 14

#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_SCTP_ 132

/* tcpdump's names for the ethertypes a capture commonly meets. */
static const char *ethertype_name(uint16_t et)
{
	switch (et) {
	case ETH_P_IP: return "IPv4";
	case ETH_P_ARP: return "ARP";
	case 0x8035: return "Reverse ARP";
	case ETH_P_IPV6: return "IPv6";
	case ETH_P_8021Q: return "802.1Q";
	case ETH_P_8021AD: return "802.1Q-QinQ";
	case 0x9100: return "802.1Q-9100";
	case 0x8847: return "MPLS unicast";
	case 0x8848: return "MPLS multicast";
	case 0x8863: return "PPPoE D";
	case 0x8864: return "PPPoE S";
	case 0x888e: return "EAPOL";
	case 0x88cc: return "LLDP";
	case 0x8809: return "Slow Protocols";
	case 0x88f7: return "PTP";
	case 0x8906: return "FCoE";
	case 0x9000: return "Loopback";
	default: return "Unknown";
	}
}

size_t packet_text_time(char *buf, size_t len, uint64_t ts_ns, bool nano)
{
	time_t sec = (time_t)(ts_ns / 1000000000u);
	uint64_t frac = ts_ns % 1000000000u;
	struct tm tm;
	char day[32];
	if (!localtime_r(&sec, &tm) || !strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(day, sizeof(day), "%lld", (long long)sec);
	int n = nano ? snprintf(buf, len, "%s.%09llu", day, (unsigned long long)frac)
		     : snprintf(buf, len, "%s.%06llu", day, (unsigned long long)(frac / 1000));
	return n > 0 ? (size_t)n : 0;
}

static void put_mac(struct sbuf *b, const uint8_t *m)
{
	sb_printf(b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static bool rec_is_v4(const struct tcrec_record *r)
{
	return r->flags & TCREC_F_IPV4;
}

static void put_addr(struct sbuf *b, const struct tcrec_record *r, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];
	if (!inet_ntop(rec_is_v4(r) ? AF_INET : AF_INET6, a, s, sizeof(s)))
		snprintf(s, sizeof(s), "?");
	sb_printf(b, "%s", s);
}

/* The bytes after the Ethernet and VLAN headers, when they were captured. */
struct l3_view {
	const uint8_t *p;
	size_t len;
};

static struct l3_view l3_bytes(const struct tcrec_record *r, const uint8_t *bytes)
{
	struct l3_view v = { NULL, 0 };
	if (!bytes || r->cap_len < ETH_HLEN)
		return v;
	size_t off = 12;
	uint16_t et = (uint16_t)(bytes[off] << 8 | bytes[off + 1]);
	/* Tags are bounded by what the record can hold plus the skb tag. */
	for (int i = 0; i < 4 && (et == ETH_P_8021Q || et == ETH_P_8021AD); i++) {
		off += 4;
		if (off + 2 > r->cap_len)
			return v;
		et = (uint16_t)(bytes[off] << 8 | bytes[off + 1]);
	}
	off += 2;
	v.p = bytes + off;
	v.len = r->cap_len - off;
	return v;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Bytes of the frame after the link headers, as tcpdump's "length" for
 * protocols it measures by the frame (ARP, LLC). */
static unsigned frame_payload(const struct tcrec_record *r)
{
	unsigned hdr = ETH_HLEN + 4u * r->vlan_count;
	return r->wire_len > hdr ? r->wire_len - hdr : 0;
}

static void put_arp(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		    const struct packet_text_opts *o)
{
	struct l3_view v = l3_bytes(r, bytes);
	unsigned len = frame_payload(r);
	if (!o->link)
		sb_printf(b, "ARP, ");
	/* Ethernet/IPv4 ARP only: the only kind tcpdump words this way. */
	if (v.p && v.len >= 28 && be16(v.p) == 1 && be16(v.p + 2) == ETH_P_IP && v.p[4] == 6 &&
	    v.p[5] == 4) {
		char spa[INET_ADDRSTRLEN], tpa[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, v.p + 14, spa, sizeof(spa));
		inet_ntop(AF_INET, v.p + 24, tpa, sizeof(tpa));
		uint16_t op = be16(v.p + 6);
		if (op == 1) {
			sb_printf(b, "Request who-has %s tell %s, ", tpa, spa);
		} else if (op == 2) {
			sb_printf(b, "Reply %s is-at ", spa);
			put_mac(b, v.p + 8);
			sb_printf(b, ", ");
		} else {
			sb_printf(b, "op %u, ", op);
		}
	}
	sb_printf(b, "length %u", len);
}

/* Payload length after the network header, from the IP length field (as
 * tcpdump counts it, not from what was captured). */
static unsigned ip_payload(const struct tcrec_record *r)
{
	unsigned total, hdr;
	if (rec_is_v4(r)) {
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

static void put_tcp_flags(struct sbuf *b, uint8_t f)
{
	static const struct {
		uint8_t bit;
		char c;
	} names[] = { { 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
		      { 0x10, '.' }, { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' } };
	char s[9];
	size_t n = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].bit)
			s[n++] = names[i].c;
	s[n] = 0;
	sb_printf(b, "Flags [%s]", n ? s : "none");
}

/* Where the TCP header starts in the captured bytes, or NULL. */
static const uint8_t *l4_bytes(const struct tcrec_record *r, const uint8_t *bytes, size_t need)
{
	struct l3_view v = l3_bytes(r, bytes);
	if (!v.p || v.len < (size_t)r->ip_hlen + need)
		return NULL;
	return v.p + r->ip_hlen;
}

static void put_tcp_options(struct sbuf *b, const uint8_t *opt, size_t len)
{
	sb_printf(b, ", options [");
	for (size_t i = 0; i < len;) {
		uint8_t kind = opt[i];
		if (i)
			sb_printf(b, ",");
		if (kind == 0) {
			sb_printf(b, "eol");
			break;
		}
		if (kind == 1) {
			sb_printf(b, "nop");
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len) {
			sb_printf(b, "bad opt");
			break;
		}
		const uint8_t *d = opt + i + 2;
		unsigned dl = opt[i + 1] - 2u;
		if (kind == 2 && dl == 2)
			sb_printf(b, "mss %u", be16(d));
		else if (kind == 3 && dl == 1)
			sb_printf(b, "wscale %u", d[0]);
		else if (kind == 4 && dl == 0)
			sb_printf(b, "sackOK");
		else if (kind == 5 && dl % 8 == 0) {
			sb_printf(b, "sack %u ", dl / 8);
			for (unsigned k = 0; k < dl; k += 8)
				sb_printf(b, "{%u:%u}", be32(d + k), be32(d + k + 4));
		} else if (kind == 8 && dl == 8)
			sb_printf(b, "TS val %u ecr %u", be32(d), be32(d + 4));
		else
			sb_printf(b, "unknown-%u", kind);
		i += opt[i + 1];
	}
	sb_printf(b, "]");
}

static void put_tcp(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes)
{
	unsigned len = ip_payload(r);
	if (r->tcp_hlen < 20) {
		sb_printf(b, " tcp %u [bad hdr length %u - too short, < 20]", len, r->tcp_hlen);
		return;
	}
	if (r->tcp_hlen > len) {
		sb_printf(b, " tcp %u [bad hdr length %u - too long, > %u]", len, r->tcp_hlen, len);
		return;
	}
	len -= r->tcp_hlen;
	sb_printf(b, " ");
	put_tcp_flags(b, r->tcp_flags);
	if (len > 0 || (r->tcp_flags & 0x07)) {
		sb_printf(b, ", seq %u", r->tcp_seq);
		if (len > 0)
			sb_printf(b, ":%u", (uint32_t)(r->tcp_seq + len));
	}
	if (r->tcp_flags & 0x10)
		sb_printf(b, ", ack %u", r->tcp_ack);
	sb_printf(b, ", win %u", r->tcp_win);
	const uint8_t *th = l4_bytes(r, bytes, r->tcp_hlen);
	if (th && (r->tcp_flags & 0x20))
		sb_printf(b, ", urg %u", be16(th + 18));
	if (th && r->tcp_hlen > 20)
		put_tcp_options(b, th + 20, r->tcp_hlen - 20u);
	sb_printf(b, ", length %u", len);
}

static void put_udp(struct sbuf *b, const struct tcrec_record *r)
{
	unsigned len = ip_payload(r);
	unsigned ulen = r->udp_len;
	if (ulen < 8) {
		sb_printf(b, " truncated-udplength %u", ulen);
		return;
	}
	/* tcpdump trusts the smaller of the UDP and IP lengths, except on a
	 * first fragment, where the UDP length is the whole datagram's. */
	ulen -= 8;
	len = len >= 8 ? len - 8 : 0;
	if ((r->flags & TCREC_F_FRAG) || (rec_is_v4(r) && (r->frag_off & TCREC_IP_MF)))
		len = ulen;
	sb_printf(b, " UDP, length %u", ulen < len ? ulen : len);
}

static const char *icmp_unreach_name(uint8_t code)
{
	static const char *const names[] = {
		"net unreachable", "host unreachable", "protocol unreachable",
		"port unreachable", "unreachable - need to frag", "source route failed",
		"net unknown", "host unknown", "host isolated", "net prohibited",
		"host prohibited", "net unreachable for tos", "host unreachable for tos",
		"unreachable - admin prohibited filter", "host precedence violation",
		"precedence cutoff",
	};
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "unreachable";
}

/* With the inner header captured, tcpdump names the address and port that
 * were unreachable; say the same when the bytes allow it. */
static bool put_icmp_unreach_inner(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes)
{
	const uint8_t *ih = l4_bytes(r, bytes, 8 + 20);
	if (!ih || r->icmp_code > 3)
		return false;
	ih += 8;
	char dst[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, ih + 16, dst, sizeof(dst));
	unsigned proto = ih[9], ihl = (ih[0] & 0x0fu) * 4u;
	switch (r->icmp_code) {
	case 0:
		sb_printf(b, " net %s unreachable", dst);
		return true;
	case 1:
		sb_printf(b, " host %s unreachable", dst);
		return true;
	case 2:
		sb_printf(b, " %s protocol %u unreachable", dst, proto);
		return true;
	default:
		break;
	}
	const uint8_t *ports = l4_bytes(r, bytes, 8 + ihl + 4);
	if (!ports || ihl < 20)
		return false;
	unsigned dport = be16(ports + 8 + ihl + 2);
	if (proto == IPPROTO_UDP_)
		sb_printf(b, " %s udp port %u unreachable", dst, dport);
	else if (proto == IPPROTO_TCP_)
		sb_printf(b, " %s tcp port %u unreachable", dst, dport);
	else
		sb_printf(b, " %s protocol %u port %u unreachable", dst, proto, dport);
	return true;
}

static void put_icmp(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes)
{
	unsigned len = ip_payload(r);
	sb_printf(b, " ICMP");
	switch (r->icmp_type) {
	case 0:
	case 8:
		sb_printf(b, " echo %s, id %u, seq %u", r->icmp_type ? "request" : "reply",
			  r->icmp_id, r->icmp_seq);
		break;
	case 3:
		if (!put_icmp_unreach_inner(b, r, bytes))
			sb_printf(b, " %s", icmp_unreach_name(r->icmp_code));
		break;
	case 4: sb_printf(b, " source quench"); break;
	case 5: sb_printf(b, " redirect"); break;
	case 9: sb_printf(b, " router advertisement"); break;
	case 10: sb_printf(b, " router solicitation"); break;
	case 11:
		sb_printf(b, r->icmp_code ? " ip reassembly time exceeded" : " time exceeded in-transit");
		break;
	case 12: sb_printf(b, " parameter problem"); break;
	case 13: {
		const uint8_t *ih = l4_bytes(r, bytes, 8);
		sb_printf(b, " time stamp query");
		if (ih)
			sb_printf(b, " id %u seq %u", be16(ih + 4), be16(ih + 6));
		break;
	}
	case 14: sb_printf(b, " time stamp reply"); break;
	case 15: sb_printf(b, " information request"); break;
	case 16: sb_printf(b, " information reply"); break;
	case 17: sb_printf(b, " address mask request"); break;
	case 18: sb_printf(b, " address mask reply"); break;
	default: sb_printf(b, " type-#%u", r->icmp_type); break;
	}
	sb_printf(b, ", length %u", len);
}

static const char *icmp6_name(uint8_t type)
{
	switch (type) {
	case 1: return "destination unreachable";
	case 2: return "packet too big";
	case 3: return "time exceeded in-transit";
	case 4: return "parameter problem";
	case 128: return "echo request";
	case 129: return "echo reply";
	case 130: return "multicast listener query";
	case 131: return "multicast listener report";
	case 132: return "multicast listener done";
	case 133: return "router solicitation";
	case 134: return "router advertisement";
	case 135: return "neighbor solicitation";
	case 136: return "neighbor advertisement";
	case 137: return "redirect";
	case 143: return "multicast listener report v2";
	default: return NULL;
	}
}

static void put_icmp6(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes)
{
	const char *name = icmp6_name(r->icmp_type);
	if (name)
		sb_printf(b, " ICMP6, %s", name);
	else
		sb_printf(b, " ICMP6, unknown icmp6 type (%u)", r->icmp_type);
	if (r->icmp_type == 128 || r->icmp_type == 129)
		sb_printf(b, ", id %u, seq %u", r->icmp_id, r->icmp_seq);
	const uint8_t *ih = l4_bytes(r, bytes, 8 + 16);
	if (ih && (r->icmp_type == 135 || r->icmp_type == 136)) {
		char tgt[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, ih + 8, tgt, sizeof(tgt));
		sb_printf(b, r->icmp_type == 135 ? ", who has %s" : ", tgt is %s", tgt);
	}
	sb_printf(b, ", length %u", ip_payload(r));
}

/* "a.b.c.d.port > e.f.g.h.port:" or, without ports, "a > b:". */
static void put_endpoints(struct sbuf *b, const struct tcrec_record *r, bool ports)
{
	put_addr(b, r, r->saddr);
	if (ports)
		sb_printf(b, ".%u", r->sport);
	sb_printf(b, " > ");
	put_addr(b, r, r->daddr);
	if (ports)
		sb_printf(b, ".%u", r->dport);
	sb_printf(b, ":");
}

static void put_l4(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		   bool ports_only)
{
	bool l4 = r->flags & TCREC_F_L4;
	if (ports_only && l4 && (r->ip_proto == IPPROTO_TCP_ || r->ip_proto == IPPROTO_UDP_)) {
		/* After an IPv6 extension header tcpdump names the ports only. */
		sb_printf(b, "%u > %u:", r->sport, r->dport);
		if (r->ip_proto == IPPROTO_TCP_)
			put_tcp(b, r, bytes);
		else
			put_udp(b, r);
		return;
	}
	switch (r->ip_proto) {
	case IPPROTO_TCP_:
		put_endpoints(b, r, l4);
		if (l4)
			put_tcp(b, r, bytes);
		else
			sb_printf(b, " tcp [|tcp]");
		return;
	case IPPROTO_UDP_:
		put_endpoints(b, r, l4);
		if (l4)
			put_udp(b, r);
		else
			sb_printf(b, " udp [|udp]");
		return;
	case IPPROTO_SCTP_:
		put_endpoints(b, r, l4);
		sb_printf(b, " sctp");
		return;
	case IPPROTO_ICMP_:
		put_endpoints(b, r, false);
		if (l4)
			put_icmp(b, r, bytes);
		else
			sb_printf(b, " [|icmp]");
		return;
	case IPPROTO_ICMPV6_:
		put_endpoints(b, r, false);
		if (l4)
			put_icmp6(b, r, bytes);
		else
			sb_printf(b, " [|icmp6]");
		return;
	default:
		put_endpoints(b, r, false);
		sb_printf(b, "  ip-proto-%u %u", r->ip_proto, ip_payload(r)); /* sic: two spaces */
		return;
	}
}

/* tcpdump flags an IP packet whose length field claims more than the frame
 * carried. */
static void put_ip_missing(struct sbuf *b, const struct tcrec_record *r)
{
	unsigned l3 = ETH_HLEN + 4u * r->vlan_count;
	unsigned have = r->wire_len > l3 ? r->wire_len - l3 : 0;
	unsigned want = rec_is_v4(r) ? r->ip_len : r->ip_len + 40u;
	if (want > have)
		sb_printf(b, "truncated-ip%s - %u bytes missing! ", rec_is_v4(r) ? "" : "6",
			  want - have);
}

static void put_ipv4(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes)
{
	put_ip_missing(b, r);
	if (r->frag_off & TCREC_IP_OFFMASK) {
		/* Not the first fragment: no transport header to read. */
		put_endpoints(b, r, false);
		sb_printf(b, " ip-proto-%u", r->ip_proto);
		return;
	}
	put_l4(b, r, bytes, false);
}

static void put_ipv6(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes)
{
	put_ip_missing(b, r);
	if (r->flags & TCREC_F_FRAG) {
		unsigned off = r->frag_off & 0xfff8u;
		put_endpoints(b, r, false);
		sb_printf(b, " frag (%u|%u)", off, ip_payload(r));
		if (off)
			return;
		sb_printf(b, " ");
		put_l4(b, r, bytes, true);
		return;
	}
	put_l4(b, r, bytes, false);
}

static void put_vlans(struct sbuf *b, const struct tcrec_record *r, const struct packet_text_opts *o)
{
	unsigned n = r->vlan_count < 3 ? r->vlan_count : 3;
	for (unsigned i = 0; i < n; i++) {
		uint16_t tci = r->vlan_tci[i];
		uint16_t next = i + 1 < n ? r->vlan_tpid[i + 1] : r->ethertype;
		sb_printf(b, "vlan %u, p %u%s, ", tci & 0x0fffu, tci >> 13, (tci & 0x1000) ? ", DEI" : "");
		if (next < 0x0600)
			continue; /* 802.3 length: the LLC part says it */
		if (o->link)
			sb_printf(b, "ethertype %s (0x%04x), ", ethertype_name(next), next);
		else
			sb_printf(b, "ethertype %s, ", ethertype_name(next));
	}
}

/* "smac > dmac, ethertype NAME (0xXXXX), length N", as tcpdump -e. */
static void put_link(struct sbuf *b, const struct tcrec_record *r)
{
	uint16_t outer = r->vlan_count ? r->vlan_tpid[0] : r->ethertype;
	put_mac(b, r->smac);
	sb_printf(b, " > ");
	put_mac(b, r->dmac);
	if (outer < 0x0600)
		sb_printf(b, ", 802.3");
	else
		sb_printf(b, ", ethertype %s (0x%04x)", ethertype_name(outer), outer);
	sb_printf(b, ", length %u", r->wire_len);
}

static bool known_ethertype(uint16_t et)
{
	return et < 0x0600 || et == ETH_P_IP || et == ETH_P_IPV6 || et == ETH_P_ARP || et == 0x88cc;
}

size_t packet_text_summary(char *buf, size_t len, const struct tcrec_record *r,
			   const uint8_t *bytes, const struct packet_text_opts *o)
{
	struct sbuf b = { buf, len, 0 };
	if (len)
		buf[0] = 0;
	uint16_t et = r->ethertype;
	if (!known_ethertype(et) && !r->vlan_count) {
		/* Nothing to decode: tcpdump shows the link header, -e or not. */
		put_link(&b, r);
		return b.len;
	}
	if (o->link) {
		put_link(&b, r);
		sb_printf(&b, ": ");
	}
	put_vlans(&b, r, o);
	if ((r->flags & TCREC_F_IPV4) && et == ETH_P_IP) {
		if (!o->link)
			sb_printf(&b, "IP ");
		put_ipv4(&b, r, bytes);
	} else if ((r->flags & TCREC_F_IPV6) && et == ETH_P_IPV6) {
		if (!o->link)
			sb_printf(&b, "IP6 ");
		put_ipv6(&b, r, bytes);
	} else if (et == ETH_P_ARP) {
		put_arp(&b, r, bytes, o);
	} else if (et < 0x0600) {
		sb_printf(&b, "LLC, length %u", frame_payload(r));
	} else if (et == ETH_P_IP || et == ETH_P_IPV6) {
		/* The record says the IP header itself was cut short. */
		sb_printf(&b, "%s [|%s], length %u", et == ETH_P_IP ? "IP" : "IP6",
			  et == ETH_P_IP ? "ip" : "ip6", frame_payload(r));
	} else if (et == 0x88cc) {
		sb_printf(&b, "LLDP, length %u", frame_payload(r));
	} else {
		/* Unknown protocol inside VLAN tags: the tags said it all. */
		sb_printf(&b, "length %u", frame_payload(r));
	}
	return b.len;
}

size_t packet_text_format(char *buf, size_t len, const struct tcrec_record *r,
			  const uint8_t *bytes, const char *ifname,
			  const struct packet_text_opts *o)
{
	char ts[64], ifbuf[24];
	packet_text_time(ts, sizeof(ts), r->ts_ns, o->nano);
	if (!ifname || !*ifname) {
		snprintf(ifbuf, sizeof(ifbuf), "if%u", r->ifindex);
		ifname = ifbuf;
	}
	/* Same columns as tcpdump -i any: name padded to 5, direction to 3. */
	int n = snprintf(buf, len, "%s %-5s %-3s ", ts, ifname, r->dir == TCREC_DIR_OUT ? "Out" : "In");
	size_t head = n > 0 ? (size_t)n : 0;
	size_t rest = head < len ? len - head : 0;
	return head + packet_text_summary(rest ? buf + head : NULL, rest, r, bytes, o);
}
