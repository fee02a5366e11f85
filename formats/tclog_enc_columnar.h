/* SPDX-License-Identifier: MIT */
/*
 * Encoding 2 (FORMAT.md, "Encoding 2: columnar"): what its encoder and
 * decoder share. Both sides replay the same per-flow predictions, so the
 * predictor lives here once; a difference between the two would silently
 * corrupt every later record of a chunk.
 */
#ifndef TCREC_TCLOG_ENC_COLUMNAR_H
#define TCREC_TCLOG_ENC_COLUMNAR_H

#include <stdint.h>

#include "bpf/tcrec.h"

#define COLZ_KEY_SIZE 69   /* flow key bytes in the KEYS column */
#define COLZ_KEY_PAD 72    /* in memory: whole 64-bit words for hashing */
#define COLZ_RECENT 16     /* flow codes below this index the recency list */
#define COLZ_HDR_SIZE(ncol) (16 + 4 * (size_t)(ncol))

/* Predicted fields, in mask-bit and column order. */
enum colz_field {
	CF_IP_ID,
	CF_SEQ,
	CF_ACK,
	CF_IP_LEN,
	CF_WIRE_LEN,
	CF_TCP_WIN,
	CF_TCP_FLAGS,
	CF_CAP_LEN,
	CF_FLAGS,
	CF_TTL,
	CF_TOS,
	CF_IP_HLEN,
	CF_TCP_HLEN,
	CF_FRAG_OFF,
	CF_UDP_LEN,
	CF_ICMP_TYPE,
	CF_ICMP_CODE,
	CF_ICMP_ID,
	CF_ICMP_SEQ,
	CF_MARK,
	CF_DROPS,
	CF_SOCK,   /* v3: the socket reference (rec->sock_cookie inside the codecs) */
	CF_COUNT
};
#define COLZ_NFIELD_V2 CF_SOCK /* v1, v2 payloads: the fields before CF_SOCK */

enum colz_column {
	CC_FLOW,
	CC_KEYS,
	CC_TIME,
	CC_MASK,
	CC_FIELD0, /* COLZ_NFIELD_V2 field columns follow */
	CC_BYTES = CC_FIELD0 + COLZ_NFIELD_V2,
	CC_SOCK,   /* v3: CF_SOCK's column, after the bytes so v2's columns keep their place */
	COLZ_NCOL
};
#define COLZ_NCOL_V2 CC_SOCK

/* The column of field f. */
static inline int colz_col(int f)
{
	return f == CF_SOCK ? CC_SOCK : CC_FIELD0 + f;
}

/* Fields whose misses store the new value rather than the difference:
 * categories and lengths that come back to a few values, which zstd finds
 * again where differences would scatter. */
#define COLZ_STORE_VALUE                                                                  \
	(1u << CF_IP_LEN | 1u << CF_TCP_FLAGS | 1u << CF_FLAGS | 1u << CF_TTL | 1u << CF_TOS | \
	 1u << CF_IP_HLEN | 1u << CF_TCP_HLEN | 1u << CF_FRAG_OFF | 1u << CF_ICMP_TYPE |       \
	 1u << CF_ICMP_CODE)

/* Prediction state of one flow: the previous record's field values. */
struct colz_state {
	uint32_t v[CF_COUNT];
	uint32_t stride_ip_id;   /* last IP ID step: +1 counters, 0 constant */
	uint32_t stride_icmp_seq;
	uint8_t ip_proto;        /* from the flow key */
};

/* Bit width of each field (8, 16 or 32). */
extern const uint8_t colz_width[CF_COUNT];

static inline uint32_t colz_wmask(int f)
{
	return colz_width[f] == 32 ? UINT32_MAX : (1u << colz_width[f]) - 1;
}

/* Field f's predicted value, given the flow's state p, the current
 * record's fields before f (cur) and the chunk's snap guess. */
static inline uint32_t colz_predict(int f, const struct colz_state *p, const uint32_t *cur,
				    uint32_t snap)
{
	const uint32_t *v = p->v;
	uint32_t x;

	switch (f) {
	case CF_IP_ID:
		x = v[CF_IP_ID] + p->stride_ip_id;
		break;
	case CF_SEQ:
		x = v[CF_SEQ];
		if (p->ip_proto == 6) {
			/* next byte after the previous segment; SYN and FIN count one */
			uint32_t l3 = (v[CF_FLAGS] & TCREC_F_IPV6) ? v[CF_IP_HLEN] - 40 : v[CF_IP_HLEN];

			x += v[CF_IP_LEN] - l3 - v[CF_TCP_HLEN] + (v[CF_TCP_FLAGS] & 1) +
			     ((v[CF_TCP_FLAGS] >> 1) & 1);
		}
		break;
	case CF_WIRE_LEN:
		/* link-layer overhead stays what it was in this flow */
		x = cur[CF_IP_LEN] + v[CF_WIRE_LEN] - v[CF_IP_LEN];
		break;
	case CF_CAP_LEN:
		x = cur[CF_WIRE_LEN] < snap ? cur[CF_WIRE_LEN] : snap;
		break;
	case CF_UDP_LEN:
		x = v[CF_UDP_LEN] ? v[CF_UDP_LEN] + cur[CF_IP_LEN] - v[CF_IP_LEN] : 0;
		break;
	case CF_ICMP_SEQ:
		x = v[CF_ICMP_SEQ] + p->stride_icmp_seq;
		break;
	default:
		x = v[f];
		break;
	}
	return x & colz_wmask(f);
}

/* After a record with fields cur: the flow remembers it. */
static inline void colz_update(struct colz_state *p, const uint32_t *cur, uint32_t *snap)
{
	p->stride_ip_id = cur[CF_IP_ID] - p->v[CF_IP_ID];
	p->stride_icmp_seq = cur[CF_ICMP_SEQ] - p->v[CF_ICMP_SEQ];
	for (int f = 0; f < CF_COUNT; f++)
		p->v[f] = cur[f];
	if (cur[CF_CAP_LEN] < cur[CF_WIRE_LEN])
		*snap = cur[CF_CAP_LEN];
}

void colz_fields_get(const struct tcrec_record *r, uint32_t *v);
void colz_fields_put(const uint32_t *v, struct tcrec_record *r);
void colz_key_put(const struct tcrec_record *r, uint8_t key[COLZ_KEY_PAD]);
void colz_key_get(const uint8_t key[COLZ_KEY_SIZE], struct tcrec_record *r);
/* XORs the record's IP/TCP header fields into b (r->cap_len bytes). */
void colz_bytes_xor(const struct tcrec_record *r, uint8_t *b);

#endif
