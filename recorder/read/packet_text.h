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

struct packet_text_opts {
	bool nano; /* nanosecond timestamps instead of tcpdump's microseconds */
	bool link; /* -e: MAC addresses, ethertypes and frame length */
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
