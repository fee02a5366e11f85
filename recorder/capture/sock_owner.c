/* SPDX-License-Identifier: MIT */
#include "sock_owner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/owner.h"
#include "cgroup_path.h"
#include "logging.h"
#include "tcrec_owner.skel.h"

struct owner {
	struct tcrec_owner *skel;
	struct bpf_link *create_link;
	struct cgroup_paths *cg;
};

int owner_load(const char *cgroup_path, struct owner **out)
{
	struct owner *ow = calloc(1, sizeof(*ow));
	struct cgroup_paths *cp = cgroup_paths_open();
	char msg[512];
	int err;

	if (!ow || !cp) {
		err = -errno;
		if (!cp)
			pr_warn("tying packets to processes needs cgroup v2 mounted (%s); "
				"--no-process records without", strerror(-err));
		goto fail;
	}
	ow->skel = tcrec_owner__open();
	if (!ow->skel) {
		err = -errno;
		pr_warn("opening the socket owner programs: %s", strerror(-err));
		goto fail;
	}
	if (cgroup_path) {
		uint64_t id;
		uint32_t level;

		err = cgroup_paths_id(cp, cgroup_path, &id, &level, msg, sizeof(msg));
		if (err) {
			pr_warn("%s", msg);
			goto fail;
		}
		ow->skel->rodata->want_cgroup_id = id;
		ow->skel->rodata->want_cgroup_level = level;
	}
	err = tcrec_owner__load(ow->skel);
	if (err) {
		pr_warn("loading the socket owner programs: %s (--no-process records without "
			"them)", strerror(-err));
		goto fail;
	}
	ow->cg = cp;
	*out = ow;
	return 0;
fail:
	cgroup_paths_close(cp);
	owner_destroy(ow);
	return err;
}

int owner_marks_fd(const struct owner *ow)
{
	return bpf_map__fd(ow->skel->maps.sock_marks);
}

/* Runs the task_file iterator to its end: it marks every inet socket some
 * task holds open. */
static int seed_open_sockets(struct owner *ow)
{
	struct bpf_link *link = bpf_program__attach_iter(ow->skel->progs.owner_seed, NULL);
	char buf[256];
	int err = 0;

	if (!link)
		return -errno;
	int fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		err = -errno;
	} else {
		ssize_t n;

		while ((n = read(fd, buf, sizeof(buf))) > 0)
			;
		if (n < 0)
			err = -errno;
		close(fd);
	}
	bpf_link__destroy(link);
	return err;
}

int owner_start(struct owner *ow)
{
	int err;

	/* on the hierarchy's root: every task is in it or below it */
	ow->create_link = bpf_program__attach_cgroup(ow->skel->progs.owner_sock_create,
						     cgroup_paths_root_fd(ow->cg));
	if (!ow->create_link) {
		err = -errno;
		pr_warn("watching socket creation on the root cgroup: %s (--no-process records "
			"without)", strerror(-err));
		return err;
	}
	err = seed_open_sockets(ow);
	if (err)
		pr_warn("finding the sockets open before recording (task_file iterator): %s; "
			"their packets carry no process", strerror(-err));
	return 0;
}

int owner_lookup(const struct owner *ow, uint64_t cookie, struct tcrec_sockinfo *out)
{
	if (bpf_map__lookup_elem(ow->skel->maps.socks, &cookie, sizeof(cookie), out, sizeof(*out),
				 0))
		return -ENOENT;
	return 0;
}

void owner_destroy(struct owner *ow)
{
	if (!ow)
		return;
	bpf_link__destroy(ow->create_link);
	tcrec_owner__destroy(ow->skel);
	cgroup_paths_close(ow->cg);
	free(ow);
}
