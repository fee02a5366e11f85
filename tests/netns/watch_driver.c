/* SPDX-License-Identifier: MIT */
/*
 * The link watcher alone, for the netns tests: one line per event on
 * stdout, flushed, so that a script can make and delete namespaces and
 * links and compare the events with `ip -j link` in each namespace.
 *
 *   watch_driver [--netns SPEC]... [--container NAME]... [--host-side]
 *
 *   ready NS_INO                         after the start dump (own namespace)
 *   new NS_INO IFINDEX NAME kind=K up=0|1 peer=IFINDEX@NS_INO ns=NAME
 *       container=C host_side=0|1
 *   gone NS_INO IFINDEX
 *   problem MESSAGE
 *   fds N netns N                        on SIGUSR1
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "capture/link_watch.h"

static volatile sig_atomic_t want_count, want_stop;

static void on_usr1(int sig)
{
	(void)sig;
	want_count = 1;
}

static void on_term(int sig)
{
	(void)sig;
	want_stop = 1;
}

static void link_new(void *ctx, const struct watched_link *l)
{
	(void)ctx;
	printf("new %llu %u %s kind=%s up=%d peer=%d@%llu ns=%s container=%s host_side=%d\n",
	       (unsigned long long)l->netns_ino, l->ifindex, l->name, l->kind[0] ? l->kind : "-",
	       l->up, l->peer_ifindex, (unsigned long long)l->peer_netns_ino,
	       l->ns_name[0] ? l->ns_name : "-", l->container[0] ? l->container : "-", l->host_side);
	fflush(stdout);
}

static void link_gone(void *ctx, uint64_t ino, uint32_t ifindex)
{
	(void)ctx;
	printf("gone %llu %u\n", (unsigned long long)ino, ifindex);
	fflush(stdout);
}

static void problem(void *ctx, const char *msg)
{
	(void)ctx;
	printf("problem %s\n", msg);
	fflush(stdout);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3; /* ., .., and the directory's own fd */
}

int main(int argc, char **argv)
{
	struct link_watch_spec spec = { 0 };
	struct link_watch_ops ops = { link_new, link_gone, problem };

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--netns") && i + 1 < argc) {
			if (!strcmp(argv[++i], "all"))
				spec.all_netns = true;
			else if (spec.n_netns < LINK_WATCH_MAX_SPECS)
				spec.netns[spec.n_netns++] = argv[i];
		} else if (!strcmp(argv[i], "--container") && i + 1 < argc) {
			if (spec.n_containers < LINK_WATCH_MAX_SPECS)
				spec.containers[spec.n_containers++] = argv[++i];
		} else if (!strcmp(argv[i], "--host-side")) {
			spec.host_side = true;
		} else {
			fprintf(stderr, "watch_driver: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	signal(SIGUSR1, on_usr1);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	struct link_watch *w = link_watch_new(&spec, &ops, NULL);
	if (!w)
		return 1;
	if (link_watch_start(w) < 0) {
		link_watch_free(w);
		return 1;
	}
	printf("ready %llu\n", (unsigned long long)link_watch_self_ino(w));
	fflush(stdout);
	int rc = 0;
	while (!want_stop) {
		struct pollfd p = { .fd = link_watch_fd(w), .events = POLLIN };
		int r = poll(&p, 1, link_watch_timeout_ms(w));
		if (r < 0 && errno != EINTR) {
			rc = 1;
			break;
		}
		if (link_watch_process(w) < 0) {
			rc = 1;
			break;
		}
		if (want_count) {
			want_count = 0;
			printf("fds %d netns %d\n", count_fds(), link_watch_n_netns(w));
			fflush(stdout);
		}
	}
	link_watch_free(w);
	return rc;
}
