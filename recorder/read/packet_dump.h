/* SPDX-License-Identifier: MIT */
/*
 * The captured bytes of a packet after its line, as tcpdump's -x, -xx, -X,
 * -XX and -A print them: same columns, same offsets, same choice of bytes
 * (without the link header unless doubled), so that scripts and eyes used
 * to tcpdump's dumps read ours.
 */
#ifndef TCREC_PACKET_DUMP_H
#define TCREC_PACKET_DUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum packet_dump_mode {
	PACKET_DUMP_NONE = 0,
	PACKET_DUMP_HEX,       /* -x: "\t0x0000:  4500 0054 ..." */
	PACKET_DUMP_HEX_ASCII, /* -X: hex, then the bytes as ASCII on the right */
	PACKET_DUMP_ASCII,     /* -A: the bytes as text, non-printables as '.' */
};

struct packet_dump_opts {
	enum packet_dump_mode mode;
	bool link; /* -xx, -XX, -AA: from the first byte, link header included */
};

/* Length of the link-layer header tcpdump leaves out of -x/-X/-A: the
 * Ethernet header with its VLAN tags, the cooked (SLL/SLL2) header, none
 * for raw IP. A header the capture cut counts whole (caplen), so nothing
 * is dumped, as tcpdump does; where tcpdump's printer gives up on a cut
 * packet (an IPv4 ethertype and nothing after, TCP options cut), it is 0,
 * as tcpdump then dumps the whole frame. linktype is a PACKET_DLT_* number
 * (formats/packet_parse.h); an unknown one has no header to leave out. */
uint32_t packet_dump_link_len(int linktype, const uint8_t *b, uint32_t caplen);

/* Writes the dump lines of the caplen bytes at b (nothing when there are
 * none to show), each ended by a newline. The packet's own line must have
 * been written before, with its newline. */
void packet_dump(FILE *out, const uint8_t *b, uint32_t caplen, int linktype,
		 const struct packet_dump_opts *opts);

#endif
