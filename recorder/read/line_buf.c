/* SPDX-License-Identifier: MIT */
#include "line_buf.h"

#include <stdarg.h>
#include <stdio.h>

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char *dst = NULL;
	size_t room = 0;
	if (b->len < b->cap) {
		dst = b->p + b->len;
		room = b->cap - b->len;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
}

void sb_put_vis(struct sbuf *b, uint8_t c)
{
	if (c & 0x80) {
		sb_printf(b, "M-");
		c &= 0x7f;
	}
	if (c < 0x20 || c == 0x7f)
		sb_printf(b, "^%c", c ^ 0x40);
	else
		sb_printf(b, "%c", c);
}
