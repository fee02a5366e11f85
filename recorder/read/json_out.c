/* SPDX-License-Identifier: MIT */
#include "json_out.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <time.h>

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF), 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Names come from log headers, which are input like any other: control
 * characters are escaped and a byte that is not valid UTF-8 becomes
 * U+FFFD, so that the output is always valid JSON (RFC 8259 section 8.1). */
void json_put_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n;

		if (*p == '"' || *p == '\\') {
			fprintf(f, "\\%c", *p);
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(f, "\\u%04x", *p);
		} else if (*p < 0x80) {
			fputc(*p, f);
		} else if ((n = utf8_len(p))) {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		} else {
			fputs("\\ufffd", f);
		}
		p++;
	}
	fputc('"', f);
}

void json_put_time(FILE *f, uint64_t ts_ns)
{
	time_t sec = (time_t)(ts_ns / 1000000000u);
	struct tm tm;
	char day[32];
	if (!gmtime_r(&sec, &tm) || !strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm)) {
		fputs("null", f);
		return;
	}
	fprintf(f, "\"%s.%09lluZ\"", day, (unsigned long long)(ts_ns % 1000000000u));
}

static void put_mac(FILE *f, const uint8_t *m)
{
	fprintf(f, "\"%02x:%02x:%02x:%02x:%02x:%02x\"", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void put_addr(FILE *f, const struct tcrec_record *r, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];
	int af = (r->flags & TCREC_F_IPV4) ? AF_INET : (r->flags & TCREC_F_IPV6) ? AF_INET6 : 0;
	if (!af || !inet_ntop(af, a, s, sizeof(s))) {
		fputs("null", f);
		return;
	}
	fprintf(f, "\"%s\"", s);
}

static void put_vlans(FILE *f, const struct tcrec_record *r)
{
	unsigned n = r->vlan_count < 3 ? r->vlan_count : 3;
	fputc('[', f);
	for (unsigned i = 0; i < n; i++) {
		uint16_t tci = r->vlan_tci[i];
		bool offloaded = i == 0 && (r->flags & TCREC_F_VLAN_SKB);
		fprintf(f, "%s{\"tpid\":%u,\"tci\":%u,\"id\":%u,\"pcp\":%u,\"offloaded\":%s}",
			i ? "," : "", r->vlan_tpid[i], tci, tci & 0x0fffu, tci >> 13,
			offloaded ? "true" : "false");
	}
	fputc(']', f);
}

void json_put_record(FILE *f, const struct tcrec_record *r, const uint8_t *bytes, const char *ifname)
{
	const struct json_iface ifc = { .name = ifname, .ifindex = r->ifindex };
	json_put_record_on(f, r, bytes, &ifc);
}

void json_put_record_on(FILE *f, const struct tcrec_record *r, const uint8_t *bytes,
			const struct json_iface *ifc)
{
	json_put_packet(f, r, bytes, ifc, NULL);
}

static void put_bounded(FILE *f, const char *key, const char *s, size_t max)
{
	char v[TCLOG_CGROUP_MAX + 1];
	snprintf(v, sizeof(v), "%.*s", (int)max, s);
	if (!v[0])
		return;
	fprintf(f, ",\"%s\":", key);
	json_put_string(f, v);
}

static void put_sock(FILE *f, const struct tclog_sock *k)
{
	if (k->pid)
		fprintf(f, ",\"pid\":%u", k->pid);
	if (k->tid)
		fprintf(f, ",\"tid\":%u", k->tid);
	put_bounded(f, "comm", k->comm, TCLOG_COMM_MAX);
	/* uid 0 is root, not "unknown", once the owner is known at all */
	if (k->uid || k->pid)
		fprintf(f, ",\"uid\":%u", k->uid);
	put_bounded(f, "cgroup", k->cgroup, TCLOG_CGROUP_MAX);
	put_bounded(f, "container", k->container, TCLOG_CONTAINER_MAX);
	fprintf(f, ",\"sock_cookie\":%llu", (unsigned long long)k->cookie);
}

void json_put_packet(FILE *f, const struct tcrec_record *r, const uint8_t *bytes,
		     const struct json_iface *ifc, const struct tclog_sock *sock)
{
	bool ip = r->flags & (TCREC_F_IPV4 | TCREC_F_IPV6);
	fputs("{\"time\":", f);
	json_put_time(f, r->ts_ns);
	fprintf(f, ",\"ts_ns\":%llu,\"ifindex\":%u,\"ifname\":", (unsigned long long)r->ts_ns,
		ifc->ifindex);
	json_put_string(f, ifc->name);
	if (ifc->netns_ino) {
		fputs(",\"netns\":", f);
		json_put_string(f, ifc->netns);
		fprintf(f, ",\"netns_ino\":%llu", (unsigned long long)ifc->netns_ino);
	}
	fprintf(f, ",\"dir\":\"%s\",\"wire_len\":%u,\"cap_len\":%u,\"ethertype\":%u,\"vlan\":",
		r->dir == TCREC_DIR_OUT ? "out" : "in", r->wire_len, r->cap_len, r->ethertype);
	put_vlans(f, r);
	fputs(",\"smac\":", f);
	put_mac(f, r->smac);
	fputs(",\"dmac\":", f);
	put_mac(f, r->dmac);
	fputs(",\"src\":", f);
	put_addr(f, r, r->saddr);
	fputs(",\"dst\":", f);
	put_addr(f, r, r->daddr);
	if (ip)
		fprintf(f, ",\"ip_proto\":%u", r->ip_proto);
	else
		fputs(",\"ip_proto\":null", f);
	fprintf(f,
		",\"ip_id\":%u,\"ttl\":%u,\"tos\":%u,\"ip_len\":%u,\"ip_hlen\":%u,\"frag_off\":%u"
		",\"sport\":%u,\"dport\":%u,\"tcp_seq\":%u,\"tcp_ack\":%u,\"tcp_flags\":%u"
		",\"tcp_hlen\":%u,\"tcp_win\":%u,\"udp_len\":%u,\"icmp_type\":%u,\"icmp_code\":%u"
		",\"icmp_id\":%u,\"icmp_seq\":%u,\"mark\":%u,\"drops\":%u,\"flags\":%u",
		r->ip_id, r->ttl, r->tos, r->ip_len, r->ip_hlen, r->frag_off, r->sport, r->dport,
		r->tcp_seq, r->tcp_ack, r->tcp_flags, r->tcp_hlen, r->tcp_win, r->udp_len,
		r->icmp_type, r->icmp_code, r->icmp_id, r->icmp_seq, r->mark, r->drops, r->flags);
	if (r->cap_len > 0 && bytes) {
		static const char hex[] = "0123456789abcdef";
		fputs(",\"bytes\":\"", f);
		for (uint32_t i = 0; i < r->cap_len; i++) {
			fputc(hex[bytes[i] >> 4], f);
			fputc(hex[bytes[i] & 15], f);
		}
		fputc('"', f);
	}
	if (sock)
		put_sock(f, sock);
	fputs("}\n", f);
}
