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

/* "HH:MM:SS.frac" of a span, wrapped at a day as tcpdump wraps it. */
static int span_time(char *buf, size_t len, char sign, uint64_t ns, bool nano)
{
	uint64_t sec = ns / 1000000000u % 86400u, frac = ns % 1000000000u;
	unsigned h = (unsigned)(sec / 3600), m = (unsigned)(sec / 60 % 60), s = (unsigned)(sec % 60);
	return nano ? snprintf(buf, len, "%c%02u:%02u:%02u.%09llu", sign, h, m, s,
			       (unsigned long long)frac)
		    : snprintf(buf, len, "%c%02u:%02u:%02u.%06llu", sign, h, m, s,
			       (unsigned long long)(frac / 1000));
}

/* A span from ref to ts: tcpdump signs it, with a space when positive. */
static int since(char *buf, size_t len, uint64_t ts, uint64_t ref, bool nano)
{
	return ts >= ref ? span_time(buf, len, ' ', ts - ref, nano)
			 : span_time(buf, len, '-', ref - ts, nano);
}

static int day_time(char *buf, size_t len, uint64_t ts_ns, bool nano)
{
	char full[64];
	packet_text_time(full, sizeof(full), ts_ns, nano);
	const char *hms = strchr(full, ' ');
	return snprintf(buf, len, "%s", hms ? hms + 1 : full);
}

/* The time at the start of a line, with its trailing space (none for -t). */
static int line_head(char *buf, size_t len, uint64_t ts_ns, const struct packet_text_opts *o)
{
	char t[64];
	uint64_t frac = ts_ns % 1000000000u;

	switch (o->tstamp) {
	case PACKET_TS_NONE:
		if (len)
			buf[0] = '\0';
		return 0;
	case PACKET_TS_EPOCH:
		if (o->nano)
			snprintf(t, sizeof(t), "%llu.%09llu", (unsigned long long)(ts_ns / 1000000000u),
				 (unsigned long long)frac);
		else
			snprintf(t, sizeof(t), "%llu.%06llu", (unsigned long long)(ts_ns / 1000000000u),
				 (unsigned long long)(frac / 1000));
		break;
	case PACKET_TS_DELTA:
		since(t, sizeof(t), ts_ns, o->prev_ns, o->nano);
		break;
	case PACKET_TS_SINCE_FIRST:
		since(t, sizeof(t), ts_ns, o->first_ns, o->nano);
		break;
	case PACKET_TS_DAY:
		day_time(t, sizeof(t), ts_ns, o->nano);
		break;
	default:
		packet_text_time(t, sizeof(t), ts_ns, o->nano);
		break;
	}
	return snprintf(buf, len, "%s ", t);
}

size_t packet_text_format(char *buf, size_t len, const struct tcrec_record *r,
			  const uint8_t *bytes, const char *ifname,
			  const struct packet_text_opts *o)
{
	char ts[80], ifbuf[4 * 128 + 1]; /* NS/IF, each byte maybe escaped */
	line_head(ts, sizeof(ts), r->ts_ns, o);
	int n;
	if (o->bare) {
		n = snprintf(buf, len, "%s", ts);
	} else {
		if (!ifname || !*ifname)
			snprintf(ifbuf, sizeof(ifbuf), "if%u", r->ifindex);
		else
			packet_text_escape(ifbuf, sizeof(ifbuf), ifname);
		/* Same columns as tcpdump -i any: name padded to 5, direction to 3. */
		n = snprintf(buf, len, "%s%-5s %-3s ", ts, ifbuf,
			     r->dir == TCREC_DIR_OUT ? "Out" : "In");
	}
	size_t head = n > 0 ? (size_t)n : 0;
	size_t rest = head < len ? len - head : 0;
	return head + packet_text_summary(rest ? buf + head : NULL, rest, r, bytes, o);
}
