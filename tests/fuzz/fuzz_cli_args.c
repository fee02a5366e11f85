/* SPDX-License-Identifier: MIT */
/*
 * The typed option parsers every subcommand uses: numbers, seconds, times.
 * What they accept is checked against a reading of the text of our own:
 * values in range, decimal renderings that parse back to the same value,
 * offsets that add up, times that survive a round trip through RFC 3339.
 */
#define _GNU_SOURCE /* dprintf, timegm */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "recorder/cli/cli.h"
#include "recorder/read/time_arg.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE_NS 1763776000000000000ull

static const char *input;

/* Straight to fd 2: the stdio stream is muted (see LLVMFuzzerInitialize). */
static void check(int ok, const char *what)
{
	if (ok)
		return;
	dprintf(STDERR_FILENO, "cli_args: %s; input '%s'\n", what, input);
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Every rejected value prints a usage error on stderr: hundreds of MB
	 * in a minute. Sanitizers and libFuzzer write to fd 2 themselves. */
	FILE *null = fopen("/dev/null", "w");
	if (null)
		stderr = null;
	return 0;
}

/* What a non-negative decimal option value is: optional leading white
 * space and '+' (strtoull's), then digits only. 0 with the value, -1 when
 * it is not one, -2 when it does not fit 64 bits. */
static int decimal(const char *s, uint64_t *v)
{
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+')
		s++;
	if (!*s)
		return -1;
	*v = 0;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		unsigned d = (unsigned)(*s - '0');
		if (*v > (UINT64_MAX - d) / 10)
			return -2;
		*v = *v * 10 + d;
	}
	return 0;
}

static void check_u64(const char *s, uint64_t min, uint64_t max)
{
	uint64_t u = 0, back = 0, want = 0;
	int rc = parse_u64("fuzz", "-n", s, min, max, &u), dec = decimal(s, &want);
	char text[32];

	if (rc) {
		check(dec || want < min || want > max, "an in-range number was refused");
		return;
	}
	check(dec == 0, "accepted text that is not a non-negative decimal");
	check(u == want, "value differs from the decimal's");
	check(u >= min && u <= max, "value out of range");
	snprintf(text, sizeof(text), "%llu", (unsigned long long)u);
	check(!parse_u64("fuzz", "-n", text, min, max, &back) && back == u,
	      "decimal rendering does not parse back to the value");
}

static void check_seconds(const char *s, double min, double max)
{
	double d, back;
	char text[64];

	if (parse_seconds("fuzz", "--t", s, min, max, &d))
		return;
	check(isfinite(d) && d >= min && d <= max, "seconds out of range");
	snprintf(text, sizeof(text), "%.17g", d);
	check(!parse_seconds("fuzz", "--t", text, min, max, &back) && back == d,
	      "seconds rendering does not parse back to the value");
}

/* The offset's value in ns as time_arg documents it, or -1 if there is none. */
static double offset_ns(const char *s)
{
	static const struct {
		const char *suffix;
		double ns;
	} units[] = {
		{ "", 1e9 }, { "s", 1e9 }, { "ms", 1e6 }, { "us", 1e3 }, { "ns", 1 },
		{ "m", 60e9 }, { "min", 60e9 }, { "h", 3600e9 }, { "d", 86400e9 },
	};
	char *end;
	double v = strtod(s, &end);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].suffix))
			return v * units[i].ns;
	return -1;
}

static void check_time(const char *s)
{
	uint64_t at0, atb, back;
	int rc0 = time_arg_parse(s, 0, &at0), rcb = time_arg_parse(s, BASE_NS, &atb);

	if (s[0] == '+') {
		/* an offset that fits on top of a base fits on top of nothing */
		check(rcb || !rc0, "offset fits from the base but not from zero");
		if (rc0)
			return;
		double want = offset_ns(s + 1);
		check(want >= 0 && fabs((double)at0 - want) <= 1 + want * 0x1p-50,
		      "offset is not the value of its number and unit");
		if (!rcb)
			check(atb - BASE_NS == at0, "offset from the base is not base + offset");
		return;
	}
	check(rc0 == rcb && (rc0 || at0 == atb), "an absolute time depends on the base");
	if (rc0)
		return;
	time_t sec = (time_t)(at0 / 1000000000u);
	struct tm tm;
	char day[32], text[64];
	check(gmtime_r(&sec, &tm) && strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm),
	      "time has no calendar date");
	snprintf(text, sizeof(text), "%s.%09lluZ", day, (unsigned long long)(at0 % 1000000000u));
	check(!time_arg_parse(text, 0, &back) && back == at0,
	      "RFC 3339 rendering does not parse back to the time");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* option values arrive NUL-terminated from argv */
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	input = s;
	check_u64(s, 0, UINT64_MAX);
	check_u64(s, 1, 1000);
	check_seconds(s, 0.001, 1e9);
	check_time(s);
	input = NULL;
	free(s);
	return 0;
}
