/* SPDX-License-Identifier: MIT */
/*
 * Socket owners: the kernel programs that mark each socket with its owner
 * (bpf/owner.bpf.c) and the map the recorder reads owners from. Loaded
 * before the capture programs, which share its socket mark map.
 */
#ifndef TCREC_SOCK_OWNER_H
#define TCREC_SOCK_OWNER_H

#include <stdint.h>

#include "bpf/tcrec.h"

struct owner;

/* Loads the owner programs; with cgroup_path (record --cgroup), sockets of
 * tasks in that cgroup v2 or below it are marked selected. 0 or -errno
 * after one line naming what failed (the cgroup, the kernel feature). */
int owner_load(const char *cgroup_path, struct owner **out);

/* The socket mark map, for the capture programs to reuse before they load. */
int owner_marks_fd(const struct owner *ow);

/* Starts marking new sockets (a cgroup sock_create program on the root
 * cgroup v2, as a link that goes with the process), then marks the
 * sockets already open (a task_file iterator). 0 or -errno after one line. */
int owner_start(struct owner *ow);

/* The owner of a socket; 0, or -ENOENT when the map no longer (or never)
 * held it. */
int owner_lookup(const struct owner *ow, uint64_t cookie, struct tcrec_sockinfo *out);

/* NULL-safe; detaches. */
void owner_destroy(struct owner *ow);

#endif
