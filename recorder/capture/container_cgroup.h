/* SPDX-License-Identifier: MIT */
/*
 * A container on the host's network (podman/docker --network host) has no
 * interface of its own: its packets are told from the host's by the cgroup
 * of its processes.
 */
#ifndef TCREC_CONTAINER_CGROUP_H
#define TCREC_CONTAINER_CGROUP_H

#include <stddef.h>

/* 1 with its cgroup v2 path in cg when container spec runs in our network
 * namespace, 0 when it has one of its own or is not running, -errno when
 * no tool knows it (the link watcher says so in its own words). */
int container_host_net_cgroup(const char *spec, char *cg, size_t len);

#endif
