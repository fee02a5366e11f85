/* SPDX-License-Identifier: MIT */
/*
 * Encoding 1: each record as its 128-byte little-endian serialization
 * followed by cap_len packet bytes. Simple and fast; zstd does the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tclog_codec.h"
#include "tclog_le.h"

void tclog_record_put(uint8_t o[TCLOG_RECORD_SIZE], const struct tcrec_record *r)
{
	le64_put(o + 0, r->ts_ns);
	le32_put(o + 8, r->ifindex);
	le32_put(o + 12, r->wire_len);
	le32_put(o + 16, r->tcp_seq);
	le32_put(o + 20, r->tcp_ack);
	le32_put(o + 24, r->mark);
	le32_put(o + 28, r->ip_id);
	le32_put(o + 32, r->drops);
	le32_put(o + 36, r->cap_len);
	memcpy(o + 40, r->saddr, 16);
	memcpy(o + 56, r->daddr, 16);
	memcpy(o + 72, r->smac, 6);
	memcpy(o + 78, r->dmac, 6);
	le16_put(o + 84, r->ethertype);
	for (int i = 0; i < 3; i++) {
		le16_put(o + 86 + 2 * i, r->vlan_tci[i]);
		le16_put(o + 92 + 2 * i, r->vlan_tpid[i]);
	}
	le16_put(o + 98, r->ip_len);
	le16_put(o + 100, r->frag_off);
	le16_put(o + 102, r->sport);
	le16_put(o + 104, r->dport);
	le16_put(o + 106, r->tcp_win);
	le16_put(o + 108, r->udp_len);
	le16_put(o + 110, r->icmp_id);
	le16_put(o + 112, r->icmp_seq);
	le16_put(o + 114, r->flags);
	o[116] = r->dir;
	o[117] = r->vlan_count;
	o[118] = r->ip_proto;
	o[119] = r->ttl;
	o[120] = r->tos;
	o[121] = r->ip_hlen;
	o[122] = r->tcp_flags;
	o[123] = r->tcp_hlen;
	o[124] = r->icmp_type;
	o[125] = r->icmp_code;
	le16_put(o + 126, (uint16_t)r->sock_cookie); /* the socket reference; pad before v3 */
}

void tclog_record_get(const uint8_t o[TCLOG_RECORD_SIZE], struct tcrec_record *r)
{
	r->ts_ns = le64_get(o + 0);
	r->ifindex = le32_get(o + 8);
	r->wire_len = le32_get(o + 12);
	r->tcp_seq = le32_get(o + 16);
	r->tcp_ack = le32_get(o + 20);
	r->mark = le32_get(o + 24);
	r->ip_id = le32_get(o + 28);
	r->drops = le32_get(o + 32);
	r->cap_len = le32_get(o + 36);
	memcpy(r->saddr, o + 40, 16);
	memcpy(r->daddr, o + 56, 16);
	memcpy(r->smac, o + 72, 6);
	memcpy(r->dmac, o + 78, 6);
	r->ethertype = le16_get(o + 84);
	for (int i = 0; i < 3; i++) {
		r->vlan_tci[i] = le16_get(o + 86 + 2 * i);
		r->vlan_tpid[i] = le16_get(o + 92 + 2 * i);
	}
	r->ip_len = le16_get(o + 98);
	r->frag_off = le16_get(o + 100);
	r->sport = le16_get(o + 102);
	r->dport = le16_get(o + 104);
	r->tcp_win = le16_get(o + 106);
	r->udp_len = le16_get(o + 108);
	r->icmp_id = le16_get(o + 110);
	r->icmp_seq = le16_get(o + 112);
	r->flags = le16_get(o + 114);
	r->dir = o[116];
	r->vlan_count = o[117];
	r->ip_proto = o[118];
	r->ttl = o[119];
	r->tos = o[120];
	r->ip_hlen = o[121];
	r->tcp_flags = o[122];
	r->tcp_hlen = o[123];
	r->icmp_type = o[124];
	r->icmp_code = o[125];
	r->pad[0] = 0;
	r->pad[1] = 0;
	r->sock_cookie = le16_get(o + 126);
}

struct fields_enc {
	uint8_t *buf;
	size_t len;
	size_t cap;
};

static void *fields_new(int socks)
{
	(void)socks; /* the reference has its place in every record */
	return calloc(1, sizeof(struct fields_enc));
}

static void fields_free(void *st)
{
	struct fields_enc *e = st;

	if (e)
		free(e->buf);
	free(e);
}

static void fields_reset(void *st)
{
	((struct fields_enc *)st)->len = 0;
}

static int fields_add(void *st, const struct tcrec_record *rec, const void *bytes)
{
	struct fields_enc *e = st;
	size_t need = e->len + TCLOG_RECORD_SIZE + rec->cap_len;

	if (need > e->cap) {
		size_t cap = e->cap ? e->cap : 64 * 1024;
		uint8_t *p;

		while (cap < need)
			cap *= 2;
		p = realloc(e->buf, cap);
		if (!p)
			return -ENOMEM;
		e->buf = p;
		e->cap = cap;
	}
	tclog_record_put(e->buf + e->len, rec);
	if (rec->cap_len)
		memcpy(e->buf + e->len + TCLOG_RECORD_SIZE, bytes, rec->cap_len);
	e->len = need;
	return 0;
}

static size_t fields_size(const void *st)
{
	return ((const struct fields_enc *)st)->len;
}

static int fields_finish(void *st, const uint8_t **raw, size_t *len)
{
	struct fields_enc *e = st;

	*raw = e->buf;
	*len = e->len;
	return 0;
}

static int fields_decode(const uint8_t *raw, size_t len, uint32_t count, int socks,
			 struct tclog_decoded *out, char *why, size_t whylen)
{
	size_t off = 0;
	char what[96];
	int err;

	/* Cheap plausibility first: no allocation for a count the payload
	 * cannot hold. */
	if ((uint64_t)count * TCLOG_RECORD_SIZE > len) {
		snprintf(why, whylen, "%u records cannot fit in %zu bytes", count, len);
		return -1;
	}
	err = tclog_decoded_reserve(out, count);
	if (err)
		return err;
	out->n = 0;
	for (uint32_t i = 0; i < count; i++) {
		struct tcrec_record *r = &out->recs[i];

		if (len - off < TCLOG_RECORD_SIZE) {
			snprintf(why, whylen, "record %u of %u: payload ends at byte %zu", i, count, off);
			return -1;
		}
		tclog_record_get(raw + off, r);
		if (!socks)
			r->sock_cookie = 0; /* pad, which readers ignore before v3 */
		off += TCLOG_RECORD_SIZE;
		if (tclog_record_check(r, what, sizeof(what))) {
			snprintf(why, whylen, "record %u: %s", i, what);
			return -1;
		}
		if (len - off < r->cap_len) {
			snprintf(why, whylen, "record %u: %u packet bytes beyond the payload end", i,
				 r->cap_len);
			return -1;
		}
		out->bytes[i] = raw + off;
		off += r->cap_len;
	}
	if (off != len) {
		snprintf(why, whylen, "%zu bytes left after %u records", len - off, count);
		return -1;
	}
	out->n = count;
	return 0;
}

const struct tclog_codec tclog_codec_fields = {
	.id = TCLOG_ENC_FIELDS,
	.name = "fields",
	.enc_new = fields_new,
	.enc_free = fields_free,
	.enc_reset = fields_reset,
	.enc_add = fields_add,
	.enc_size = fields_size,
	.enc_finish = fields_finish,
	.decode = fields_decode,
};
