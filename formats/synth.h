/* SPDX-License-Identifier: MIT */
/*
 * Packet headers rebuilt from a metadata-only record, so that pcap readers
 * see the same addresses, ports, IDs, lengths, TCP sequence numbers and
 * flags as in the original packet. The frame ends after the last header
 * the record describes (caplen <= wire_len); the payload is not there.
 *
 * What cannot be rebuilt: IP and TCP options (replaced by padding of the
 * same length, so header lengths stay right), which IPv6 extension headers
 * a packet had (padding of their total length), L4 checksums (zero), the
 * IPv6 fragment identification (zero), payload, and whatever the record
 * does not hold: the packet an ICMP error quotes, an L4 header the parser
 * did not keep (no TCREC_F_L4), tags beyond the third (formats/EXPORT.md).
 */
#ifndef TCREC_SYNTH_H
#define TCREC_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/tcrec.h"

/* Ethernet + 3 VLAN tags + IPv6 with 215 bytes of extension headers + TCP
 * with options, rounded up. */
#define SYNTH_MAX 512

/* Comment put on every synthesized packet in pcapng. */
#define SYNTH_COMMENT "tcrec: synthesized headers"

/* Writes the headers into buf (SYNTH_MAX bytes) and returns their length,
 * never more than rec->wire_len. */
size_t synth_headers(const struct tcrec_record *rec, uint8_t *buf);

/* An IPv6 record keeps the length of its extension headers, not which
 * ones they were: the rebuilt chain is padding, and the IPv6 header's next
 * header a guess. A guess at what the original held there: that next
 * header and, when it is a fragment header, the fragment header's own. */
struct synth_chain_guess {
	uint8_t first;
	uint8_t after_frag;
};
#define SYNTH_CHAIN_GUESSES 9

/* Writes every guess that fits the record to out (SYNTH_CHAIN_GUESSES at
 * most) and returns how many; 0 when the chain is known (none, or a lone
 * fragment header). */
size_t synth_ipv6_chain_guesses(const struct tcrec_record *rec, struct synth_chain_guess *out);

/* synth_headers, with every byte the record does not know set to fill
 * instead of the padding synth_headers writes: IP and TCP options, IPv6
 * extension headers (all of them but a lone fragment header's known
 * fields), L4 checksums, the urgent pointer, SCTP's verification tag and
 * checksum, the rest of an ICMP header that is not an echo. A byte the
 * record knows only part of (the TCP data offset beside the reserved bits,
 * the fragment offset beside its reserved bits, an IPv4 header length no
 * header has) differs from fill to fill too. The IPv4 header checksum is
 * the fill too, except with fill 0 (what synth_headers writes), where it
 * is computed. The IPv6 extension header chain starts as guess says (NULL:
 * the guess synth_headers makes). Lets a reader find out whether a filter
 * looks at bytes the record does not know. */
size_t synth_headers_guess(const struct tcrec_record *rec, uint8_t *buf, uint8_t fill,
			   const struct synth_chain_guess *guess);

/* The standard Internet checksum of len bytes (RFC 1071), ready to store. */
uint16_t synth_ip_checksum(const void *data, size_t len);

#endif
