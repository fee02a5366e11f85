/* SPDX-License-Identifier: MIT */
/* The line around the protocol summary: time, interface, direction, and
 * names made safe for a terminal. The summary starts in packet_text_link.c. */
#include "packet_text.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

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
	char ts[64], ifbuf[4 * 128 + 1]; /* NS/IF, each byte maybe escaped */
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
