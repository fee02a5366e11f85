/* SPDX-License-Identifier: MIT */
#include "capture_clock.h"

#define NSEC 1000000000ull

uint64_t capture_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
}

uint64_t capture_wall_ns(void)
{
	return capture_clock_ns(CLOCK_REALTIME);
}

/* bpf_ktime_get_ns() is CLOCK_MONOTONIC: bracket a wall-clock read between
 * two monotonic reads and keep the tightest bracket. */
int64_t capture_clock_offset(void)
{
	uint64_t best_gap = UINT64_MAX;
	int64_t off = 0;

	for (int i = 0; i < 9; i++) {
		uint64_t a = capture_clock_ns(CLOCK_MONOTONIC);
		uint64_t w = capture_clock_ns(CLOCK_REALTIME);
		uint64_t b = capture_clock_ns(CLOCK_MONOTONIC);

		if (b - a < best_gap) {
			best_gap = b - a;
			off = (int64_t)(w - (a + (b - a) / 2));
		}
	}
	return off;
}
