/* SPDX-License-Identifier: MIT */
/*
 * Trailer present vs missing: the index rebuilt by scanning equals the one
 * the writer stored, the counters round trip, and a file whose recorder
 * died (no trailer) says so.
 */
#include <string.h>

#include "formats/tclog_crc32c.h"
#include "testutil.h"

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A trailer with valid checksums whose index lies about chunk 1 (FORMAT.md
 * offsets): reading must stop there with an error, not trust it. */
static void test_lying_index(const char *full, uint64_t trailer_off, size_t chunk0_records)
{
	const char *path = test_path("lying.tclog");
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	struct tclog_reader *r;
	uint8_t *buf, *t;
	size_t len, got = 0;
	uint32_t tlen;
	char err[512] = "";
	int rc;

	REQUIRE(!read_file(full, &buf, &len), "read");
	t = buf + trailer_off;
	tlen = get32(t + 4);
	put32(t + 32 + 32 + 24, get32(t + 32 + 32 + 24) + 1); /* entry 1: records + 1 */
	put32(t + 24, get32(t + 24) + 1);                     /* total_records + 1 */
	put32(t + tlen - 4, tclog_crc32c(0, t, tlen - 4));
	REQUIRE(!write_file(path, buf, len), "write");
	r = tclog_reader_open(path, err, sizeof(err));
	REQUIRE(r, "open: %s", err);
	CHECK(!tclog_reader_index_rebuilt(r), "the doctored trailer was not even accepted");
	while ((rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err))) == 1)
		got++;
	CHECK(rc == -1 && got == chunk0_records && strstr(err, "trailer index"),
	      "lying index: rc %d after %zu records (chunk 0 has %zu): %s", rc, got, chunk0_records,
	      err);
	tclog_reader_close(r);
	free(buf);
}

static const struct tclog_chunk_info *index_of(struct tclog_reader *r, size_t *n)
{
	const struct tclog_chunk_info *idx;
	char err[512] = "";

	REQUIRE(!tclog_reader_index(r, &idx, n, err, sizeof(err)), "index: %s", err);
	return idx;
}

int main(void)
{
	const char *env = getenv("TCLOG_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : 0x7a11e7ull;
	const char *full = test_path("full.tclog"), *cut = test_path("no-trailer.tclog");
	const size_t n = 5000;
	struct test_rec *recs = calloc(n, sizeof(*recs));
	struct tclog_header h;
	struct tclog_final fin;
	uint64_t ts = 1795312345000000000ull, chunks_end;
	struct tclog_reader *a, *b;
	const struct tclog_chunk_info *ia, *ib;
	const struct tclog_final *fa;
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	size_t na, nb, got = 0;
	char err[512] = "";
	int rc;

	printf("seed %#llx (set TCLOG_SEED to replay)\n", (unsigned long long)seed);
	REQUIRE(recs, "out of memory");
	make_header(&seed, &h, 5, 100);
	rnd_bytes(&seed, &fin, sizeof(fin));
	for (size_t i = 0; i < n; i++)
		make_record(&seed, i, 300, &ts, &recs[i]);
	/* Bytes before close = header + chunks: where the trailer starts. */
	chunks_end = write_log(full, &h, recs, n, 16384, &fin);
	REQUIRE(!copy_prefix(full, cut, chunks_end), "copy");

	a = tclog_reader_open(full, err, sizeof(err));
	REQUIRE(a, "open: %s", err);
	b = tclog_reader_open(cut, err, sizeof(err));
	REQUIRE(b, "open: %s", err);
	CHECK(!tclog_reader_index_rebuilt(a), "index rebuilt despite the trailer");
	CHECK(tclog_reader_index_rebuilt(b), "no trailer, index not reported as rebuilt");
	ia = index_of(a, &na);
	ib = index_of(b, &nb);
	CHECK(na > 10, "want many chunks, got %zu", na);
	CHECK(na == nb, "trailer index has %zu chunks, rebuilt %zu", na, nb);
	for (size_t i = 0; i < na && i < nb; i++)
		CHECK(ia[i].offset == ib[i].offset && ia[i].first_ns == ib[i].first_ns &&
			      ia[i].last_ns == ib[i].last_ns && ia[i].records == ib[i].records,
		      "index entry %zu differs", i);
	CHECK(tclog_reader_chunks_decompressed(b) == 0, "rebuilding the index decompressed chunks");

	fa = tclog_reader_final(a);
	REQUIRE(fa, "no counters in the trailer");
	for (uint32_t s = 0; s < h.n_ifaces; s++)
		for (int d = 0; d < 2; d++)
			CHECK(!memcmp(&fa->c[s][d], &fin.c[s][d], sizeof(fin.c[s][d])),
			      "counters slot %u dir %d", s, d);
	CHECK(!tclog_reader_final(b), "counters without a trailer");

	while ((rc = tclog_reader_next(b, &rec, &bytes, err, sizeof(err))) == 1) {
		CHECK(got < n && record_equal(rec, bytes, &recs[got]), "record %zu differs", got);
		got++;
	}
	CHECK(rc == 0 && got == n, "no trailer: rc %d (%s), %zu of %zu records", rc, err, got, n);
	CHECK(tclog_reader_warning(b) && strstr(tclog_reader_warning(b), "no trailer") &&
		      strstr(tclog_reader_warning(b), cut),
	      "warning: %s", tclog_reader_warning(b) ? tclog_reader_warning(b) : "(none)");
	CHECK(!tclog_reader_warning(a), "warning on an intact file");
	test_lying_index(full, chunks_end, ia[0].records);
	tclog_reader_close(a);
	tclog_reader_close(b);
	free_records(recs, n);
	test_cleanup();
	if (test_failures)
		fprintf(stderr, "%d checks failed\n", test_failures);
	return test_failures ? 1 : 0;
}
