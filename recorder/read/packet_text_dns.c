/* SPDX-License-Identifier: MIT */
/* DNS as tcpdump's ns_print prints it without -v: the header's id and
 * flags, the questions of a query, the answers of a response, the length. */
#include "packet_text_app.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "packet_text_parts.h"

enum { DNS_PORT = 53, MDNS_PORT = 5353, HDR = 12, NAME_MAX_LABELS = 128 };

struct dns {
	const uint8_t *p; /* message start */
	size_t n;         /* bytes of it there */
	bool mdns;
};

static const char *type_name(uint16_t t, char *buf, size_t len)
{
	switch (t) {
	case 1: return "A";
	case 2: return "NS";
	case 5: return "CNAME";
	case 6: return "SOA";
	case 12: return "PTR";
	case 13: return "HINFO";
	case 15: return "MX";
	case 16: return "TXT";
	case 28: return "AAAA";
	case 33: return "SRV";
	case 35: return "NAPTR";
	case 41: return "OPT";
	case 43: return "DS";
	case 46: return "RRSIG";
	case 47: return "NSEC";
	case 48: return "DNSKEY";
	case 64: return "SVCB";
	case 65: return "HTTPS";
	case 251: return "IXFR";
	case 252: return "AXFR";
	case 255: return "ANY";
	case 257: return "CAA";
	default: snprintf(buf, len, "Type%u", t); return buf;
	}
}

static const char *rcode_name(unsigned rc, char *buf, size_t len)
{
	static const char *const n[] = { "", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused",
					  " YXDomain", " YXRRSet", " NXRRSet", " NotAuth", " NotZone" };
	if (rc < sizeof(n) / sizeof(n[0]))
		return n[rc];
	snprintf(buf, len, " Resp%u", rc);
	return buf;
}

static const char *op_name(unsigned op, char *buf, size_t len)
{
	static const char *const n[] = { "", " inv_q", " stat", " op3", " notify", " update" };
	if (op < sizeof(n) / sizeof(n[0]))
		return n[op];
	snprintf(buf, len, " op%u", op);
	return buf;
}

/* The name at off: printed when b is not NULL; the offset after it (where
 * it ends in the message, not where a pointer led), or 0 when cut or bad. */
static size_t name_at(const struct dns *d, size_t off, struct sbuf *b)
{
	size_t end = 0, limit = off; /* pointers must go back, before limit */
	bool any = false;
	for (int n = 0; n < NAME_MAX_LABELS; n++) {
		if (off >= d->n)
			return 0;
		uint8_t l = d->p[off];
		if ((l & 0xc0) == 0xc0) {
			if (off + 1 >= d->n)
				return 0;
			size_t to = (size_t)(l & 0x3f) << 8 | d->p[off + 1];
			if (!end)
				end = off + 2;
			if (to >= limit) {
				if (b)
					sb_printf(b, "<BAD PTR>");
				return 0;
			}
			limit = off = to;
			continue;
		}
		if (l & 0xc0)
			return 0; /* an extended label type: not printed here */
		if (!l) {
			if (b && !any)
				sb_printf(b, ".");
			return end ? end : off + 1;
		}
		if (off + 1 + l > d->n)
			return 0;
		for (size_t i = 0; b && i < l; i++)
			sb_put_vis(b, d->p[off + 1 + i]);
		if (b)
			sb_printf(b, ".");
		any = true;
		off += 1 + l;
	}
	return 0;
}

/* A question: " A? name." (mDNS: " PTR (QM)? name."). Offset after it, or 0. */
static size_t question(const struct dns *d, size_t off, struct sbuf *b)
{
	char tb[16];
	size_t q = name_at(d, off, NULL);
	if (!q || q + 4 > d->n)
		return 0;
	uint16_t type = be16(d->p + q), cls = be16(d->p + q + 2);
	sb_printf(b, " %s", type_name(type, tb, sizeof(tb)));
	uint16_t c = d->mdns ? cls & 0x7fff : cls;
	if (c != 1)
		sb_printf(b, c == 3 ? " CHAOS" : c == 255 ? " ANY" : " (Class %u)", c);
	if (d->mdns)
		sb_printf(b, cls & 0x8000 ? " (QU)" : " (QM)");
	sb_printf(b, "? ");
	return name_at(d, off, b) ? q + 4 : 0;
}

/* The data of an answer of a type tcpdump prints without -v. false when cut. */
static bool rdata(const struct dns *d, uint16_t type, size_t at, size_t len, struct sbuf *b)
{
	const uint8_t *p = d->p + at;
	char s[INET6_ADDRSTRLEN];
	switch (type) {
	case 1:
		if (len >= 4 && inet_ntop(AF_INET, p, s, sizeof(s)))
			sb_printf(b, " %s", s);
		return true;
	case 28:
		if (len >= 16 && inet_ntop(AF_INET6, p, s, sizeof(s)))
			sb_printf(b, " %s", s);
		return true;
	case 2: case 5: case 12: case 39:
		sb_printf(b, " ");
		return name_at(d, at, b) != 0;
	case 15:
		if (len < 3)
			return false;
		sb_printf(b, " ");
		if (!name_at(d, at + 2, b))
			return false;
		sb_printf(b, " %u", be16(p));
		return true;
	case 33:
		if (len < 7)
			return false;
		sb_printf(b, " ");
		if (!name_at(d, at + 6, b))
			return false;
		sb_printf(b, ":%u %u %u", be16(p + 4), be16(p), be16(p + 2));
		return true;
	case 16:
		for (size_t i = 0; i < len;) {
			size_t l = p[i];
			if (pt_line_full(b)) {
				sb_printf(b, " ...");
				return true;
			}
			if (i + 1 + l > len)
				return false;
			sb_printf(b, " \"");
			for (size_t k = 0; k < l; k++)
				sb_put_vis(b, p[i + 1 + k]);
			sb_printf(b, "\"");
			i += 1 + l;
		}
		return true;
	default:
		return true;
	}
}

/* An answer: " A 192.0.2.1". Offset after it, or 0. */
static size_t answer(const struct dns *d, size_t off, struct sbuf *b)
{
	char tb[16];
	size_t a = name_at(d, off, NULL);
	if (!a || a + 10 > d->n)
		return 0;
	uint16_t type = be16(d->p + a), cls = be16(d->p + a + 2);
	size_t len = be16(d->p + a + 8), at = a + 10;
	if (d->mdns)
		cls &= 0x7fff;
	if (cls != 1 && type != 41)
		sb_printf(b, cls == 3 ? " CHAOS" : cls == 255 ? " ANY" : " (Class %u)", cls);
	sb_printf(b, " %s", type_name(type, tb, sizeof(tb)));
	if (at + len > d->n)
		return 0;
	return rdata(d, type, at, len, b) ? at + len : 0;
}

static bool response(const struct dns *d, struct sbuf *b, unsigned qd, unsigned an, unsigned ns,
		     unsigned ar)
{
	uint16_t fl = be16(d->p + 2);
	char ob[16], rb[16];
	sb_printf(b, " %u%s%s%s%s%s%s", be16(d->p), op_name(fl >> 11 & 15, ob, sizeof(ob)),
		  rcode_name(fl & 15, rb, sizeof(rb)), fl & 0x0400 ? "*" : "", fl & 0x0080 ? "" : "-",
		  fl & 0x0200 ? "|" : "", fl & 0x0020 ? "$" : "");
	if (qd != 1)
		sb_printf(b, " [%uq]", qd);
	size_t off = HDR;
	for (unsigned i = 0; i < qd; i++) {
		off = name_at(d, off, NULL);
		if (!off || (off += 4) > d->n) {
			sb_printf(b, " [|domain]");
			return false;
		}
	}
	sb_printf(b, " %u/%u/%u", an, ns, ar);
	for (unsigned i = 0; i < an; i++) {
		if (pt_line_full(b)) {
			/* a hostile count of answers pointing back at one name */
			sb_printf(b, " ...");
			return true;
		}
		if (i)
			sb_printf(b, ",");
		if (!(off = answer(d, off, b))) {
			sb_printf(b, " [|domain]");
			return false;
		}
	}
	return true;
}

static bool query(const struct dns *d, struct sbuf *b, unsigned qd, unsigned an, unsigned ns,
		  unsigned ar)
{
	uint16_t fl = be16(d->p + 2);
	char ob[16];
	sb_printf(b, " %u%s%s%s", be16(d->p), op_name(fl >> 11 & 15, ob, sizeof(ob)),
		  fl & 0x0100 ? "+" : "", fl & 0x0010 ? "%" : "");
	if (fl & 0x6cf)
		sb_printf(b, " [b2&3=0x%x]", fl);
	if (qd != 1)
		sb_printf(b, " [%uq]", qd);
	if (an)
		sb_printf(b, " [%ua]", an);
	if (ns)
		sb_printf(b, " [%un]", ns);
	if (ar)
		sb_printf(b, " [%uau]", ar);
	size_t off = HDR;
	for (unsigned i = 0; i < qd; i++) {
		if (pt_line_full(b)) {
			sb_printf(b, " ...");
			return true;
		}
		if (!(off = question(d, off, b))) {
			sb_printf(b, " [|domain]");
			return false;
		}
	}
	return true;
}

/* The message of d: " id flags ... (len)", or " [|domain]" where cut. */
static void message(const struct dns *d, struct sbuf *b, unsigned len)
{
	if (d->n < HDR) {
		sb_printf(b, " [|domain]");
		return;
	}
	uint16_t fl = be16(d->p + 2);
	unsigned qd = be16(d->p + 4), an = be16(d->p + 6), ns = be16(d->p + 8), ar = be16(d->p + 10);
	bool whole = fl & 0x8000 ? response(d, b, qd, an, ns, ar) : query(d, b, qd, an, ns, ar);
	if (whole)
		sb_printf(b, " (%u)", len);
}

void pt_put_dns_tcp(struct sbuf *b, const uint8_t *payload, size_t n, unsigned len)
{
	if (n < 2) {
		sb_printf(b, " [|domain]");
		return;
	}
	unsigned plen = be16(payload);
	if (len < 2 || plen != len - 2) {
		sb_printf(b, " [prefix length(%u) != length(%u)] (invalid)", plen, len >= 2 ? len - 2 : 0);
		return;
	}
	struct dns d = { payload + 2, n - 2, false };
	message(&d, b, plen);
}

bool pt_put_dns(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes, unsigned len)
{
	bool mdns = r->sport == MDNS_PORT || r->dport == MDNS_PORT;
	if ((r->sport != DNS_PORT && r->dport != DNS_PORT && !mdns) || !bytes || !r->cap_len ||
	    ((r->flags & TCREC_F_FRAG) && (r->frag_off & 0x1fff)))
		return false;
	struct l3_view v = pt_l3_bytes(r, bytes);
	if (!v.p || v.len < (size_t)r->ip_hlen + 8)
		return false;
	size_t have = v.len - r->ip_hlen - 8;
	/* tcpdump reads as far as the bytes go, whatever the lengths say */
	struct dns d = { v.p + r->ip_hlen + 8, have, mdns };
	message(&d, b, len);
	return true;
}
