/* SPDX-License-Identifier: MIT */
/*
 * Difference test of the cBPF -> eBPF translator against libpcap's own
 * bpf_filter() on the same bytes:
 *  - every expression of EXPRESSIONS on every packet of TRACES_DIR, as is,
 *    with its outer VLAN tag moved out of the bytes into the (test) skb
 *    metadata, and as seen on an L3 device (Ethernet header removed);
 *  - random cBPF programs that libpcap's bpf_validate accepts, on random
 *    packets and on real ones, comparing the exact return value.
 * Every eBPF program runs in the kernel through BPF_PROG_TEST_RUN.
 *
 * Usage: cbpf_difftest TRACES_DIR EXPRESSIONS [RANDOM_PROGRAMS [SEED]]
 * Exit: 0 all agree, 1 a difference (printed), 77 no BPF here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "filter/filter.h"
#include "packets.h"
#include "randprog.h"

#define SKIP 77
#define MAX_REPORTS 10

static unsigned long cases, failures;

static int load(const struct cbpf_insn *p, size_t n, enum cbpf_view_source view, int ret_value,
		size_t *ninsns)
{
	struct cbpf_xlate_opts o = { .view = view, .ret_value = ret_value };
	struct bpf_insn *insns;
	size_t cnt, bad = 0;
	static char log[1 << 20];

	int err = cbpf_to_ebpf(p, n, &o, &insns, &cnt, &bad);
	if (err) {
		fprintf(stderr, "translation failed at %zu (%s): %s\n", bad, filter_insn_text(p, bad),
			strerror(-err));
		return err;
	}
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .log_buf = log, .log_size = sizeof(log), .log_level = 0);
	int fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "cbpf_diff", "GPL", insns, cnt, &lo);
	if (fd < 0) {
		err = -errno;
		lo.log_level = 1;
		bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "cbpf_diff", "GPL", insns, cnt, &lo);
		size_t l = strlen(log);
		fprintf(stderr, "verifier rejected %zu insns: %s\n%s\n", cnt, strerror(-err),
			l > 3000 ? log + l - 3000 : log);
	}
	if (ninsns)
		*ninsns = cnt;
	free(insns);
	return fd < 0 ? err : fd;
}

static int run(int fd, const uint8_t *data, uint32_t len, uint32_t mark, uint32_t *ret)
{
	struct __sk_buff ctx = { .mark = mark };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data, .data_size_in = len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	if (bpf_prog_test_run_opts(fd, &o))
		return -errno;
	*ret = o.retval;
	return 0;
}

static void dump_prog(const struct cbpf_insn *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", filter_insn_text(p, i));
}

static void dump_bytes(const uint8_t *d, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		fprintf(stderr, "%02x%s", d[i], (i % 32 == 31 || i + 1 == len) ? "\n" : "");
}

/* BPF_PROG_TEST_RUN refuses IP ethertypes without a whole IP header. */
static int runnable(const uint8_t *d, uint32_t len)
{
	if (len < 14)
		return 0;
	if (d[12] == 0x08 && d[13] == 0x00)
		return len >= 14 + 20;
	if (d[12] == 0x86 && d[13] == 0xdd)
		return len >= 14 + 40;
	return 1;
}

static unsigned long unrunnable;

/* One case: the program on `data` (what the skb holds, with `mark`)
 * against bpf_filter on `view` (the packet as tcpdump sees it). */
static int check(const char *what, int fd, const struct cbpf_insn *p, size_t n, int ret_value,
		 const uint8_t *data, uint32_t len, uint32_t mark, const uint8_t *view, uint32_t vlen)
{
	uint32_t got;

	if (!runnable(data, len)) {
		unrunnable++;
		return 0;
	}
	int err = run(fd, data, len, mark, &got);

	cases++;
	if (err) {
		fprintf(stderr, "%s: BPF_PROG_TEST_RUN (%u bytes, mark %#x): %s\n", what, len, mark, strerror(-err));
		failures++;
		return err;
	}
	uint32_t want = filter_run(p, view, vlen, vlen);
	if (!ret_value)
		want = want != 0;
	if (got == want)
		return 0;
	if (failures++ < MAX_REPORTS) {
		fprintf(stderr, "DIFFERENCE %s: mark %#x: eBPF %u, bpf_filter %u\nprogram:\n", what, mark,
			got, want);
		dump_prog(p, n);
		fprintf(stderr, "packet as tcpdump sees it (%u bytes):\n", vlen);
		dump_bytes(view, vlen);
	}
	return 1;
}

static int is_tag(const uint8_t *d, uint32_t len)
{
	return len >= 18 && ((d[12] == 0x81 && d[13] == 0x00) || (d[12] == 0x88 && d[13] == 0xa8));
}

static int is_ip(const uint8_t *d, uint32_t len)
{
	return len >= 34 && ((d[12] == 0x08 && d[13] == 0x00) || (d[12] == 0x86 && d[13] == 0xdd));
}

/*
 * The packet three ways, through fd_plain (CBPF_VIEW_SKB, may be -1) and
 * fd_mark (CBPF_VIEW_MARK): as is; with its outer tag in the skb metadata;
 * on an L3 device, where tcpdump's view has zero MACs.
 */
static void check_views(const char *what, int fd_plain, int fd_mark, const struct cbpf_insn *p,
			size_t n, int ret_value, const uint8_t *d, uint32_t len)
{
	static uint8_t buf[65536 + 64];

	if (len < 14 || len > 65536)
		return;
	if (fd_plain >= 0)
		check(what, fd_plain, p, n, 1, d, len, 0, d, len);
	else
		check(what, fd_mark, p, n, ret_value, d, len, 0, d, len);
	if (is_tag(d, len)) {
		memcpy(buf, d, 12);
		memcpy(buf + 12, d + 16, len - 16);
		uint32_t mark = (uint32_t)d[12] << 24 | (uint32_t)d[13] << 16 | d[14] << 8 | d[15];
		check(what, fd_mark, p, n, ret_value, buf, len - 4, mark, d, len);
	}
	if (is_ip(d, len)) {
		memcpy(buf, d, len);
		memset(buf, 0, 12);
		check(what, fd_mark, p, n, ret_value, d + 14, len - 14, (uint32_t)d[12] << 8 | d[13], buf,
		      len);
	}
}

static int expressions(const char *path, const struct packet_set *pk)
{
	FILE *f = fopen(path, "r");
	char line[1024], err[512];
	int count = 0;

	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		struct cbpf_insn *p;
		size_t n, ninsns = 0;
		if (filter_compile(line, &p, &n, err, sizeof(err))) {
			fprintf(stderr, "'%s': %s\n", line, err);
			failures++;
			continue;
		}
		int fd_plain = load(p, n, CBPF_VIEW_SKB, 1, &ninsns);
		int fd_mark = load(p, n, CBPF_VIEW_MARK, 0, NULL);
		if (fd_plain < 0 || fd_mark < 0) {
			fprintf(stderr, "'%s': not loaded\n", line);
			dump_prog(p, n);
			failures++;
		} else {
			unsigned long before = failures, accepted = 0;
			for (size_t i = 0; i < pk->n; i++) {
				const struct packet *q = &pk->p[i];
				check_views(line, fd_plain, fd_mark, p, n, 0, q->data, q->caplen);
				accepted += filter_run(p, q->data, q->caplen, q->caplen) != 0;
			}
			printf("%-50s cBPF %3zu eBPF %4zu accepted %5lu/%zu %s\n", line, n, ninsns,
			       accepted, pk->n, failures == before ? "ok" : "DIFFERENT");
		}
		if (fd_plain >= 0)
			close(fd_plain);
		if (fd_mark >= 0)
			close(fd_mark);
		free(p);
		count++;
	}
	fclose(f);
	return count;
}

static void random_programs(unsigned long nprogs, const struct packet_set *pk)
{
	struct cbpf_insn p[RANDPROG_MAX];
	uint8_t pkt[256];
	unsigned long invalid = 0;

	for (unsigned long i = 0; i < nprogs; i++) {
		size_t n;
		while (!filter_valid(p, n = randprog_generate(p)))
			invalid++;
		int fd = load(p, n, CBPF_VIEW_MARK, 1, NULL);
		if (fd < 0) {
			fprintf(stderr, "random program %lu not loaded:\n", i);
			dump_prog(p, n);
			failures++;
			continue;
		}
		for (int j = 0; j < 24; j++) {
			uint32_t len = randprog_packet(pkt, sizeof(pkt));
			check_views("random", -1, fd, p, n, 1, pkt, len);
		}
		for (int j = 0; j < 8 && pk->n; j++) {
			const struct packet *q = &pk->p[randprog_u32() % pk->n];
			check_views("random/trace", -1, fd, p, n, 1, q->data, q->caplen);
		}
		close(fd);
	}
	printf("random: %lu programs (%lu generated ones bpf_validate refused)\n", nprogs, invalid);
}

int main(int argc, char **argv)
{
	struct packet_set pk = { 0 };

	if (argc < 3) {
		fprintf(stderr, "usage: %s TRACES_DIR EXPRESSIONS [RANDOM_PROGRAMS [SEED]]\n", argv[0]);
		return 2;
	}
	unsigned long nrand = argc > 3 ? strtoul(argv[3], NULL, 10) : 2000;
	unsigned long seed = argc > 4 ? strtoul(argv[4], NULL, 10) : 1;
	randprog_seed(seed);

	/* can this process load and run a SCHED_CLS program at all? */
	struct cbpf_insn accept = { .code = 0x06, .k = 1 };
	int fd = load(&accept, 1, CBPF_VIEW_SKB, 1, NULL);
	if (fd == -EPERM || fd == -EACCES) {
		fprintf(stderr, "SKIP: cannot load a BPF program (%s): needs root or CAP_BPF+CAP_NET_ADMIN\n",
			strerror(-fd));
		return SKIP;
	}
	if (fd < 0)
		return 1;
	close(fd);
	if (packets_load_dir(&pk, argv[1]))
		return 1;
	printf("%zu packets from %s\n", pk.n, argv[1]);

	int nexpr = expressions(argv[2], &pk);
	random_programs(nrand, &pk);
	printf("%d expressions, %lu cases, %lu differences, %lu packets the test run cannot take (seed %lu)\n",
	       nexpr, cases, failures, unrunnable, seed);
	packets_free(&pk);
	return failures || nexpr < 30 ? 1 : 0;
}
