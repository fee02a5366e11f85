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
 *
 * After damage a caller may resynchronise (tclog_reader_resync): the next
 * chunk comes from the trusted index, else from a forward scan for a chunk
 * header that passes its checks. Scans and zero-tail checks step over holes
 * (SEEK_DATA) and search large blocks, so their cost follows the data in
 * the file, not its size.
 */
#define _GNU_SOURCE /* memmem, SEEK_DATA */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_d_forceIgnoreChecksum */
#endif
#include <zstd.h>

#include "formats/tclog.h"
#include "tclog_codec.h"
#include "tclog_crc32c.h"
#include "tclog_wire.h"

#define MSG_MAX 512

enum scan { SCAN_CHUNK, SCAN_END, SCAN_TORN, SCAN_BAD };

struct tclog_reader {
	char *path;
	int fd;
	uint64_t size;
	struct tclog_header hdr;
	uint64_t data_off; /* first chunk */

	bool has_trailer;
	uint64_t trailer_off;
	bool has_final;
	struct tclog_final final;
	struct tclog_chunk_info *idx;
	size_t n_idx;
	bool idx_complete;
	bool idx_rebuilt;
	bool idx_distrusted; /* an entry disagreed with its chunk: walk without it */
	char trailer_why[200]; /* why a trailer that decodes was not trusted */
	char *warning;

	/* sequential reading */
	uint64_t pos;      /* next chunk header */
	int state;         /* 0 reading, 1 at end, -1 damaged */
	char errmsg[MSG_MAX];
	/* what the damage at pos was, for a resync */
	bool bad_hdr_ok;   /* the chunk header at pos passed its checks */
	bool bad_trailer;  /* pos is a trailer (TCTR) */
	bool bad_index;    /* only the index disagreed with the chunk at pos */
	struct tclog_chunk_hdr bad_hdr;
	size_t walk_k;     /* the next chunk's position in the trailer index */
	struct tclog_decoded dec;
	uint32_t cur;
	uint8_t *comp;
	size_t comp_cap;
	uint8_t *raw;
	size_t raw_cap;
	ZSTD_DCtx *dctx;
	uint64_t decompressed;
};

static void msg(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void msg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* 0, or -errno; a file that shrank under us reads as -EIO. */
static int read_at(const struct tclog_reader *r, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(r->fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *p;

	if (need <= *cap)
		return 0;
	p = realloc(*buf, need);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = need;
	return 0;
}

static void set_warning(struct tclog_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_warning(struct tclog_reader *r, const char *fmt, ...)
{
	char buf[MSG_MAX];
	va_list ap;

	if (r->warning)
		return; /* the first problem is the one worth telling */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->warning = strdup(buf);
}

static void warn_torn(struct tclog_reader *r, uint64_t good_end)
{
	if (good_end == r->size)
		set_warning(r, "%s: no trailer after offset %llu (file not closed cleanly); "
			       "index rebuilt by scanning", r->path, (unsigned long long)good_end);
	else
		set_warning(r, "%s: truncated at offset %llu (last complete chunk ends at %llu); "
			       "%llu bytes ignored", r->path, (unsigned long long)r->size,
			    (unsigned long long)good_end, (unsigned long long)(r->size - good_end));
}

/* Next offset >= pos that may hold data: holes of a sparse file read as
 * zeros and are skipped without reading them. r->size when only a hole is
 * left. File systems without SEEK_DATA get pos back (read everything). */
static uint64_t next_data(const struct tclog_reader *r, uint64_t pos)
{
	off_t d = lseek(r->fd, (off_t)pos, SEEK_DATA);

	if (d < 0)
		return errno == ENXIO ? r->size : pos;
	return (uint64_t)d < r->size ? (uint64_t)d : r->size;
}

/* A file whose size reached the disk before its data (power loss on a
 * delayed-allocation file system) ends in zeros: that is a torn tail too. */
static bool zero_tail(const struct tclog_reader *r, uint64_t pos)
{
	static const uint8_t zeros[4096];
	uint8_t buf[65536];

	while ((pos = next_data(r, pos)) < r->size) {
		size_t n = r->size - pos < sizeof(buf) ? (size_t)(r->size - pos) : sizeof(buf);

		if (read_at(r, buf, n, pos))
			return false;
		for (size_t i = 0; i < n; i += sizeof(zeros))
			if (memcmp(buf + i, zeros, n - i < sizeof(zeros) ? n - i : sizeof(zeros)))
				return false;
		pos += n;
	}
	return true;
}

/* A trailer met while walking chunks, where no valid footer pointed: it is
 * either cut short (torn close) or damaged. */
static enum scan scan_trailer(struct tclog_reader *r, uint64_t pos, char *why, size_t whylen)
{
	uint8_t fixed[TCLOG_TRAILER_FIXED], *buf;
	struct tclog_chunk_info *idx;
	struct tclog_final fin;
	size_t n;
	int has_final, err;
	long len;
	uint64_t end;

	if (r->size - pos < sizeof(fixed))
		return SCAN_TORN;
	err = read_at(r, fixed, sizeof(fixed), pos);
	if (err) {
		msg(why, whylen, "read: %s", strerror(-err));
		return SCAN_BAD;
	}
	len = tclog_trailer_peek(fixed, why, whylen);
	if (len < 0)
		return SCAN_BAD;
	if ((uint64_t)len > r->size - pos)
		return SCAN_TORN;
	buf = malloc((size_t)len);
	if (!buf) {
		msg(why, whylen, "trailer of %ld bytes: out of memory", len);
		return SCAN_BAD;
	}
	err = read_at(r, buf, (size_t)len, pos);
	if (err) {
		free(buf);
		msg(why, whylen, "read: %s", strerror(-err));
		return SCAN_BAD;
	}
	err = tclog_trailer_decode(buf, (size_t)len, &idx, &n, &fin, &has_final, why, whylen);
	free(buf);
	if (err) {
		if (err == -ENOMEM)
			msg(why, whylen, "trailer index: out of memory");
		return SCAN_BAD;
	}
	free(idx);
	end = pos + (uint64_t)len;
	if (r->size - end < TCLOG_FOOTER_SIZE)
		return SCAN_TORN; /* killed between trailer and footer */
	if (r->size - end == TCLOG_FOOTER_SIZE) {
		if (r->trailer_why[0])
			msg(why, whylen, "%s; the index is not used, chunks were found by scanning",
			    r->trailer_why);
		else
			msg(why, whylen, "footer damaged");
		return SCAN_BAD;
	}
	/* A closed log grown by zeros (truncate, preallocation): nothing lost. */
	if (zero_tail(r, end) || zero_tail(r, end + TCLOG_FOOTER_SIZE)) {
		set_warning(r, "%s: only zero bytes after the trailer at offset %llu; %llu bytes ignored",
			    r->path, (unsigned long long)pos, (unsigned long long)(r->size - end));
		return SCAN_TORN;
	}
	msg(why, whylen, "data after the trailer");
	return SCAN_BAD;
}

/* What starts at pos: a complete chunk (header in *ch), the end, a torn
 * tail, or damage (why). Reads only the chunk header. */
static enum scan scan_at(struct tclog_reader *r, uint64_t pos, struct tclog_chunk_hdr *ch,
			 char *why, size_t whylen)
{
	uint8_t buf[TCLOG_CHUNK_HDR_SIZE];
	uint64_t left, end;
	int err;

	if (r->has_trailer && pos == r->trailer_off)
		return SCAN_END;
	left = r->size - pos;
	if (left < 4)
		return SCAN_TORN;
	err = read_at(r, buf, left < sizeof(buf) ? (size_t)left : sizeof(buf), pos);
	if (err) {
		msg(why, whylen, "read: %s", strerror(-err));
		return SCAN_BAD;
	}
	if (!memcmp(buf, TCLOG_TRAILER_MAGIC, 4)) {
		r->bad_trailer = true;
		return scan_trailer(r, pos, why, whylen);
	}
	if (left < sizeof(buf) && !memcmp(buf, TCLOG_CHUNK_MAGIC, 4))
		return SCAN_TORN;
	if (memcmp(buf, TCLOG_CHUNK_MAGIC, 4)) {
		if (zero_tail(r, pos))
			return SCAN_TORN;
		msg(why, whylen, "bad chunk magic");
		return SCAN_BAD;
	}
	if (tclog_chunk_hdr_decode(buf, ch, why, whylen))
		return SCAN_BAD;
	end = pos + TCLOG_CHUNK_HDR_SIZE + ch->comp_size;
	if (r->has_trailer && end > r->trailer_off) {
		msg(why, whylen, "chunk runs into the trailer");
		return SCAN_BAD;
	}
	return end > r->size ? SCAN_TORN : SCAN_CHUNK;
}

static int fail_at(struct tclog_reader *r, uint64_t off, const char *why, char *err, size_t errlen)
{
	snprintf(r->errmsg, sizeof(r->errmsg), "%s: offset %llu: %s", r->path,
		 (unsigned long long)off, why);
	r->state = -1;
	msg(err, errlen, "%s", r->errmsg);
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
	if (read_at(r, foot, sizeof(foot), r->size - sizeof(foot)) || tclog_footer_decode(foot, &f))
		return 0;
	if (f.trailer_off < r->data_off || f.trailer_off > r->size || f.trailer_len > r->size ||
	    f.trailer_off + f.trailer_len + TCLOG_FOOTER_SIZE != r->size)
		return 0;
	buf = malloc(f.trailer_len);
	if (!buf)
		return -ENOMEM;
	if (read_at(r, buf, f.trailer_len, f.trailer_off) ||
	    tclog_trailer_decode(buf, f.trailer_len, &r->idx, &r->n_idx, &r->final, &has_final,
				 why, sizeof(why))) {
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
			r->idx = NULL;
			r->n_idx = 0;
			return 0;
		}
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
		msg(err, errlen, "%s: %llu bytes: too short for a tcrec log header", r->path,
		    (unsigned long long)r->size);
		return -1;
	}
	rc = read_at(r, fixed, sizeof(fixed), 0);
	if (rc) {
		msg(err, errlen, "%s: read: %s", r->path, strerror(-rc));
		return -1;
	}
	len = tclog_header_peek(fixed, why, sizeof(why));
	if (len < 0) {
		msg(err, errlen, "%s: %s", r->path, why);
		return -1;
	}
	if ((uint64_t)len > r->size) {
		msg(err, errlen, "%s: truncated inside the header (%llu of %ld bytes)", r->path,
		    (unsigned long long)r->size, len);
		return -1;
	}
	buf = malloc((size_t)len);
	if (!buf) {
		msg(err, errlen, "%s: out of memory", r->path);
		return -1;
	}
	rc = read_at(r, buf, (size_t)len, 0);
	if (rc)
		snprintf(why, sizeof(why), "read: %s", strerror(-rc));
	if (rc || tclog_header_decode(buf, (size_t)len, &r->hdr, why, sizeof(why))) {
		free(buf);
		msg(err, errlen, "%s: %s", r->path, why);
		return -1;
	}
	free(buf);
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
		msg(err, errlen, "%s: out of memory", path);
		goto cleanup;
	}
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	/* The frame's content checksum would stop mutated payloads as the
	 * chunk checksum would (see tclog_crc32c_ok). */
	ZSTD_DCtx_setParameter(r->dctx, ZSTD_d_forceIgnoreChecksum, ZSTD_d_ignoreChecksum);
#endif
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		msg(err, errlen, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (fstat(r->fd, &st)) {
		msg(err, errlen, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		msg(err, errlen, "%s: not a regular file", path);
		goto cleanup;
	}
	r->size = (uint64_t)st.st_size;
	if (open_header(r, err, errlen))
		goto cleanup;
	if (load_trailer(r)) {
		msg(err, errlen, "%s: out of memory", path);
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

static const uint8_t zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

/* Decompresses and decodes the chunk whose header ch sits at r->pos. */
static int load_chunk(struct tclog_reader *r, const struct tclog_chunk_hdr *ch, char *err,
		      size_t errlen)
{
	const struct tclog_codec *codec = tclog_codec_find(ch->encoding);
	uint64_t pay = r->pos + TCLOG_CHUNK_HDR_SIZE;
	char why[256];
	size_t n;
	int rc;

	if (!codec) {
		snprintf(why, sizeof(why), "unknown chunk encoding %u", ch->encoding);
		return fail_at(r, r->pos, why, err, errlen);
	}
	if (grow(&r->comp, &r->comp_cap, ch->comp_size) || grow(&r->raw, &r->raw_cap, ch->raw_size))
		return fail_at(r, r->pos, "out of memory for the chunk", err, errlen);
	rc = read_at(r, r->comp, ch->comp_size, pay);
	if (rc)
		return fail_at(r, pay, strerror(-rc), err, errlen);
	if (!tclog_crc32c_ok(tclog_crc32c(0, r->comp, ch->comp_size), ch->payload_crc))
		return fail_at(r, pay, "chunk payload checksum mismatch", err, errlen);
	/* One complete frame, exactly raw_size long, with its own checksum
	 * (frame header descriptor bit 2, RFC 8878 3.1.1.1.1). */
	if (ch->comp_size < 5 || memcmp(r->comp, zstd_magic, 4) || !(r->comp[4] & 0x04) ||
	    ZSTD_getFrameContentSize(r->comp, ch->comp_size) != ch->raw_size ||
	    ZSTD_findFrameCompressedSize(r->comp, ch->comp_size) != ch->comp_size)
		return fail_at(r, pay, "payload is not one zstd frame of the announced sizes", err,
			       errlen);
	r->decompressed++;
	n = ZSTD_decompressDCtx(r->dctx, r->raw, ch->raw_size, r->comp, ch->comp_size);
	if (ZSTD_isError(n)) {
		snprintf(why, sizeof(why), "zstd: %s", ZSTD_getErrorName(n));
		return fail_at(r, pay, why, err, errlen);
	}
	if (n != ch->raw_size)
		return fail_at(r, pay, "zstd frame decoded to the wrong size", err, errlen);
	rc = codec->decode(r->raw, ch->raw_size, ch->records, &r->dec, why, sizeof(why));
	if (rc == -ENOMEM)
		return fail_at(r, r->pos, "out of memory for the chunk's records", err, errlen);
	if (rc)
		return fail_at(r, pay, why, err, errlen);
	for (uint32_t i = 0; i < r->dec.n; i++)
		if (r->dec.recs[i].ts_ns < ch->first_ns || r->dec.recs[i].ts_ns > ch->last_ns)
			return fail_at(r, pay, "record time outside the chunk's time range", err,
				       errlen);
	r->cur = 0;
	r->pos = pay + ch->comp_size;
	return 0;
}

/* The trailer index is what seeking trusts: it must describe exactly the
 * chunks a walk finds. */
static bool index_disagrees(const struct tclog_reader *r, const struct tclog_chunk_hdr *ch,
			    char *why, size_t whylen)
{
	const struct tclog_chunk_info *e = r->walk_k < r->n_idx ? &r->idx[r->walk_k] : NULL;

	if (!e) {
		msg(why, whylen, "chunk not in the trailer index (it lists %zu chunks)", r->n_idx);
		return true;
	}
	if (e->offset == r->pos && e->first_ns == ch->first_ns && e->last_ns == ch->last_ns &&
	    e->records == ch->records)
		return false;
	msg(why, whylen,
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
			msg(err, errlen, "%s", r->errmsg);
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
		switch (scan_at(r, r->pos, &ch, why, sizeof(why))) {
		case SCAN_END:
			if (!r->idx_distrusted && r->walk_k != r->n_idx) {
				snprintf(why, sizeof(why), "trailer index lists %zu chunks, the file has %zu",
					 r->n_idx, r->walk_k);
				return fail_at(r, r->pos, why, err, errlen);
			}
			r->state = 1;
			break;
		case SCAN_TORN:
			warn_torn(r, r->pos);
			r->state = 1;
			break;
		case SCAN_BAD:
			return fail_at(r, r->pos, why, err, errlen);
		case SCAN_CHUNK:
			r->bad_hdr_ok = true;
			r->bad_hdr = ch;
			if (r->has_trailer && !r->idx_distrusted && index_disagrees(r, &ch, why, sizeof(why))) {
				r->bad_index = true;
				return fail_at(r, r->pos, why, err, errlen);
			}
			if (load_chunk(r, &ch, err, errlen))
				return -1;
			r->walk_k++;
			break;
		}
	}
}

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
		uint64_t data = next_data(r, pos);
		size_t n;

		if (data > pos) {
			pos = data;
			continue;
		}
		n = limit - pos < BLOCK ? (size_t)(limit - pos) : BLOCK;
		rc = read_at(r, buf, n, pos);
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
			else if ((rc = read_at(r, hdr, sizeof(hdr), off)))
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

		while (k < r->n_idx && r->idx[k].offset <= start)
			lost += r->idx[k++].records;
		r->walk_k = k;
		resume = k < r->n_idx ? r->idx[k].offset : r->trailer_off;
		found = k < r->n_idx;
	} else {
		uint64_t from = start + 1, limit = r->has_trailer ? r->trailer_off : r->size;
		int rc;

		if (r->bad_hdr_ok) {
			from = start + TCLOG_CHUNK_HDR_SIZE + r->bad_hdr.comp_size;
			lost = r->bad_hdr.records;
		}
		rc = from < limit ? find_chunk(r, from, limit, &resume) : 0;
		if (rc < 0) {
			msg(err, errlen, "%s; scanning for the next chunk: %s", r->errmsg, strerror(-rc));
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
		msg(err, errlen, "%s; %s, reading resumes at offset %llu", r->errmsg, words,
		    (unsigned long long)resume);
	else if (r->bad_trailer && exact)
		msg(err, errlen, "%s; %s", r->errmsg, words); /* the chunks all came before it */
	else
		msg(err, errlen, "%s; %s, no valid chunk after it", r->errmsg, words);
	r->pos = resume;
	r->state = found || r->bad_index ? 0 : 1;
	out->at_end = r->state == 1;
	return 0;
}

const char *tclog_reader_warning(const struct tclog_reader *r)
{
	return r->warning;
}

const struct tclog_final *tclog_reader_final(const struct tclog_reader *r)
{
	return r->has_final ? &r->final : NULL;
}

/* Walks chunk headers only (no payload read, nothing decompressed). */
static int rebuild_index(struct tclog_reader *r, char *err, size_t errlen)
{
	struct tclog_chunk_hdr ch;
	uint64_t pos = r->data_off;
	size_t cap = 0;
	char why[256];

	free(r->idx);
	r->idx = NULL;
	r->n_idx = 0;
	for (;;) {
		enum scan s = scan_at(r, pos, &ch, why, sizeof(why));

		if (s == SCAN_END)
			break;
		if (s == SCAN_TORN) {
			warn_torn(r, pos);
			break;
		}
		if (s == SCAN_BAD) {
			msg(err, errlen, "%s: offset %llu: %s", r->path, (unsigned long long)pos, why);
			return -1;
		}
		if (r->n_idx == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct tclog_chunk_info *v = realloc(r->idx, ncap * sizeof(*v));

			if (!v) {
				msg(err, errlen, "%s: out of memory for the chunk index", r->path);
				return -1;
			}
			r->idx = v;
			cap = ncap;
		}
		r->idx[r->n_idx++] = (struct tclog_chunk_info){
			.offset = pos,
			.first_ns = ch.first_ns,
			.last_ns = ch.last_ns,
			.records = ch.records,
		};
		pos += TCLOG_CHUNK_HDR_SIZE + ch.comp_size;
	}
	r->idx_complete = true;
	return 0;
}

int tclog_reader_index(struct tclog_reader *r, const struct tclog_chunk_info **chunks,
		       size_t *n, char *err, size_t errlen)
{
	if (!r->idx_complete && rebuild_index(r, err, errlen))
		return -1;
	*chunks = r->idx;
	*n = r->n_idx;
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
	if (i >= r->n_idx) {
		msg(err, errlen, "%s: chunk %zu out of range (%zu chunks)", r->path, i, r->n_idx);
		return -1;
	}
	/* Damage elsewhere does not stop a reader from visiting intact chunks. */
	r->state = 0;
	r->pos = r->idx[i].offset;
	r->walk_k = i;
	r->dec.n = 0;
	r->cur = 0;
	return 0;
}

uint64_t tclog_reader_chunks_decompressed(const struct tclog_reader *r)
{
	return r->decompressed;
}

uint64_t tclog_reader_file_size(const struct tclog_reader *r)
{
	return r->size;
}

void tclog_reader_close(struct tclog_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	ZSTD_freeDCtx(r->dctx);
	tclog_decoded_free(&r->dec);
	free(r->comp);
	free(r->raw);
	free(r->idx);
	free(r->warning);
	free(r->path);
	free(r);
}
