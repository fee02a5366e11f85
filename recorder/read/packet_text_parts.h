/* SPDX-License-Identifier: MIT */
/*
 * Inside packet_text: the printers of each layer call one another through
 * these (packet_text.h is the interface to the rest of tcrec). Each appends
 * its part of the line to b, from the record and, where they were kept,
 * the packet bytes (NULL when none).
 */
#ifndef TCREC_PACKET_TEXT_PARTS_H
#define TCREC_PACKET_TEXT_PARTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/parse.h"
#include "bpf/tcrec.h"
#include "line_buf.h"
#include "packet_text.h"

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The bytes after the Ethernet and VLAN headers, when they were captured. */
struct l3_view {
	const uint8_t *p;
	size_t len;
};

/* packet_text_link.c */
struct l3_view pt_l3_bytes(const struct tcrec_record *r, const uint8_t *bytes);

/* packet_text_ip.c */
bool pt_rec_is_v4(const struct tcrec_record *r);
void pt_put_addr(struct sbuf *b, const struct tcrec_record *r, const uint8_t *a);
/* Payload length after the network header, from the IP length field. */
unsigned pt_ip_payload(const struct tcrec_record *r);
/* Where the transport header starts in the captured bytes when at least
 * need bytes of it were kept, or NULL. */
const uint8_t *pt_l4_bytes(const struct tcrec_record *r, const uint8_t *bytes, size_t need);
void pt_put_ip_missing(struct sbuf *b, const struct tcrec_record *r);
void pt_put_ipv4(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		 const struct packet_text_opts *o);

/* packet_text_ipv6.c */
void pt_put_ipv6(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		 const struct packet_text_opts *o);

/* packet_text_l4.c: after_ext when IPv6 extension headers came first */
void pt_put_endpoints(struct sbuf *b, const struct tcrec_record *r, bool ports);
void pt_put_l4(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes, bool after_ext,
	       const struct packet_text_opts *o);

/* packet_text_tcp.c */
void pt_put_tcp(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		const struct packet_text_opts *o);

/* packet_text_icmp.c */
void pt_put_icmp(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		 const struct packet_text_opts *o);
void pt_put_icmp6(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		  const struct packet_text_opts *o);
const char *pt_icmp6_name(uint8_t type);

/* A line must stay within print's buffer whatever the packet says: -v
 * stops naming options, and DNS stops listing questions, answers and TXT
 * strings, once the line is this long (what is left out reads "..."). */
#define PT_VERBOSE_LINE_MAX 2048

static inline bool pt_line_full(const struct sbuf *b)
{
	return b->len > PT_VERBOSE_LINE_MAX;
}

/* packet_text_verbose.c: what -v adds to the network layer */
const char *pt_proto_name(uint8_t p);
/* The Internet checksum over big-endian 16-bit words: pt_sum16 adds n
 * bytes to sum, pt_fold gives the checksum (0 when a packet that holds its
 * checksum field is intact). */
uint32_t pt_sum16(const uint8_t *p, size_t n, uint32_t sum);
uint16_t pt_fold(uint32_t sum);
uint16_t pt_cksum_shouldbe(uint16_t field, uint16_t computed);
/* ip/ip6: the network header's bytes (have of them), or NULL. */
bool pt_put_ipv4_verbose(struct sbuf *b, const struct tcrec_record *r, const uint8_t *ip,
			 size_t have);
void pt_put_ipv6_verbose(struct sbuf *b, const struct tcrec_record *r, const uint8_t *ip6,
			 size_t have);

/* packet_text_ip6opt.c: -v on hop-by-hop and destination options: h is
 * the header, hlen long and all captured */
void pt_put_ip6_options(struct sbuf *b, const uint8_t *h, size_t hlen, bool hbh, unsigned plen);

/* packet_text_quote.c: -v on an ICMP error: the IP packet it quotes */
void pt_put_icmp_quote(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		       const struct packet_text_opts *o);

/* packet_text_nd.c: -v on neighbor discovery: flags and options */
void pt_put_icmp6_nd_verbose(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
			     unsigned len, int verbose);

/* packet_text_cksum.c: the TCP/UDP/ICMP checksum over len bytes of the
 * transport header and payload, when all of them were kept: *field is the
 * header's, *sum 0 when it is right. */
bool pt_l4_cksum(const struct tcrec_record *r, const uint8_t *bytes, unsigned len,
		 unsigned field_off, bool pseudo, uint16_t *field, uint16_t *sum);

#endif
