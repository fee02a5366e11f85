/* SPDX-License-Identifier: MIT */
/* The chunk index: the trailer's, or rebuilt by walking the chunk headers
 * when the file has none; seeking by it. Callers see the chunks of records
 * only; a seek loads the interface chunks before its target first. */
#include "tclog_reader_state.h"

#include <stdlib.h>

/* Walks chunk headers only (no payload read, nothing decompressed). */
static int rebuild_index(struct tclog_reader *r, char *err, size_t errlen)
{
	struct tclog_chunk_hdr ch;
	uint64_t pos = r->data_off;
	size_t cap = 0;
	char why[256];

	free(r->idx);
	free(r->idx_kind);
	r->idx = NULL;
	r->idx_kind = NULL;
	r->n_idx = 0;
	r->if_done = 0;
	for (;;) {
		enum scan s = tclog_rd_scan_at(r, pos, &ch, why, sizeof(why));

		if (s == SCAN_END)
			break;
		if (s == SCAN_TORN) {
			tclog_rd_warn_torn(r, pos);
			break;
		}
		if (s == SCAN_BAD) {
			tclog_rd_msg(err, errlen, "%s: offset %llu: %s", r->path, (unsigned long long)pos, why);
			return -1;
		}
		if (r->n_idx == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct tclog_chunk_info *v = realloc(r->idx, ncap * sizeof(*v));
			uint8_t *k = v ? realloc(r->idx_kind, ncap) : NULL;

			if (v)
				r->idx = v;
			if (!k) {
				tclog_rd_msg(err, errlen, "%s: out of memory for the chunk index", r->path);
				return -1;
			}
			r->idx_kind = k;
			cap = ncap;
		}
		r->idx_kind[r->n_idx] =
			ch.encoding == TCLOG_ENC_IFACES ? TCLOG_KIND_IFACES : TCLOG_KIND_RECORDS;
		r->idx[r->n_idx++] = (struct tclog_chunk_info){
			.offset = pos,
			.first_ns = ch.first_ns,
			.last_ns = ch.last_ns,
			.records = ch.records,
		};
		pos += TCLOG_CHUNK_HDR_SIZE + ch.comp_size;
	}
	if (tclog_rd_build_public(r)) {
		tclog_rd_msg(err, errlen, "%s: out of memory for the chunk index", r->path);
		return -1;
	}
	r->idx_complete = true;
	return 0;
}

int tclog_reader_index(struct tclog_reader *r, const struct tclog_chunk_info **chunks,
		       size_t *n, char *err, size_t errlen)
{
	if (!r->idx_complete && rebuild_index(r, err, errlen))
		return -1;
	*chunks = r->pub;
	*n = r->n_pub;
	return 0;
}

int tclog_reader_index_rebuilt(const struct tclog_reader *r)
{
	return r->idx_rebuilt;
}

int tclog_reader_seek_chunk(struct tclog_reader *r, size_t i, char *err, size_t errlen)
{
	if (!r->idx_complete && rebuild_index(r, err, errlen))
		return -1;
	if (i >= r->n_pub) {
		tclog_rd_msg(err, errlen, "%s: chunk %zu out of range (%zu chunks)", r->path, i, r->n_pub);
		return -1;
	}
	tclog_rd_preload_ifaces(r, r->pub_k[i]);
	/* Damage elsewhere does not stop a reader from visiting intact chunks. */
	r->state = 0;
	r->pos = r->pub[i].offset;
	r->walk_k = r->pub_k[i];
	r->dec.n = 0;
	r->cur = 0;
	return 0;
}
