/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* setns */
#include "netns.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "logging.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int netns_spec_path(const char *spec, char *path, size_t len)
{
	int n;

	if (!spec || !*spec)
		return -EINVAL;
	if (all_digits(spec))
		n = snprintf(path, len, "/proc/%s/ns/net", spec);
	else if (strchr(spec, '/'))
		n = snprintf(path, len, "%s", spec);
	else if (!strcmp(spec, ".") || !strcmp(spec, ".."))
		return -EINVAL;
	else
		n = snprintf(path, len, NETNS_RUN_DIR "/%s", spec);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* A /run/netns name is an empty tmpfs file until `ip netns add` has bind
 * mounted the namespace over it: only an nsfs file is a namespace. */
static bool is_netns_fd(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && (unsigned long)sfs.f_type == NSFS_MAGIC;
}

uint64_t netns_path_ino(const char *path)
{
	struct statfs sfs;
	struct stat st;

	if (statfs(path, &sfs) < 0 || (unsigned long)sfs.f_type != NSFS_MAGIC)
		return 0;
	if (stat(path, &st) < 0)
		return 0;
	return st.st_ino;
}

uint64_t netns_fd_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) < 0 ? 0 : st.st_ino;
}

int netns_open(const char *path, uint64_t *ino)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!is_netns_fd(fd)) {
		close(fd);
		return -EINVAL;
	}
	/* a /proc/PID/ns link to another kind of namespace is nsfs too */
	int type = ioctl(fd, NS_GET_NSTYPE);
	if (type >= 0 && type != CLONE_NEWNET) {
		close(fd);
		return -EINVAL;
	}
	*ino = netns_fd_ino(fd);
	return fd;
}

int netns_run_in(int ns_fd, int self_fd, int (*fn)(void *arg), void *arg)
{
	if (ns_fd < 0 || ns_fd == self_fd)
		return fn(arg);
	if (setns(ns_fd, CLONE_NEWNET) < 0)
		return -errno;
	int ret = fn(arg);
	if (setns(self_fd, CLONE_NEWNET) < 0) {
		/* Unreachable with a valid self fd; a thread left in another
		 * namespace would attach to the wrong links. */
		pr_warn("netns: cannot return to the recorder's own namespace: %s",
			strerror(errno));
		abort();
	}
	return ret;
}

struct sock_args {
	int domain, type, proto;
};

static int make_socket(void *arg)
{
	struct sock_args *a = arg;
	int fd = socket(a->domain, a->type, a->proto);
	return fd < 0 ? -errno : fd;
}

int netns_socket(int ns_fd, int self_fd, int domain, int type, int proto)
{
	struct sock_args a = { domain, type, proto };

	return netns_run_in(ns_fd, self_fd, make_socket, &a);
}

uint64_t netns_sock_cookie(int sock)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);

	if (getsockopt(sock, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
		return 0;
	return cookie;
}

struct name_query {
	uint64_t ino;
	char *name;
	size_t len;
};

static int name_cb(void *ctx, uint64_t ino, const char *path, const char *name)
{
	struct name_query *q = ctx;

	(void)path;
	if (ino != q->ino)
		return 0;
	snprintf(q->name, q->len, "%s", name);
	return 1;
}

void netns_name_of(uint64_t ino, char *name, size_t len)
{
	struct name_query q = { ino, name, len };

	name[0] = 0;
	netns_scan_names(name_cb, &q);
}

struct ino_set {
	uint64_t *v;
	size_t n, cap;
};

/* true when ino was not in the set yet (and is now) */
static bool ino_set_add(struct ino_set *s, uint64_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == ino)
			return false;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		uint64_t *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return true; /* report it again rather than lose it */
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = ino;
	return true;
}

static int scan_names(struct ino_set *seen, netns_found_fn fn, void *ctx)
{
	DIR *d = opendir(NETNS_RUN_DIR);
	struct dirent *de;
	char path[300];
	int stop = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!stop && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", de->d_name);
		uint64_t ino = netns_path_ino(path);
		if (ino && ino_set_add(seen, ino))
			stop = fn(ctx, ino, path, de->d_name);
	}
	closedir(d);
	return 0;
}

int netns_scan_names(netns_found_fn fn, void *ctx)
{
	struct ino_set seen = { 0 };
	int err = scan_names(&seen, fn, ctx);

	free(seen.v);
	return err;
}

static int scan_one(struct ino_set *seen, const char *path, netns_found_fn fn, void *ctx)
{
	struct stat st;

	/* a zombie or a process gone since readdir has no link any more */
	if (stat(path, &st) < 0 || !ino_set_add(seen, st.st_ino))
		return 0;
	return fn(ctx, st.st_ino, path, "");
}

/* The threads of pid: one of them may have entered another namespace. */
static int scan_tasks(struct ino_set *seen, const char *pid, netns_found_fn fn, void *ctx)
{
	char path[300];
	struct dirent *de;
	int stop = 0;

	snprintf(path, sizeof(path), "/proc/%.20s/task", pid);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	while (!stop && (de = readdir(d))) {
		if (!all_digits(de->d_name) || !strcmp(de->d_name, pid))
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/task/%.20s/ns/net", pid, de->d_name);
		stop = scan_one(seen, path, fn, ctx);
	}
	closedir(d);
	return stop;
}

int netns_scan(int skip_pid, netns_found_fn fn, void *ctx)
{
	struct ino_set seen = { 0 };
	struct dirent *de;
	char path[300];
	int stop = 0;

	int err = scan_names(&seen, fn, ctx);
	DIR *d = opendir("/proc");
	if (err || !d) {
		err = err ? err : -errno;
		goto cleanup;
	}
	while (!stop && (de = readdir(d))) {
		if (!all_digits(de->d_name) || atoi(de->d_name) == skip_pid)
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/ns/net", de->d_name);
		stop = scan_one(&seen, path, fn, ctx);
		if (!stop)
			stop = scan_tasks(&seen, de->d_name, fn, ctx);
	}
cleanup:
	if (d)
		closedir(d);
	free(seen.v);
	return err;
}
