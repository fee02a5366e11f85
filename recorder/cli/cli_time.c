/* SPDX-License-Identifier: MIT */
#include "cli_time.h"

#include "cli.h"
#include "read/log_input.h"
#include "read/time_arg.h"

int cli_time_range(const char *cmd, struct log_input *in, const char *since, const char *until)
{
	struct time_range r;
	enum time_range_fault fault;
	if (!time_range_parse(since, until, log_input_start_ns(in), &r, &fault)) {
		log_input_set_range(in, r.since_ns, r.until_ns);
		return 0;
	}
	switch (fault) {
	case TIME_RANGE_BAD_SINCE:
		return usage_error(cmd, "--since '%s': not an RFC 3339 time or +offset", since);
	case TIME_RANGE_BAD_UNTIL:
		return usage_error(cmd, "--until '%s': not an RFC 3339 time or +offset", until);
	default:
		return usage_error(cmd, "--until %s is not after --since", until);
	}
}
