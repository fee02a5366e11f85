/* SPDX-License-Identifier: MIT */
#include "output_name.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Skips the flags, width and E/O modifier of the code at p (just after
 * '%'); returns the conversion character's address. */
static const char *conversion(const char *p)
{
	while (*p && strchr("_-0^#", *p))
		p++;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == 'E' || *p == 'O')
		p++;
	return p;
}

int output_name_check(const char *tmpl, char *why, size_t whylen)
{
	const char *slash = strrchr(tmpl, '/');

	for (const char *p = tmpl; *p; p++) {
		if (*p != '%')
			continue;
		const char *c = conversion(p + 1);
		if (!*c) {
			snprintf(why, whylen, "ends with an incomplete strftime code '%s'", p);
			return -1;
		}
		if (*c == '%') {
			p = c;
			continue;
		}
		if (slash && p < slash) {
			/* the directory must exist before the first file, and a ring
			 * finds its files in one directory */
			snprintf(why, whylen, "strftime code %%%c in the directory part: only the file "
				 "name may change with time", *c);
			return -1;
		}
		switch (*c) {
		case 'n':
		case 't':
			snprintf(why, whylen, "%%%c puts a %s in the file names", *c,
				 *c == 'n' ? "newline" : "tab");
			return -1;
		case 'D':
		case 'x':
			snprintf(why, whylen, "%%%c puts '/' in the file names (use %%Y-%%m-%%d)", *c);
			return -1;
		}
		p = c;
	}
	/* whatever a locale or an unusual code makes: the names must stay in
	 * the template's directory and on one line */
	char out[4096];
	struct tm tm = { .tm_year = 126, .tm_mon = 10, .tm_mday = 27, .tm_hour = 16 };
	size_t literal = 0, made = 0;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	size_t n = strftime(out, sizeof(out), tmpl, &tm);
#pragma GCC diagnostic pop
	if (!n) {
		snprintf(why, whylen, "makes an empty or too long file name");
		return -1;
	}
	for (const char *p = tmpl; *p; p++)
		literal += *p == '/';
	for (const char *p = out; *p; p++) {
		made += *p == '/';
		if (*p == '\n' || *p == '\t' || (unsigned char)*p < 0x20) {
			snprintf(why, whylen, "makes file names with control characters");
			return -1;
		}
	}
	if (made != literal) {
		snprintf(why, whylen, "its strftime codes put '/' in the file names");
		return -1;
	}
	return 0;
}

/* The ring's count, then an optional ".N". */
static bool tail(const char *n)
{
	if (!isdigit((unsigned char)*n))
		return false;
	while (isdigit((unsigned char)*n))
		n++;
	if (*n == '.' && isdigit((unsigned char)n[1]))
		for (n++; isdigit((unsigned char)*n); n++)
			;
	return !*n;
}

static bool match(const char *t, bool by_time, const char *n, int depth)
{
	if (depth > 32)
		return false;
	while (*t) {
		if (by_time && *t == '%') {
			const char *c = conversion(t + 1);
			if (*c == '%') {
				if (*n != '%')
					return false;
				t = c + 1;
				n++;
				continue;
			}
			if (!*c)
				return false;
			/* a code stands for one or more characters of the name */
			for (size_t k = strlen(n); k >= 1; k--)
				if (match(c + 1, by_time, n + k, depth + 1))
					return true;
			return false;
		}
		if (*t != *n)
			return false;
		t++;
		n++;
	}
	return tail(n);
}

bool output_name_in_ring(const char *tmpl, bool by_time, const char *name)
{
	return match(tmpl, by_time, name, 0);
}
