/* SPDX-License-Identifier: MIT */
/*
 * On-disk structures of log format v1 (formats/FORMAT.md) and their
 * explicit little-endian encoders and checked decoders, shared by the
 * writer and the reader. Decoders treat their input as hostile: every
 * length is checked against the buffer and the caps below.
 */
#ifndef TCREC_TCLOG_WIRE_H
#define TCREC_TCLOG_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "formats/tclog.h"

#define TCLOG_VERSION 1

#define TCLOG_FILE_MAGIC "TCRECLOG"   /* 8 bytes at offset 0 */
#define TCLOG_CHUNK_MAGIC "TCCK"      /* 4 bytes, starts every chunk */
#define TCLOG_TRAILER_MAGIC "TCTR"    /* 4 bytes, starts the trailer */
#define TCLOG_FOOTER_MAGIC "TCLOGEND" /* last 8 bytes of a cleanly closed file */

#define TCLOG_HEADER_FIXED 16          /* magic, version, flags, header_len */
#define TCLOG_HEADER_MAX 65536
#define TCLOG_IFACE_SIZE 32
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

/* Header: encoded length or -EINVAL (bad strings / counts) / -ENOSPC. */
int tclog_header_encode(const struct tclog_header *h, uint8_t *buf, size_t cap);
/* Peek at the first TCLOG_HEADER_FIXED bytes: total header length or -1. */
long tclog_header_peek(const uint8_t *buf, char *why, size_t whylen);
int tclog_header_decode(const uint8_t *buf, size_t len, struct tclog_header *h,
			char *why, size_t whylen);

void tclog_chunk_hdr_encode(const struct tclog_chunk_hdr *c, uint8_t out[TCLOG_CHUNK_HDR_SIZE]);
/* 0 ok, -1 with why. Checks magic, checksum and the caps. */
int tclog_chunk_hdr_decode(const uint8_t in[TCLOG_CHUNK_HDR_SIZE], struct tclog_chunk_hdr *c,
			   char *why, size_t whylen);

size_t tclog_trailer_size(size_t n_chunks, uint32_t n_slots);
/* Fills buf (tclog_trailer_size() bytes); fin may be NULL. */
void tclog_trailer_encode(uint8_t *buf, const struct tclog_chunk_info *idx, size_t n_chunks,
			  const struct tclog_final *fin, uint32_t n_slots);
/* Reads the fixed part: the trailer's total length or -1 with why. */
long tclog_trailer_peek(const uint8_t *buf, char *why, size_t whylen);
/* Decodes a whole trailer (len bytes); *idx is malloc'ed; *has_final says
 * whether fin was filled. 0, -1 with why, or -ENOMEM. */
int tclog_trailer_decode(const uint8_t *buf, size_t len, struct tclog_chunk_info **idx,
			 size_t *n_chunks, struct tclog_final *fin, int *has_final,
			 char *why, size_t whylen);

void tclog_footer_encode(const struct tclog_footer *f, uint8_t out[TCLOG_FOOTER_SIZE]);
int tclog_footer_decode(const uint8_t in[TCLOG_FOOTER_SIZE], struct tclog_footer *f);

#endif
