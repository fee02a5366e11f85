/* SPDX-License-Identifier: MIT */
/* Says an error and exits 1 as a failing tcrec does, after a fault that only a
 * sanitizer sees: the exit status must be the sanitizer's, not 1. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int sink;

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	fprintf(stderr, "canary: error: something went wrong (as expected)\n");
	if (!strcmp(what, "use-after-free")) {
		/* volatile: the compiler must not see the fault and refuse to build */
		int *volatile p = malloc(4 * sizeof(int));

		if (!p)
			return 2;
		free(p);
		sink = p[1];
	} else if (!strcmp(what, "leak")) {
		char *volatile p = malloc(64);

		if (!p)
			return 2;
		memset(p, 1, 64);
		p = NULL;
	} else if (!strcmp(what, "overflow")) {
		volatile int big = INT_MAX;

		sink = big + argc;
	} else {
		fprintf(stderr, "usage: sanitizer_canary use-after-free|leak|overflow\n");
		return 2;
	}
	exit(1);
}
