/* SPDX-License-Identifier: MIT */
/*
 * The matcher on synthetic packets whose fate is known by construction:
 * window edges, negative delays, duplicates, reordering, identical packets,
 * payload disagreement, memory bounded by the window, nearest-rank
 * percentiles; look-alikes by the thousand paired in order, in a bounded
 * number of steps per packet, with a loss, jitter or payloads among them.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_flow.h"
#include "diff/diff_match.h"

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

static void push_pay(struct dm *m, int side, uint64_t key, bool has_pay, uint64_t pay,
		     uint64_t num, int64_t t)
{
	struct diff_pkt p = { .key = key, .num = num, .ts_ns = (uint64_t)t, .wire_len = 60,
			      .has_pay = has_pay, .pay_hash = pay };
	if (dm_push(m, side, &p, t, 1) < 0) {
		fprintf(stderr, "dm_push failed\n");
		exit(1);
	}
}

#define US 1000ll

/* Unconnected UDP with IPv4 ID 0: every packet looks like the others. All
 * wait together in the window; B is A 100 us later. Each packet must cost
 * a bounded number of steps (the old matcher walked every look-alike: 80k
 * packets took 16 s) and pair with its own twin. */
static void test_lookalikes_many(void)
{
	struct seen s;
	struct dm *m = mk(&s);
	const int n = 80000;
	int ia = 0, ib = 0;

	/* 10 us apart: 800 ms of look-alikes, inside one 2 s window */
	m = (dm_free(m), NULL);
	struct dm_cfg cfg = { .window_ns = 2000 * MS, .on_event = on_event, .ctx = &s };
	m = dm_new(&cfg);
	while (ia < n || ib < n) {
		int64_t ta = (int64_t)ia * 10 * US, tb = (int64_t)ib * 10 * US + 100 * US;
		if (ia < n && ta <= tb) {
			push(m, 0, 42, (uint64_t)++ia, ta);
		} else {
			push(m, 1, 42, (uint64_t)++ib, tb);
		}
	}
	dm_finish(m);
	const struct dm_stats *st = dm_stats(m);
	const struct diff_hist *h = dm_delays(m);
	CHECK(st->matched == (uint64_t)n && !st->lost && !st->added && !st->dup,
	      "matched %llu lost %llu added %llu dup %llu of %d", (unsigned long long)st->matched,
	      (unsigned long long)st->lost, (unsigned long long)st->added,
	      (unsigned long long)st->dup, n);
	CHECK(h->min_ns == 100 * US && h->max_ns == 100 * US, "delays %lld..%lld ns, want 100 us",
	      (long long)h->min_ns, (long long)h->max_ns);
	CHECK(!st->reordered, "reordered %llu, want 0", (unsigned long long)st->reordered);
	CHECK(st->steps <= 8ull * 2 * n, "%llu steps for %d packets: not bounded per packet",
	      (unsigned long long)st->steps, 2 * n);
	dm_free(m);
}

/* A steady 3 ms delay, one look-alike lost: the lost one is named and the
 * pairs after it do not shift by one (which would add the spacing to every
 * later delay). */
static void test_lookalike_lost(void)
{
	struct seen s;
	struct dm *m = mk(&s);

	for (int i = 1; i <= 20; i++) {
		push(m, 0, 9, (uint64_t)i, i * MS);
		if (i > 3 && i - 3 != 7)
			push(m, 1, 9, (uint64_t)i, i * MS); /* B#i is the copy of A#(i-3) */
	}
	for (int i = 18; i <= 20; i++)
		push(m, 1, 9, (uint64_t)(i + 3), (i + 3) * MS);
	dm_finish(m);
	const struct dm_stats *st = dm_stats(m);
	const struct diff_hist *h = dm_delays(m);
	CHECK(st->matched == 19 && st->lost == 1 && s.num[DM_LOST][0] == 7 && !st->added,
	      "matched %llu lost %llu (A#%llu, want A#7) added %llu",
	      (unsigned long long)st->matched, (unsigned long long)st->lost,
	      (unsigned long long)s.num[DM_LOST][0], (unsigned long long)st->added);
	CHECK(h->min_ns == 3 * MS && h->max_ns == 3 * MS, "delays %lld..%lld, want 3 ms",
	      (long long)h->min_ns, (long long)h->max_ns);
	CHECK(!st->reordered, "reordered %llu", (unsigned long long)st->reordered);
	dm_free(m);
}

/* Look-alikes 1 ms apart with a 5 ms delay that jitters by up to 0.4 ms:
 * still paired in order, so no false reordering. */
static void test_lookalike_jitter(void)
{
	struct seen s;
	struct dm *m = mk(&s);
	static const int jit_us[] = { 0, 400, -400, 300, -300, 200, -200, 100, -100, 0 };
	const int n = 200;
	int ia = 0, ib = 0;

	while (ia < n || ib < n) {
		int64_t ta = ia * MS, tb = ib * MS + 5 * MS + jit_us[ib % 10] * US;
		if (ia < n && ta <= tb)
			push(m, 0, 3, (uint64_t)++ia, ta);
		else
			push(m, 1, 3, (uint64_t)++ib, tb);
	}
	dm_finish(m);
	const struct dm_stats *st = dm_stats(m);
	CHECK(st->matched == (uint64_t)n && !st->reordered && !st->lost,
	      "matched %llu reordered %llu lost %llu", (unsigned long long)st->matched,
	      (unsigned long long)st->reordered, (unsigned long long)st->lost);
	CHECK(dm_delays(m)->min_ns == 5 * MS - 400 * US && dm_delays(m)->max_ns == 5 * MS + 400 * US,
	      "delays %lld..%lld", (long long)dm_delays(m)->min_ns, (long long)dm_delays(m)->max_ns);
	dm_free(m);
}

/* Same headers, payloads that tell them apart: the payload decides, a B
 * copy without payload (metadata-only) takes the oldest, a repeat in B is a
 * duplicate of the A packet with its payload only. */
static void test_lookalike_payloads(void)
{
	struct seen s;
	struct dm *m = mk(&s);

	for (int i = 1; i <= 6; i++)
		push_pay(m, 0, 77, true, 1000 + (uint64_t)i, (uint64_t)i, i * MS);
	push_pay(m, 1, 77, true, 1001, 1, 11 * MS);  /* A#1 */
	push_pay(m, 1, 77, false, 0, 2, 12 * MS);    /* no payload: the oldest, A#2 */
	push_pay(m, 1, 77, true, 1003, 3, 13 * MS);  /* A#3 */
	push_pay(m, 1, 77, true, 1003, 4, 13 * MS + 500 * US); /* A#3 again: duplicate */
	push_pay(m, 1, 77, true, 1099, 5, 14 * MS);  /* no such payload in A: added */
	push_pay(m, 1, 77, true, 1006, 6, 16 * MS);  /* A#6; A#4 and A#5 lost */
	dm_finish(m);
	const struct dm_stats *st = dm_stats(m);
	CHECK(st->matched == 4, "matched %llu, want 4", (unsigned long long)st->matched);
	CHECK(st->dup == 1 && s.num[DM_DUP][0] == 4 && s.other[DM_DUP][0] == 3,
	      "dup %llu (B#%llu of A#%llu), want B#4 of A#3", (unsigned long long)st->dup,
	      (unsigned long long)s.num[DM_DUP][0], (unsigned long long)s.other[DM_DUP][0]);
	CHECK(st->added == 1 && s.num[DM_ADDED][0] == 5, "added %llu", (unsigned long long)st->added);
	CHECK(st->lost == 2 && s.num[DM_LOST][0] == 4 && s.num[DM_LOST][1] == 5,
	      "lost %llu (A#%llu, A#%llu), want A#4 A#5", (unsigned long long)st->lost,
	      (unsigned long long)s.num[DM_LOST][0], (unsigned long long)s.num[DM_LOST][1]);
	CHECK(!st->reordered, "reordered %llu", (unsigned long long)st->reordered);
	dm_free(m);
}

/* Flows retire once idle for a window and nothing holds them; the --top
 * listing kept on the way is the same as sorting every flow at the end. */
static void test_flows_retire_top(void)
{
	struct diff_flows f;
	const int n = 500;
	const uint64_t top = 7;

	if (diff_flows_init(&f, top) < 0) {
		fprintf(stderr, "diff_flows_init failed\n");
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		struct diff_pkt p = { .l3_bytes = 100 };
		p.flow.family = 4;
		p.flow.sport = (uint16_t)i;
		p.flow_hash = (uint64_t)i * 0x9e3779b97f4a7c15ull;
		int64_t t = i * MS;
		uint32_t x = diff_flows_add(&f, 0, &p, t);
		CHECK(x, "flow %d not added", i);
		if (!x)
			break;
		/* flow i loses (i * 37) % 101 packets: a known order */
		f.v[x].lost = (uint64_t)(i * 37 % 101);
		if (i % 3)
			diff_flows_add(&f, 1, &p, t);
		diff_flows_release(&f, x);
		if (i % 3)
			diff_flows_release(&f, x);
		CHECK(diff_flows_expire(&f, t, 10 * MS) == 0, "expire failed");
		CHECK(f.held <= 12, "%llu flows held at %d, window holds 11",
		      (unsigned long long)f.held, i);
	}
	CHECK(diff_flows_finish(&f) == 0, "finish failed");
	CHECK(f.total == (uint64_t)n && f.both + f.only[0] == (uint64_t)n && f.only[0] == 167,
	      "total %llu both %llu only A %llu", (unsigned long long)f.total,
	      (unsigned long long)f.both, (unsigned long long)f.only[0]);
	/* the same on both sides only when nothing is lost and B has it:
	 * i = 101, 202, 404 */
	CHECK(f.differ == (uint64_t)n - 3, "differ %llu, want %d", (unsigned long long)f.differ, n - 3);
	CHECK(f.n - 1 == top, "%zu flows listed, want %llu", f.n - 1, (unsigned long long)top);
	/* the largest losses are 100, 99, ...: each once among 0..100 per 101 flows */
	for (size_t i = 1; i < f.n; i++) {
		uint64_t want = 100 - (uint64_t)(i - 1) / 5;
		CHECK(f.v[i].lost == want, "listed #%zu lost %llu, want %llu", i,
		      (unsigned long long)f.v[i].lost, (unsigned long long)want);
	}
	diff_flows_free(&f);
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
	test_lookalikes_many();
	test_lookalike_lost();
	test_lookalike_jitter();
	test_lookalike_payloads();
	test_memory_bound();
	test_flows_retire_top();
	test_percentiles();
	if (failures) {
		fprintf(stderr, "%d checks failed\n", failures);
		return 1;
	}
	printf("diff matcher: all checks passed\n");
	return 0;
}
