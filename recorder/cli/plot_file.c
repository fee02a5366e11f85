/* SPDX-License-Identifier: MIT */
#include "plot_file.h"

#include <errno.h>
#include <string.h>

#include "logging.h"
#include "diff/diff_plot.h"
#include "read/rate_plot.h"

int plot_file_write(const char *cmd, const char *path, int (*write)(FILE *f, const void *arg),
		    const void *arg)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		pr_warn("%s: --plot %s: cannot create: %s", cmd, path, strerror(errno));
		return -1;
	}
	int rc = write(f, arg);
	if (fclose(f) && !rc)
		rc = -EIO;
	if (rc) {
		pr_warn("%s: --plot %s: %s", cmd, path,
			rc == -ENOMEM ? "out of memory" : "write error (disk full?)");
		return -1;
	}
	return 0;
}

static int write_rates(FILE *f, const void *arg)
{
	return rate_plot_write(arg, f);
}

int stats_plot_save(const char *path, struct rate_series *r, struct log_input *in)
{
	if (rate_series_finish(r, in)) {
		pr_warn("stats: --plot %s: out of memory", path);
		return -1;
	}
	return plot_file_write("stats", path, write_rates, r);
}

struct diff_plot_args {
	const struct diff_result *res;
	struct diff_timeline *tl;
};

static int write_diff(FILE *f, const void *arg)
{
	const struct diff_plot_args *a = arg;
	return diff_plot_write(a->res, a->tl, f);
}

int diff_plot_save(const char *path, const struct diff_result *res, struct diff_timeline *tl)
{
	const struct diff_plot_args a = { res, tl };
	return plot_file_write("diff", path, write_diff, &a);
}
