/* SPDX-License-Identifier: MIT */
/*
 * One record as one line of text, in the words tcpdump uses for the same
 * packet (`tcpdump -nn -S -tttt`), so that people who read tcpdump read us
 * and scripts written for tcpdump's output keep working. Application
 * payloads are not decoded. What the record does not hold (TCP options,
 * IPv6 extension header names) is printed from the packet bytes kept with
 * it, if any; where those bytes end inside such a header, the line ends as
 * tcpdump's ends on the same bytes ("[|tcp]"). A record whose packet ended
 * inside a header says what tcpdump says of the packet cut at the start of
 * that header.
 */
#ifndef TCREC_PACKET_TEXT_H
#define TCREC_PACKET_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/tcrec.h"

/* How the time at the start of a line reads: tcpdump's -t ... -ttttt. */
enum packet_text_tstamp {
	PACKET_TS_DATE = 0, /* -tttt, print's default: "2026-11-22 01:43:54.123456" */
	PACKET_TS_NONE,     /* -t: no time */
	PACKET_TS_EPOCH,    /* -tt: seconds since the epoch, "1763775834.123456" */
	PACKET_TS_DELTA,    /* -ttt: since the previous packet printed */
	PACKET_TS_DAY,      /* tcpdump's default: "01:43:54.123456", local time */
	PACKET_TS_SINCE_FIRST, /* -ttttt: since the first packet printed */
};

struct packet_text_opts {
	bool nano; /* nanosecond timestamps instead of tcpdump's microseconds */
	bool link; /* -e: MAC addresses, ethertypes and frame length */
	int verbose; /* -v count: 0, 1 (-v), 2 (-vv), 3 (-vvv); fields as tcpdump adds them */
	bool quiet;  /* -q: less protocol information, as tcpdump -q */
	bool bare;   /* no interface and direction columns: time then summary, as
		      * tcpdump -r prints a capture that has neither */
	enum packet_text_tstamp tstamp;
	uint64_t first_ns, prev_ns; /* for DELTA and SINCE_FIRST, kept by the caller */
};

/* "2026-11-22 01:43:54.123456" in local time, as tcpdump -tttt prints it.
 * Returns the length written (always NUL-terminated, truncated to len). */
size_t packet_text_time(char *buf, size_t len, uint64_t ts_ns, bool nano);

/* The whole line without the trailing newline: time, interface, In/Out,
 * then the protocol summary. bytes (rec->cap_len of them) may be NULL.
 * ifname is IF or NS/IF (read/iface_name.h); NULL prints the ifindex. Returns the length the full line needs
 * (like snprintf); the buffer holds a truncated line when it is short. */
size_t packet_text_format(char *buf, size_t len, const struct tcrec_record *rec,
			  const uint8_t *bytes, const char *ifname,
			  const struct packet_text_opts *opts);

/* s as text that is safe on a terminal: every byte outside printable ASCII
 * becomes \xNN and a backslash \\, so that a name taken from a log header
 * can neither send escape sequences nor start a new line. Returns buf
 * (always NUL-terminated, truncated to len). */
const char *packet_text_escape(char *buf, size_t len, const char *s);

/* The protocol summary only ("IP 10.0.0.1.80 > ...: Flags [S], ..."). */
size_t packet_text_summary(char *buf, size_t len, const struct tcrec_record *rec,
			   const uint8_t *bytes, const struct packet_text_opts *opts);

#endif
