/* SPDX-License-Identifier: MIT */
/*
 * Captured bytes -> tcrec_record, by the rules of the capture program
 * (bpf/parse.bpf.h). Every user-space reader of packet bytes (diff of pcap
 * inputs, the tools that build logs from traces) goes through this one
 * parser, so that a pcap packet and a tcrec record of the same packet give
 * the same fields.
 */
#ifndef TCREC_PACKET_PARSE_H
#define TCREC_PACKET_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/tcrec.h"

/* Link types as libpcap's DLT_* numbers (pcap/dlt.h, Linux values), kept as
 * plain ints so that this library needs no libpcap header. */
#define PACKET_DLT_EN10MB 1
#define PACKET_DLT_RAW 12
#define PACKET_DLT_LINUX_SLL 113
#define PACKET_DLT_IPV4 228
#define PACKET_DLT_IPV6 229
#define PACKET_DLT_LINUX_SLL2 276

/* Where the L3 header of the parsed bytes starts. */
struct packet_l3 {
	uint32_t l3_off;  /* offset of the L3 header in the bytes (after all VLAN tags) */
	bool l3_known;    /* false when the L2 header could not be walked */
};

/*
 * Parses caplen bytes at b of link type linktype (EN10MB, RAW, IPV4, IPV6,
 * LINUX_SLL, LINUX_SLL2) into rec, field for field as the capture program
 * does (bpf/parse.h): only the first TCREC_HDR_WIN bytes count, what cannot
 * be parsed is left as it was and flagged. rec should be zeroed; ts_ns,
 * wire_len and cap_len are the caller's. Set wire_len first when the
 * packet was longer than the bytes kept (a snaplen): a header past the
 * window that the packet had is then EXT_LIMIT, as in the kernel, not
 * TRUNC. Returns 0, or -EPROTONOSUPPORT for another link type.
 */
int packet_parse(int linktype, const uint8_t *b, uint32_t caplen, struct tcrec_record *rec,
		 struct packet_l3 *l3);

/*
 * The transport fields of rec (ports, TCP, ICMP) from the avail bytes at b,
 * a header of protocol proto, by the same rules: for a reader that walks
 * further than the capture parser (an IPv6 extension header chain longer
 * than it follows). Sets ip_proto; TCREC_F_L4 or TCREC_F_TRUNC as parsing
 * does.
 */
void packet_parse_l4(uint8_t proto, const uint8_t *b, uint32_t avail, struct tcrec_record *rec);

#endif
