/* SPDX-License-Identifier: MIT */
/* A FILE* over a file or stdin (fopencookie): the sniffed head replayed,
 * then the rest, through a zstd decompressor when the head says zstd. */
#define _GNU_SOURCE /* fopencookie */
#include "capture_stream.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <zstd.h>

enum { HEAD = 4, INBUF = 1 << 17 };

struct capture_stream {
	FILE *raw;        /* the file or stdin */
	bool own_raw;     /* not stdin */
	FILE *f;          /* what readers read */
	uint8_t head[HEAD];
	size_t nhead, head_at;
	ZSTD_DStream *z;  /* NULL: not compressed */
	uint8_t *in;
	ZSTD_inBuffer zin;
	size_t last_hint; /* 0 after a frame ended */
	bool eof;
	const char *error;
};

/* Raw bytes: the replayed head first. */
static size_t raw_read(struct capture_stream *s, uint8_t *buf, size_t n)
{
	size_t got = 0;
	while (s->head_at < s->nhead && got < n)
		buf[got++] = s->head[s->head_at++];
	if (got < n)
		got += fread(buf + got, 1, n - got, s->raw);
	return got;
}

static ssize_t zstd_read(struct capture_stream *s, char *buf, size_t size)
{
	ZSTD_outBuffer out = { buf, size, 0 };
	while (out.pos < out.size) {
		if (s->zin.pos == s->zin.size) {
			if (s->eof)
				break;
			s->zin.size = raw_read(s, s->in, INBUF);
			s->zin.pos = 0;
			if (!s->zin.size) {
				s->eof = true;
				if (ferror(s->raw)) {
					s->error = "read error";
					return -1;
				}
				if (s->last_hint)
					s->error = "zstd stream ends inside a frame (truncated)";
				break;
			}
		}
		size_t r = ZSTD_decompressStream(s->z, &out, &s->zin);
		if (ZSTD_isError(r)) {
			s->error = "damaged zstd stream";
			return out.pos ? (ssize_t)out.pos : -1;
		}
		s->last_hint = r;
	}
	return (ssize_t)out.pos;
}

static ssize_t cookie_read(void *c, char *buf, size_t size)
{
	struct capture_stream *s = c;
	if (s->error)
		return -1;
	if (s->z)
		return zstd_read(s, buf, size);
	size_t got = raw_read(s, (uint8_t *)buf, size);
	if (!got && ferror(s->raw)) {
		s->error = "read error";
		return -1;
	}
	return (ssize_t)got;
}

struct capture_stream *capture_stream_open(const char *path, char *err, size_t errlen)
{
	struct capture_stream *s = calloc(1, sizeof(*s));
	bool in = !strcmp(path, "-");
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	s->raw = in ? stdin : fopen(path, "rb");
	s->own_raw = !in;
	if (!s->raw) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(s);
		return NULL;
	}
	s->nhead = fread(s->head, 1, HEAD, s->raw);
	static const uint8_t zmagic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	if (s->nhead == HEAD && !memcmp(s->head, zmagic, 4)) {
		s->z = ZSTD_createDStream();
		s->in = malloc(INBUF);
		if (!s->z || !s->in) {
			snprintf(err, errlen, "%s: out of memory for zstd", path);
			capture_stream_close(s);
			return NULL;
		}
		ZSTD_initDStream(s->z);
		s->zin.src = s->in;
	}
	cookie_io_functions_t io = { .read = cookie_read };
	s->f = fopencookie(s, "r", io);
	if (!s->f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		capture_stream_close(s);
		return NULL;
	}
	return s;
}

FILE *capture_stream_file(struct capture_stream *s)
{
	return s->f;
}

const char *capture_stream_error(const struct capture_stream *s)
{
	return s->error;
}

uint64_t capture_stream_offset(const struct capture_stream *s)
{
	off_t at = ftello(s->raw);
	return at > 0 ? (uint64_t)at : 0;
}

void capture_stream_close(struct capture_stream *s)
{
	if (!s)
		return;
	if (s->f)
		fclose(s->f);
	if (s->own_raw && s->raw)
		fclose(s->raw);
	ZSTD_freeDStream(s->z);
	free(s->in);
	free(s);
}
