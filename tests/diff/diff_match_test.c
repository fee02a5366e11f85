/* SPDX-License-Identifier: MIT */
/*
 * The matcher on synthetic packets whose fate is known by construction:
 * window edges, negative delays, duplicates, reordering, identical packets,
 * payload disagreement, memory bounded by the window, nearest-rank
 * percentiles.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_match.h"

#define MS 1000000ll
#define W (100 * MS)

static int failures;

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "FAIL %s:%d: ", __func__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                        \
			fputc('\n', stderr);                                 \
			failures++;                                          \
		}                                                            \
	} while (0)

struct seen {
	int n[4];
	uint64_t num[4][16];
	uint64_t other[4][16];
};

static void on_event(void *ctx, const struct dm_event *ev)
{
	struct seen *s = ctx;
	if (s->n[ev->kind] < 16) {
		s->num[ev->kind][s->n[ev->kind]] = ev->num;
		s->other[ev->kind][s->n[ev->kind]] = ev->other_num;
	}
	s->n[ev->kind]++;
}

static struct dm *mk(struct seen *s)
{
	memset(s, 0, sizeof(*s));
	struct dm_cfg cfg = { .window_ns = W, .on_event = on_event, .ctx = s };
	struct dm *m = dm_new(&cfg);
	if (!m) {
		fprintf(stderr, "dm_new failed\n");
		exit(1);
	}
	return m;
}

static void push(struct dm *m, int side, uint64_t key, uint64_t num, int64_t t)
{
	struct diff_pkt p = { .key = key, .num = num, .ts_ns = (uint64_t)t, .wire_len = 60 };
	if (dm_push(m, side, &p, t, 1) < 0) {
		fprintf(stderr, "dm_push failed\n");
		exit(1);
	}
}

static void test_window_edges(void)
{
	struct seen s;
	struct dm *m = mk(&s);
	int64_t t0 = 1000 * MS;

	push(m, 0, 1, 1, t0);
	push(m, 1, 1, 1, t0 + W); /* exactly the window: still a match */
	push(m, 0, 2, 2, t0 + W);
	push(m, 1, 2, 2, t0 + 2 * W + 1); /* one ns too late */
	dm_finish(m);
	const struct dm_stats *st = dm_stats(m);
	CHECK(st->matched == 1, "matched %llu, want 1", (unsigned long long)st->matched);
	CHECK(st->lost == 1 && s.num[DM_LOST][0] == 2, "lost %llu", (unsigned long long)st->lost);
	CHECK(st->added == 1 && s.num[DM_ADDED][0] == 2, "added %llu", (unsigned long long)st->added);
	CHECK(dm_delays(m)->max_ns == W, "delay %lld, want %lld", (long long)dm_delays(m)->max_ns,
	      (long long)W);
	dm_free(m);
}

static void test_negative_delay(void)
{
	struct seen s;
	struct dm *m = mk(&s);

	push(m, 1, 7, 1, 10 * MS); /* B first: clocks disagree */
	push(m, 0, 7, 1, 13 * MS);
	push(m, 1, 7, 2, 20 * MS); /* a later copy is a duplicate, not added */
	dm_finish(m);
	const struct dm_stats *st = dm_stats(m);
	CHECK(st->matched == 1 && st->lost == 0 && st->added == 0, "matched %llu lost %llu added %llu",
	      (unsigned long long)st->matched, (unsigned long long)st->lost,
	      (unsigned long long)st->added);
	CHECK(dm_delays(m)->min_ns == -3 * MS, "delay %lld", (long long)dm_delays(m)->min_ns);
	CHECK(st->dup == 1 && s.other[DM_DUP][0] == 1, "dup %llu", (unsigned long long)st->dup);
	dm_free(m);
}

static void test_dup_reorder(void)
{
	struct seen s;
	struct dm *m = mk(&s);

	for (int i = 1; i <= 5; i++)
		push(m, 0, 100 + (uint64_t)i, (uint64_t)i, i * MS);
	/* B: 1 2 2 4 3 5 -> one duplicate (of A#2), one reordered (A#3) */
	const int order[] = { 1, 2, 2, 4, 3, 5 };
	for (int i = 0; i < 6; i++)
		push(m, 1, 100 + (uint64_t)order[i], (uint64_t)i + 1, 10 * MS + i * MS);
	dm_finish(m);
	const struct dm_stats *st = dm_stats(m);
	CHECK(st->matched == 5, "matched %llu", (unsigned long long)st->matched);
	CHECK(st->dup == 1 && s.other[DM_DUP][0] == 2, "dup %llu", (unsigned long long)st->dup);
	CHECK(st->reordered == 1 && s.other[DM_REORDERED][0] == 3, "reordered %llu (A#%llu)",
	      (unsigned long long)st->reordered, (unsigned long long)s.other[DM_REORDERED][0]);
	dm_free(m);
}

static void test_identical_fifo(void)
{
	struct seen s;
	struct dm *m = mk(&s);

	push(m, 0, 9, 1, 0);
	push(m, 1, 9, 1, 5 * MS);
	push(m, 0, 9, 2, 10 * MS);
	push(m, 1, 9, 2, 15 * MS);
	dm_finish(m);
	const struct diff_hist *h = dm_delays(m);
	CHECK(dm_stats(m)->matched == 2 && h->min_ns == 5 * MS && h->max_ns == 5 * MS,
	      "identical packets paired oldest first: delays %lld..%lld", (long long)h->min_ns,
	      (long long)h->max_ns);
	CHECK(dm_stats(m)->reordered == 0, "reordered %llu", (unsigned long long)dm_stats(m)->reordered);
	dm_free(m);
}

/* The very first B packet has look-alikes waiting and no delay measured
 * yet: the oldest is its twin, not the one nearest to a delay of 0. */
static void test_identical_first(void)
{
	struct seen s;
	struct dm *m = mk(&s);

	push(m, 0, 9, 1, 0);
	push(m, 0, 9, 2, 1 * MS);
	push(m, 1, 9, 1, 5 * MS);
	push(m, 1, 9, 2, 6 * MS);
	dm_finish(m);
	const struct diff_hist *h = dm_delays(m);
	CHECK(dm_stats(m)->matched == 2 && h->min_ns == 5 * MS && h->max_ns == 5 * MS,
	      "first look-alikes paired oldest first: delays %lld..%lld", (long long)h->min_ns,
	      (long long)h->max_ns);
	CHECK(dm_stats(m)->reordered == 0, "reordered %llu", (unsigned long long)dm_stats(m)->reordered);
	dm_free(m);
}

static void test_payload(void)
{
	struct seen s;
	struct dm *m = mk(&s);
	struct diff_pkt a = { .key = 5, .num = 1, .has_pay = true, .pay_hash = 111 };
	struct diff_pkt b = { .key = 5, .num = 1, .has_pay = true, .pay_hash = 222 };
	struct diff_pkt c = { .key = 5, .num = 2, .has_pay = false };

	dm_push(m, 0, &a, 0, 1);
	dm_push(m, 1, &b, MS, 1); /* same headers, other payload: not a twin */
	dm_push(m, 1, &c, 2 * MS, 1); /* no payload captured: headers decide */
	dm_finish(m);
	const struct dm_stats *st = dm_stats(m);
	CHECK(st->matched == 1 && st->added == 1 && s.num[DM_ADDED][0] == 1 && st->lost == 0,
	      "matched %llu added %llu", (unsigned long long)st->matched,
	      (unsigned long long)st->added);
	dm_free(m);
}

static void test_memory_bound(void)
{
	struct seen s;
	struct dm *m = mk(&s);
	/* 1 packet per 10 us on each side, lose every 1000th: the window
	 * (100 ms) holds 10000 packets of A; 2e6 packets go through */
	const int n = 1000000;

	for (int i = 0; i < n; i++) {
		push(m, 0, (uint64_t)i * 2654435761u, (uint64_t)i + 1, (int64_t)i * 10000);
		if (i % 1000 != 999)
			push(m, 1, (uint64_t)i * 2654435761u, (uint64_t)i + 1, (int64_t)i * 10000 + MS);
	}
	dm_finish(m);
	const struct dm_stats *st = dm_stats(m);
	CHECK(st->lost == (uint64_t)n / 1000 && st->matched == (uint64_t)(n - n / 1000),
	      "lost %llu matched %llu", (unsigned long long)st->lost, (unsigned long long)st->matched);
	CHECK(st->peak_entries <= 10000 + 200, "peak %llu packets held, window holds ~10100",
	      (unsigned long long)st->peak_entries);
	dm_free(m);
}

static void test_percentiles(void)
{
	struct diff_hist h;
	static const unsigned pct[] = { 50, 90, 99, 100 };
	int64_t q[4];

	if (diff_hist_init(&h, 200 * MS) < 0) {
		fprintf(stderr, "diff_hist_init failed\n");
		exit(1);
	}
	for (int v = 100; v >= 1; v--) /* 1..100 ms, any order */
		diff_hist_add(&h, v * MS + 123); /* +123 ns: below the resolution */
	diff_hist_add(&h, -5 * MS);
	diff_hist_percentiles(&h, pct, q, 4);
	/* nearest rank over 101 values (-5, 1..100): rank ceil(p*101/100) */
	CHECK(q[0] == 50 * MS, "p50 %lld", (long long)q[0]);
	CHECK(q[1] == 90 * MS, "p90 %lld", (long long)q[1]);
	CHECK(q[2] == 99 * MS, "p99 %lld", (long long)q[2]);
	CHECK(q[3] == 100 * MS, "p100 %lld", (long long)q[3]);
	CHECK(h.min_ns == -5 * MS && h.max_ns == 100 * MS + 123, "min %lld max %lld",
	      (long long)h.min_ns, (long long)h.max_ns);
	diff_hist_free(&h);
}

int main(void)
{
	test_window_edges();
	test_negative_delay();
	test_dup_reorder();
	test_identical_fifo();
	test_identical_first();
	test_payload();
	test_memory_bound();
	test_percentiles();
	if (failures) {
		fprintf(stderr, "%d checks failed\n", failures);
		return 1;
	}
	printf("diff matcher: all checks passed\n");
	return 0;
}
