/* SPDX-License-Identifier: MIT */
/*
 * Application payloads tcpdump decodes without -v, where the packet bytes
 * were kept: DNS (and mDNS) over UDP and TCP, the first line of HTTP.
 * Called where the transport printers end; input is hostile: every length
 * is checked, compression pointers must point backwards.
 */
#ifndef TCREC_PACKET_TEXT_APP_H
#define TCREC_PACKET_TEXT_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "line_buf.h"
#include "packet_text.h"

/* The UDP payload as tcpdump's DNS printer words it, instead of "UDP,
 * length N" (len: the payload length tcpdump counts). false, with nothing
 * written, when it is not DNS or its bytes were not kept. */
bool pt_put_dns(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes, unsigned len);

/* After a TCP segment's ", length N", what tcpdump adds from the payload
 * (len: its length): for port 80 ": HTTP" and the request or status line;
 * for port 53 the DNS message after its length prefix. */
void pt_put_tcp_payload(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
			unsigned len);

/* packet_text_dns.c: DNS over TCP (payload: the n bytes kept of the len
 * the segment carries). */
void pt_put_dns_tcp(struct sbuf *b, const uint8_t *payload, size_t n, unsigned len);

#endif
