/* SPDX-License-Identifier: MIT */
#include "time_arg.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PER_SEC 1000000000ull

/* Reads exactly n digits. */
static int digits(const char **s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return -1;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*out = v;
	return 0;
}

static int expect(const char **s, char c)
{
	if (**s != c)
		return -1;
	(*s)++;
	return 0;
}

static int parse_offset(const char *s, uint64_t base_ns, uint64_t *ns)
{
	static const struct {
		const char *suffix;
		double ns;
	} units[] = {
		{ "", 1e9 }, { "s", 1e9 }, { "ms", 1e6 }, { "us", 1e3 }, { "ns", 1 },
		{ "m", 60e9 }, { "min", 60e9 }, { "h", 3600e9 }, { "d", 86400e9 },
	};
	char *end;
	errno = 0;
	if (!isdigit((unsigned char)*s) && *s != '.')
		return -EINVAL;
	double v = strtod(s, &end);
	if (errno || !isfinite(v) || v < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix))
			continue;
		double off = v * units[i].ns;
		if (off >= 1.8e19 || (double)base_ns + off >= 1.8e19)
			return -EINVAL;
		/* round, not llround: off may be past LLONG_MAX */
		*ns = base_ns + (uint64_t)round(off);
		return 0;
	}
	return -EINVAL;
}

static int parse_rfc3339(const char *s, uint64_t *ns)
{
	struct tm tm = { 0 };
	int year, mon, day, hour, min, sec;
	if (digits(&s, 4, &year) || expect(&s, '-') || digits(&s, 2, &mon) || expect(&s, '-') ||
	    digits(&s, 2, &day))
		return -EINVAL;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return -EINVAL;
	s++;
	if (digits(&s, 2, &hour) || expect(&s, ':') || digits(&s, 2, &min) || expect(&s, ':') ||
	    digits(&s, 2, &sec))
		return -EINVAL;
	uint64_t frac = 0;
	if (*s == '.') {
		s++;
		int n = 0;
		while (isdigit((unsigned char)*s)) {
			if (n < 9) {
				frac = frac * 10 + (uint64_t)(*s - '0');
				n++;
			}
			s++;
		}
		if (!n)
			return -EINVAL;
		for (; n < 9; n++)
			frac *= 10;
	}
	long tz = 0;
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s++ == '-' ? -1 : 1, th, tmin;
		if (digits(&s, 2, &th) || expect(&s, ':') || digits(&s, 2, &tmin) || th > 23 || tmin > 59)
			return -EINVAL;
		tz = sign * (th * 3600L + tmin * 60L);
	} else {
		return -EINVAL; /* RFC 3339 requires the offset: no guessing the local zone */
	}
	if (*s || year < 1970 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 ||
	    sec > 60)
		return -EINVAL;
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != day) /* timegm normalises 31 Feb; refuse it */
		return -EINVAL;
	long long secs = (long long)t - tz;
	if (secs < 0 || (unsigned long long)secs >= UINT64_MAX / NS_PER_SEC)
		return -EINVAL;
	*ns = (uint64_t)secs * NS_PER_SEC + frac;
	return 0;
}

int time_arg_parse(const char *s, uint64_t base_ns, uint64_t *ns)
{
	if (!s || !*s)
		return -EINVAL;
	if (*s == '+')
		return parse_offset(s + 1, base_ns, ns);
	return parse_rfc3339(s, ns);
}

int time_range_parse(const char *since, const char *until, uint64_t base_ns,
		     struct time_range *out, enum time_range_fault *fault)
{
	struct time_range r = { 0, 0 };

	*fault = TIME_RANGE_OK;
	if (since && time_arg_parse(since, base_ns, &r.since_ns))
		*fault = TIME_RANGE_BAD_SINCE;
	else if (until && time_arg_parse(until, base_ns, &r.until_ns))
		*fault = TIME_RANGE_BAD_UNTIL;
	else if (until && r.until_ns <= r.since_ns)
		*fault = TIME_RANGE_EMPTY;
	if (*fault != TIME_RANGE_OK)
		return -EINVAL;
	*out = r;
	return 0;
}
