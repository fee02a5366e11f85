/* SPDX-License-Identifier: MIT */
#include "cli_proc.h"

#include <errno.h>
#include <getopt.h>

#include "cli.h"
#include "read/proc_select.h"

int cli_proc_option(const char *cmd, int c, const char *arg, struct proc_select **sel)
{
	enum proc_key key;
	char why[256];

	switch (c) {
	case CLI_OPT_PID:
		key = PROC_PID;
		break;
	case CLI_OPT_COMM:
		key = PROC_COMM;
		break;
	case CLI_OPT_CGROUP:
		key = PROC_CGROUP;
		break;
	case CLI_OPT_CONTAINER:
		key = PROC_CONTAINER;
		break;
	default:
		return 0;
	}
	if (!*sel && !(*sel = proc_select_new())) {
		pr_warn("tcrec %s: out of memory", cmd);
		return -1;
	}
	int rc = proc_select_add(*sel, key, arg, why, sizeof(why));
	if (rc == -ENOMEM)
		pr_warn("tcrec %s: out of memory", cmd);
	else if (rc)
		usage_error(cmd, "%s", why);
	return rc ? -1 : 1;
}
