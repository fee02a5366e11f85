/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "cgroup_path.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* kernfs file handles: the cgroup id, 8 bytes (FILEID_KERNFS) */
#define CGROUP_FH_TYPE 0xfe

struct cgroup_paths {
	int mnt_fd;
	bool detached;   /* mnt_fd is a mount of our own, attached nowhere */
	char mnt[256];
	size_t mnt_len;
};

static int find_mount_in(const char *mountinfo, const char *prefix, char *buf, size_t len)
{
	FILE *f = fopen(mountinfo, "re");
	char line[1024];
	int found = 0;

	if (!f)
		return -errno;
	/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS... - FSTYPE SOURCE SUPER" */
	while (!found && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");
		char mnt[256];

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %255s", mnt) == 1 &&
		    (size_t)snprintf(buf, len, "%s%s", prefix, mnt) < len)
			found = 1;
	}
	fclose(f);
	return found ? 0 : -ENOENT;
}

/* `ip netns exec` mounts a sysfs of its own, without the cgroup hierarchy
 * under it: then a mount of it that is attached nowhere (nothing changes
 * for anyone else) serves for ids and paths. */
static int detached_mount(void)
{
	int fs = fsopen("cgroup2", FSOPEN_CLOEXEC);
	int mnt = -1;

	if (fs < 0)
		return -errno;
	if (!fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC);
	int err = mnt < 0 ? -errno : 0;
	close(fs);
	if (err)
		return err;
	/* a mount fd is a path only: file handles want an open directory */
	int dir = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	err = dir < 0 ? -errno : 0;
	close(mnt);
	return err ? err : dir;
}

struct cgroup_paths *cgroup_paths_open(void)
{
	struct cgroup_paths *cp = calloc(1, sizeof(*cp));
	int err;

	if (!cp)
		return NULL;
	err = find_mount_in("/proc/self/mountinfo", "", cp->mnt, sizeof(cp->mnt));
	if (!err) {
		cp->mnt_fd = open(cp->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cp->mnt_fd < 0)
			err = -errno;
	} else if (err == -ENOENT) {
		cp->mnt_fd = detached_mount();
		err = cp->mnt_fd < 0 ? cp->mnt_fd : 0;
		cp->detached = true;
	}
	if (err) {
		free(cp);
		errno = -err;
		return NULL;
	}
	cp->mnt_len = strlen(cp->mnt);
	return cp;
}

int cgroup_paths_root_fd(const struct cgroup_paths *cp)
{
	return cp->mnt_fd;
}

void cgroup_paths_close(struct cgroup_paths *cp)
{
	if (!cp)
		return;
	close(cp->mnt_fd);
	free(cp);
}

int cgroup_paths_id(const struct cgroup_paths *cp, const char *path, uint64_t *id,
		    uint32_t *level, char *err, size_t errlen)
{
	const char *rel = path;
	struct stat st;

	if (!strncmp(path, cp->mnt, cp->mnt_len) && (!path[cp->mnt_len] || path[cp->mnt_len] == '/'))
		rel = path + cp->mnt_len;
	if (strstr(rel, "/../") || !strcmp(rel, "..") || !strncmp(rel, "../", 3) ||
	    (strlen(rel) >= 3 && !strcmp(rel + strlen(rel) - 3, "/.."))) {
		snprintf(err, errlen, "--cgroup %s: give the path without \"..\"", path);
		return -EINVAL;
	}
	while (*rel == '/')
		rel++;
	if (fstatat(cp->mnt_fd, *rel ? rel : ".", &st, 0) || !S_ISDIR(st.st_mode)) {
		int e = errno ? errno : ENOTDIR;
		snprintf(err, errlen, "--cgroup %s: no such cgroup under %s (%s)", path,
			 cp->detached ? "the cgroup v2 hierarchy" : cp->mnt, strerror(e));
		return -e;
	}
	uint32_t depth = 0;
	for (const char *p = rel; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		depth++;
		while (*p && *p != '/')
			p++;
	}
	*id = st.st_ino;
	*level = depth;
	return 0;
}

int cgroup_paths_name(const struct cgroup_paths *cp, uint64_t id, char *buf, size_t len)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh = { .handle_bytes = sizeof(uint64_t), .handle_type = CGROUP_FH_TYPE } };
	char link[64], target[1024];

	memcpy(h.fh.f_handle, &id, sizeof(id));
	int fd = open_by_handle_at(cp->mnt_fd, &h.fh, O_RDONLY | O_CLOEXEC | O_PATH);
	if (fd < 0)
		return -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	int err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	target[n] = 0;
	if (cp->mnt_len && strncmp(target, cp->mnt, cp->mnt_len) != 0)
		return -ENOENT;
	const char *rel = target + cp->mnt_len;
	if ((size_t)snprintf(buf, len, "%s", *rel ? rel : "/") >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* Length of the run of hex digits at p. */
static size_t hex_run(const char *p)
{
	size_t n = 0;

	while (isxdigit((unsigned char)p[n]))
		n++;
	return n;
}

void cgroup_container(const char *path, char *buf, size_t len)
{
	/* the last component that names a container wins (a container's own
	 * sub-cgroups sit below it); podman's conmon-<id> counts as its
	 * container */
	static const char *const prefixes[] = { "libpod-", "docker-", "cri-containerd-", "crio-",
						"docker/", "containerd/", "/" };
	const char *best = NULL;

	buf[0] = 0;
	for (const char *p = path; *p; p++) {
		if (p != path && p[-1] != '/' && p[-1] != '-')
			continue;
		for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
			size_t pl = strlen(prefixes[i]);
			const char *id = p;

			if (strcmp(prefixes[i], "/") == 0)
				pl = 0;
			else if (strncmp(p, prefixes[i], pl) != 0)
				continue;
			id += pl;
			if (hex_run(id) == 64 && (!id[64] || id[64] == '/' || id[64] == '.')) {
				best = id;
				break;
			}
		}
	}
	if (best) {
		/* the short id, as `podman ps` and `docker ps` show it */
		snprintf(buf, len, "%.12s", best);
		return;
	}
	/* Kubernetes: ".../kubepods-burstable-pod<UID>.slice" or ".../pod<UID>/" */
	const char *pod = NULL;
	for (const char *p = strstr(path, "pod"); p; p = strstr(p + 3, "pod"))
		if ((p == path || p[-1] == '/' || p[-1] == '-') && isxdigit((unsigned char)p[3]))
			pod = p + 3;
	if (pod) {
		size_t n = 0;
		while (pod[n] && (isxdigit((unsigned char)pod[n]) || pod[n] == '-' || pod[n] == '_'))
			n++;
		if (n >= 32)
			snprintf(buf, len, "pod%.*s", (int)n, pod);
	}
}
