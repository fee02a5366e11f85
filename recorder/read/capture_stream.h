/* SPDX-License-Identifier: MIT */
/*
 * A capture file as a byte stream from its first byte: a path or "-"
 * (stdin), decompressed on the fly when it is a zstd stream (.pcapng.zst),
 * never held whole in memory. The format is sniffed from the bytes, never
 * from the name: the first bytes read are kept and handed out again.
 */
#ifndef TCREC_CAPTURE_STREAM_H
#define TCREC_CAPTURE_STREAM_H

#include <stdint.h>
#include <stdio.h>

struct capture_stream;

/* NULL with err naming the path and why. */
struct capture_stream *capture_stream_open(const char *path, char *err, size_t errlen);

/* The (decompressed) bytes, from the first; reads that fail or come short
 * at a damaged or cut zstd stream say why in capture_stream_error. */
FILE *capture_stream_file(struct capture_stream *s);

/* Why the stream stopped early ("zstd stream ends inside a frame"), or NULL. */
const char *capture_stream_error(const struct capture_stream *s);

/* Bytes of the file itself (compressed, for zstd) read so far; 0 when the
 * input cannot say (a pipe). */
uint64_t capture_stream_offset(const struct capture_stream *s);

void capture_stream_close(struct capture_stream *s);

#endif
