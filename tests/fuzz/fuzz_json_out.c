/* SPDX-License-Identifier: MIT */
/*
 * The JSON writer of `tcrec print --json` on any record a log can hold, and
 * on any interface name. The output is read back with a strict JSON parser
 * of its own: one object on one line, the keys of the contract in their
 * order, and every value equal to the record's field it stands for.
 */
#define _GNU_SOURCE /* open_memstream */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_record.h"
#include "recorder/read/json_out.h"
#include "recorder/read/time_arg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *out_text;

static void fail(const char *what, const char *key)
{
	fprintf(stderr, "json_out: %s%s%s\noutput: %s\n", what, key ? ": " : "", key ? key : "",
		out_text ? out_text : "(none)");
	abort();
}

/* ---- a strict JSON reader (RFC 8259 syntax; strings decoded to bytes) ---- */

struct jp {
	const char *p;
};

static void value(struct jp *j, int depth);

static void ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n')
		j->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes a string into out (NUL-terminated, cap bytes); \u escapes above
 * 0xff are refused but for U+FFFD, which stands for a byte that is not
 * UTF-8: the writer needs no others. Returns the length. */
static size_t string(struct jp *j, char *out, size_t cap)
{
	size_t n = 0;

	if (*j->p != '"')
		fail("expected a string", NULL);
	for (j->p++; *j->p != '"'; j->p++) {
		unsigned char c = (unsigned char)*j->p;
		if (c < 0x20)
			fail("raw control character in a string", NULL);
		if (c == '\\') {
			c = (unsigned char)*++j->p;
			switch (c) {
			case '"': case '\\': case '/': break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u': {
				int v = 0;
				for (int i = 1; i <= 4; i++) {
					int h = hexval(j->p[i]);
					if (h < 0)
						fail("bad \\u escape", NULL);
					v = v * 16 + h;
				}
				if (v == 0xfffd) {
					if (n + 3 >= cap)
						fail("string too long", NULL);
					out[n++] = (char)0xef;
					out[n++] = (char)0xbf;
					c = 0xbd;
					j->p += 4;
					break;
				}
				if (v > 0xff || v == 0)
					fail("\\u escape the writer has no reason to write", NULL);
				c = (unsigned char)v;
				j->p += 4;
				break;
			}
			default:
				fail("bad escape", NULL);
			}
		}
		if (n + 1 >= cap)
			fail("string too long", NULL);
		out[n++] = (char)c;
	}
	j->p++;
	out[n] = 0;
	return n;
}

/* An unsigned integer (the writer prints no other numbers). */
static unsigned long long number(struct jp *j)
{
	unsigned long long v = 0;
	const char *s = j->p;

	if (*s == '0' && s[1] >= '0' && s[1] <= '9')
		fail("number with a leading zero", NULL);
	while (*j->p >= '0' && *j->p <= '9') {
		unsigned d = (unsigned)(*j->p++ - '0');
		if (v > (~0ull - d) / 10)
			fail("number overflows 64 bits", NULL);
		v = v * 10 + d;
	}
	if (j->p == s)
		fail("expected a value", NULL);
	if (*j->p == '.' || *j->p == 'e' || *j->p == 'E')
		fail("non-integer number", NULL);
	return v;
}

static bool word(struct jp *j, const char *w)
{
	size_t n = strlen(w);
	if (strncmp(j->p, w, n))
		return false;
	j->p += n;
	return true;
}

static void members(struct jp *j, int depth, char close)
{
	static char skip[4096];

	ws(j);
	if (*j->p == close) {
		j->p++;
		return;
	}
	for (;;) {
		if (close == '}') {
			string(j, skip, sizeof(skip));
			ws(j);
			if (*j->p++ != ':')
				fail("expected ':'", NULL);
		}
		value(j, depth + 1);
		ws(j);
		if (*j->p == ',') {
			j->p++;
			ws(j);
			continue;
		}
		if (*j->p++ != close)
			fail("expected ',' or the end of a container", NULL);
		return;
	}
}

static void value(struct jp *j, int depth)
{
	static char skip[1 << 16];

	if (depth > 8)
		fail("nested too deep", NULL);
	ws(j);
	if (*j->p == '"')
		string(j, skip, sizeof(skip));
	else if (*j->p == '{' || *j->p == '[')
		members(j, depth, *j->p++ == '{' ? '}' : ']');
	else if (!word(j, "null") && !word(j, "true") && !word(j, "false"))
		number(j);
}

/* ---- the record's contract ---- */

static const char *const keys[] = {
	"time", "ts_ns", "ifindex", "ifname", "dir", "wire_len", "cap_len", "ethertype",
	"vlan", "smac", "dmac", "src", "dst", "ip_proto", "ip_id", "ttl", "tos", "ip_len",
	"ip_hlen", "frag_off", "sport", "dport", "tcp_seq", "tcp_ack", "tcp_flags",
	"tcp_hlen", "tcp_win", "udp_len", "icmp_type", "icmp_code", "icmp_id", "icmp_seq",
	"mark", "drops", "flags", "bytes",
};

static unsigned long long field(const struct tcrec_record *r, const char *k)
{
#define F(name) if (!strcmp(k, #name)) return r->name
	F(ts_ns); F(ifindex); F(wire_len); F(cap_len); F(ethertype); F(ip_proto); F(ip_id);
	F(ttl); F(tos); F(ip_len); F(ip_hlen); F(frag_off); F(sport); F(dport); F(tcp_seq);
	F(tcp_ack); F(tcp_flags); F(tcp_hlen); F(tcp_win); F(udp_len); F(icmp_type);
	F(icmp_code); F(icmp_id); F(icmp_seq); F(mark); F(drops); F(flags);
#undef F
	fail("no such field", k);
	return 0;
}

static void check_mac(struct jp *j, const uint8_t *m, const char *k)
{
	char s[64];
	unsigned v[6];
	string(j, s, sizeof(s));
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6 ||
	    strlen(s) != 17)
		fail("bad MAC", k);
	for (int i = 0; i < 6; i++)
		if (v[i] != m[i])
			fail("MAC differs", k);
}

static void check_addr(struct jp *j, const struct tcrec_record *r, const uint8_t *a, const char *k)
{
	bool v4 = r->flags & TCREC_F_IPV4, v6 = r->flags & TCREC_F_IPV6;
	uint8_t got[16];
	char s[128];

	if (!v4 && !v6) {
		if (!word(j, "null"))
			fail("address of a record that is not IP", k);
		return;
	}
	string(j, s, sizeof(s));
	if (inet_pton(v4 ? AF_INET : AF_INET6, s, got) != 1 || memcmp(got, a, v4 ? 4 : 16))
		fail("address differs", k);
}

static void check_vlans(struct jp *j, const struct tcrec_record *r)
{
	unsigned n = 0, want = r->vlan_count < 3 ? r->vlan_count : 3;
	const char *start = j->p;

	value(j, 0);
	/* every tag is one object */
	for (const char *p = start; p < j->p; p++)
		n += *p == '{';
	if (*start != '[' || n != want)
		fail("vlan array does not hold vlan_count tags", "vlan");
}

/* The code point of the UTF-8 sequence at p and its length, or 0 when it
 * is not one (overlong, surrogate, beyond U+10FFFF, cut short). */
static size_t utf8_decode(const unsigned char *p, unsigned *cp)
{
	static const unsigned min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;

	if (!n || p[0] >= 0xf8)
		return 0;
	*cp = p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	if (*cp < min[n] || (*cp >= 0xd800 && *cp <= 0xdfff) || *cp > 0x10ffff)
		return 0;
	return n;
}

/* What a name must read back as: each byte that does not start a valid
 * UTF-8 sequence replaced by U+FFFD. */
static void expected_name(const char *in, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t n = 0;
	unsigned cp;

	while (*p && n + 4 < cap) {
		size_t l = *p < 0x80 ? 1 : utf8_decode(p, &cp);
		if (l) {
			memcpy(out + n, p, l);
			n += l;
			p += l;
		} else {
			memcpy(out + n, "\xef\xbf\xbd", 3);
			n += 3;
			p++;
		}
	}
	out[n] = 0;
}

static void check_utf8(const char *out)
{
	unsigned cp;

	for (const unsigned char *p = (const unsigned char *)out; *p;) {
		size_t l = *p < 0x80 ? 1 : utf8_decode(p, &cp);
		if (!l)
			fail("output is not valid UTF-8", NULL);
		p += l;
	}
}

static void check_record(const char *out, const struct tcrec_record *r, const uint8_t *bytes,
			 const char *ifname)
{
	static char want_name[1024];
	struct jp j = { out };
	size_t nkeys = sizeof(keys) / sizeof(keys[0]) - !(r->cap_len && bytes), k = 0;
	static char key[256], s[1 << 16];

	if (strchr(out, '\n') != out + strlen(out) - 1)
		fail("not exactly one line", NULL);
	check_utf8(out);
	if (*j.p++ != '{')
		fail("not an object", NULL);
	for (;; k++) {
		ws(&j);
		string(&j, key, sizeof(key));
		if (k >= nkeys || strcmp(key, keys[k]))
			fail("key out of the contract's order", key);
		ws(&j);
		if (*j.p++ != ':')
			fail("expected ':'", key);
		ws(&j);
		if (!strcmp(key, "time")) {
			uint64_t ns;
			string(&j, s, sizeof(s));
			/* time_arg reads RFC 3339 up to its own 64-bit limit */
			if (r->ts_ns < 18446744073000000000ull &&
			    (time_arg_parse(s, 0, &ns) || ns != r->ts_ns))
				fail("time does not read back as ts_ns", key);
		} else if (!strcmp(key, "ifname")) {
			if (!ifname) {
				if (!word(&j, "null"))
					fail("no interface name is not null", key);
			} else {
				expected_name(ifname, want_name, sizeof(want_name));
				if (string(&j, s, sizeof(s)) != strlen(want_name) || strcmp(s, want_name))
					fail("interface name does not read back", key);
			}
		} else if (!strcmp(key, "dir")) {
			string(&j, s, sizeof(s));
			if (strcmp(s, r->dir == TCREC_DIR_OUT ? "out" : "in"))
				fail("direction differs", key);
		} else if (!strcmp(key, "vlan")) {
			check_vlans(&j, r);
		} else if (!strcmp(key, "smac") || !strcmp(key, "dmac")) {
			check_mac(&j, key[0] == 's' ? r->smac : r->dmac, key);
		} else if (!strcmp(key, "src") || !strcmp(key, "dst")) {
			check_addr(&j, r, key[0] == 's' ? r->saddr : r->daddr, key);
		} else if (!strcmp(key, "bytes")) {
			size_t n = string(&j, s, sizeof(s));
			if (n != 2ull * r->cap_len)
				fail("bytes is not two hex digits a byte", key);
			for (size_t i = 0; i < r->cap_len; i++) {
				int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
				if (hi < 0 || lo < 0 || (hi << 4 | lo) != bytes[i])
					fail("bytes differ", key);
			}
		} else if (!strcmp(key, "ip_proto") && !(r->flags & (TCREC_F_IPV4 | TCREC_F_IPV6))) {
			if (!word(&j, "null"))
				fail("ip_proto of a record that is not IP", key);
		} else if (number(&j) != field(r, key)) {
			fail("value differs from the record", key);
		}
		ws(&j);
		if (*j.p == ',') {
			j.p++;
			continue;
		}
		if (*j.p++ != '}')
			fail("expected ',' or '}'", key);
		break;
	}
	if (k + 1 != nkeys)
		fail("keys missing", NULL);
	if (strcmp(j.p, "\n"))
		fail("text after the object", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_record fr;
	char *out = NULL, ifbuf[80];
	size_t len = 0;

	if (fuzz_record_take(data, size, &fr))
		return 0;
	/* bit 2: an interface name made of the packet bytes, any byte but NUL */
	const char *ifname = NULL;
	if (fr.mode & 0x04) {
		size_t n = fr.bytes ? strnlen((const char *)fr.bytes, fr.rec.cap_len) : 0;
		if (n >= sizeof(ifbuf))
			n = sizeof(ifbuf) - 1;
		memcpy(ifbuf, fr.bytes ? (const char *)fr.bytes : "", n);
		ifbuf[n] = 0;
		ifname = ifbuf;
	}
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return 0;
	json_put_record(f, &fr.rec, fr.bytes, ifname);
	if (fclose(f))
		abort();
	out_text = out;
	if (strlen(out) != len)
		fail("NUL in the output", NULL);
	check_record(out, &fr.rec, fr.bytes, ifname);
	/* the whole line is also valid JSON to a generic reader */
	struct jp j = { out };
	value(&j, 0);
	ws(&j);
	if (*j.p)
		fail("text after the value", NULL);
	out_text = NULL;
	free(out);
	return 0;
}
