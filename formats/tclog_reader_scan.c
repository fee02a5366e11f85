/* SPDX-License-Identifier: MIT */
/*
 * Walking a log's chunks: what starts at an offset (a chunk, the trailer,
 * the end, a torn tail or damage), reading only the headers. Holes of a
 * sparse file are stepped over, not read.
 */
#define _GNU_SOURCE /* SEEK_DATA */
#include "tclog_reader_state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 0, or -errno; a file that shrank under us reads as -EIO. */
int tclog_rd_read_at(const struct tclog_reader *r, void *buf, size_t len, uint64_t off)
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

void tclog_rd_set_warning(struct tclog_reader *r, const char *fmt, ...)
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

void tclog_rd_warn_torn(struct tclog_reader *r, uint64_t good_end)
{
	if (good_end == r->size)
		tclog_rd_set_warning(r, "%s: no trailer after offset %llu (file not closed cleanly); "
					"index rebuilt by scanning", r->path, (unsigned long long)good_end);
	else
		tclog_rd_set_warning(r, "%s: truncated at offset %llu (last complete chunk ends at %llu); "
					"%llu bytes ignored", r->path, (unsigned long long)r->size,
				     (unsigned long long)good_end, (unsigned long long)(r->size - good_end));
}

/* Next offset >= pos that may hold data: holes of a sparse file read as
 * zeros and are skipped without reading them. r->size when only a hole is
 * left. File systems without SEEK_DATA get pos back (read everything). */
uint64_t tclog_rd_next_data(const struct tclog_reader *r, uint64_t pos)
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

	while ((pos = tclog_rd_next_data(r, pos)) < r->size) {
		size_t n = r->size - pos < sizeof(buf) ? (size_t)(r->size - pos) : sizeof(buf);

		if (tclog_rd_read_at(r, buf, n, pos))
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
	uint8_t *kind;
	struct tclog_final *fin; /* 64 KiB: not on the stack */
	size_t n;
	int has_final, err;
	long len;
	uint64_t end;

	if (r->size - pos < sizeof(fixed))
		return SCAN_TORN;
	err = tclog_rd_read_at(r, fixed, sizeof(fixed), pos);
	if (err) {
		tclog_rd_msg(why, whylen, "read: %s", strerror(-err));
		return SCAN_BAD;
	}
	len = tclog_trailer_peek(fixed, why, whylen);
	if (len < 0)
		return SCAN_BAD;
	if ((uint64_t)len > r->size - pos)
		return SCAN_TORN;
	buf = malloc((size_t)len);
	if (!buf) {
		tclog_rd_msg(why, whylen, "trailer of %ld bytes: out of memory", len);
		return SCAN_BAD;
	}
	err = tclog_rd_read_at(r, buf, (size_t)len, pos);
	if (err) {
		free(buf);
		tclog_rd_msg(why, whylen, "read: %s", strerror(-err));
		return SCAN_BAD;
	}
	fin = malloc(sizeof(*fin));
	err = fin ? tclog_trailer_decode(buf, (size_t)len, r->version, &idx, &kind, &n, fin, &has_final,
					 why, whylen)
		  : -ENOMEM;
	free(fin);
	free(buf);
	if (err) {
		if (err == -ENOMEM)
			tclog_rd_msg(why, whylen, "trailer index: out of memory");
		return SCAN_BAD;
	}
	free(idx);
	free(kind);
	end = pos + (uint64_t)len;
	if (r->size - end < TCLOG_FOOTER_SIZE)
		return SCAN_TORN; /* killed between trailer and footer */
	if (r->size - end == TCLOG_FOOTER_SIZE) {
		if (r->trailer_why[0])
			tclog_rd_msg(why, whylen, "%s; the index is not used, chunks were found by scanning",
				     r->trailer_why);
		else
			tclog_rd_msg(why, whylen, "footer damaged");
		return SCAN_BAD;
	}
	/* A closed log grown by zeros (truncate, preallocation): nothing lost. */
	if (zero_tail(r, end) || zero_tail(r, end + TCLOG_FOOTER_SIZE)) {
		tclog_rd_set_warning(r, "%s: only zero bytes after the trailer at offset %llu; %llu bytes ignored",
				     r->path, (unsigned long long)pos, (unsigned long long)(r->size - end));
		return SCAN_TORN;
	}
	tclog_rd_msg(why, whylen, "data after the trailer");
	return SCAN_BAD;
}

/* What starts at pos: a complete chunk (header in *ch), the end, a torn
 * tail, or damage (why). Reads only the chunk header. */
enum scan tclog_rd_scan_at(struct tclog_reader *r, uint64_t pos, struct tclog_chunk_hdr *ch,
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
	err = tclog_rd_read_at(r, buf, left < sizeof(buf) ? (size_t)left : sizeof(buf), pos);
	if (err) {
		tclog_rd_msg(why, whylen, "read: %s", strerror(-err));
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
		tclog_rd_msg(why, whylen, "bad chunk magic");
		return SCAN_BAD;
	}
	if (tclog_chunk_hdr_decode(buf, ch, why, whylen))
		return SCAN_BAD;
	end = pos + TCLOG_CHUNK_HDR_SIZE + ch->comp_size;
	if (r->has_trailer && end > r->trailer_off) {
		tclog_rd_msg(why, whylen, "chunk runs into the trailer");
		return SCAN_BAD;
	}
	return end > r->size ? SCAN_TORN : SCAN_CHUNK;
}
