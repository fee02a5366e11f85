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
