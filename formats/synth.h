/* SPDX-License-Identifier: MIT */
/*
 * Packet headers rebuilt from a metadata-only record, so that pcap readers
 * see the same addresses, ports, IDs, lengths, TCP sequence numbers and
 * flags as in the original packet. The frame ends after the last header
 * the record describes (caplen <= wire_len); the payload is not there.
 *
 * What cannot be rebuilt: IP and TCP options (replaced by padding of the
 * same length, so header lengths stay right), L4 checksums (zero), the
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

/* The same, with every byte the record does not know (IP and TCP options,
 * IPv6 extension header padding, L4 checksums, the urgent pointer) set to
 * fill instead of the padding synth_headers writes; SCTP's verification
 * tag and checksum too. Lets a reader find out whether a filter looks at
 * such bytes. The IPv4 header checksum is the fill too, except with fill 0
 * (what synth_headers writes), where it is computed. */
size_t synth_headers_fill(const struct tcrec_record *rec, uint8_t *buf, uint8_t fill);

/* The standard Internet checksum of len bytes (RFC 1071), ready to store. */
uint16_t synth_ip_checksum(const void *data, size_t len);

#endif
