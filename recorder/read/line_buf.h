/* SPDX-License-Identifier: MIT */
/* Append-only line buffer: like snprintf, len counts what the whole line
 * needs even when the buffer is too short, so callers can size and retry. */
#ifndef TCREC_LINE_BUF_H
#define TCREC_LINE_BUF_H

#include <stddef.h>
#include <stdint.h>

struct sbuf {
	char *p;
	size_t cap;
	size_t len;
};

/* Appends as much as fits (always NUL-terminated while cap > 0). */
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One byte of a name or payload as tcpdump makes any byte printable:
 * "M-" for the high bit, then "^X" for a control character. */
void sb_put_vis(struct sbuf *b, uint8_t c);

#endif
