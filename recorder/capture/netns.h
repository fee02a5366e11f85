/* SPDX-License-Identifier: MIT */
/*
 * Network namespaces as the command line names them and as the system
 * holds them: a spec (`ip netns` name, nsfs path, pid) to a path, a
 * namespace's identity (nsfs inode), entering one and coming back, and a
 * scan of every namespace something still keeps reachable.
 */
#ifndef TCREC_NETNS_H
#define TCREC_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETNS_RUN_DIR "/run/netns"

/* The path a --netns spec names: digits = /proc/PID/ns/net, a spec with
 * a '/' = itself, else /run/netns/SPEC. -EINVAL when it cannot be one. */
int netns_spec_path(const char *spec, char *path, size_t len);

/* The namespace inode behind path (stat follows the /proc magic link),
 * or 0 when there is none or it is not a network namespace file. */
uint64_t netns_path_ino(const char *path);

/* Opens path as a network namespace: fd (O_CLOEXEC), *ino set; -ENOENT,
 * -EACCES, -EINVAL (not a network namespace) or another -errno. */
int netns_open(const char *path, uint64_t *ino);

/* The nsfs inode of an open namespace fd, 0 on failure. */
uint64_t netns_fd_ino(int fd);

/* Runs fn(arg) with the calling thread in the namespace ns_fd, then back
 * in self_fd. fn's result, or -errno from setns (then fn did not run). */
int netns_run_in(int ns_fd, int self_fd, int (*fn)(void *arg), void *arg);

/* A socket(domain, type, proto) made inside ns_fd (ns_fd < 0: here). */
int netns_socket(int ns_fd, int self_fd, int domain, int type, int proto);

/* SO_NETNS_COOKIE of a socket's namespace, 0 when the kernel has none. */
uint64_t netns_sock_cookie(int sock);

/* The `ip netns` name of namespace ino ("" when none), in name[len]. */
void netns_name_of(uint64_t ino, char *name, size_t len);

/* Called once per namespace the scan finds: path opens it, name is its
 * /run/netns name or "". Return nonzero to stop the scan. */
typedef int (*netns_found_fn)(void *ctx, uint64_t ino, const char *path, const char *name);

/* Every namespace reachable through /run/netns or a process other than
 * skip_pid (its threads too); each inode once per call, names first. */
int netns_scan(int skip_pid, netns_found_fn fn, void *ctx);

/* Only the names under /run/netns (cheap, for inotify's notice). */
int netns_scan_names(netns_found_fn fn, void *ctx);

#endif
