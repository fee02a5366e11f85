/* SPDX-License-Identifier: MIT */
/*
 * The capture programs as `tcrec record` loads them with a filter, fed
 * every packet of the shared traces through BPF_PROG_TEST_RUN: their
 * per-CPU counters must say that exactly the packets libpcap's
 * bpf_filter() accepts were recorded, and the others counted as filtered.
 *
 * With --bench N it also measures ns per packet (BPF_PROG_TEST_RUN's
 * duration, N repeats per packet) of the capture program without a
 * filter, with each expression, and of the expression alone.
 *
 * Usage: capture_filter_test TRACES_DIR EXPRESSIONS [MAX_EXPRESSIONS | --bench N]
 * Exit: 0 all agree, 1 a difference or a load failure, 77 not root or no
 * bpf() syscall here (missing or refused).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpf/tcrec.h"
#include "filter/filter_load.h"
#include "packets.h"
#include "tcrec_capture.skel.h"

#define SKIP 77
#define BENCH_PACKETS 3000

static int runnable(const struct packet *p)
{
	const uint8_t *d = p->data;
	if (p->caplen < 14 || p->caplen != p->len)
		return 0;
	if (d[12] == 0x08 && d[13] == 0x00)
		return p->caplen >= 34;
	if (d[12] == 0x86 && d[13] == 0xdd)
		return p->caplen >= 54;
	return 1;
}

/* Capture object loaded with the expression (NULL: without a filter). */
static struct tcrec_capture *load(const struct cbpf_insn *p, size_t n, char *err, size_t errlen)
{
	unsigned patched = 0;

	if (p && filter_load_begin(p, n, err, errlen))
		return NULL;
	struct tcrec_capture *skel = tcrec_capture__open();
	/* big enough that benchmarks never fill it: a full ring is cheaper */
	if (skel && bpf_map__set_max_entries(skel->maps.events, 256u << 20)) {
		tcrec_capture__destroy(skel);
		skel = NULL;
	}
	/* one interface, slot 0, as the recorder loads it for one -i: the
	 * test-run device is in no interface map */
	if (skel)
		skel->rodata->single_iface = 1;
	int lerr = skel ? tcrec_capture__load(skel) : -errno;
	int ferr = p ? filter_load_end(&patched, err, errlen) : 0;
	if (lerr || ferr) {
		if (lerr && !ferr)
			snprintf(err, errlen, "loading the capture object: %s", strerror(-lerr));
		tcrec_capture__destroy(skel);
		return NULL;
	}
	if (p && patched != 2) {
		snprintf(err, errlen, "%u capture programs got the filter, expected 2", patched);
		tcrec_capture__destroy(skel);
		return NULL;
	}
	return skel;
}

/* 1 when the bpf() syscall loads a program here; 0 when it does not exist or
 * is refused (no BPF here: skip); -1 when it fails for another reason. */
static int bpf_usable(void)
{
	struct bpf_insn ret0[] = { { .code = BPF_ALU64 | BPF_MOV | BPF_K },
				   { .code = BPF_JMP | BPF_EXIT } };
	int fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "bpf_probe", "GPL", ret0, 2, NULL);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	int e = errno;
	if (e == ENOSYS || e == EPERM || e == EACCES) {
		fprintf(stderr, "SKIP: the bpf() syscall is not usable here: %s\n", strerror(e));
		return 0;
	}
	fprintf(stderr, "FAIL: loading a two-instruction program: %s\n", strerror(e));
	return -1;
}

/* ns per run, averaged over `repeat` runs; -errno on failure */
static long run(int fd, const struct packet *p, int repeat, uint32_t *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->data, .data_size_in = p->caplen,
		    .repeat = repeat);
	if (bpf_prog_test_run_opts(fd, &o))
		return -errno;
	if (retval)
		*retval = o.retval;
	return o.duration;
}

static int counters(struct tcrec_capture *skel, __u32 key, struct tcrec_counters *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct tcrec_counters *per = calloc(ncpu, sizeof(*per));

	memset(sum, 0, sizeof(*sum));
	if (!per)
		return -ENOMEM;
	int err = bpf_map__lookup_elem(skel->maps.counters, &key, sizeof(key), per,
				       sizeof(*per) * ncpu, 0);
	for (int i = 0; !err && i < ncpu; i++) {
		sum->seen += per[i].seen;
		sum->recorded += per[i].recorded;
		sum->filtered += per[i].filtered;
		sum->dropped += per[i].dropped;
	}
	free(per);
	return err;
}

/* Both directions' programs over every packet; returns 0 when the
 * counters agree with bpf_filter. */
static int check_expression(const char *expr, const struct packet_set *pk)
{
	struct cbpf_insn *p;
	size_t n;
	char err[512];

	if (filter_compile(expr, &p, &n, err, sizeof(err))) {
		fprintf(stderr, "'%s': %s\n", expr, err);
		return 1;
	}
	struct tcrec_capture *skel = load(p, n, err, sizeof(err));
	if (!skel) {
		fprintf(stderr, "'%s': %s\n", expr, err);
		free(p);
		return 1;
	}
	int fds[2] = { bpf_program__fd(skel->progs.tcrec_ingress),
		       bpf_program__fd(skel->progs.tcrec_egress) };
	uint64_t want_acc[2] = { 0, 0 }, want_rej[2] = { 0, 0 };
	int bad = 0;
	for (size_t i = 0; i < pk->n && !bad; i++) {
		const struct packet *q = &pk->p[i];
		if (!runnable(q))
			continue;
		int dir = i % 2; /* half of the packets go out */
		if (run(fds[dir], q, 1, NULL) < 0) {
			fprintf(stderr, "'%s': BPF_PROG_TEST_RUN: %s\n", expr, strerror(errno));
			bad = 1;
		}
		if (filter_run(p, q->data, q->len, q->caplen))
			want_acc[dir]++;
		else
			want_rej[dir]++;
	}
	for (int dir = 0; dir < 2 && !bad; dir++) {
		struct tcrec_counters c;
		if (counters(skel, dir, &c)) {
			fprintf(stderr, "'%s': reading the counters failed\n", expr);
			bad = 1;
			break;
		}
		int ok = c.seen == want_acc[dir] + want_rej[dir] && c.filtered == want_rej[dir] &&
			 c.recorded == want_acc[dir] && c.dropped == 0;
		printf("%-50s %s: bpf_filter accepts %5llu rejects %5llu | kernel recorded %5llu "
		       "filtered %5llu dropped %llu %s\n",
		       expr, dir ? "egress " : "ingress", (unsigned long long)want_acc[dir],
		       (unsigned long long)want_rej[dir], (unsigned long long)c.recorded,
		       (unsigned long long)c.filtered, (unsigned long long)c.dropped,
		       ok ? "ok" : "DIFFERENT");
		bad |= !ok;
	}
	tcrec_capture__destroy(skel);
	free(p);
	return bad;
}

/* Average ns per packet of fd over the first BENCH_PACKETS runnable
 * packets; also counts how many the expression accepts. */
static double bench_fd(int fd, const struct packet_set *pk, int repeat)
{
	double total = 0;
	size_t used = 0;

	for (size_t i = 0; i < pk->n && used < BENCH_PACKETS; i++) {
		if (!runnable(&pk->p[i]))
			continue;
		long ns = run(fd, &pk->p[i], repeat, NULL);
		if (ns < 0)
			return -1;
		total += ns;
		used++;
	}
	return used ? total / used : -1;
}

/* Best of three rounds: the machine is shared, noise only adds time. */
static double bench_min(int fd, const struct packet_set *pk, int repeat)
{
	double best = -1;

	for (int r = 0; r < 3; r++) {
		double v = bench_fd(fd, pk, repeat);
		if (v >= 0 && (best < 0 || v < best))
			best = v;
	}
	return best;
}

static int bench(const char *exprs_path, const struct packet_set *all, int repeat)
{
	struct packet_set pk = { 0 };
	char err[512], line[1024];

	/* every trace contributes its share of the sample */
	for (size_t i = 0; i < all->n; i += all->n / BENCH_PACKETS + 1)
		if (packets_add(&pk, all->p[i].data, all->p[i].caplen, all->p[i].len, all->p[i].trace))
			return 1;
	struct tcrec_capture *skel = load(NULL, 0, err, sizeof(err));
	if (!skel) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	double base = bench_min(bpf_program__fd(skel->progs.tcrec_ingress), &pk, repeat);
	tcrec_capture__destroy(skel);
	struct bpf_insn ret0[] = { { .code = BPF_ALU64 | BPF_MOV | BPF_K }, { .code = BPF_JMP | BPF_EXIT } };
	int fd0 = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "filter_bench", "GPL", ret0, 2, NULL);
	double bare = fd0 >= 0 ? bench_min(fd0, &pk, repeat) : -1;
	if (fd0 >= 0)
		close(fd0);
	printf("bench: %zu packets x %d runs, best of 3, ns per packet (BPF_PROG_TEST_RUN duration)\n"
	       "capture: the capture program, metadata-only records; +filter: the same with the\n"
	       "expression in it; filter: the translated expression alone\n", pk.n, repeat);
	printf("%-50s %8s %8s %8s %6s\n", "expression", "capture", "+filter", "filter", "accept");
	printf("%-50s %8.1f\n", "(no filter)", base);
	printf("%-50s %8s %8s %8.1f\n", "(a program that only returns: test-run floor)", "", "", bare);

	FILE *f = fopen(exprs_path, "r");
	if (!f) {
		perror(exprs_path);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		struct cbpf_insn *p;
		size_t n, acc = 0;
		if (filter_compile(line, &p, &n, err, sizeof(err)))
			continue;
		for (size_t i = 0; i < pk.n; i++)
			acc += runnable(&pk.p[i]) && filter_run(p, pk.p[i].data, pk.p[i].len, pk.p[i].caplen);
		skel = load(p, n, err, sizeof(err));
		double with = skel ? bench_min(bpf_program__fd(skel->progs.tcrec_ingress), &pk, repeat) : -1;
		tcrec_capture__destroy(skel);

		/* the expression alone, as a stand-alone program */
		struct cbpf_xlate_opts xo = { .view = CBPF_VIEW_SKB };
		struct bpf_insn *insns;
		size_t cnt;
		double alone = -1;
		if (!cbpf_to_ebpf(p, n, &xo, &insns, &cnt, NULL)) {
			int fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "filter_bench", "GPL", insns, cnt,
					       NULL);
			if (fd >= 0) {
				alone = bench_min(fd, &pk, repeat);
				close(fd);
			}
			free(insns);
		}
		printf("%-50s %8.1f %8.1f %8.1f %5.1f%%\n", line, base, with, alone,
		       100.0 * acc / (pk.n ? pk.n : 1));
		free(p);
	}
	fclose(f);
	packets_free(&pk);
	return 0;
}

int main(int argc, char **argv)
{
	struct packet_set pk = { 0 };
	int repeat = 0, failed = 0, count = 0;
	char line[1024], err[512];

	if (argc < 3) {
		fprintf(stderr, "usage: %s TRACES_DIR EXPRESSIONS [MAX_EXPRESSIONS | --bench N]\n", argv[0]);
		return 2;
	}
	int max = 1 << 30;
	if (argc > 4 && !strcmp(argv[3], "--bench"))
		repeat = atoi(argv[4]);
	else if (argc > 3)
		max = atoi(argv[3]);
	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: needs root (BPF programs and maps)\n");
		return SKIP;
	}
	int usable = bpf_usable();
	if (usable <= 0)
		return usable ? 1 : SKIP;
	/* bpf() works here: from now on a load failure (verifier rejection,
	 * ENOMEM, ...) is the capture object's, libbpf's message is above */
	struct tcrec_capture *probe = load(NULL, 0, err, sizeof(err));
	if (!probe) {
		fprintf(stderr, "FAIL: cannot load the capture programs: %s\n", err);
		return 1;
	}
	tcrec_capture__destroy(probe);
	if (packets_load_dir(&pk, argv[1]))
		return 1;
	if (repeat > 0)
		return bench(argv[2], &pk, repeat);

	FILE *f = fopen(argv[2], "r");
	if (!f) {
		perror(argv[2]);
		return 1;
	}
	while (count < max && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		failed += check_expression(line, &pk);
		count++;
	}
	fclose(f);
	printf("%d expressions, %d different\n", count, failed);
	packets_free(&pk);
	return failed || count < (max < 30 ? max : 30);
}
