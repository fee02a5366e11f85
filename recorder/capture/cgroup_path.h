/* SPDX-License-Identifier: MIT */
/*
 * cgroup v2 ids and paths: the kernel side knows a socket's cgroup by id,
 * people by path, and containers by a name in that path.
 */
#ifndef TCREC_CGROUP_PATH_H
#define TCREC_CGROUP_PATH_H

#include <stddef.h>
#include <stdint.h>

struct cgroup_paths;

/* Finds the cgroup v2 mount. NULL with errno (ENOENT: none mounted). */
struct cgroup_paths *cgroup_paths_open(void);

/* The hierarchy's root directory (owned by cp). */
int cgroup_paths_root_fd(const struct cgroup_paths *cp);

/* The id and depth (0 = root) of the cgroup at path, given from the
 * hierarchy's root ("/machine.slice/x.scope") or as a full path under the
 * mount. 0, or -errno with a message in err. */
int cgroup_paths_id(const struct cgroup_paths *cp, const char *path, uint64_t *id,
		    uint32_t *level, char *err, size_t errlen);

/* The path from the hierarchy's root of cgroup id: 0, or -errno (ENOENT:
 * the cgroup is gone). */
int cgroup_paths_name(const struct cgroup_paths *cp, uint64_t id, char *buf, size_t len);

/* NULL-safe. */
void cgroup_paths_close(struct cgroup_paths *cp);

/* The container a cgroup path names: the short id (12 hex digits, as
 * `podman ps` shows it) of a podman, docker, containerd or CRI-O
 * container, else "pod<UID>" for a Kubernetes pod, else "". */
void cgroup_container(const char *path, char *buf, size_t len);

#endif
