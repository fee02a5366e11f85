/* SPDX-License-Identifier: MIT */
#include "cli_iface.h"

#include <errno.h>
#include <stdio.h>

#include "cli.h"
#include "read/iface_select.h"

int cli_add_interface(const char *cmd, struct iface_select **sel, const char *spec)
{
	char why[256];
	if (!*sel && !(*sel = iface_select_new())) {
		pr_warn("tcrec %s: out of memory", cmd);
		return -1;
	}
	int rc = iface_select_add(*sel, spec, why, sizeof(why));
	if (rc == -ENOMEM)
		pr_warn("tcrec %s: out of memory", cmd);
	else if (rc)
		usage_error(cmd, "--interface %s", why);
	return rc ? -1 : 0;
}
