/* SPDX-License-Identifier: MIT */
/* What -v adds to IPv6 neighbor discovery messages: the fields of a router
 * advertisement, the flags of a neighbor advertisement and the options,
 * which only the kept bytes hold; -vv adds each option's bytes in hex. */
#include "packet_text_parts.h"

#include <arpa/inet.h>

/* tcpdump's hex lines: 16 bytes a line in 2-byte groups. */
static void put_hex(struct sbuf *b, const char *indent, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (i % 16 == 0 && pt_line_full(b)) {
			sb_printf(b, "%s...", indent);
			return;
		}
		if (i % 16 == 0)
			sb_printf(b, "%s0x%04zx: ", indent, i);
		sb_printf(b, i % 2 ? "%02x" : " %02x", p[i]);
	}
}

static const char *nd_opt_name(uint8_t type)
{
	switch (type) {
	case 1: return "source link-address";
	case 2: return "destination link-address";
	case 3: return "prefix info";
	case 4: return "redirected header";
	case 5: return "mtu";
	case 7: return "advertisement interval";
	case 8: return "homeagent information";
	case 24: return "route info";
	case 25: return "rdnss";
	case 31: return "dnssl";
	default: return "unknown";
	}
}

static const char *rtpref(uint8_t flags)
{
	static const char *const names[] = { "medium", "high", "rsv", "low" };
	return names[(flags >> 3) & 3];
}

static void put_lifetime(struct sbuf *b, uint32_t v)
{
	if (v == UINT32_MAX)
		sb_printf(b, "infinity");
	else
		sb_printf(b, "%us", v);
}

/* Flag names from a table of bits, ", " between them, "none" for none. */
static void put_flag_names(struct sbuf *b, uint32_t v, const uint32_t *bits,
			   const char *const *names, size_t n)
{
	bool any = false;
	sb_printf(b, "Flags [");
	for (size_t i = 0; i < n; i++) {
		if (!(v & bits[i]))
			continue;
		sb_printf(b, "%s%s", any ? ", " : "", names[i]);
		any = true;
	}
	sb_printf(b, "%s]", any ? "" : "none");
}

static void put_addr6(struct sbuf *b, const uint8_t *p)
{
	char a[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, p, a, sizeof(a));
	sb_printf(b, "%s", a);
}

/* The domain names of a DNSSL option, in the dotted form tcpdump gives. */
static void put_dnssl(struct sbuf *b, const uint8_t *p, size_t len)
{
	size_t i = 8;
	while (i < len && p[i] && !pt_line_full(b)) {
		sb_printf(b, " ");
		while (i < len && p[i] && i + 1 + p[i] <= len && p[i] < 64) {
			for (size_t k = 1; k <= p[i]; k++)
				sb_put_vis(b, p[i + k]);
			sb_printf(b, ".");
			i += 1u + p[i];
		}
		if (i >= len || p[i])
			return;
		i++;
	}
}

static void put_prefix(struct sbuf *b, const uint8_t *p, unsigned units)
{
	static const uint32_t bits[] = { 0x80, 0x40, 0x20 };
	static const char *const names[] = { "onlink", "auto", "router" };
	put_addr6(b, p + 16);
	sb_printf(b, "/%u%s, ", p[2], units != 4 ? "badlen" : "");
	put_flag_names(b, p[3], bits, names, 3);
	sb_printf(b, ", valid time ");
	put_lifetime(b, be32(p + 4));
	sb_printf(b, ", pref. time ");
	put_lifetime(b, be32(p + 8));
}

/* One option's data; false for an option tcpdump dumps in hex instead and
 * stops after. */
static bool put_nd_option(struct sbuf *b, const uint8_t *p, unsigned units, const uint8_t *all,
			  size_t all_len)
{
	size_t len = units * 8u;
	switch (p[0]) {
	case 1:
	case 2:
		for (size_t i = 2; i < len; i++) {
			if (pt_line_full(b)) {
				sb_printf(b, "...");
				break;
			}
			sb_printf(b, i > 2 ? ":%02x" : "%02x", p[i]);
		}
		return true;
	case 3:
		if (len >= 32)
			put_prefix(b, p, units);
		return true;
	case 4:
		put_hex(b, "\n\t    ", all, len < all_len ? len : all_len); /* sic: from the first option */
		return true;
	case 5:
		sb_printf(b, " %u%s", be32(p + 4), units != 1 ? "bad option length" : "");
		return true;
	case 7:
		sb_printf(b, " %ums", be32(p + 4));
		return true;
	case 8:
		sb_printf(b, " preference %u, lifetime %u", be16(p + 4), be16(p + 6));
		return true;
	case 24: {
		uint8_t pfx[16] = { 0 };
		if (units > 3)
			return true;
		for (size_t i = 0; i < (units - 1u) * 8u; i++)
			pfx[i] = p[8 + i];
		sb_printf(b, " ");
		put_addr6(b, pfx);
		sb_printf(b, "/%u, pref=%s, lifetime=", p[2], rtpref(p[3]));
		put_lifetime(b, be32(p + 4));
		return true;
	}
	case 25:
		sb_printf(b, " lifetime %us,", be32(p + 4));
		for (size_t i = 0; i < (units - 1u) / 2u && !pt_line_full(b); i++) {
			sb_printf(b, " addr: ");
			put_addr6(b, p + 8 + 16 * i);
		}
		return true;
	case 31:
		sb_printf(b, " lifetime %us, domain(s):", be32(p + 4));
		put_dnssl(b, p, len);
		return true;
	default:
		return false;
	}
}

/* The options from p to end (the kept bytes, cut to the IP length). */
static void put_nd_options(struct sbuf *b, const uint8_t *p, const uint8_t *end, int resid,
			   int verbose)
{
	const uint8_t *all = p;
	while (p < end) {
		if (end - p < 2) {
			sb_printf(b, " [|icmp6]");
			return;
		}
		if (resid <= 0)
			return;
		if (pt_line_full(b))
			return;
		unsigned units = p[1];
		if (!units || (size_t)(end - p) < units * 8u) {
			sb_printf(b, " [|icmp6]");
			return;
		}
		sb_printf(b, "\n\t  %s option (%u), length %u (%u): ", nd_opt_name(p[0]), p[0], units * 8u,
			  units);
		if (!put_nd_option(b, p, units, all, (size_t)(end - all)) && verbose <= 1) {
			put_hex(b, "\n\t  ", p + 2, units * 8u - 2);
			return;
		}
		if (verbose > 1)
			put_hex(b, "\n\t    ", p + 2, units * 8u - 2);
		p += units * 8u;
		resid -= (int)(units * 8u);
	}
}

void pt_put_icmp6_nd_verbose(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
			     unsigned len, int verbose)
{
	/* where each message's options start */
	static const unsigned opt_at[] = { 8, 16, 24, 24, 40 }; /* types 133..137 */
	unsigned at = opt_at[r->icmp_type - 133];
	struct l3_view v = pt_l3_bytes(r, bytes);
	const uint8_t *h = pt_l4_bytes(r, bytes, 1);
	if (!h)
		return;
	size_t end = v.len < 40u + r->ip_len ? v.len : 40u + r->ip_len;
	size_t have = end > (size_t)(h - v.p) ? end - (size_t)(h - v.p) : 0;
	if (r->icmp_type == 134) {
		static const uint32_t bits[] = { 0x80, 0x40, 0x20, 0x02 };
		static const char *const names[] = { "managed", "other stateful", "home agent",
						     "ipv6 only" };
		if (have < 16) {
			sb_printf(b, " [|icmp6]");
			return;
		}
		sb_printf(b, "\n\thop limit %u, ", h[4]);
		put_flag_names(b, h[5], bits, names, 4);
		sb_printf(b, ", pref %s, router lifetime %us, reachable time %ums, retrans timer %ums",
			  rtpref(h[5]), be16(h + 6), be32(h + 8), be32(h + 12));
	} else if (r->icmp_type == 136 && have >= 8) {
		static const uint32_t bits[] = { 0x80000000u, 0x40000000u, 0x20000000u };
		static const char *const names[] = { "router", "solicited", "override" };
		sb_printf(b, ", ");
		put_flag_names(b, be32(h + 4), bits, names, 3);
	}
	if (have >= at)
		put_nd_options(b, h + at, h + have, (int)len - (int)at, verbose);
}
