/* SPDX-License-Identifier: MIT */
/* Time arguments of --since/--until: absolute RFC 3339 times or offsets. */
#ifndef TCREC_TIME_ARG_H
#define TCREC_TIME_ARG_H

#include <stdint.h>

/*
 * Parses s into UNIX epoch ns:
 *   2026-11-22T01:43:54Z, 2026-11-22 01:43:54.123456789+01:00 (RFC 3339;
 *   'T' or a space between date and time; Z or a numeric offset required)
 *   +30s, +1.5m, +2h, +250ms, +90 (seconds): an offset from base_ns
 * 0 with *ns set, or -EINVAL (bad syntax or out of range).
 */
int time_arg_parse(const char *s, uint64_t base_ns, uint64_t *ns);

/* A --since/--until pair: [since_ns, until_ns), 0 = unbounded. */
struct time_range {
	uint64_t since_ns, until_ns;
};

/* Which argument time_range_parse refused. */
enum time_range_fault {
	TIME_RANGE_OK,
	TIME_RANGE_BAD_SINCE, /* not a time (time_arg_parse) */
	TIME_RANGE_BAD_UNTIL, /* not a time */
	TIME_RANGE_EMPTY,     /* until is not after since */
};

/*
 * Both arguments (NULL = not given), offsets counted from base_ns (the
 * start of the recording). 0 with *out set, or -EINVAL with *fault saying
 * which argument is at fault.
 */
int time_range_parse(const char *since, const char *until, uint64_t base_ns,
		     struct time_range *out, enum time_range_fault *fault);

#endif
