/* SPDX-License-Identifier: MIT */
/* The clocks of a recording: the kernel stamps packets with
 * CLOCK_MONOTONIC, the logs keep wall-clock time. */
#ifndef TCREC_CAPTURE_CLOCK_H
#define TCREC_CAPTURE_CLOCK_H

#include <stdint.h>
#include <time.h>

/* wall-clock minus CLOCK_MONOTONIC, from the tightest of a few samples */
int64_t capture_clock_offset(void);
uint64_t capture_wall_ns(void);
uint64_t capture_clock_ns(clockid_t id);

#endif
