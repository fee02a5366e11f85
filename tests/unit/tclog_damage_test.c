/* SPDX-License-Identifier: MIT */
/*
 * Torn and damaged logs. The expected outcome of every cut and every bit
 * flip is derived from the intact file's chunk boundaries (trailer index
 * plus each chunk header's compressed size, as FORMAT.md lays them out):
 *  - cut inside the header: open fails naming the file;
 *  - cut anywhere else: every chunk that ends before the cut comes back,
 *    then end of file (0) with a warning, never an error;
 *  - one flipped bit anywhere: open fails (header) or every chunk before
 *    the damaged one comes back, then -1 naming the file and an offset
 *    inside the damaged block. Nothing is silently accepted.
 */
#include <errno.h>
#include <string.h>

#include "testutil.h"

struct layout {
	uint64_t size;
	uint64_t data_off;    /* first chunk = header length */
	uint64_t trailer_off; /* end of the last chunk */
	size_t n;             /* chunks */
	uint64_t *start;      /* chunk k spans [start[k], start[k + 1]) */
	size_t *before;       /* records in chunks 0..k-1 */
};

static struct layout layout_of(const char *path, const uint8_t *file, size_t size)
{
	char err[512] = "";
	struct tclog_reader *r = tclog_reader_open(path, err, sizeof(err));
	const struct tclog_chunk_info *idx;
	struct layout l = { .size = size };

	REQUIRE(r, "open intact file: %s", err);
	REQUIRE(!tclog_reader_index(r, &idx, &l.n, err, sizeof(err)), "index: %s", err);
	REQUIRE(!tclog_reader_index_rebuilt(r), "intact file without trailer");
	REQUIRE(l.n >= 5, "want several chunks, got %zu", l.n);
	l.start = calloc(l.n + 1, sizeof(*l.start));
	l.before = calloc(l.n + 2, sizeof(*l.before));
	REQUIRE(l.start && l.before, "out of memory");
	for (size_t k = 0; k < l.n; k++) {
		const uint8_t *h = file + idx[k].offset;
		uint32_t comp = (uint32_t)h[16] | (uint32_t)h[17] << 8 | (uint32_t)h[18] << 16 |
				(uint32_t)h[19] << 24;

		l.start[k] = idx[k].offset;
		l.before[k + 1] = l.before[k] + idx[k].records;
		if (k + 1 == l.n)
			l.trailer_off = idx[k].offset + 48 + comp;
		else
			REQUIRE(idx[k].offset + 48 + comp == idx[k + 1].offset, "chunks not contiguous");
	}
	l.start[l.n] = l.trailer_off;
	l.data_off = l.start[0];
	tclog_reader_close(r);
	return l;
}

/* Reads everything: returns the final rc, counts records, checks each. */
static int read_through(struct tclog_reader *r, const struct test_rec *recs, size_t n,
			size_t *got, char *err, size_t errlen)
{
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	int rc;

	*got = 0;
	while ((rc = tclog_reader_next(r, &rec, &bytes, err, errlen)) == 1) {
		CHECK(*got < n && record_equal(rec, bytes, &recs[*got]), "record %zu differs", *got);
		++*got;
	}
	return rc;
}

static void test_cuts(const char *path, const struct layout *l, const struct test_rec *recs,
		      size_t n)
{
	const char *cut = test_path("cut.tclog");
	char err[512];
	size_t got;

	for (uint64_t c = 0; c <= l->size; c++) {
		struct tclog_reader *r;
		const struct tclog_chunk_info *idx;
		size_t nidx, complete = 0;
		int rc;

		REQUIRE(!copy_prefix(path, cut, c), "copy");
		err[0] = 0;
		r = tclog_reader_open(cut, err, sizeof(err));
		if (c < l->data_off) {
			CHECK(!r && strstr(err, cut), "cut at %llu inside the header: open gave '%s'",
			      (unsigned long long)c, err);
			tclog_reader_close(r);
			continue;
		}
		REQUIRE(r, "cut at %llu: open failed: %s", (unsigned long long)c, err);
		while (complete < l->n && l->start[complete + 1] <= c)
			complete++;
		rc = read_through(r, recs, n, &got, err, sizeof(err));
		CHECK(rc == 0, "cut at %llu: rc %d (%s)", (unsigned long long)c, rc, err);
		CHECK(got == l->before[complete], "cut at %llu: %zu records, expected %zu",
		      (unsigned long long)c, got, l->before[complete]);
		if (c == l->size) {
			CHECK(!tclog_reader_warning(r), "intact file warned: %s", tclog_reader_warning(r));
		} else {
			const char *w = tclog_reader_warning(r);

			CHECK(w && strstr(w, cut) && (strstr(w, "truncated") || strstr(w, "no trailer")),
			      "cut at %llu: warning '%s'", (unsigned long long)c, w ? w : "(none)");
			CHECK(tclog_reader_index_rebuilt(r), "cut at %llu: index not rebuilt",
			      (unsigned long long)c);
			CHECK(!tclog_reader_final(r), "cut at %llu: counters from a torn trailer",
			      (unsigned long long)c);
		}
		REQUIRE(!tclog_reader_index(r, &idx, &nidx, err, sizeof(err)), "index: %s", err);
		CHECK(nidx == complete, "cut at %llu: index of %zu chunks, expected %zu",
		      (unsigned long long)c, nidx, complete);
		for (size_t k = 0; k < nidx && k < complete; k++)
			CHECK(idx[k].offset == l->start[k] &&
				      idx[k].records == l->before[k + 1] - l->before[k],
			      "cut at %llu: index entry %zu", (unsigned long long)c, k);
		tclog_reader_close(r);
	}
}

static size_t block_of(const struct layout *l, uint64_t pos)
{
	size_t k = 0;

	while (k < l->n && l->start[k + 1] <= pos)
		k++;
	return k; /* == l->n: trailer or footer */
}

static void test_flips(const struct layout *l, const uint8_t *file, const struct test_rec *recs,
		       size_t n)
{
	const char *bad = test_path("flip.tclog");
	uint8_t *copy = malloc(l->size);
	char err[512];
	size_t got;

	REQUIRE(copy, "out of memory");
	for (uint64_t pos = 0; pos < l->size; pos++) {
		struct tclog_reader *r;
		size_t k = block_of(l, pos);
		unsigned long long off = 0;
		const char *at;
		int rc;

		memcpy(copy, file, l->size);
		copy[pos] ^= (uint8_t)(1u << (pos % 8));
		REQUIRE(!write_file(bad, copy, l->size), "write");
		err[0] = 0;
		r = tclog_reader_open(bad, err, sizeof(err));
		if (pos < l->data_off) {
			CHECK(!r && strstr(err, bad), "flip at %llu in the header: open gave '%s'",
			      (unsigned long long)pos, err);
			tclog_reader_close(r);
			continue;
		}
		REQUIRE(r, "flip at %llu: open failed: %s", (unsigned long long)pos, err);
		rc = read_through(r, recs, n, &got, err, sizeof(err));
		CHECK(rc == -1, "flip at %llu (block %zu): rc %d, %zu records, warning %s",
		      (unsigned long long)pos, k, rc, got,
		      tclog_reader_warning(r) ? tclog_reader_warning(r) : "(none)");
		CHECK(got == l->before[k], "flip at %llu: %zu records before the error, expected %zu",
		      (unsigned long long)pos, got, l->before[k]);
		at = strstr(err, ": offset ");
		CHECK(strstr(err, bad) && at && sscanf(at, ": offset %llu", &off) == 1 &&
			      off >= l->start[k] && (k == l->n ? off < l->size : off < l->start[k + 1]),
		      "flip at %llu (block at %llu): error '%s'", (unsigned long long)pos,
		      (unsigned long long)l->start[k], err);
		/* The error is sticky: asking again gives it again. */
		if (rc == -1) {
			const struct tcrec_record *rec;
			const uint8_t *bytes;

			CHECK(tclog_reader_next(r, &rec, &bytes, err, sizeof(err)) == -1,
			      "error not sticky");
		}
		tclog_reader_close(r);
	}
	free(copy);
}

/* With the trailer intact, a caller can step over a damaged chunk. */
static void test_skip_damage(const struct layout *l, const uint8_t *file,
			     const struct test_rec *recs, size_t n)
{
	const char *bad = test_path("skip.tclog");
	uint8_t *copy = malloc(l->size);
	char err[512] = "";
	struct tclog_reader *r;
	size_t got;
	int rc;

	REQUIRE(copy, "out of memory");
	memcpy(copy, file, l->size);
	copy[l->start[2] + 60] ^= 0x10; /* inside chunk 2's payload */
	REQUIRE(!write_file(bad, copy, l->size), "write");
	r = tclog_reader_open(bad, err, sizeof(err));
	REQUIRE(r, "open: %s", err);
	rc = read_through(r, recs, n, &got, err, sizeof(err));
	CHECK(rc == -1 && got == l->before[2], "damaged chunk 2: rc %d after %zu records", rc, got);
	REQUIRE(!tclog_reader_seek_chunk(r, 3, err, sizeof(err)), "seek: %s", err);
	rc = read_through(r, recs + l->before[3], n - l->before[3], &got, err, sizeof(err));
	CHECK(rc == 0 && got == n - l->before[3], "after the damage: rc %d, %zu records", rc, got);
	tclog_reader_close(r);
	free(copy);
}

/* Power loss can leave a file whose tail is zeros: torn, not damaged.
 * Zeros followed by anything else are damage. */
static void test_zero_tail(const struct layout *l, const uint8_t *file,
			   const struct test_rec *recs, size_t n)
{
	const char *bad = test_path("zeros.tclog");
	uint64_t keep = l->start[4];
	uint8_t *copy = calloc(1, keep + 5000);
	char err[512] = "";
	struct tclog_reader *r;
	size_t got;
	int rc;

	REQUIRE(copy, "out of memory");
	memcpy(copy, file, keep);
	REQUIRE(!write_file(bad, copy, keep + 5000), "write");
	r = tclog_reader_open(bad, err, sizeof(err));
	REQUIRE(r, "open: %s", err);
	rc = read_through(r, recs, n, &got, err, sizeof(err));
	CHECK(rc == 0 && got == l->before[4] && tclog_reader_warning(r) &&
		      strstr(tclog_reader_warning(r), "truncated"),
	      "zero tail: rc %d, %zu records (expected %zu), warning %s", rc, got, l->before[4],
	      tclog_reader_warning(r) ? tclog_reader_warning(r) : "(none)");
	tclog_reader_close(r);

	copy[keep + 4999] = 1;
	REQUIRE(!write_file(bad, copy, keep + 5000), "write");
	r = tclog_reader_open(bad, err, sizeof(err));
	REQUIRE(r, "open: %s", err);
	rc = read_through(r, recs, n, &got, err, sizeof(err));
	CHECK(rc == -1 && got == l->before[4], "zeros then data: rc %d, %zu records", rc, got);
	tclog_reader_close(r);
	free(copy);
}

/* Random garbage over random ranges: only the tri-state contract is
 * checked here (and, under the sanitizers, memory safety). */
static void test_garbage(const struct layout *l, const uint8_t *file, uint64_t seed)
{
	const char *bad = test_path("garbage.tclog");
	uint8_t *copy = malloc(l->size);
	char err[512];

	REQUIRE(copy, "out of memory");
	for (int i = 0; i < 2000; i++) {
		uint64_t pos = rnd_next(&seed) % l->size;
		uint64_t len = 1 + rnd_next(&seed) % 64;
		struct tclog_reader *r;
		const struct tcrec_record *rec;
		const uint8_t *bytes;
		const struct tclog_chunk_info *idx;
		size_t nidx;
		int rc;

		memcpy(copy, file, l->size);
		if (pos + len > l->size)
			len = l->size - pos;
		if (i % 3 == 0)
			memset(copy + pos, i % 2 ? 0xff : 0, len);
		else
			rnd_bytes(&seed, copy + pos, len);
		REQUIRE(!write_file(bad, copy, i % 5 == 0 ? pos + len : l->size), "write");
		r = tclog_reader_open(bad, err, sizeof(err));
		if (!r)
			continue;
		while ((rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err))) == 1)
			CHECK(rec->cap_len <= TCREC_SNAP_MAX && rec->vlan_count <= 3, "bad record out");
		CHECK(rc == 0 || rc == -1, "rc %d", rc);
		if (!tclog_reader_index(r, &idx, &nidx, err, sizeof(err)) && nidx)
			tclog_reader_seek_chunk(r, nidx - 1, err, sizeof(err));
		tclog_reader_close(r);
	}
	free(copy);
}

int main(void)
{
	const char *env = getenv("TCLOG_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : 0xda3a6eull;
	const char *path = test_path("intact.tclog");
	const size_t n = 48;
	struct test_rec *recs = calloc(n, sizeof(*recs));
	struct tclog_header h;
	struct tclog_final fin;
	uint64_t ts = 1795312345000000000ull;
	struct layout l;
	uint8_t *file;
	size_t size;

	printf("seed %#llx (set TCLOG_SEED to replay)\n", (unsigned long long)seed);
	REQUIRE(recs, "out of memory");
	make_header(&seed, &h, 3, 40);
	rnd_bytes(&seed, &fin, sizeof(fin));
	for (size_t i = 0; i < n; i++)
		make_record(&seed, i, 24, &ts, &recs[i]);
	write_log(path, &h, recs, n, 400, &fin);
	REQUIRE(!read_file(path, &file, &size), "read back");
	l = layout_of(path, file, size);
	printf("file of %zu bytes: header %llu, %zu chunks, trailer at %llu\n", size,
	       (unsigned long long)l.data_off, l.n, (unsigned long long)l.trailer_off);

	test_cuts(path, &l, recs, n);
	test_flips(&l, file, recs, n);
	test_skip_damage(&l, file, recs, n);
	test_zero_tail(&l, file, recs, n);
	test_garbage(&l, file, seed);

	free(file);
	free(l.start);
	free(l.before);
	free_records(recs, n);
	test_cleanup();
	if (test_failures)
		fprintf(stderr, "%d checks failed\n", test_failures);
	return test_failures ? 1 : 0;
}
