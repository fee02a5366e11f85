/* SPDX-License-Identifier: MIT */
#include "logging.h"

#include <stdarg.h>
#include <stdio.h>

int tcrec_verbose;
bool tcrec_quiet;
static bool line_open;

void log_line_open(bool open)
{
	line_open = open;
}

static void vprint(const char *fmt, va_list ap)
{
	if (line_open) {
		fputs("\r\033[K", stderr);
		line_open = false;
	}
	fputs("tcrec: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	if (tcrec_quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	if (tcrec_verbose < 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}
