/* SPDX-License-Identifier: MIT */
#include "container_cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "container.h"

/* The "0::PATH" line of /proc/PID/cgroup: the cgroup v2 path. */
static int v2_path(int pid, char *cg, size_t len)
{
	char path[64], line[4096];
	int err = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = 0;
		err = (size_t)snprintf(cg, len, "%s", line + 3) < len ? 0 : -ENAMETOOLONG;
		break;
	}
	fclose(f);
	return err;
}

int container_host_net_cgroup(const char *spec, char *cg, size_t len)
{
	struct container_info ci;
	char tools[64], path[64];
	struct stat ours, theirs;

	int err = container_resolve(spec, &ci, tools, sizeof(tools));
	if (err)
		return err;
	if (ci.pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", ci.pid);
	if (stat("/proc/self/ns/net", &ours) || stat(path, &theirs))
		return -errno;
	if (ours.st_ino != theirs.st_ino || ours.st_dev != theirs.st_dev)
		return 0;
	err = v2_path(ci.pid, cg, len);
	return err ? err : 1;
}
