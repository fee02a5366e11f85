/* SPDX-License-Identifier: MIT */
/*
 * ingest: the producer of the ingest benchmark. It replays the packets of
 * pcap traces through the capture program of a running `tcrec record`
 * (found through that process's file descriptors) with BPF_PROG_TEST_RUN,
 * so records land in the very ring buffer tcrec drains, through tcrec's
 * real drain and log path. It reads the program's counters before and
 * after and prints one JSON object:
 *   {"target":R,"seconds":S,"runs":N,"recorded":N,"dropped":N,"runs_per_s":X}
 *
 *   ingest -p PID [-r RATE] [-t SECONDS] [-R REPEAT] [-c CPU] TRACE.pcap...
 *     -p PID     the tcrec record process
 *     -r RATE    program runs (records) per second, 0 = as fast as possible
 *     -t SECONDS how long to produce (default 3)
 *     -R REPEAT  runs per test-run call on the same packet (default 8): a
 *                syscall per record could not reach millions per second
 *     -c CPU     pin the producer to this CPU (default: not pinned)
 * Exit 0, 1 on a runtime error, 2 on usage.
 */
#define _GNU_SOURCE /* sched_setaffinity */
#include <dirent.h>
#include <errno.h>
/* only the reader API: libpcap's struct bpf_insn would clash with the kernel's */
#define PCAP_DONT_INCLUDE_PCAP_BPF_H
#include <pcap/pcap.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/tcrec.h"

#define PKT_MAX 4000 /* test_run takes about a page of skb data */

struct pkt {
	uint8_t *data;
	uint32_t len;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The tcrec_ingress program among pid's descriptors: an fd of our own. */
static int find_prog(int pid, struct bpf_prog_info *info)
{
	char path[64], line[128];
	struct dirent *de;
	DIR *d;
	int fd = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while (fd < 0 && (de = readdir(d))) {
		char fpath[600];
		FILE *f;
		unsigned id = 0;

		snprintf(fpath, sizeof(fpath), "%s/%s", path, de->d_name);
		f = fopen(fpath, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "prog_id: %u", &id) == 1)
				break;
		fclose(f);
		if (!id)
			continue;
		fd = bpf_prog_get_fd_by_id(id);
		if (fd >= 0) {
			uint32_t len = sizeof(*info);

			memset(info, 0, sizeof(*info));
			if (bpf_obj_get_info_by_fd(fd, info, &len) || strcmp(info->name, "tcrec_ingress")) {
				close(fd);
				fd = -ENOENT;
			}
		}
	}
	closedir(d);
	return fd;
}

/* Sums recorded and dropped over every CPU and counter slot. */
static int read_counters(int map_fd, int ncpus, uint64_t *recorded, uint64_t *dropped)
{
	struct tcrec_counters *v = calloc((size_t)ncpus, sizeof(*v));

	if (!v)
		return -ENOMEM;
	*recorded = *dropped = 0;
	for (uint32_t k = 0; k < TCREC_MAX_IFACES * 2; k++) {
		if (bpf_map_lookup_elem(map_fd, &k, v)) {
			free(v);
			return -errno;
		}
		for (int c = 0; c < ncpus; c++) {
			*recorded += v[c].recorded;
			*dropped += v[c].dropped;
		}
	}
	free(v);
	return 0;
}

static int counters_fd(int prog_fd)
{
	struct bpf_prog_info info = { 0 };
	uint32_t ids[16], len = sizeof(info);

	info.nr_map_ids = 16;
	info.map_ids = (uint64_t)(uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	for (uint32_t i = 0; i < info.nr_map_ids && i < 16; i++) {
		struct bpf_map_info mi = { 0 };
		uint32_t mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &mi, &mlen) && !strcmp(mi.name, "counters"))
			return fd;
		close(fd);
	}
	return -ENOENT;
}

static int load(const char *path, struct pkt **pk, size_t *n, size_t *cap)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *h;
	const u_char *data;

	if (!pc) {
		fprintf(stderr, "ingest: %s\n", errbuf);
		return -1;
	}
	while (pcap_next_ex(pc, &h, &data) == 1) {
		if (h->caplen < 14 || h->caplen > PKT_MAX)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 4096;
			*pk = realloc(*pk, *cap * sizeof(**pk));
			if (!*pk)
				return -1;
		}
		(*pk)[*n].data = malloc(h->caplen);
		if (!(*pk)[*n].data)
			return -1;
		memcpy((*pk)[*n].data, data, h->caplen);
		(*pk)[(*n)++].len = h->caplen;
	}
	pcap_close(pc);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: ingest -p PID [-r RATE] [-t SECONDS] [-R REPEAT] [-c CPU] TRACE.pcap...\n");
}

int main(int argc, char **argv)
{
	long pid = 0, rate = 0, repeat = 8, cpu = -1;
	double secs = 3;
	struct pkt *pk = NULL;
	size_t n = 0, cap = 0, i = 0;
	struct bpf_prog_info info;
	uint64_t rec0, drop0, rec1, drop1, runs = 0, t0, t1, end;
	static uint8_t out[PKT_MAX + 256];
	int opt, prog_fd, map_fd, ncpus;

	while ((opt = getopt(argc, argv, "p:r:t:R:c:")) != -1) {
		char *e;

		switch (opt) {
		case 'p': pid = strtol(optarg, &e, 10); break;
		case 'r': rate = strtol(optarg, &e, 10); break;
		case 't': secs = strtod(optarg, &e); break;
		case 'R': repeat = strtol(optarg, &e, 10); break;
		case 'c': cpu = strtol(optarg, &e, 10); break;
		default: usage(); return 2;
		}
		if (*e || (opt == 'p' && pid <= 0) || (opt == 'r' && rate < 0) ||
		    (opt == 't' && !(secs > 0)) || (opt == 'R' && (repeat < 1 || repeat > 1000))) {
			fprintf(stderr, "ingest: -%c %s: not a valid value\n", opt, optarg);
			return 2;
		}
	}
	if (!pid || optind == argc) {
		usage();
		return 2;
	}
	for (int a = optind; a < argc; a++)
		if (load(argv[a], &pk, &n, &cap))
			return 1;
	if (!n) {
		fprintf(stderr, "ingest: no usable packets in the traces\n");
		return 1;
	}
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET((int)cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "ingest: cpu %ld: %s\n", cpu, strerror(errno));
			return 1;
		}
	}
	prog_fd = find_prog((int)pid, &info);
	if (prog_fd < 0) {
		fprintf(stderr, "ingest: process %ld: no tcrec_ingress program: %s\n", pid,
			strerror(-prog_fd));
		return 1;
	}
	map_fd = counters_fd(prog_fd);
	ncpus = libbpf_num_possible_cpus();
	if (map_fd < 0 || ncpus <= 0 || read_counters(map_fd, ncpus, &rec0, &drop0)) {
		fprintf(stderr, "ingest: process %ld: cannot read the counters map\n", pid);
		return 1;
	}
	t0 = now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	for (;;) {
		struct __sk_buff ctx = { 0 };
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pk[i].data, .data_size_in = pk[i].len,
			    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = (int)repeat);
		uint64_t now = now_ns();

		if (now >= end)
			break;
		/* pace: never ahead of rate × elapsed */
		if (rate && runs > (uint64_t)((double)(now - t0) * (double)rate / 1e9))
			continue;
		if (bpf_prog_test_run_opts(prog_fd, &o)) {
			fprintf(stderr, "ingest: test run: %s\n", strerror(errno));
			return 1;
		}
		runs += (uint64_t)repeat;
		i = i + 1 == n ? 0 : i + 1;
	}
	t1 = now_ns();
	/* let the recorder catch up before reading what it was handed */
	usleep(200000);
	if (read_counters(map_fd, ncpus, &rec1, &drop1)) {
		fprintf(stderr, "ingest: cannot read the counters map\n");
		return 1;
	}
	printf("{\"target\":%ld,\"seconds\":%.3f,\"runs\":%llu,\"recorded\":%llu,\"dropped\":%llu,"
	       "\"runs_per_s\":%.0f,\"recorded_per_s\":%.0f}\n",
	       rate, (double)(t1 - t0) / 1e9, (unsigned long long)runs,
	       (unsigned long long)(rec1 - rec0), (unsigned long long)(drop1 - drop0),
	       (double)runs * 1e9 / (double)(t1 - t0), (double)(rec1 - rec0) * 1e9 / (double)(t1 - t0));
	for (size_t k = 0; k < n; k++)
		free(pk[k].data);
	free(pk);
	return 0;
}
