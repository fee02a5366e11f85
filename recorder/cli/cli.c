/* SPDX-License-Identifier: MIT */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "filter/filter.h"

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "tcrec %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'tcrec %s --help')\n", cmd);
	return EXIT_USAGE;
}

int parse_u64(const char *cmd, const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	/* strtoull negates a '-' after white space: " -5" would be 2^64 - 5 */
	if (!s || !*s || strchr(s, '-'))
		goto bad;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		goto bad;
	if (v < min || v > max) {
		usage_error(cmd, "%s %s: out of range (%llu..%llu)", opt, s,
			    (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
bad:
	usage_error(cmd, "%s '%s': not a non-negative integer", opt, s ? s : "");
	return -1;
}

int parse_seconds(const char *cmd, const char *opt, const char *s, double min, double max, double *out)
{
	char *end;
	errno = 0;
	if (!s || !*s)
		goto bad;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		goto bad;
	if (v < min || v > max) {
		usage_error(cmd, "%s %s: out of range (%g..%g seconds)", opt, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
bad:
	usage_error(cmd, "%s '%s': not a number of seconds", opt, s ? s : "");
	return -1;
}

int cli_next_option(const char *cmd, int argc, char **argv, const char *shortopts,
		    const struct option *longopts)
{
	/* A leading ':' makes getopt tell a missing value from an unknown
	 * option; opterr = 0 leaves the one message to usage_error. */
	char opts[64];
	snprintf(opts, sizeof(opts), ":%s", shortopts);
	opterr = 0;
	int c = getopt_long(argc, argv, opts, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	/* glibc: optopt is 0 for an unknown long option; a missing value
	 * moves optind past the option, whose word then names it. */
	const char *typed = argv[optind - 1];
	if (c == ':' && !strncmp(typed, "--", 2))
		usage_error(cmd, "option '%s' needs a value", typed);
	else if (c == ':')
		usage_error(cmd, "option '-%c' needs a value", optopt);
	else if (optopt == 0)
		usage_error(cmd, "unknown option '%s'", typed);
	else
		usage_error(cmd, "unknown option '-%c'", optopt);
	return CLI_BAD_OPTION;
}

size_t cli_split_inputs(char *const *args, size_t n)
{
	struct stat st;
	size_t i = 1;
	while (i < n && !stat(args[i], &st))
		i++;
	return i < n ? i : n;
}

static bool looks_like_path(const char *s)
{
	return strchr(s, '/') || strstr(s, ".tclog");
}

int cli_read_filter(const char *cmd, char *const *words, size_t n, struct read_filter **out)
{
	char err[512];
	*out = NULL;
	if (!n)
		return EXIT_OK;
	char *expr = filter_join((int)n, words);
	if (!expr) {
		pr_warn("%s: out of memory", cmd);
		return EXIT_RUNTIME;
	}
	int rc = read_filter_open(expr, cmd, out, err, sizeof(err));
	if (rc == -EINVAL && looks_like_path(words[0])) {
		/* A filter that does not compile and looks like a path was most
		 * likely meant as an input that is not there. */
		pr_warn("%s: %s", words[0], strerror(ENOENT));
		rc = EXIT_RUNTIME;
	} else if (rc == -EINVAL) {
		rc = usage_error(cmd, "filter '%s': %s", expr, err);
	} else if (rc == -E2BIG) {
		pr_warn("%s: filter '%.200s%s': %s", cmd, expr, strlen(expr) > 200 ? "..." : "", err);
		rc = EXIT_RUNTIME;
	} else if (rc) {
		pr_warn("%s: filter: %s", cmd, strerror(-rc));
		rc = EXIT_RUNTIME;
	}
	free(expr);
	return rc;
}

int cli_take_inputs(const char *cmd, char **words, size_t n, char ***logs, size_t *n_logs,
		    struct read_filter **filter)
{
	if (!n)
		return usage_error(cmd, "no LOG given");
	*logs = words;
	*n_logs = cli_split_inputs(words, n);
	int rc = cli_read_filter(cmd, words + *n_logs, n - *n_logs, filter);
	return rc ? rc : CLI_RUN;
}

struct log_input *cli_open_logs(char **logs, size_t n_logs, bool strict)
{
	char err[512];
	struct log_input *in = log_input_open_with(logs, n_logs, strict ? LOG_DAMAGE_STOP : LOG_DAMAGE_SKIP,
						   err, sizeof(err));
	if (!in)
		pr_warn("%s", err);
	return in;
}
