/* SPDX-License-Identifier: MIT */
/*
 * Chunk encodings: how records become a chunk's raw (uncompressed) payload
 * and back. The chunk header names the encoding by id, so new encodings
 * (e.g. columnar) are added here without touching the file framing.
 *
 * An encoder accumulates the records of one chunk and produces the payload
 * once at the end (a columnar encoding needs them all). A decoder turns a
 * whole payload back into records; it treats the payload as hostile.
 *
 * Socket references (v3): between the codecs and the writer or reader, a
 * record's sock_cookie holds its reference into the chunk's socket table
 * (0 = none, k = entry k - 1, at most TCLOG_SOCKS_MAX), not a cookie. The
 * socket table itself is the writer's and the reader's business. `socks`
 * says whether the payload keeps references (v3) or not (v1, v2: decoded
 * records then carry 0).
 */
#ifndef TCREC_TCLOG_CODEC_H
#define TCREC_TCLOG_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/tcrec.h"

#define TCLOG_ENC_FIELDS 1 /* records field by field, then their bytes */
#define TCLOG_ENC_COLUMNAR 2 /* columns of per-flow prediction misses */

/* Records of one decoded chunk. bytes[i] points into the raw payload (or
 * into memory owned by the decoder state) and stays valid until the next
 * decode into the same struct. */
struct tclog_decoded {
	struct tcrec_record *recs;
	const uint8_t **bytes;
	uint32_t n;
	uint32_t cap;
	uint8_t *buf;    /* packet bytes a decoder had to rebuild */
	size_t buf_cap;
};

struct tclog_codec {
	uint16_t id;
	const char *name;

	void *(*enc_new)(int socks);
	void (*enc_free)(void *st);
	/* Forget all records (after a chunk was written). */
	void (*enc_reset)(void *st);
	/* 0 or -ENOMEM. The record was validated by the caller. */
	int (*enc_add)(void *st, const struct tcrec_record *rec, const void *bytes);
	/* Raw payload size if the chunk were finished now (may be an estimate);
	 * drives the writer's chunk size target. */
	size_t (*enc_size)(const void *st);
	/* Produces the payload; valid until the next reset/add. 0 or -errno. */
	int (*enc_finish)(void *st, const uint8_t **raw, size_t *len);

	/* Exactly count records must fill exactly len bytes. 0 or -1 with why;
	 * -ENOMEM when growing out failed. */
	int (*decode)(const uint8_t *raw, size_t len, uint32_t count, int socks,
		      struct tclog_decoded *out, char *why, size_t whylen);
};

/* NULL when the id is unknown. */
const struct tclog_codec *tclog_codec_find(uint16_t id);

/* Domain checks every record must pass on both sides (so that consumers
 * can index vlan_tci[vlan_count - 1] and trust cap_len): 0 or -1 with why. */
int tclog_record_check(const struct tcrec_record *rec, char *why, size_t whylen);

/* The 128-byte little-endian serialization of one record used by encoding
 * 1 (offsets in FORMAT.md; they equal struct tcrec_record's up to 126).
 * Bytes 126..127 (pad before v3) hold the socket reference: put writes
 * (uint16_t)rec->sock_cookie there, get reads it into rec->sock_cookie. */
#define TCLOG_RECORD_SIZE 128
void tclog_record_put(uint8_t out[TCLOG_RECORD_SIZE], const struct tcrec_record *rec);
void tclog_record_get(const uint8_t in[TCLOG_RECORD_SIZE], struct tcrec_record *rec);

/* Grows out to hold n records (n <= TCLOG_CHUNK_RECORDS_MAX): 0 or -ENOMEM. */
int tclog_decoded_reserve(struct tclog_decoded *out, uint32_t n);
void tclog_decoded_free(struct tclog_decoded *out);

#endif
