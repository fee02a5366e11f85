/* SPDX-License-Identifier: MIT */
/* After damage: where reading resumes (from the trusted index, else from a
 * forward scan for a chunk header that passes its checks) and how many
 * records were lost on the way. */
#define _GNU_SOURCE /* memmem */
#include "tclog_reader_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* First offset in [from, limit) where a chunk header passes its checks, or
 * one that the end of the file cuts (the walk then calls the file torn).
 * 1 found, 0 none, -errno. */
static int find_chunk(const struct tclog_reader *r, uint64_t from, uint64_t limit, uint64_t *found)
{
	enum { BLOCK = 1 << 20 };
	uint8_t *buf = malloc(BLOCK), hdr[TCLOG_CHUNK_HDR_SIZE];
	struct tclog_chunk_hdr ch;
	uint64_t pos = from;
	int rc = 0;

	if (!buf)
		return -ENOMEM;
	while (pos + 4 <= limit) {
		uint64_t data = tclog_rd_next_data(r, pos);
		size_t n;

		if (data > pos) {
			pos = data;
			continue;
		}
		n = limit - pos < BLOCK ? (size_t)(limit - pos) : BLOCK;
		rc = tclog_rd_read_at(r, buf, n, pos);
		if (rc)
			break;
		for (uint8_t *p = buf; (p = memmem(p, (size_t)(buf + n - p), TCLOG_CHUNK_MAGIC, 4)); p++) {
			uint64_t off = pos + (uint64_t)(p - buf);

			if (r->size - off < TCLOG_CHUNK_HDR_SIZE) {
				*found = off;
				rc = 1;
				goto out;
			}
			if ((size_t)(buf + n - p) >= sizeof(hdr))
				memcpy(hdr, p, sizeof(hdr));
			else if ((rc = tclog_rd_read_at(r, hdr, sizeof(hdr), off)))
				goto out;
			if (!tclog_chunk_hdr_decode(hdr, &ch, NULL, 0)) {
				*found = off;
				rc = 1;
				goto out;
			}
		}
		if (n < 4 || pos + n >= limit)
			break;
		pos += n - 3; /* a magic cut by the block edge is found whole in the next */
	}
out:
	free(buf);
	return rc;
}

static const char *lost_words(char *buf, size_t len, uint64_t n, bool exact)
{
	if (!exact && !n)
		snprintf(buf, len, "an unknown number of records lost");
	else if (!n)
		snprintf(buf, len, "no records lost");
	else
		snprintf(buf, len, "%s%llu record%s lost", exact ? "" : "at least ",
			 (unsigned long long)n, n == 1 ? "" : "s");
	return buf;
}

int tclog_reader_resync(struct tclog_reader *r, struct tclog_resync *out, char *err, size_t errlen)
{
	uint64_t start = r->pos, resume = r->pos, lost = 0;
	bool exact = true, found = true;
	char words[64];

	*out = (struct tclog_resync){ .damage_off = start };
	if (r->state >= 0) {
		out->resume_off = r->pos;
		return 0;
	}
	r->dec.n = 0; /* a chunk that failed half-way hands out none of its records */
	r->cur = 0;
	if (r->bad_index) {
		r->idx_distrusted = true;
		resume = start;
		snprintf(r->errmsg + strlen(r->errmsg), sizeof(r->errmsg) - strlen(r->errmsg),
			 "; the index is not used, chunks are found by scanning");
	} else if (r->has_trailer && !r->idx_distrusted && r->pos == r->trailer_off) {
		resume = start;
		found = false;
	} else if (r->has_trailer && !r->idx_distrusted) {
		size_t k = r->walk_k;

		for (; k < r->n_idx && r->idx[k].offset <= start; k++)
			if (r->idx_kind[k] == TCLOG_KIND_RECORDS)
				lost += r->idx[k].records;
		r->walk_k = k;
		resume = k < r->n_idx ? r->idx[k].offset : r->trailer_off;
		found = k < r->n_idx;
	} else {
		uint64_t from = start + 1, limit = r->has_trailer ? r->trailer_off : r->size;
		int rc;

		if (r->bad_hdr_ok) {
			from = start + TCLOG_CHUNK_HDR_SIZE + r->bad_hdr.comp_size;
			lost = r->bad_hdr.encoding == TCLOG_ENC_IFACES ? 0 : r->bad_hdr.records;
		}
		rc = from < limit ? find_chunk(r, from, limit, &resume) : 0;
		if (rc < 0) {
			tclog_rd_msg(err, errlen, "%s; scanning for the next chunk: %s", r->errmsg, strerror(-rc));
			return -1;
		}
		found = rc == 1;
		if (!found)
			resume = limit;
		/* Exact only when nothing but the damaged chunk was stepped over. */
		exact = r->bad_hdr_ok ? resume == from : r->bad_trailer && !found;
	}
	out->resume_off = resume;
	out->records_lost = lost;
	out->lost_exact = exact;
	lost_words(words, sizeof(words), lost, exact);
	if (found)
		tclog_rd_msg(err, errlen, "%s; %s, reading resumes at offset %llu", r->errmsg, words,
			     (unsigned long long)resume);
	else if (r->bad_trailer && exact)
		tclog_rd_msg(err, errlen, "%s; %s", r->errmsg, words); /* the chunks all came before it */
	else
		tclog_rd_msg(err, errlen, "%s; %s, no valid chunk after it", r->errmsg, words);
	r->pos = resume;
	r->state = found || r->bad_index ? 0 : 1;
	out->at_end = r->state == 1;
	return 0;
}
