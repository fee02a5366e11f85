// SPDX-License-Identifier: MIT
/*
 * hookctl: put the test-owned counter program on a TC hook the way another
 * product would (a pinned tcx link, or a clsact filter), read its count, take
 * it off again, and list what is attached to a hook through tcx.
 *
 *   hookctl attach tcx IF ingress|egress PINDIR
 *   hookctl attach tc  IF ingress|egress PINDIR PRIO
 *   hookctl detach tcx IF ingress|egress PINDIR
 *   hookctl detach tc  IF ingress|egress PINDIR PRIO
 *   hookctl count PINDIR
 *   hookctl query IF ingress|egress        (one line per tcx program: id name)
 *
 * PINDIR is a directory on a bpffs; it receives "packets" (the counter map)
 * and, in tcx mode, "link" (the link that keeps the program attached after
 * this process exits). Exit status: 0 ok, 1 runtime error, 2 usage.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "e2e_counter.skel.h"

/* Newer than the 6.1 UAPI headers this builds against. */
#define HOOK_TCX_INGRESS 46
#define HOOK_TCX_EGRESS 47
#define QUERY_MAX 64

struct hook {
	int ifindex;
	int ingress;
};

static int usage(void)
{
	fprintf(stderr, "usage: hookctl attach|detach tcx|tc IF ingress|egress PINDIR [PRIO]\n"
			"       hookctl count PINDIR\n"
			"       hookctl query IF ingress|egress\n");
	return 2;
}

static int parse_hook(const char *ifname, const char *dir, struct hook *h)
{
	h->ifindex = (int)if_nametoindex(ifname);
	if (!h->ifindex) {
		fprintf(stderr, "hookctl: interface %s: %s\n", ifname, strerror(errno));
		return -ENODEV;
	}
	if (!strcmp(dir, "ingress"))
		h->ingress = 1;
	else if (!strcmp(dir, "egress"))
		h->ingress = 0;
	else {
		fprintf(stderr, "hookctl: direction must be ingress or egress, not %s\n", dir);
		return -EINVAL;
	}
	return 0;
}

static int parse_prio(const char *s, __u32 *prio)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*s == '\0' || *end != '\0' || v == 0 || v > 0xffff) {
		fprintf(stderr, "hookctl: priority must be 1..65535, not %s\n", s);
		return -EINVAL;
	}
	*prio = (__u32)v;
	return 0;
}

static int pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int attach_tc(struct e2e_counter *skel, const struct hook *h, __u32 prio)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = h->ifindex,
			    .attach_point = h->ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = prio, .priority = prio,
			    .prog_fd = bpf_program__fd(skel->progs.e2e_counter));
	int err = bpf_tc_hook_create(&hook);

	if (err && err != -EEXIST) {
		fprintf(stderr, "hookctl: creating clsact: %s\n", strerror(-err));
		return err;
	}
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		fprintf(stderr, "hookctl: tc filter prio %u: %s\n", prio, strerror(-err));
	return err;
}

static int attach_tcx(struct e2e_counter *skel, const struct hook *h, const char *pindir)
{
	char path[PATH_MAX];
	int type = h->ingress ? HOOK_TCX_INGRESS : HOOK_TCX_EGRESS;
	int fd = bpf_link_create(bpf_program__fd(skel->progs.e2e_counter), h->ifindex,
				 (enum bpf_attach_type)type, NULL);
	int err;

	if (fd < 0) {
		fprintf(stderr, "hookctl: tcx link: %s\n", strerror(-fd));
		return fd;
	}
	err = pin_path(path, sizeof(path), pindir, "link");
	if (!err)
		err = bpf_obj_pin(fd, path);
	if (err)
		fprintf(stderr, "hookctl: pinning link at %s: %s\n", path, strerror(-err));
	close(fd);
	return err;
}

static int cmd_attach(int argc, char **argv)
{
	struct e2e_counter *skel = NULL;
	struct hook h;
	char path[PATH_MAX];
	__u32 prio = 0;
	int tc, err;

	if (argc < 4)
		return usage();
	tc = !strcmp(argv[0], "tc");
	if (!tc && strcmp(argv[0], "tcx"))
		return usage();
	if (tc && (argc < 5 || parse_prio(argv[4], &prio)))
		return usage();
	if (parse_hook(argv[1], argv[2], &h))
		return 1;

	skel = e2e_counter__open_and_load();
	if (!skel) {
		fprintf(stderr, "hookctl: loading the counter program: %s\n", strerror(errno));
		return 1;
	}
	err = pin_path(path, sizeof(path), argv[3], "packets");
	if (!err)
		err = bpf_obj_pin(bpf_map__fd(skel->maps.e2e_packets), path);
	if (err) {
		fprintf(stderr, "hookctl: pinning map at %s: %s\n", path, strerror(-err));
		goto cleanup;
	}
	err = tc ? attach_tc(skel, &h, prio) : attach_tcx(skel, &h, argv[3]);
	if (err)
		unlink(path);
cleanup:
	e2e_counter__destroy(skel);
	return err ? 1 : 0;
}

static int cmd_detach(int argc, char **argv)
{
	char path[PATH_MAX];
	struct hook h;
	__u32 prio = 0;
	int tc, err = 0;

	if (argc < 4)
		return usage();
	tc = !strcmp(argv[0], "tc");
	if (tc && (argc < 5 || parse_prio(argv[4], &prio)))
		return usage();
	if (parse_hook(argv[1], argv[2], &h))
		return 1;
	if (tc) {
		DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = h.ifindex,
				    .attach_point = h.ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS);
		DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = prio, .priority = prio);

		err = bpf_tc_detach(&hook, &opts);
		if (err)
			fprintf(stderr, "hookctl: detaching tc prio %u: %s\n", prio, strerror(-err));
	} else if (!pin_path(path, sizeof(path), argv[3], "link") && unlink(path)) {
		/* The pinned link is the last reference: unlinking detaches. */
		fprintf(stderr, "hookctl: %s: %s\n", path, strerror(errno));
		err = -errno;
	}
	if (!pin_path(path, sizeof(path), argv[3], "packets"))
		unlink(path);
	return err ? 1 : 0;
}

static int cmd_count(int argc, char **argv)
{
	char path[PATH_MAX];
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals, sum = 0;
	__u32 key = 0;
	int fd, err;

	if (argc < 1)
		return usage();
	if (ncpu <= 0 || pin_path(path, sizeof(path), argv[0], "packets"))
		return 1;
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fprintf(stderr, "hookctl: %s: %s\n", path, strerror(-fd));
		return 1;
	}
	vals = calloc((size_t)ncpu, sizeof(*vals));
	err = vals ? bpf_map_lookup_elem(fd, &key, vals) : -ENOMEM;
	if (err)
		fprintf(stderr, "hookctl: reading %s: %s\n", path, strerror(-err));
	for (int i = 0; !err && i < ncpu; i++)
		sum += vals[i];
	if (!err)
		printf("%llu\n", (unsigned long long)sum);
	free(vals);
	close(fd);
	return err ? 1 : 0;
}

static int cmd_query(int argc, char **argv)
{
	__u32 ids[QUERY_MAX], cnt = QUERY_MAX, flags = 0;
	struct hook h;
	int err;

	if (argc < 2)
		return usage();
	if (parse_hook(argv[0], argv[1], &h))
		return 1;
	/* For tcx the query's target is the ifindex (same field as target_fd). */
	err = bpf_prog_query(h.ifindex,
			     (enum bpf_attach_type)(h.ingress ? HOOK_TCX_INGRESS : HOOK_TCX_EGRESS),
			     0, &flags, ids, &cnt);
	if (err) {
		fprintf(stderr, "hookctl: tcx query on %s: %s\n", argv[0], strerror(-err));
		return 1;
	}
	for (__u32 i = 0; i < cnt; i++) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(ids[i]);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			printf("%u %s\n", ids[i], info.name);
		else
			printf("%u ?\n", ids[i]);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

/* libbpf's own messages only with HOOKCTL_VERBOSE set: an -EEXIST from
 * creating a clsact qdisc that is already there is expected, and every real
 * failure is reported here with the hook it concerns. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!getenv("HOOKCTL_VERBOSE") || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	libbpf_set_print(libbpf_print);
	if (!strcmp(argv[1], "attach"))
		return cmd_attach(argc - 2, argv + 2);
	if (!strcmp(argv[1], "detach"))
		return cmd_detach(argc - 2, argv + 2);
	if (!strcmp(argv[1], "count"))
		return cmd_count(argc - 2, argv + 2);
	if (!strcmp(argv[1], "query"))
		return cmd_query(argc - 2, argv + 2);
	return usage();
}
