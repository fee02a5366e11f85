/* SPDX-License-Identifier: MIT */
/* What -v adds to the network layer: the IPv4 and IPv6 header fields the
 * record holds, IPv4 options and checksums, which only the bytes hold. */
#include "packet_text_parts.h"

#include <arpa/inet.h>

/* tcpdump's names for protocol numbers in "proto NAME (N)". */
const char *pt_proto_name(uint8_t p)
{
	switch (p) {
	case 0: return "Options";
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 4: return "IPIP";
	case 6: return "TCP";
	case 8: return "EGP";
	case 9: return "IGRP";
	case 17: return "UDP";
	case 33: return "DCCP";
	case 41: return "IPv6";
	case 43: return "Routing";
	case 44: return "Fragment";
	case 46: return "RSVP";
	case 47: return "GRE";
	case 50: return "ESP";
	case 51: return "AH";
	case 55: return "Mobile IP";
	case 58: return "ICMPv6";
	case 62: return "Mobile IP (old)";
	case 88: return "EIGRP";
	case 89: return "OSPF";
	case 103: return "PIM";
	case 108: return "Compressed IP";
	case 112: return "VRRP";
	case 113: return "PGM";
	case 132: return "SCTP";
	case 135: return "Mobility";
	case 143: return "Ethernet";
	default: return "unknown";
	}
}

uint32_t pt_sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += be16(p + i);
	if (n % 2)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

uint16_t pt_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The value the checksum field should hold, as tcpdump words it: the
 * field plus what summing with it in place left over. */
uint16_t pt_cksum_shouldbe(uint16_t field, uint16_t computed)
{
	uint32_t s = (uint32_t)field + computed;
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return (uint16_t)s;
}

/* RR, LSRR and SSRR: the addresses, a comma after each one already
 * passed. */
static void put_route(struct sbuf *b, const uint8_t *o, unsigned len)
{
	if (len < 3) {
		sb_printf(b, " [bad length %u]", len);
		return;
	}
	if ((len + 1) & 3)
		sb_printf(b, " [bad length %u]", len);
	unsigned ptr = o[2] - 1u;
	if (ptr < 3 || ((ptr + 1) & 3) || ptr > len + 1)
		sb_printf(b, " [bad ptr %u]", o[2]);
	for (unsigned i = 3; i + 4 <= len; i += 4) {
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, o + i, a, sizeof(a));
		sb_printf(b, " %s%s", a, ptr > i ? "," : "");
	}
}

/* The timestamp option: its flavour, then each slot (time@address), a
 * caret at the one the pointer names. */
static void put_timestamps(struct sbuf *b, const uint8_t *o, unsigned len)
{
	if (len < 4) {
		sb_printf(b, "[bad length %u]", len);
		return;
	}
	sb_printf(b, " TS{");
	unsigned flavour = o[3] & 0x0fu, hop = flavour ? 8 : 4;
	if ((len - 4) & (hop - 1))
		sb_printf(b, "[bad length %u]", len);
	unsigned ptr = o[2] - 1u, i = 0;
	if (ptr < 4 || ((ptr - 4) & (hop - 1)) || ptr > len + 1)
		sb_printf(b, "[bad ptr %u]", o[2]);
	static const char *const flavours[] = { "TSONLY", "TS+ADDR", NULL, "PRESPEC" };
	if (flavour > 3 || !flavours[flavour]) {
		sb_printf(b, "[bad ts type %u]", flavour);
	} else {
		sb_printf(b, "%s", flavours[flavour]);
		for (i = 4; i < len; i += hop) {
			if (i + hop > len)
				return; /* tcpdump stops where a slot leaves the option */
			char a[INET_ADDRSTRLEN] = "";
			if (hop == 8)
				inet_ntop(AF_INET, o + i, a, sizeof(a));
			sb_printf(b, "%s%u@%s", ptr == i ? " ^ " : " ", be32(o + i + hop - 4), a);
		}
	}
	sb_printf(b, "%s", ptr == i ? " ^ " : "");
	if (o[3] >> 4)
		sb_printf(b, " [%u hops not recorded]} ", o[3] >> 4);
	else
		sb_printf(b, "}");
}

static const char *ip_option_name(uint8_t code)
{
	switch (code) {
	case 0: return "EOL";
	case 1: return "NOP";
	case 68: return "timestamp";
	case 130: return "security";
	case 7: return "RR";
	case 137: return "SSRR";
	case 131: return "LSRR";
	case 148: return "RA";
	case 82: return "traceroute";
	default: return NULL;
	}
}

/* Where the capture ended in the IPv4 options: not (read whole), inside
 * an option's data (tcpdump says so and goes on to the addresses), or in
 * a kind or length byte (tcpdump's line ends there). */
enum ip_opt_end { IP_OPT_WHOLE, IP_OPT_DATA_CUT, IP_OPT_CUT };

/* IPv4 options: len bytes, have of them captured. */
static enum ip_opt_end put_ip_options(struct sbuf *b, const uint8_t *o, unsigned len, size_t have)
{
	const char *sep = "";
	while (len > 0) {
		sb_printf(b, "%s", sep);
		sep = ",";
		if (!have)
			return IP_OPT_CUT;
		const char *name = ip_option_name(o[0]);
		if (name)
			sb_printf(b, "%s", name);
		else
			sb_printf(b, "unknown %u", o[0]);
		unsigned olen = 1;
		if (o[0] > 1) {
			if (have < 2)
				return IP_OPT_CUT;
			olen = o[1];
			if (olen < 2) {
				sb_printf(b, " [bad length %u]", olen);
				return IP_OPT_WHOLE;
			}
		}
		if (olen > len) {
			sb_printf(b, " [bad length %u]", olen);
			return IP_OPT_WHOLE;
		}
		if (olen > have)
			return IP_OPT_DATA_CUT;
		if (o[0] == 0)
			return IP_OPT_WHOLE;
		if (o[0] == 68)
			put_timestamps(b, o, olen);
		else if (o[0] == 7 || o[0] == 131 || o[0] == 137)
			put_route(b, o, olen);
		else if (o[0] == 148 && olen < 4)
			sb_printf(b, " [bad length %u]", olen);
		else if (o[0] == 148 && be16(o + 2))
			sb_printf(b, " value %u", be16(o + 2));
		o += olen;
		len -= olen;
		have -= olen;
	}
	return IP_OPT_WHOLE;
}

/*
 * "(tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 60)"
 * and the line break tcpdump -v makes before the addresses. The fields are
 * the record's; options and a bad header checksum need the bytes (ip, have
 * of them). Returns false where the capture ended inside the options:
 * the line then ends as tcpdump's does on those bytes.
 */
bool pt_put_ipv4_verbose(struct sbuf *b, const struct tcrec_record *r, const uint8_t *ip,
			 size_t have)
{
	static const char *const ecn[] = { "", ",ECT(1)", ",ECT(0)", ",CE" };
	uint16_t off = r->frag_off;
	sb_printf(b, "(tos 0x%x%s", r->tos, ecn[r->tos & 3]);
	if (r->ttl)
		sb_printf(b, ", ttl %u", r->ttl);
	char flags[16];
	struct sbuf fb = { flags, sizeof(flags), 0 };
	flags[0] = 0;
	if (off & TCREC_IP_MF)
		sb_printf(&fb, "+");
	if (off & TCREC_IP_DF)
		sb_printf(&fb, "%sDF", fb.len ? ", " : "");
	if (off & 0x8000)
		sb_printf(&fb, "%srsvd", fb.len ? ", " : "");
	sb_printf(b, ", id %u, offset %u, flags [%s], proto %s (%u), length %u", r->ip_id & 0xffffu,
		  (off & TCREC_IP_OFFMASK) * 8u, *flags ? flags : "none", pt_proto_name(r->ip_proto),
		  r->ip_proto, r->ip_len);
	/* tcpdump reads nothing past the IP length */
	if (ip && have > r->ip_len)
		have = r->ip_len;
	enum ip_opt_end end = IP_OPT_WHOLE;
	if (r->ip_hlen > 20 && ip) {
		sb_printf(b, ", options (");
		end = put_ip_options(b, ip + 20, r->ip_hlen - 20u, have > 20 ? have - 20 : 0);
		if (end == IP_OPT_CUT) {
			sb_printf(b, " [|ip]");
			return false;
		}
		sb_printf(b, "%s)", end == IP_OPT_DATA_CUT ? " [truncated-option]" : "");
	}
	if (ip && have >= r->ip_hlen) {
		uint16_t sum = pt_fold(pt_sum16(ip, r->ip_hlen, 0));
		if (sum)
			sb_printf(b, ", bad cksum %x (->%x)!", be16(ip + 10),
				  pt_cksum_shouldbe(be16(ip + 10), sum));
	}
	sb_printf(b, ")\n    ");
	if (end == IP_OPT_DATA_CUT) {
		pt_put_endpoints(b, r, false);
		sb_printf(b, "  [|ip]");
		return false;
	}
	return true;
}

/* "(class 0x.., flowlabel 0x..., hlim 64, next-header TCP (6) payload
 * length: 40) ". The first next header is the record's transport protocol
 * unless extension headers came between; then only the bytes know it. */
void pt_put_ipv6_verbose(struct sbuf *b, const struct tcrec_record *r, const uint8_t *ip6,
			 size_t have)
{
	sb_printf(b, "(");
	if (r->tos)
		sb_printf(b, "class 0x%02x, ", r->tos);
	if (r->ip_id & 0xfffffu)
		sb_printf(b, "flowlabel 0x%05x, ", r->ip_id & 0xfffffu);
	sb_printf(b, "hlim %u, ", r->ttl);
	int nh = -1;
	if (ip6 && have >= 40)
		nh = ip6[6];
	else if (r->ip_hlen <= 40)
		nh = r->ip_proto;
	if (nh >= 0)
		sb_printf(b, "next-header %s (%d) ", pt_proto_name((uint8_t)nh), nh);
	sb_printf(b, "payload length: %u) ", r->ip_len);
}
