/* SPDX-License-Identifier: MIT */
/* The typed option parsers every subcommand uses: numbers, seconds, times. */
#include <stdlib.h>
#include <string.h>

#include "recorder/cli.h"
#include "recorder/time_arg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* option values arrive NUL-terminated from argv */
	char *s = malloc(size + 1);
	uint64_t u, ns;
	double d;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	if (!parse_u64("fuzz", "-n", s, 0, UINT64_MAX, &u))
		sink += u;
	if (!parse_u64("fuzz", "-n", s, 1, 1000, &u))
		sink += u;
	if (!parse_seconds("fuzz", "--t", s, 0.001, 1e9, &d))
		sink += (uint64_t)d;
	if (!time_arg_parse(s, 1763776000000000000ull, &ns))
		sink += ns;
	if (!time_arg_parse(s, 0, &ns))
		sink += ns;
	free(s);
	return 0;
}
