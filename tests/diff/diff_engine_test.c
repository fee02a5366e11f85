/* SPDX-License-Identifier: MIT */
/*
 * The diff engine without the command: two small pcaps written here (A on
 * Ethernet, B as raw IP one millisecond later, with one packet lost and
 * one duplicated), opened as sources, merged, and the result model, the
 * per-packet listing and the unmatched file checked against what was
 * built; once without a filter and twice with the shared reading filter
 * (on B's raw IP frames too).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diff/diff_engine.h"
#include "diff/diff_source.h"
#include "filter/read_filter.h"

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

#define LINKTYPE_ETHERNET 1
#define LINKTYPE_RAW 101
#define N_UDP 10
#define N_TCP 2

static void put32(FILE *f, uint32_t v)
{
	fwrite(&v, sizeof(v), 1, f);
}

static void put16(FILE *f, uint16_t v)
{
	fwrite(&v, sizeof(v), 1, f);
}

/* An IPv4 packet of UDP (tcp false) or TCP with IP ID id, into b: its length. */
static size_t ip_packet(uint8_t *b, uint16_t id, bool tcp)
{
	size_t l4 = tcp ? 20 : 8 + 12;
	size_t len = 20 + l4;

	memset(b, 0, len);
	b[0] = 0x45;
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	b[4] = (uint8_t)(id >> 8);
	b[5] = (uint8_t)id;
	b[8] = 64;
	b[9] = tcp ? 6 : 17;
	memcpy(b + 12, (const uint8_t[]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
	uint8_t *h = b + 20;
	h[0] = 0x9c;
	h[1] = 0x40;
	h[2] = 0x00;
	h[3] = tcp ? 80 : 53;
	if (tcp) {
		h[7] = (uint8_t)id; /* seq */
		h[12] = 5 << 4;
		h[13] = 0x10;       /* ACK */
		h[15] = 0xff;       /* window */
	} else {
		h[5] = (uint8_t)l4; /* UDP length */
		h[8] = (uint8_t)id; /* payload */
	}
	return len;
}

static void put_record(FILE *f, uint64_t t_us, const uint8_t *b, size_t len)
{
	put32(f, (uint32_t)(t_us / 1000000));
	put32(f, (uint32_t)(t_us % 1000000));
	put32(f, (uint32_t)len);
	put32(f, (uint32_t)len);
	fwrite(b, 1, len, f);
}

/* Side A (Ethernet) or B (raw IP, 1 ms later, UDP #3 lost, UDP #5 twice). */
static int write_side(const char *path, bool b_side)
{
	FILE *f = fopen(path, "wb");
	uint8_t pkt[128];

	if (!f)
		return -1;
	put32(f, 0xa1b2c3d4);
	put16(f, 2);
	put16(f, 4);
	put32(f, 0);
	put32(f, 0);
	put32(f, 65535);
	put32(f, b_side ? LINKTYPE_RAW : LINKTYPE_ETHERNET);
	for (uint16_t i = 1; i <= N_UDP + N_TCP; i++) {
		bool tcp = i > N_UDP;
		uint64_t t = 1000000000ull + i * 10000ull + (b_side ? 1000 : 0);
		if (b_side && i == 3)
			continue;
		size_t off = b_side ? 0 : 14;
		memset(pkt, 0, 14);
		pkt[12] = 0x08;
		size_t len = off + ip_packet(pkt + off, i, tcp);
		put_record(f, t, pkt, len);
		if (b_side && i == 5)
			put_record(f, t + 100, pkt, len);
	}
	return fclose(f);
}

static int count_lines(FILE *f, const char *word)
{
	char line[256];
	int n = 0;

	rewind(f);
	while (fgets(line, sizeof(line), f))
		n += !!strstr(line, word);
	return n;
}

struct want {
	uint64_t a, b, matched, lost, dup;
};

/* One engine run over a and b with filter expr (or none). */
static void run(const char *a, const char *b, const char *expr, const char *unmatched,
		const struct want *w)
{
	struct read_filter *rf = NULL;
	struct diff_src *src[2] = { NULL, NULL };
	struct diff_result res = { 0 };
	char err[512];

	if (expr && read_filter_open(expr, "test", &rf, err, sizeof(err))) {
		CHECK(0, "filter '%s': %s", expr, err);
		return;
	}
	if (diff_src_open(a, rf, unmatched != NULL, &src[0], err, sizeof(err)) ||
	    diff_src_open(b, rf, unmatched != NULL, &src[1], err, sizeof(err))) {
		CHECK(0, "open: %s", err);
		diff_src_close(src[0]);
		read_filter_close(rf);
		return;
	}
	FILE *listing = tmpfile();
	const struct diff_engine_cfg cfg = {
		.window_ns = 100000000,
		.top = 20,
		.unmatched = unmatched,
		.listing = listing,
	};
	struct diff_engine *e = diff_engine_new(src, &cfg, err, sizeof(err));
	CHECK(e, "diff_engine_new: %s", err);
	if (e && diff_engine_run(e, &res, err, sizeof(err)) == 0) {
		const char *f = expr ? expr : "none";
		CHECK(res.side[0].packets == w->a && res.side[1].packets == w->b,
		      "filter %s: read %llu and %llu packets, want %llu and %llu", f,
		      (unsigned long long)res.side[0].packets, (unsigned long long)res.side[1].packets,
		      (unsigned long long)w->a, (unsigned long long)w->b);
		CHECK(res.side[0].kind == DIFF_SRC_PCAP && !strcmp(res.side[1].path, b),
		      "filter %s: sides not described", f);
		CHECK(res.st->matched == w->matched && res.st->lost == w->lost && res.st->dup == w->dup &&
			      !res.st->added && !res.st->reordered,
		      "filter %s: matched %llu lost %llu dup %llu added %llu reordered %llu", f,
		      (unsigned long long)res.st->matched, (unsigned long long)res.st->lost,
		      (unsigned long long)res.st->dup, (unsigned long long)res.st->added,
		      (unsigned long long)res.st->reordered);
		CHECK(res.same == !(w->lost || w->dup), "filter %s: same is %d", f, res.same);
		CHECK(res.hist->count == w->matched && res.hist->min_ns == 1000000 &&
			      res.hist->max_ns == 1000000,
		      "filter %s: delays not all 1 ms", f);
		CHECK(count_lines(listing, "lost") == (int)w->lost &&
			      count_lines(listing, "duplicated") == (int)w->dup,
		      "filter %s: listing does not name the lost and duplicated packets", f);
		CHECK(!w->lost || count_lines(listing, "A#3 ") == 1, "filter %s: A#3 is not listed", f);
		CHECK(res.window_ns == cfg.window_ns && res.top == 20, "filter %s: settings not in the result", f);
	} else if (e) {
		CHECK(0, "diff_engine_run: %s", err);
	}
	diff_engine_free(e);
	read_filter_close(rf);
	fclose(listing);
}

int main(void)
{
	char dir[] = "/tmp/diff_engine_test.XXXXXX";
	char a[64], b[64], um[64];
	struct stat st;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(a, sizeof(a), "%s/a.pcap", dir);
	snprintf(b, sizeof(b), "%s/b.pcap", dir);
	snprintf(um, sizeof(um), "%s/u.pcapng", dir);
	if (write_side(a, false) || write_side(b, true)) {
		perror("writing the inputs");
		return 1;
	}
	const struct want all = { N_UDP + N_TCP, N_UDP + N_TCP, N_UDP + N_TCP - 1, 1, 1 };
	const struct want udp = { N_UDP, N_UDP, N_UDP - 1, 1, 1 };
	const struct want tcp = { N_TCP, N_TCP, N_TCP, 0, 0 };
	run(a, b, NULL, NULL, &all);
	run(a, b, "udp", NULL, &udp);
	run(a, b, "tcp and ip", NULL, &tcp);
	/* in line, with the unmatched packets written out */
	run(a, b, NULL, um, &all);
	CHECK(stat(um, &st) == 0 && st.st_size > 200, "unmatched pcapng not written");
	unlink(a);
	unlink(b);
	unlink(um);
	rmdir(dir);
	if (failures)
		return 1;
	printf("diff engine: results, listing and unmatched file as built, with and without FILTER\n");
	return 0;
}
