/* SPDX-License-Identifier: MIT */
#include "packet_text.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "formats/packet_parse.h"

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

/* Where the captured bytes of the TCP header start and how many of them
 * there are (0 when the bytes end before it, or there are none). */
static const uint8_t *tcp_header_bytes(const struct tcrec_record *r, const uint8_t *bytes,
				       size_t *have)
{
	struct l3_view v = l3_bytes(r, bytes);
	*have = 0;
	if (!v.p || v.len <= r->ip_hlen)
		return NULL;
	*have = v.len - r->ip_hlen;
	return v.p + r->ip_hlen;
}

static const char *tcp_option_name(uint8_t kind)
{
	switch (kind) {
	case 0: return "eol";
	case 1: return "nop";
	case 2: return "mss";
	case 3: return "wscale";
	case 4: return "sackOK";
	case 5: return "sack";
	case 8: return "TS";
	default: return NULL;
	}
}

/*
 * TCP options (len bytes, have of them captured) in tcpdump's words, down to
 * its way of saying that the capture ended inside them: " [|tcp]" where it
 * could not read a kind or length byte, " [|tcp]>" (after the first option)
 * where it could not read an option's data. Returns false when the line
 * ends there, as tcpdump's does.
 */
static bool put_tcp_options(struct sbuf *b, const uint8_t *opt, size_t len, size_t have)
{
	char sep = 0;
	size_t i = 0;

	sb_printf(b, ", options [");
	while (i < len) {
		if (sep)
			sb_printf(b, "%c", sep);
		if (i >= have)
			goto cut;
		uint8_t kind = opt[i];
		size_t olen = 1, left = len - i - 1;
		if (kind > 1) {
			if (i + 1 >= have)
				goto cut;
			olen = opt[i + 1];
			if (olen < 2 || olen > len - i)
				goto bad;
			left--;
		}
		const uint8_t *d = opt + i + (kind > 1 ? 2 : 1);
		size_t dhave = have > (size_t)(d - opt) ? have - (size_t)(d - opt) : 0;
		size_t dl = 0;
		const char *name = tcp_option_name(kind);
		if (name)
			sb_printf(b, "%s", name);
		else
			sb_printf(b, "unknown-%u", kind);
		switch (kind) {
		case 0:
		case 1:
		case 4:
			break;
		case 2:
		case 3:
		case 8:
			dl = kind == 2 ? 2 : kind == 3 ? 1 : 8;
			if (dl > left)
				goto bad;
			if (dl > dhave)
				goto cut_data;
			if (kind == 2)
				sb_printf(b, " %u", be16(d));
			else if (kind == 3)
				sb_printf(b, " %u", d[0]);
			else
				sb_printf(b, " val %u ecr %u", be32(d), be32(d + 4));
			break;
		case 5:
			dl = olen - 2;
			if (dl % 8) {
				sb_printf(b, " invalid sack");
				break;
			}
			sb_printf(b, " %zu ", dl / 8);
			for (size_t k = 0; k < dl; k += 8) {
				if (k + 8 > left)
					goto bad;
				if (k + 8 > dhave)
					goto cut_data;
				sb_printf(b, "{%u:%u}", be32(d + k), be32(d + k + 4));
			}
			break;
		default:
			dl = olen - 2;
			if (dl)
				sb_printf(b, " 0x");
			for (size_t k = 0; k < dl; k++) {
				if (k + 1 > left)
					goto bad;
				if (k + 1 > dhave)
					goto cut_data;
				sb_printf(b, "%02x", d[k]);
			}
			break;
		}
		if (dl + (kind > 1 ? 2 : 1) != olen)
			sb_printf(b, "[len %zu]", olen);
		i += olen;
		sep = ',';
		if (kind == 0)
			break;
	}
	sb_printf(b, "]");
	return true;
bad:
	sb_printf(b, "[bad opt]%s", sep ? "]" : "");
	return false;
cut_data:
	sb_printf(b, " [|tcp]%s", sep ? ">" : "");
	return false;
cut:
	sb_printf(b, " [|tcp]");
	return false;
}

static void put_tcp(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes)
{
	unsigned len = ip_payload(r);
	if (r->tcp_hlen < 20) {
		/* sic: tcpdump subtracts the short header length */
		sb_printf(b, "  tcp %u [bad hdr length %u - too short, < 20]", len - r->tcp_hlen,
			  r->tcp_hlen);
		return;
	}
	sb_printf(b, " ");
	put_tcp_flags(b, r->tcp_flags);
	if (r->tcp_hlen > len) {
		sb_printf(b, " [bad hdr length %u - too long, > %u]", r->tcp_hlen, len);
		return;
	}
	len -= r->tcp_hlen;
	if (len > 0 || (r->tcp_flags & 0x07)) {
		sb_printf(b, ", seq %u", r->tcp_seq);
		if (len > 0)
			sb_printf(b, ":%u", (uint32_t)(r->tcp_seq + len));
	}
	if (r->tcp_flags & 0x10)
		sb_printf(b, ", ack %u", r->tcp_ack);
	sb_printf(b, ", win %u", r->tcp_win);
	size_t have;
	const uint8_t *th = tcp_header_bytes(r, bytes, &have);
	if (th && have >= 20 && (r->tcp_flags & 0x20))
		sb_printf(b, ", urg %u", be16(th + 18));
	/* The options are in the bytes only: where bytes were kept but end
	 * inside them, the line ends as tcpdump's does on those bytes. */
	if (r->tcp_hlen > 20 && r->cap_len && bytes &&
	    !put_tcp_options(b, th ? th + 20 : NULL, r->tcp_hlen - 20u, have > 20 ? have - 20 : 0))
		return;
	sb_printf(b, ", length %u", len);
}

static void put_udp(struct sbuf *b, const struct tcrec_record *r)
{
	unsigned len = ip_payload(r);
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
	if (ulen > len && !(r->flags & TCREC_F_FRAG))
		sb_printf(b, " UDP, bad length %u > %u", ulen, len);
	else
		sb_printf(b, " UDP, length %u", ulen);
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
	if (r->icmp_type == 3 && r->icmp_code <= 3 && r->cap_len && bytes &&
	    !l4_bytes(r, bytes, 8 + 20)) {
		/* tcpdump reads the quoted header before it prints anything:
		 * where the kept bytes end before it, so does its line */
		sb_printf(b, "  [|icmp]");
		return;
	}
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

/* "a.sport > b.dport:", or "sport > dport:" after IPv6 extension headers
 * (tcpdump names the addresses of such a packet once, before them). */
static void put_ports(struct sbuf *b, const struct tcrec_record *r, uint16_t sport, uint16_t dport,
		      bool after_ext)
{
	if (after_ext) {
		sb_printf(b, " %u > %u:", sport, dport);
		return;
	}
	put_addr(b, r, r->saddr);
	sb_printf(b, ".%u > ", sport);
	put_addr(b, r, r->daddr);
	sb_printf(b, ".%u:", dport);
}

/* The ports of a transport header the capture parser found cut short (it
 * wants the whole header), when the kept bytes hold them: tcpdump names
 * them before saying where the capture ended. */
static bool cut_ports(const struct tcrec_record *r, const uint8_t *bytes, uint16_t *sport,
		      uint16_t *dport)
{
	const uint8_t *h = l4_bytes(r, bytes, 4);
	if (!h)
		return false;
	*sport = be16(h);
	*dport = be16(h + 2);
	return true;
}

/*
 * The transport part. tcpdump's IP printers name the addresses before any
 * protocol but TCP, UDP and SCTP, whose printers name addresses and ports
 * themselves; after IPv6 extension headers the addresses came first, so
 * TCP and UDP name only the ports. Where the capture ended inside the
 * header, the line ends in tcpdump's "[|proto]".
 */
static void put_l4(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		   bool after_ext)
{
	bool l4 = r->flags & TCREC_F_L4;
	uint16_t sp, dp;
	uint8_t p = r->ip_proto;
	if (p != IPPROTO_TCP_ && p != IPPROTO_UDP_ && p != IPPROTO_SCTP_ && !after_ext)
		put_endpoints(b, r, false);
	switch (p) {
	case IPPROTO_TCP_:
		if (l4) {
			put_ports(b, r, r->sport, r->dport, after_ext);
			put_tcp(b, r, bytes);
		} else if (cut_ports(r, bytes, &sp, &dp)) {
			put_ports(b, r, sp, dp, after_ext);
			sb_printf(b, "  [|tcp]");
		} else {
			/* Not even the ports: tcpdump names the addresses, after
			 * extension headers too. */
			sb_printf(b, "%s", after_ext ? " " : "");
			put_endpoints(b, r, false);
			sb_printf(b, " [|tcp]");
		}
		return;
	case IPPROTO_UDP_:
		if (l4) {
			put_ports(b, r, r->sport, r->dport, after_ext);
			put_udp(b, r);
		} else if (cut_ports(r, bytes, &sp, &dp)) {
			put_ports(b, r, sp, dp, after_ext);
			sb_printf(b, "  [|udp]");
		} else if (after_ext) {
			sb_printf(b, "  [|udp]");
		} else {
			put_endpoints(b, r, false);
			sb_printf(b, "  [|udp]");
		}
		return;
	case IPPROTO_SCTP_:
		sb_printf(b, "%s", after_ext ? " " : "");
		if (!l4) {
			sb_printf(b, " [|sctp]");
			return;
		}
		put_endpoints(b, r, true);
		sb_printf(b, " sctp");
		/* tcpdump goes on with the chunks, which only the bytes hold:
		 * where they were kept but end before the first one, it says so */
		if (r->cap_len && bytes && l3_bytes(r, bytes).p && ip_payload(r) > 12 &&
		    !l4_bytes(r, bytes, 16))
			sb_printf(b, " [|sctp]");
		return;
	case IPPROTO_ICMP_:
		if (l4)
			put_icmp(b, r, bytes);
		else
			sb_printf(b, "  [|icmp]");
		return;
	case IPPROTO_ICMPV6_:
		if (l4) {
			put_icmp6(b, r, bytes);
		} else {
			/* With the type byte kept, tcpdump names the message first. */
			const uint8_t *h = l4_bytes(r, bytes, 1);
			const char *name = h ? icmp6_name(h[0]) : NULL;
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
		sb_printf(b, "  ip-proto-%u %u", p, ip_payload(r)); /* sic: two spaces */
		return;
	}
}

/* tcpdump flags an IP packet whose length field claims more than the frame
 * carried (sic: no space after the IPv6 one). */
static void put_ip_missing(struct sbuf *b, const struct tcrec_record *r)
{
	unsigned l3 = ETH_HLEN + 4u * r->vlan_count;
	unsigned have = r->wire_len > l3 ? r->wire_len - l3 : 0;
	unsigned want = rec_is_v4(r) ? r->ip_len : r->ip_len + 40u;
	if (want > have)
		sb_printf(b, "truncated-ip%s - %u bytes missing!%s", rec_is_v4(r) ? "" : "6",
			  want - have, rec_is_v4(r) ? " " : "");
}

static void put_ipv4(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes)
{
	if (r->ip_hlen < 20) {
		sb_printf(b, "bad-hlen %u", r->ip_hlen);
		return;
	}
	put_ip_missing(b, r);
	if (r->ip_len < r->ip_hlen) {
		sb_printf(b, "bad-len %u", r->ip_len);
		return;
	}
	if (r->frag_off & TCREC_IP_OFFMASK) {
		/* Not the first fragment: no transport header to read. */
		put_endpoints(b, r, false);
		sb_printf(b, " ip-proto-%u", r->ip_proto);
		return;
	}
	put_l4(b, r, bytes, false);
}

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
static bool put_rt6(struct sbuf *b, const uint8_t *h, size_t have)
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
		if (h[5])
			sb_printf(b, ", flags=0x%x", h[5]);
		sb_printf(b, ", tag=%x", be16(h + 6));
	} else if (be32(h + 4)) {
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
static bool put_ah(struct sbuf *b, const uint8_t *h, size_t have, size_t hlen)
{
	sb_printf(b, " AH");
	if (have < 2)
		goto cut;
	sb_printf(b, "(");
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
			   const uint8_t *ip6, size_t caplen)
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
			break;
		case 43:
			if (!put_rt6(b, h, have))
				return;
			hlen = (h[1] + 1u) * 8;
			break;
		case 44: {
			if (have < 4) {
				sb_printf(b, "  [|frag6]");
				return;
			}
			unsigned fo = be16(h + 2) & 0xfff8u;
			sb_printf(b, " frag (%u|%zu)", fo, (size_t)40 + r->ip_len - off - 8);
			/* a later fragment has nothing to decode; tcpdump also
			 * stops where the bytes end with the fragment header */
			if (fo || end <= off + 8)
				return;
			hlen = 8;
			break;
		}
		default: /* 51 */
			hlen = have >= 2 ? (h[1] + 2u) * 4 : 0;
			if (!put_ah(b, h, have, hlen))
				return;
			break;
		}
		nh = h[0];
		off += hlen;
	}
	if (off == r->ip_hlen && nh == r->ip_proto) {
		put_l4(b, r, bytes, true);
	} else if ((r->flags & TCREC_F_EXT_LIMIT) && off <= 255) {
		struct tcrec_record past = *r;
		past.ip_hlen = (uint8_t)off;
		past.flags &= (uint16_t)~TCREC_F_EXT_LIMIT;
		packet_parse_l4(nh, ip6 + off, caplen > off ? (uint32_t)(caplen - off) : 0, &past);
		put_l4(b, &past, bytes, true);
	} else {
		put_l4(b, r, bytes, true);
	}
}

static void put_ipv6(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes)
{
	put_ip_missing(b, r);
	if (r->ip_hlen <= 40 && !is_ipv6_ext(r->ip_proto)) {
		put_l4(b, r, bytes, false);
		return;
	}
	put_endpoints(b, r, false);
	struct l3_view v = l3_bytes(r, bytes);
	if (r->cap_len && v.p && v.len >= 40) {
		put_ipv6_chain(b, r, bytes, v.p, v.len);
		return;
	}
	/* Without bytes the headers cannot be named; the record knows a
	 * fragment header, and which header the packet ended in. */
	if (r->flags & TCREC_F_FRAG) {
		unsigned off = r->frag_off & 0xfff8u;
		sb_printf(b, " frag (%u|%u)", off, ip_payload(r));
		if (off)
			return;
	}
	if ((r->flags & TCREC_F_TRUNC) && is_ipv6_ext(r->ip_proto)) {
		sb_printf(b, "  [|%s]", ipv6_ext_cut_name(r->ip_proto));
		return;
	}
	put_l4(b, r, bytes, true);
}

/* The tags, each followed by what it carries; where the capture ended
 * inside a tag (the record's ethertype is then that tag's TPID), tcpdump
 * names nothing after the last whole one. */
static void put_vlans(struct sbuf *b, const struct tcrec_record *r, const struct packet_text_opts *o,
		      bool cut)
{
	unsigned n = r->vlan_count < 3 ? r->vlan_count : 3;
	for (unsigned i = 0; i < n; i++) {
		uint16_t tci = r->vlan_tci[i];
		uint16_t next = i + 1 < n ? r->vlan_tpid[i + 1] : r->ethertype;
		sb_printf(b, "vlan %u, p %u%s, ", tci & 0x0fffu, tci >> 13, (tci & 0x1000) ? ", DEI" : "");
		if (cut && i + 1 == n)
			continue;
		if (next < 0x0600) {
			/* an 802.3 length: tcpdump -e says so, sic without a space
			 * before the LLC part */
			sb_printf(b, "%s", o->link ? "802.3" : "");
			continue;
		}
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
	if (outer < 0x0600) {
		/* tcpdump gives an 802.3 frame the length its header says,
		 * unless the frame is shorter */
		unsigned rest = r->wire_len > ETH_HLEN ? r->wire_len - ETH_HLEN : 0;
		sb_printf(b, ", 802.3, length %u", outer < rest ? outer : rest);
		return;
	}
	sb_printf(b, ", ethertype %s (0x%04x), length %u", ethertype_name(outer), outer, r->wire_len);
}

static bool known_ethertype(uint16_t et)
{
	return et < 0x0600 || et == ETH_P_IP || et == ETH_P_IPV6 || et == ETH_P_ARP || et == 0x88cc;
}

/* The packet ended inside the Ethernet header: the record has no link
 * header at all (its parser stops before setting any field). */
static bool ether_cut(const struct tcrec_record *r)
{
	return (r->flags & TCREC_F_TRUNC) && !(r->flags & (TCREC_F_IPV4 | TCREC_F_IPV6 | TCREC_F_NO_ETH)) &&
	       !r->ethertype && !r->vlan_count;
}

/* An IP ethertype whose header the record could not read: cut short, or of
 * another IP version. tcpdump reads an IPv4 header's version before it says
 * "IP", an IPv6 header's only once all of it is there. */
static void put_ip_unparsed(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
			    const struct packet_text_opts *o)
{
	struct l3_view v = l3_bytes(r, bytes);
	int ver = v.p && v.len ? v.p[0] >> 4 : -1;
	if (r->ethertype == ETH_P_IPV6) {
		if (r->flags & TCREC_F_TRUNC)
			sb_printf(b, " [|ip6]");
		else if (ver >= 0)
			sb_printf(b, "%sversion error: %d != 6", o->link ? "" : "IP6 ", ver);
		else
			sb_printf(b, "%sversion error", o->link ? "" : "IP6 ");
		return;
	}
	if (ver == 6)
		sb_printf(b, "IP6, wrong link-layer encapsulation (invalid)");
	else if (ver >= 0 && ver != 4)
		sb_printf(b, "IP%d (invalid)", ver);
	else if (!(r->flags & TCREC_F_TRUNC))
		sb_printf(b, "IP (invalid)"); /* another version; the record does not say which */
	else if (ver >= 0)
		sb_printf(b, "%s [|ip]", o->link ? "" : "IP ");
	else
		/* no byte of the header, or none kept: what tcpdump says of a
		 * frame that ends where the IP header starts */
		sb_printf(b, " [|ip]");
}

size_t packet_text_summary(char *buf, size_t len, const struct tcrec_record *r,
			   const uint8_t *bytes, const struct packet_text_opts *o)
{
	struct sbuf b = { buf, len, 0 };
	if (len)
		buf[0] = 0;
	uint16_t et = r->ethertype;
	if (ether_cut(r)) {
		/* tcpdump prints nothing of a link header it could not read whole. */
		sb_printf(&b, " [|ether]");
		return b.len;
	}
	bool vlan_cut = (r->flags & TCREC_F_TRUNC) && !(r->flags & TCREC_F_VLAN_MORE) &&
			(et == ETH_P_8021Q || et == ETH_P_8021AD || et == 0x9100);
	if (vlan_cut && !r->vlan_count) {
		/* the first tag is cut: tcpdump -e stops before the ethertype */
		if (o->link) {
			put_mac(&b, r->smac);
			sb_printf(&b, " > ");
			put_mac(&b, r->dmac);
			sb_printf(&b, ", ");
		}
		sb_printf(&b, " [|vlan]");
		return b.len;
	}
	if (!known_ethertype(et) && !r->vlan_count) {
		/* Nothing to decode: tcpdump shows the link header, -e or not. */
		put_link(&b, r);
		return b.len;
	}
	if (o->link) {
		put_link(&b, r);
		sb_printf(&b, ": ");
	}
	put_vlans(&b, r, o, vlan_cut);
	if (vlan_cut) {
		sb_printf(&b, " [|vlan]");
	} else if ((r->flags & TCREC_F_IPV4) && et == ETH_P_IP) {
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
		put_ip_unparsed(&b, r, bytes, o);
	} else if (et == 0x88cc) {
		sb_printf(&b, "LLDP, length %u", frame_payload(r));
	} else {
		/* Unknown protocol inside VLAN tags: the tags said it all. */
		sb_printf(&b, "length %u", frame_payload(r));
	}
	return b.len;
}

const char *packet_text_escape(char *buf, size_t len, const char *s)
{
	size_t n = 0;

	if (!len)
		return buf;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char one[5];
		int w;

		if (*p == '\\')
			w = snprintf(one, sizeof(one), "\\\\");
		else if (*p < 0x20 || *p > 0x7e)
			w = snprintf(one, sizeof(one), "\\x%02x", *p);
		else
			w = snprintf(one, sizeof(one), "%c", *p);
		if (n + (size_t)w >= len)
			break; /* never half an escape */
		memcpy(buf + n, one, (size_t)w);
		n += (size_t)w;
	}
	buf[n] = '\0';
	return buf;
}

size_t packet_text_format(char *buf, size_t len, const struct tcrec_record *r,
			  const uint8_t *bytes, const char *ifname,
			  const struct packet_text_opts *o)
{
	char ts[64], ifbuf[4 * 64 + 1];
	packet_text_time(ts, sizeof(ts), r->ts_ns, o->nano);
	if (!ifname || !*ifname)
		snprintf(ifbuf, sizeof(ifbuf), "if%u", r->ifindex);
	else
		packet_text_escape(ifbuf, sizeof(ifbuf), ifname);
	ifname = ifbuf;
	/* Same columns as tcpdump -i any: name padded to 5, direction to 3. */
	int n = snprintf(buf, len, "%s %-5s %-3s ", ts, ifname, r->dir == TCREC_DIR_OUT ? "Out" : "In");
	size_t head = n > 0 ? (size_t)n : 0;
	size_t rest = head < len ? len - head : 0;
	return head + packet_text_summary(rest ? buf + head : NULL, rest, r, bytes, o);
}
