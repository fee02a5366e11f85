/* SPDX-License-Identifier: MIT */
/*
 * Log reader. The file is hostile: every length is checked against the
 * file size and the format's caps before anything is allocated or read,
 * every block's checksum is verified, and a chunk is decompressed only when
 * its records are asked for (the index lets callers skip chunks).
 *
 * Chunks are found by walking the chain of chunk headers from the end of
 * the file header; the trailer, when present, ends the walk and provides
 * the index. Without it the index is rebuilt by walking the headers only.
 * Interface chunks (v2) add to the header's table as they are met; they
 * are in the index but not in the one callers see, which lists records.
 *
 * After damage a caller may resynchronise (tclog_reader_resync): the next
 * chunk comes from the trusted index, else from a forward scan for a chunk
 * header that passes its checks. Scans and zero-tail checks step over holes
 * (SEEK_DATA) and search large blocks, so their cost follows the data in
 * the file, not its size.
 */
#include "tclog_reader_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tclog_le.h"

void tclog_rd_msg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

int tclog_rd_fail_at(struct tclog_reader *r, uint64_t off, const char *why, char *err, size_t errlen)
{
	snprintf(r->errmsg, sizeof(r->errmsg), "%s: offset %llu: %s", r->path,
		 (unsigned long long)off, why);
	r->state = -1;
	tclog_rd_msg(err, errlen, "%s", r->errmsg);
	return -1;
}

static int load_trailer(struct tclog_reader *r)
{
	uint8_t foot[TCLOG_FOOTER_SIZE], *buf;
	struct tclog_footer f;
	int has_final;
	char why[16];

	if (r->size < r->data_off + TCLOG_TRAILER_FIXED + 4 + TCLOG_FOOTER_SIZE)
		return 0;
	if (tclog_rd_read_at(r, foot, sizeof(foot), r->size - sizeof(foot)) || tclog_footer_decode(foot, &f))
		return 0;
	if (f.trailer_off < r->data_off || f.trailer_off > r->size || f.trailer_len > r->size ||
	    f.trailer_off + f.trailer_len + TCLOG_FOOTER_SIZE != r->size)
		return 0;
	buf = malloc(f.trailer_len);
	if (!buf)
		return -ENOMEM;
	if (tclog_rd_read_at(r, buf, f.trailer_len, f.trailer_off) ||
		     tclog_trailer_decode(buf, f.trailer_len, r->version, &r->idx, &r->idx_kind,
					  &r->n_idx, &r->final, &has_final, why, sizeof(why))) {
		/* Not trusted: the walk will meet the trailer and say what is wrong. */
		free(buf);
		return 0;
	}
	free(buf);
	for (size_t i = 0; i < r->n_idx; i++)
		if (r->idx[i].offset < r->data_off ||
		    r->idx[i].offset + TCLOG_CHUNK_HDR_SIZE > f.trailer_off) {
			snprintf(r->trailer_why, sizeof(r->trailer_why),
				 "trailer index entry %zu points at offset %llu, outside the chunks "
				 "(%llu..%llu)",
				 i, (unsigned long long)r->idx[i].offset,
				 (unsigned long long)r->data_off, (unsigned long long)f.trailer_off);
			free(r->idx);
			free(r->idx_kind);
			r->idx = NULL;
			r->idx_kind = NULL;
			r->n_idx = 0;
			return 0;
		}
	if (tclog_rd_build_public(r))
		return -ENOMEM;
	r->has_trailer = true;
	r->has_final = has_final;
	r->trailer_off = f.trailer_off;
	r->idx_complete = true;
	return 0;
}

static int open_header(struct tclog_reader *r, char *err, size_t errlen)
{
	uint8_t fixed[TCLOG_HEADER_FIXED], *buf;
	char why[256];
	long len;
	int rc;

	if (r->size < sizeof(fixed)) {
		tclog_rd_msg(err, errlen, "%s: %llu bytes: too short for a tcrec log header", r->path,
			     (unsigned long long)r->size);
		return -1;
	}
	rc = tclog_rd_read_at(r, fixed, sizeof(fixed), 0);
	if (rc) {
		tclog_rd_msg(err, errlen, "%s: read: %s", r->path, strerror(-rc));
		return -1;
	}
	len = tclog_header_peek(fixed, why, sizeof(why));
	if (len < 0) {
		tclog_rd_msg(err, errlen, "%s: %s", r->path, why);
		return -1;
	}
	if ((uint64_t)len > r->size) {
		tclog_rd_msg(err, errlen, "%s: truncated inside the header (%llu of %ld bytes)", r->path,
			     (unsigned long long)r->size, len);
		return -1;
	}
	buf = malloc((size_t)len);
	if (!buf) {
		tclog_rd_msg(err, errlen, "%s: out of memory", r->path);
		return -1;
	}
	rc = tclog_rd_read_at(r, buf, (size_t)len, 0);
	if (rc)
		snprintf(why, sizeof(why), "read: %s", strerror(-rc));
	if (rc || tclog_header_decode(buf, (size_t)len, &r->hdr, why, sizeof(why))) {
		free(buf);
		tclog_rd_msg(err, errlen, "%s: %s", r->path, why);
		return -1;
	}
	free(buf);
	r->version = le16_get(fixed + 8);
	r->data_off = (uint64_t)len;
	return 0;
}

struct tclog_reader *tclog_reader_open(const char *path, char *err, size_t errlen)
{
	struct tclog_reader *r = calloc(1, sizeof(*r));
	struct stat st;

	if (r)
		r->fd = -1;
	if (!r || !(r->path = strdup(path)) || !(r->dctx = ZSTD_createDCtx())) {
		tclog_rd_msg(err, errlen, "%s: out of memory", path);
		goto cleanup;
	}
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	/* The frame's content checksum would stop mutated payloads as the
	 * chunk checksum would (see tclog_crc32c_ok). */
	ZSTD_DCtx_setParameter(r->dctx, ZSTD_d_forceIgnoreChecksum, ZSTD_d_ignoreChecksum);
#endif
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		tclog_rd_msg(err, errlen, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (fstat(r->fd, &st)) {
		tclog_rd_msg(err, errlen, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		tclog_rd_msg(err, errlen, "%s: not a regular file", path);
		goto cleanup;
	}
	r->size = (uint64_t)st.st_size;
	if (open_header(r, err, errlen))
		goto cleanup;
	if (load_trailer(r)) {
		tclog_rd_msg(err, errlen, "%s: out of memory", path);
		goto cleanup;
	}
	r->idx_rebuilt = !r->has_trailer;
	r->pos = r->data_off;
	return r;
cleanup:
	tclog_reader_close(r);
	return NULL;
}

const struct tclog_header *tclog_reader_header(const struct tclog_reader *r)
{
	return &r->hdr;
}

/* v3: the records' references (in sock_cookie, from the codec) become
 * their sockets' cookies, the references go to r->sref, and sockets whose
 * tuple is their first record's get it. 0, -1 with why, or -ENOMEM. */
static int resolve_socks(struct tclog_reader *r, char *why, size_t whylen)
{
	if (r->dec.n > r->sref_cap) {
		uint16_t *p = realloc(r->sref, (size_t)r->dec.n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		r->sref = p;
		r->sref_cap = r->dec.n;
	}
	for (uint32_t i = 0; i < r->dec.n; i++) {
		struct tcrec_record *rec = &r->dec.recs[i];
		uint64_t ref = rec->sock_cookie;

		if (ref > r->socks.n) {
			snprintf(why, whylen, "record %u: socket reference %llu past the %u entries of the "
				 "chunk's socket table", i, (unsigned long long)ref, r->socks.n);
			return -1;
		}
		r->sref[i] = (uint16_t)ref;
		rec->sock_cookie = 0;
		if (!ref)
			continue;
		struct tclog_sock *s = &r->socks.v[ref - 1];

		if (s->family == TCLOG_SOCK_TUPLE_FIRST && !(rec->flags & (TCREC_F_IPV4 | TCREC_F_IPV6))) {
			snprintf(why, whylen, "record %u: not IP, yet the tuple of its socket %llu",
				 i, (unsigned long long)ref);
			return -1;
		}
		if (s->family == TCLOG_SOCK_TUPLE_FIRST)
			tclog_sock_tuple_from(s, rec);
		rec->sock_cookie = s->cookie;
	}
	for (uint32_t k = 0; k < r->socks.n; k++)
		if (r->socks.v[k].family == TCLOG_SOCK_TUPLE_FIRST) {
			snprintf(why, whylen, "socket table: socket %u takes its tuple from a record, none "
				 "refers to it", k);
			return -1;
		}
	return 0;
}

/* Decodes r->raw: v3's socket table, then the records. 0, -1 with why, or
 * -ENOMEM. */
static int decode_chunk(struct tclog_reader *r, const struct tclog_codec *codec,
			const struct tclog_chunk_hdr *ch, char *why, size_t whylen)
{
	int socks = r->version >= TCLOG_VERSION_V3, rc;
	size_t used = 0;

	r->socks.n = 0;
	if (socks) {
		rc = tclog_socktab_decode(r->raw, ch->raw_size, ch->records, &r->socks, &used, why,
					  whylen);
		if (rc)
			return rc;
	}
	rc = codec->decode(r->raw + used, ch->raw_size - used, ch->records, socks, &r->dec, why,
			   whylen);
	if (!rc && socks)
		rc = resolve_socks(r, why, whylen);
	if (rc)
		r->socks.n = 0;
	return rc;
}

/* Decompresses and decodes the chunk whose header ch sits at r->pos. */
static int load_chunk(struct tclog_reader *r, const struct tclog_chunk_hdr *ch, char *err,
		      size_t errlen)
{
	const struct tclog_codec *codec = tclog_codec_find(ch->encoding);
	uint64_t pay = r->pos + TCLOG_CHUNK_HDR_SIZE, where;
	char why[256];
	int rc;

	if (!codec) {
		snprintf(why, sizeof(why), "unknown chunk encoding %u", ch->encoding);
		return tclog_rd_fail_at(r, r->pos, why, err, errlen);
	}
	if (tclog_rd_payload(r, r->pos, ch, why, sizeof(why), &where))
		return tclog_rd_fail_at(r, where, why, err, errlen);
	rc = decode_chunk(r, codec, ch, why, sizeof(why));
	if (rc == -ENOMEM)
		return tclog_rd_fail_at(r, r->pos, "out of memory for the chunk's records", err, errlen);
	if (rc)
		return tclog_rd_fail_at(r, pay, why, err, errlen);
	for (uint32_t i = 0; i < r->dec.n; i++)
		if (r->dec.recs[i].ts_ns < ch->first_ns || r->dec.recs[i].ts_ns > ch->last_ns)
			return tclog_rd_fail_at(r, pay, "record time outside the chunk's time range", err,
						errlen);
	r->cur = 0;
	r->pos = pay + ch->comp_size;
	return 0;
}

/* An interface chunk: its entries join the table, no records. */
static int load_ifaces(struct tclog_reader *r, const struct tclog_chunk_hdr *ch, char *err,
		       size_t errlen)
{
	uint64_t where;
	char why[256], msg[400];

	if (tclog_rd_load_ifaces(r, r->pos, ch, why, sizeof(why), &where)) {
		snprintf(msg, sizeof(msg), "%s%s; its %u interface%s unknown",
			 strncmp(why, "interface chunk", 15) ? "interface chunk: " : "", why, ch->records,
			 ch->records == 1 ? " is" : "s are");
		return tclog_rd_fail_at(r, where, msg, err, errlen);
	}
	r->pos += TCLOG_CHUNK_HDR_SIZE + ch->comp_size;
	return 0;
}

/* The trailer index is what seeking trusts: it must describe exactly the
 * chunks a walk finds. */
static bool index_disagrees(const struct tclog_reader *r, const struct tclog_chunk_hdr *ch,
			    char *why, size_t whylen)
{
	const struct tclog_chunk_info *e = r->walk_k < r->n_idx ? &r->idx[r->walk_k] : NULL;
	uint8_t kind = ch->encoding == TCLOG_ENC_IFACES ? TCLOG_KIND_IFACES : TCLOG_KIND_RECORDS;

	if (!e) {
		tclog_rd_msg(why, whylen, "chunk not in the trailer index (it lists %zu chunks)", r->n_idx);
		return true;
	}
	if (e->offset == r->pos && e->first_ns == ch->first_ns && e->last_ns == ch->last_ns &&
	    e->records == ch->records && r->idx_kind[r->walk_k] == kind)
		return false;
	tclog_rd_msg(why, whylen,
		     "trailer index entry %zu disagrees with the chunk here (index: offset %llu, %u records, "
		     "times %llu..%llu; chunk: %u records, times %llu..%llu)",
		     r->walk_k, (unsigned long long)e->offset, e->records, (unsigned long long)e->first_ns,
		     (unsigned long long)e->last_ns, ch->records, (unsigned long long)ch->first_ns,
		     (unsigned long long)ch->last_ns);
	return true;
}

int tclog_reader_next(struct tclog_reader *r, const struct tcrec_record **rec,
		      const uint8_t **bytes, char *err, size_t errlen)
{
	struct tclog_chunk_hdr ch;
	char why[256];

	for (;;) {
		if (r->state < 0) {
			tclog_rd_msg(err, errlen, "%s", r->errmsg);
			return -1;
		}
		if (r->cur < r->dec.n) {
			*rec = &r->dec.recs[r->cur];
			*bytes = r->dec.bytes[r->cur];
			r->cur++;
			return 1;
		}
		if (r->state > 0)
			return 0;
		r->bad_hdr_ok = r->bad_trailer = r->bad_index = false;
		switch (tclog_rd_scan_at(r, r->pos, &ch, why, sizeof(why))) {
		case SCAN_END:
			if (!r->idx_distrusted && r->walk_k != r->n_idx) {
				snprintf(why, sizeof(why), "trailer index lists %zu chunks, the file has %zu",
					 r->n_idx, r->walk_k);
				return tclog_rd_fail_at(r, r->pos, why, err, errlen);
			}
			r->state = 1;
			break;
		case SCAN_TORN:
			tclog_rd_warn_torn(r, r->pos);
			r->state = 1;
			break;
		case SCAN_BAD:
			return tclog_rd_fail_at(r, r->pos, why, err, errlen);
		case SCAN_CHUNK:
			r->bad_hdr_ok = true;
			r->bad_hdr = ch;
			if (r->has_trailer && !r->idx_distrusted && index_disagrees(r, &ch, why, sizeof(why))) {
				r->bad_index = true;
				return tclog_rd_fail_at(r, r->pos, why, err, errlen);
			}
			if (ch.encoding == TCLOG_ENC_IFACES ? load_ifaces(r, &ch, err, errlen)
							    : load_chunk(r, &ch, err, errlen))
				return -1;
			r->walk_k++;
			break;
		}
	}
}

const struct tclog_sock *tclog_reader_sock(const struct tclog_reader *r)
{
	uint16_t ref;

	if (r->version < TCLOG_VERSION_V3 || !r->cur || r->cur > r->dec.n)
		return NULL;
	ref = r->sref[r->cur - 1];
	return ref && ref <= r->socks.n ? &r->socks.v[ref - 1] : NULL;
}

const char *tclog_reader_warning(const struct tclog_reader *r)
{
	return r->warning;
}

const struct tclog_final *tclog_reader_final(const struct tclog_reader *r)
{
	return r->has_final ? &r->final : NULL;
}

uint64_t tclog_reader_chunks_decompressed(const struct tclog_reader *r)
{
	return r->decompressed;
}

uint64_t tclog_reader_file_size(const struct tclog_reader *r)
{
	return r->size;
}

uint64_t tclog_reader_offset(const struct tclog_reader *r)
{
	return r->pos;
}

void tclog_reader_close(struct tclog_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	ZSTD_freeDCtx(r->dctx);
	tclog_decoded_free(&r->dec);
	free(r->socks.v);
	free(r->socks.own);
	free(r->sref);
	free(r->comp);
	free(r->raw);
	free(r->idx);
	free(r->idx_kind);
	free(r->pub);
	free(r->pub_k);
	free(r->warning);
	free(r->path);
	free(r);
}
