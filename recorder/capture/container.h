/* SPDX-License-Identifier: MIT */
/*
 * Containers by name or id, through podman or docker (whichever is
 * installed and answers): the pid whose network namespace is the
 * container's, and the name people call it by.
 */
#ifndef TCREC_CONTAINER_H
#define TCREC_CONTAINER_H

#include <stddef.h>

#define CONTAINER_NAME_MAX 64

struct container_info {
	int pid;                       /* 0 when the container is not running */
	char name[CONTAINER_NAME_MAX];
};

/* Resolves NAME|ID. 0 with *out set (out->pid 0 = it exists but is not
 * running); -ENOENT when no tool knows it, -ENOEXEC when neither podman
 * nor docker is installed. tools[len] says which tools were asked. */
int container_resolve(const char *spec, struct container_info *out, char *tools, size_t len);

/* The running containers of the first tool that answers: *out (malloc'd,
 * free() it) and *n. 0 (n = 0 without a tool) or -errno. */
int container_list(struct container_info **out, size_t *n);

#endif
