/* SPDX-License-Identifier: MIT */
/* Write many random and extreme records, read them back: every field, the
 * header, the trailer counters and the index must come back equal. */
#include <errno.h>
#include <string.h>

#include "formats/tclog_crc32c.h"
#include "testutil.h"

struct scenario {
	const char *name;
	size_t n;
	uint32_t max_cap;
	size_t chunk_target; /* 0 = writer default */
	size_t min_chunks;
	uint16_t encoding; /* 0 = the writer's default */
};

static void read_all(const char *path, const struct tclog_header *h, const struct test_rec *recs,
		     size_t n, const struct tclog_final *fin)
{
	char err[512] = "";
	struct tclog_reader *r = tclog_reader_open(path, err, sizeof(err));
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	size_t got = 0, bad = 0;
	int rc;

	REQUIRE(r, "open: %s", err);
	CHECK(header_equal(tclog_reader_header(r), h), "%s: header differs", path);
	while ((rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err))) == 1) {
		if (got < n && !record_equal(rec, bytes, &recs[got]) && bad++ < 5)
			CHECK(0, "%s: record %zu differs", path, got);
		got++;
	}
	CHECK(rc == 0, "%s: next returned %d: %s", path, rc, err);
	CHECK(got == n, "%s: read %zu records, wrote %zu", path, got, n);
	CHECK(!tclog_reader_warning(r), "%s: unexpected warning: %s", path, tclog_reader_warning(r));
	CHECK(!tclog_reader_index_rebuilt(r), "%s: index rebuilt despite a trailer", path);
	CHECK(tclog_reader_file_size(r) == file_size(path), "file size");
	if (fin) {
		const struct tclog_final *f = tclog_reader_final(r);

		CHECK(f, "%s: no final counters", path);
		if (f)
			for (uint32_t s = 0; s < TCREC_MAX_IFACES; s++)
				for (int d = 0; d < 2; d++) {
					const struct tclog_counters *x = &f->c[s][d];
					const struct tclog_counters *y = &fin->c[s][d];
					/* Slots beyond the header's interfaces are not stored. */
					int stored = s < h->n_ifaces;

					CHECK(x->seen == (stored ? y->seen : 0) &&
						      x->recorded == (stored ? y->recorded : 0) &&
						      x->filtered == (stored ? y->filtered : 0) &&
						      x->dropped == (stored ? y->dropped : 0),
					      "counters slot %u dir %d", s, d);
				}
	} else {
		CHECK(!tclog_reader_final(r), "%s: final counters where none were written", path);
	}
	tclog_reader_close(r);
}

/* The index covers every record once, in order, and seeking to a chunk
 * decompresses only that chunk. */
static void check_index(const char *path, const struct test_rec *recs, size_t n, size_t min_chunks)
{
	char err[512] = "";
	struct tclog_reader *r = tclog_reader_open(path, err, sizeof(err));
	const struct tclog_chunk_info *idx;
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	size_t nidx, first = 0;

	REQUIRE(r, "open: %s", err);
	REQUIRE(!tclog_reader_index(r, &idx, &nidx, err, sizeof(err)), "index: %s", err);
	CHECK(nidx >= min_chunks, "%s: %zu chunks, expected at least %zu", path, nidx, min_chunks);
	CHECK(tclog_reader_chunks_decompressed(r) == 0, "index decompressed a chunk");
	for (size_t c = nidx; c-- > 0;) {
		size_t start = 0;

		for (size_t k = 0; k < c; k++)
			start += idx[k].records;
		REQUIRE(!tclog_reader_seek_chunk(r, c, err, sizeof(err)), "seek %zu: %s", c, err);
		for (uint32_t k = 0; k < idx[c].records; k++) {
			int rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err));

			REQUIRE(rc == 1, "chunk %zu record %u: rc %d %s", c, k, rc, err);
			CHECK(start + k < n && record_equal(rec, bytes, &recs[start + k]),
			      "chunk %zu record %u differs", c, k);
			CHECK(rec->ts_ns >= idx[c].first_ns && rec->ts_ns <= idx[c].last_ns,
			      "chunk %zu record %u time outside the index range", c, k);
		}
		CHECK(tclog_reader_chunks_decompressed(r) == nidx - c,
		      "after seeking to chunk %zu: %llu chunks decompressed", c,
		      (unsigned long long)tclog_reader_chunks_decompressed(r));
		CHECK(!c || idx[c].offset > idx[c - 1].offset, "offsets increase");
		first += idx[c].records;
	}
	CHECK(first == n, "index counts %zu records, wrote %zu", first, n);
	tclog_reader_close(r);
}

static void run(const struct scenario *sc, uint64_t seed)
{
	struct test_rec *recs = calloc(sc->n, sizeof(*recs));
	struct tclog_header h;
	struct tclog_final fin;
	uint64_t ts = 1795312345000000000ull, bytes;
	const char *path = test_path(sc->name);

	REQUIRE(recs, "out of memory");
	make_header(&seed, &h, TCREC_MAX_IFACES, TCLOG_FILTER_MAX - 1);
	rnd_bytes(&seed, &fin, sizeof(fin));
	for (size_t i = 0; i < sc->n; i++)
		make_record(&seed, i, sc->max_cap, &ts, &recs[i]);
	test_encoding = sc->encoding;
	bytes = write_log(path, &h, recs, sc->n, sc->chunk_target, &fin);
	test_encoding = 0;
	/* bytes is measured before the trailer: it must equal the file minus
	 * the trailer, which the reader finds as the last chunk's end. */
	CHECK(bytes < file_size(path), "writer bytes %llu vs file %llu", (unsigned long long)bytes,
	      (unsigned long long)file_size(path));
	read_all(path, &h, recs, sc->n, &fin);
	check_index(path, recs, sc->n, sc->min_chunks);
	printf("%s: %zu records, %llu bytes, %.1f bytes/record\n", sc->name, sc->n,
	       (unsigned long long)file_size(path), (double)file_size(path) / (double)sc->n);
	free_records(recs, sc->n);
}

static void test_no_counters(uint64_t seed)
{
	struct test_rec recs[3];
	struct tclog_header h;
	uint64_t ts = 1;
	const char *path = test_path("nofin.tclog");

	make_header(&seed, &h, 0, 0);
	for (size_t i = 0; i < 3; i++)
		make_record(&seed, i, 64, &ts, &recs[i]);
	write_log(path, &h, recs, 3, 0, NULL);
	read_all(path, &h, recs, 3, NULL);
	for (size_t i = 0; i < 3; i++)
		free(recs[i].bytes);
}

static void test_empty(uint64_t seed)
{
	struct tclog_header h;
	const char *path = test_path("empty.tclog");

	make_header(&seed, &h, 1, 10);
	write_log(path, &h, NULL, 0, 0, NULL);
	read_all(path, &h, NULL, 0, NULL);
}

static void test_writer_refusals(uint64_t seed)
{
	struct tclog_header h;
	struct tcrec_record rec = { 0 };
	struct tclog_writer *w;
	const char *path = test_path("refuse.tclog");

	make_header(&seed, &h, 2, 0);
	memset(h.host, 'x', sizeof(h.host)); /* no NUL inside its field */
	errno = 0;
	CHECK(!tclog_writer_open(path, &h) && errno == EINVAL, "unterminated host accepted");
	make_header(&seed, &h, 2, 0);
	h.n_ifaces = TCREC_MAX_IFACES + 1;
	CHECK(!tclog_writer_open(path, &h) && errno == EINVAL, "too many interfaces accepted");
	h.n_ifaces = 2;
	w = tclog_writer_open(path, &h);
	REQUIRE(w, "open: %s", strerror(errno));
	rec.vlan_count = 4;
	CHECK(tclog_writer_append(w, &rec, NULL) == -EINVAL, "vlan_count 4 accepted");
	rec.vlan_count = 0;
	rec.cap_len = TCREC_SNAP_MAX + 1;
	CHECK(tclog_writer_append(w, &rec, "") == -EINVAL, "cap_len beyond the cap accepted");
	rec.cap_len = 0;
	rec.dir = 2;
	CHECK(tclog_writer_append(w, &rec, NULL) == -EINVAL, "direction 2 accepted");
	rec.dir = 1;
	/* A refused record is the caller's bug and does not poison the file. */
	CHECK(tclog_writer_append(w, &rec, NULL) == 0, "valid record refused after invalid ones");
	CHECK(tclog_writer_close(w, NULL) == 0, "close");
}

/* Files that are not logs get one clear line naming them. */
static void test_not_a_log(void)
{
	static const uint8_t pcap_start[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0 };
	const char *path = test_path("not-a-log");
	char err[512] = "";

	REQUIRE(!write_file(path, pcap_start, sizeof(pcap_start)), "write");
	CHECK(!tclog_reader_open(path, err, sizeof(err)) && strstr(err, path) &&
		      strstr(err, "not a tcrec log"),
	      "pcap file: '%s'", err);
	REQUIRE(!write_file(path, pcap_start, 5), "write");
	CHECK(!tclog_reader_open(path, err, sizeof(err)) && strstr(err, path) &&
		      strstr(err, "too short"),
	      "5-byte file: '%s'", err);
	CHECK(!tclog_reader_open(test_path("missing"), err, sizeof(err)) &&
		      strstr(err, "No such file"),
	      "missing file: '%s'", err);
	CHECK(!tclog_reader_open("/", err, sizeof(err)) && strstr(err, "not a regular file"),
	      "directory: '%s'", err);
}

int main(void)
{
	const char *env = getenv("TCLOG_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 0) : 0x7c1e5eedull;
	static const char check[] = "123456789";
	static const struct scenario scenarios[] = {
		{ "meta.tclog", 50000, 0, 0, 4, 0 },
		{ "full.tclog", 700, TCREC_SNAP_MAX, 0, 5, 0 },
		{ "small-chunks.tclog", 3000, 200, 1000, 100, 0 },
		/* files of the first encoding stay readable */
		{ "meta-enc1.tclog", 50000, 0, 0, 6, 1 },
		{ "small-chunks-enc1.tclog", 3000, 200, 1000, 100, 1 },
	};

	printf("seed %#llx (set TCLOG_SEED to replay)\n", (unsigned long long)seed);
	/* The CRC-32C check value from its definition (RFC 3720 B.4 / Castagnoli). */
	CHECK(tclog_crc32c(0, check, 9) == 0xE3069283u, "crc32c check value");
	CHECK(tclog_crc32c(tclog_crc32c(0, check, 4), check + 4, 5) == 0xE3069283u,
	      "crc32c continued");
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		run(&scenarios[i], seed + i);
	test_no_counters(seed);
	test_empty(seed);
	test_writer_refusals(seed);
	test_not_a_log();
	test_cleanup();
	if (test_failures)
		fprintf(stderr, "%d checks failed\n", test_failures);
	return test_failures ? 1 : 0;
}
