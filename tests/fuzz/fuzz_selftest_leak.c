/* SPDX-License-Identifier: MIT */
/*
 * A target that is broken on purpose, for selftest.sh: it leaks on every
 * input, or with TCREC_FUZZ_SELFTEST=abort aborts. run.sh must report
 * either as a failure, never as a pass or a skip (libFuzzer's own exit code
 * for both is 77, ctest's "skipped").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *volatile last;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *mode = getenv("TCREC_FUZZ_SELFTEST");

	if (mode && !strcmp(mode, "abort"))
		abort();
	/* the previous input's block becomes unreachable */
	last = malloc(size + 1);
	if (last)
		memcpy(last, data, size);
	return 0;
}
