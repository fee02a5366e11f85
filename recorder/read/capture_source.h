/* SPDX-License-Identifier: MIT */
/*
 * A pcap (micro- or nanosecond), pcapng (any number of sections and
 * interfaces) or either zstd-compressed, from a path or "-" (stdin), as
 * records: each packet goes through the one parser (formats/packet_parse.h)
 * and comes out as a tcrec log holds it, an Ethernet frame; packets of a
 * cooked (SLL, SLL2) or raw IP link type get the synthesized Ethernet
 * header with zero MACs that the recorder gives L3 devices (flag
 * TCREC_F_NO_ETH), so that every reader treats them alike.
 */
#ifndef TCREC_CAPTURE_SOURCE_H
#define TCREC_CAPTURE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/tcrec.h"

struct capture_source;

struct capture_packet {
	struct tcrec_record rec; /* ts_ns from the file's resolution; ifindex = interface
				  * index (capture_source_iface); dir TCREC_DIR_IN when unknown */
	const uint8_t *bytes;    /* rec.cap_len bytes, an Ethernet frame */
	bool has_dir;            /* epb_flags or the cooked header said In or Out */
	bool bare;               /* no interface name and no direction */
};

struct capture_iface {
	const char *name;        /* if_name, NULL when the file names none */
	int linktype;            /* PACKET_DLT_* of the file */
};

/* Whether path is a capture file this source reads (sniffed from its
 * first bytes; "-" always is, stdin is sniffed when opened). */
bool capture_source_is_capture(const char *path);

/* NULL with err naming the path and why (not a pcap/pcapng, a link type
 * tcrec does not read, unreadable). */
struct capture_source *capture_source_open(const char *path, char *err, size_t errlen);

/* 1 = *p set (valid until the next call), 0 = end, -1 = damage or a read
 * error: err names the file and the byte offset. */
int capture_source_next(struct capture_source *s, struct capture_packet *p, char *err, size_t errlen);

/* Interfaces met so far: a pcap has one, a pcapng one per IDB. */
size_t capture_source_nifaces(const struct capture_source *s);
const struct capture_iface *capture_source_iface(const struct capture_source *s, size_t i);

/* "pcap" or "pcapng". */
const char *capture_source_kind(const struct capture_source *s);

/* Bytes of the file read so far (capture_stream_offset). */
uint64_t capture_source_offset(const struct capture_source *s);

void capture_source_close(struct capture_source *s);

#endif
