/* SPDX-License-Identifier: MIT */
/*
 * On-disk structures of the log format (formats/FORMAT.md) and their
 * explicit little-endian encoders and checked decoders, shared by the
 * writer and the reader. Decoders treat their input as hostile: every
 * length is checked against the buffer and the caps below.
 */
#ifndef TCREC_TCLOG_WIRE_H
#define TCREC_TCLOG_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "formats/tclog.h"

#define TCLOG_VERSION 3    /* what the writer writes */
#define TCLOG_VERSION_V3 3 /* chunks of records carry a socket table and references */
#define TCLOG_VERSION_V2 2 /* still read: no sockets */
#define TCLOG_VERSION_V1 1 /* still read: records hold ifindexes, 32-byte interface entries */

#define TCLOG_FILE_MAGIC "TCRECLOG"   /* 8 bytes at offset 0 */
#define TCLOG_CHUNK_MAGIC "TCCK"      /* 4 bytes, starts every chunk */
#define TCLOG_TRAILER_MAGIC "TCTR"    /* 4 bytes, starts the trailer */
#define TCLOG_FOOTER_MAGIC "TCLOGEND" /* last 8 bytes of a cleanly closed file */

#define TCLOG_HEADER_FIXED 16          /* magic, version, flags, header_len */
/* v2 holds TCREC_MAX_IFACES entries of 136 bytes next to a 4 KiB filter. */
#define TCLOG_HEADER_MAX (256u << 10)
#define TCLOG_HEADER_MAX_V1 65536
#define TCLOG_V1_MAX_IFACES 64
#define TCLOG_IFACE_SIZE_V1 32
#define TCLOG_IFACE_SIZE 136 /* v2: the v1 entry, netns_ino, ns_name[32], container[64] */
#define TCLOG_CHUNK_HDR_SIZE 48
#define TCLOG_TRAILER_FIXED 32
#define TCLOG_INDEX_ENTRY_SIZE 32
#define TCLOG_COUNTERS_SIZE 32         /* one (slot, direction) */
#define TCLOG_FOOTER_SIZE 24

/* Reader caps; the writer stays well inside them. */
#define TCLOG_CHUNK_RAW_MAX (32u << 20)
#define TCLOG_CHUNK_RECORDS_MAX 65536u
#define TCLOG_CHUNK_TARGET_DEFAULT (1u << 20)

#define TCLOG_TRAILER_F_FINAL 1u       /* final counters present */

/* A chunk that continues the interface table (v2): its payload is a u32
 * first slot, then `records` interface entries. */
#define TCLOG_ENC_IFACES 3
#define TCLOG_IFCHUNK_RAW(n) (4 + (size_t)(n) * TCLOG_IFACE_SIZE)

/* What a trailer index entry lists (its u32 at offset 28). */
#define TCLOG_KIND_RECORDS 0
#define TCLOG_KIND_IFACES 1

struct tclog_chunk_hdr {
	uint16_t encoding;
	uint16_t flags;
	uint32_t records;
	uint32_t raw_size;
	uint32_t comp_size;
	uint32_t payload_crc;
	uint64_t first_ns; /* smallest ts_ns in the chunk */
	uint64_t last_ns;  /* largest ts_ns in the chunk */
};

struct tclog_footer {
	uint64_t trailer_off;
	uint32_t trailer_len;
};

/* Header of the given version: encoded length or -EINVAL (bad strings /
 * counts) / -ENOSPC. */
int tclog_header_encode(const struct tclog_header *h, unsigned version, uint8_t *buf, size_t cap);
/* Peek at the first TCLOG_HEADER_FIXED bytes: total header length or -1. */
long tclog_header_peek(const uint8_t *buf, char *why, size_t whylen);
/* Sets h->rec_ifslot for a v2 header. */
int tclog_header_decode(const uint8_t *buf, size_t len, struct tclog_header *h,
			char *why, size_t whylen);

/* One interface entry of the given version (TCLOG_IFACE_SIZE or _V1
 * bytes): 0, or -EINVAL when a string does not fit its field. */
int tclog_iface_put(uint8_t *p, const struct tclog_iface *f, unsigned version);
/* 0 or -1 with why (a name field without its NUL). */
int tclog_iface_get(const uint8_t *p, struct tclog_iface *f, unsigned version, char *why,
		    size_t whylen);

/* The raw payload of an interface chunk (TCLOG_IFCHUNK_RAW(n) bytes). */
int tclog_ifchunk_encode(uint8_t *buf, uint32_t first_slot, const struct tclog_iface *v, uint32_t n);
/* Puts the chunk's count entries into h's table at their slots (slots
 * between the table's end and the first one become empty entries) and
 * grows h->n_ifaces; nothing changes when the payload is bad. 0 or -1 with
 * why. */
int tclog_ifchunk_apply(const uint8_t *raw, size_t len, uint32_t count, struct tclog_header *h,
			char *why, size_t whylen);

void tclog_chunk_hdr_encode(const struct tclog_chunk_hdr *c, uint8_t out[TCLOG_CHUNK_HDR_SIZE]);
/* 0 ok, -1 with why. Checks magic, checksum and the caps. */
int tclog_chunk_hdr_decode(const uint8_t in[TCLOG_CHUNK_HDR_SIZE], struct tclog_chunk_hdr *c,
			   char *why, size_t whylen);

size_t tclog_trailer_size(size_t n_chunks, uint32_t n_slots);
/* Fills buf (tclog_trailer_size() bytes); kind[i] is TCLOG_KIND_* of
 * chunk i; fin may be NULL. */
void tclog_trailer_encode(uint8_t *buf, const struct tclog_chunk_info *idx, const uint8_t *kind,
			  size_t n_chunks, const struct tclog_final *fin, uint32_t n_slots);
/* Reads the fixed part: the trailer's total length or -1 with why. */
long tclog_trailer_peek(const uint8_t *buf, char *why, size_t whylen);
/* Decodes a whole trailer (len bytes) of a log of the given version; *idx
 * and *kind are malloc'ed; *has_final says whether fin was filled. 0, -1
 * with why, or -ENOMEM. */
int tclog_trailer_decode(const uint8_t *buf, size_t len, unsigned version,
			 struct tclog_chunk_info **idx, uint8_t **kind, size_t *n_chunks,
			 struct tclog_final *fin, int *has_final, char *why, size_t whylen);

void tclog_footer_encode(const struct tclog_footer *f, uint8_t out[TCLOG_FOOTER_SIZE]);
int tclog_footer_decode(const uint8_t in[TCLOG_FOOTER_SIZE], struct tclog_footer *f);

#endif
