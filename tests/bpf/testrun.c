// SPDX-License-Identifier: MIT
/* BPF_PROG_TEST_RUN driver for the capture program (see testrun.h). */
#include "testrun.h"

#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "tcrec_capture.skel.h"

/* Largest packet test_run accepts for an skb is about a page; leave room. */
#define TESTRUN_DATA_MAX 65536

struct testrun {
	struct tcrec_capture *skel;
	struct ring_buffer *ring;
	int prog_fd;
	int ncpus;
	struct testrun_result *cur; /* where the ring callback writes */
	uint8_t out[TESTRUN_DATA_MAX];
};

static bool verbose_libbpf;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose_libbpf)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static uint64_t now_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int testrun_bpf_available(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct testrun *t = ctx;
	struct testrun_result *res = t->cur;
	const struct tcrec_record *rec = data;

	res->nrec++;
	if (size < sizeof(*rec) || size != sizeof(*rec) + rec->cap_len) {
		res->bad_sizes++;
		return 0;
	}
	if (res->nrec == 1) {
		memcpy(&res->rec, rec, sizeof(*rec));
		/* cap_len beyond TCREC_SNAP_MAX would be a program bug: keep what fits,
		 * the caller sees cap_len and flags the mismatch. */
		size_t n = rec->cap_len < TCREC_SNAP_MAX ? rec->cap_len : TCREC_SNAP_MAX;
		memcpy(res->bytes, (const uint8_t *)data + sizeof(*rec), n);
	}
	return 0;
}

int testrun_open(struct testrun **out, const struct testrun_opts *opts)
{
	struct testrun *t;
	int err;

	verbose_libbpf = opts->verbose;
	libbpf_set_print(print_libbpf);

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->ncpus = libbpf_num_possible_cpus();
	if (t->ncpus <= 0) {
		err = t->ncpus ? t->ncpus : -EINVAL;
		goto cleanup;
	}
	t->skel = tcrec_capture__open();
	if (!t->skel) {
		err = -errno;
		goto cleanup;
	}
	t->skel->rodata->snaplen = opts->snaplen;
	/* as the recorder loads it for one interface (recorder/capture/capture.c),
	 * so that timings are those of a real recording; with a slot the
	 * ifslots map is used instead */
	t->skel->rodata->single_iface = opts->slot < 0;
	t->skel->rodata->wakeup_bytes = opts->ring_bytes / 4;
	err = bpf_map__set_max_entries(t->skel->maps.events, opts->ring_bytes);
	if (err)
		goto cleanup;
	err = tcrec_capture__load(t->skel);
	if (err)
		goto cleanup;
	if (opts->slot >= 0) {
		struct tcrec_ifkey key = { .ifindex = if_nametoindex("lo") };
		struct tcrec_ifslot v = { .slot = (__u32)opts->slot, .no_eth = 0 };

		if (!key.ifindex) {
			err = -errno;
			goto cleanup;
		}
		err = bpf_map__update_elem(t->skel->maps.ifslots, &key, sizeof(key),
					   &v, sizeof(v), BPF_ANY);
		if (err)
			goto cleanup;
	}
	t->prog_fd = bpf_program__fd(opts->egress ? t->skel->progs.tcrec_egress
						  : t->skel->progs.tcrec_ingress);
	t->ring = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_record, t, NULL);
	if (!t->ring) {
		err = -errno;
		goto cleanup;
	}
	*out = t;
	return 0;
cleanup:
	testrun_close(t);
	return err;
}

int testrun_packet(struct testrun *t, const uint8_t *pkt, uint32_t len, uint32_t mark,
		   int repeat, struct testrun_result *res)
{
	struct __sk_buff ctx = { .mark = mark };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = pkt,
		.data_size_in = len,
		.data_out = t->out,
		.data_size_out = sizeof(t->out),
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = repeat,
	);
	int err, n;

	memset(&res->rec, 0, sizeof(res->rec));
	res->nrec = 0;
	res->bad_sizes = 0;
	t->cur = res;

	res->t_before = now_mono_ns();
	err = bpf_prog_test_run_opts(t->prog_fd, &opts);
	res->t_after = now_mono_ns();
	if (err)
		return err;
	res->retval = opts.retval;
	res->duration_ns = opts.duration;
	res->data_unchanged = opts.data_size_out == len && memcmp(t->out, pkt, len) == 0;

	n = ring_buffer__consume(t->ring);
	if (n < 0)
		return n;
	return 0;
}

int testrun_counters(struct testrun *t, uint32_t idx, struct tcrec_counters *sum)
{
	struct tcrec_counters *percpu;
	int err;

	percpu = calloc((size_t)t->ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	err = bpf_map__lookup_elem(t->skel->maps.counters, &idx, sizeof(idx), percpu,
				   (size_t)t->ncpus * sizeof(*percpu), 0);
	if (!err) {
		memset(sum, 0, sizeof(*sum));
		for (int i = 0; i < t->ncpus; i++) {
			sum->seen += percpu[i].seen;
			sum->recorded += percpu[i].recorded;
			sum->filtered += percpu[i].filtered;
			sum->dropped += percpu[i].dropped;
			sum->pending_drops += percpu[i].pending_drops;
		}
	}
	free(percpu);
	return err;
}

void testrun_close(struct testrun *t)
{
	if (!t)
		return;
	ring_buffer__free(t->ring);
	tcrec_capture__destroy(t->skel);
	free(t);
}
