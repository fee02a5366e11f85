/* SPDX-License-Identifier: MIT */
/* A TCP payload as tcpdump words it without -v: HTTP as its txtproto
 * printer (": HTTP", and the first line when it is a request or a status
 * line); DNS goes to packet_text_dns.c. */
#include "packet_text_app.h"

#include <string.h>

#include "packet_text_parts.h"

enum { HTTP_PORT = 80, HTTP_ALT_PORT = 8080, DNS_PORT = 53, TOKEN_MAX = 32 };

static const char *const methods[] = {
	"GET", "PUT", "COPY", "HEAD", "LOCK", "MOVE", "POLL", "POST", "BCOPY", "BMOVE", "MKCOL",
	"TRACE", "LABEL", "MERGE", "DELETE", "SEARCH", "UNLOCK", "REPORT", "UPDATE", "NOTIFY",
	"BDELETE", "CONNECT", "OPTIONS", "CHECKIN", "PROPFIND", "CHECKOUT", "CNOTIFY",
	"BPROPFIND", "SUBSCRIBE", "PROPPATCH", "BPROPPATCH", "UNCHECKOUT", "MKACTIVITY",
	"MKWORKSPACE", "UNSUBSCRIBE", "VERSION-CONTROL", "BASELINE-CONTROL",
};

static bool printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

/* The token at *at (printable, up to a space), then the spaces after it:
 * false when none, or when the bytes end or hold a line end inside it. */
static bool token(const uint8_t *p, size_t n, size_t *at, char *tok)
{
	size_t i = *at, k = 0;
	tok[0] = 0;
	while (i < n && printable(p[i]) && p[i] != ' ') {
		if (k + 1 >= TOKEN_MAX)
			return false;
		tok[k++] = (char)p[i++];
	}
	tok[k] = 0;
	if (!k || i >= n || p[i] != ' ')
		return false;
	while (i < n && p[i] == ' ')
		i++;
	*at = i;
	return true;
}

static bool is_method(const char *t)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(t, methods[i]))
			return true;
	return false;
}

/* The first line up to its CRLF or LF; a line the bytes cut short ends in
 * "[|http]". */
static void first_line(struct sbuf *b, const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i] != '\n' && p[i] != '\r' && printable(p[i]))
		i++;
	sb_printf(b, ": %.*s", (int)i, (const char *)p);
	if (i >= n)
		sb_printf(b, " [|http]");
}

void pt_put_tcp_payload(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
			unsigned len)
{
	bool http = r->sport == HTTP_PORT || r->dport == HTTP_PORT || r->sport == HTTP_ALT_PORT ||
		    r->dport == HTTP_ALT_PORT;
	bool dns = r->sport == DNS_PORT || r->dport == DNS_PORT;
	if ((!http && !dns) || !len || !bytes || !r->cap_len || ((r->flags & TCREC_F_FRAG) && (r->frag_off & 0x1fff)))
		return;
	struct l3_view v = pt_l3_bytes(r, bytes);
	size_t hdr = (size_t)r->ip_hlen + r->tcp_hlen;
	if (!v.p || v.len < hdr)
		return;
	const uint8_t *p = v.p + hdr;
	size_t n = v.len - hdr < len ? v.len - hdr : len;
	if (dns) {
		pt_put_dns_tcp(b, p, n, len);
		return;
	}
	char t1[TOKEN_MAX], t2[TOKEN_MAX];
	size_t at = 0;
	bool line = false;
	if (token(p, n, &at, t1)) {
		if (is_method(t1))
			line = true;
		else if (token(p, n, &at, t2))
			line = strlen(t2) == 3 && t2[0] >= '0' && t2[0] <= '9' && t2[1] >= '0' &&
			       t2[1] <= '9' && t2[2] >= '0' && t2[2] <= '9';
	}
	sb_printf(b, ": HTTP");
	if (line)
		first_line(b, p, n);
}
