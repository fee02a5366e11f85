/* SPDX-License-Identifier: MIT */
/*
 * A write that fails half way (file size limit: the same short write and
 * error a full disk gives, without root or a tmpfs) must not leave half a
 * chunk: the file stays readable up to its last complete chunk, the error
 * sticks and close returns it. After the cause is gone, clear_error lets the
 * buffered records be written and the file closed cleanly.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include "testutil.h"

static void set_fsize(rlim_t lim)
{
	struct rlimit rl;

	REQUIRE(!getrlimit(RLIMIT_FSIZE, &rl), "getrlimit");
	rl.rlim_cur = lim;
	REQUIRE(!setrlimit(RLIMIT_FSIZE, &rl), "setrlimit: %s", strerror(errno));
}

static size_t read_count(const char *path, const struct test_rec *recs, int *rc, const char **warn,
			 struct tclog_reader **keep)
{
	char err[512] = "";
	struct tclog_reader *r = tclog_reader_open(path, err, sizeof(err));
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	size_t got = 0;

	REQUIRE(r, "open: %s", err);
	while ((*rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err))) == 1) {
		CHECK(record_equal(rec, bytes, &recs[got]), "record %zu differs", got);
		got++;
	}
	*warn = tclog_reader_warning(r);
	*keep = r;
	return got;
}

/* Appends until the limit bites; returns how many records were accepted. */
static size_t fill(struct tclog_writer *w, const struct test_rec *recs, size_t n, int *err)
{
	size_t i;

	*err = 0;
	for (i = 0; i < n; i++) {
		*err = tclog_writer_append(w, &recs[i].rec, recs[i].bytes);
		if (*err) {
			i++; /* buffered before the flush that failed */
			break;
		}
	}
	return i;
}

static void run(int recover, const struct tclog_header *h, const struct test_rec *recs, size_t n)
{
	const char *path = test_path(recover ? "recover.tclog" : "full-disk.tclog");
	const rlim_t limit = 30000;
	struct tclog_writer *w;
	struct tclog_reader *r;
	const char *warn;
	size_t accepted, got;
	uint64_t on_disk;
	int err, rc;

	set_fsize(RLIM_INFINITY);
	w = tclog_writer_open(path, h);
	REQUIRE(w, "open: %s", strerror(errno));
	REQUIRE(!tclog_writer_set_chunk_target(w, 2000), "chunk target");
	set_fsize(limit);
	accepted = fill(w, recs, n, &err);
	CHECK(err == -EFBIG, "append ended with %d (%s), expected -EFBIG", err, strerror(-err));
	CHECK(tclog_writer_append(w, &recs[0].rec, recs[0].bytes) == -EFBIG, "error not sticky");
	on_disk = tclog_writer_bytes(w);
	CHECK(file_size(path) == on_disk, "file is %llu bytes, writer says %llu: half a chunk left",
	      (unsigned long long)file_size(path), (unsigned long long)on_disk);
	CHECK(on_disk <= limit, "wrote past the limit");
	if (recover) {
		set_fsize(RLIM_INFINITY);
		CHECK(tclog_writer_clear_error(w) == 0, "clear_error");
		CHECK(tclog_writer_close(w, NULL) == 0, "close after recovery");
		got = read_count(path, recs, &rc, &warn, &r);
		CHECK(rc == 0 && got == accepted && !warn,
		      "after recovery: rc %d, %zu of %zu records, warning %s", rc, got, accepted,
		      warn ? warn : "(none)");
		CHECK(!tclog_reader_index_rebuilt(r), "trailer missing after recovery");
	} else {
		CHECK(tclog_writer_close(w, NULL) == -EFBIG, "close did not report the write error");
		set_fsize(RLIM_INFINITY);
		CHECK(file_size(path) == on_disk, "close changed a failed file");
		got = read_count(path, recs, &rc, &warn, &r);
		CHECK(rc == 0 && got > 0 && got < accepted && warn && strstr(warn, "no trailer"),
		      "failed file: rc %d, %zu of %zu records, warning %s", rc, got, accepted,
		      warn ? warn : "(none)");
	}
	printf("%s: %zu records accepted, %zu read back, %llu bytes on disk\n",
	       recover ? "recovered" : "failed", accepted, got, (unsigned long long)file_size(path));
	tclog_reader_close(r);
}

int main(void)
{
	uint64_t seed = 0xf111ull, ts = 1;
	const size_t n = 2000;
	struct test_rec *recs = calloc(n, sizeof(*recs));
	struct tclog_header h;

	REQUIRE(recs, "out of memory");
	/* Beyond RLIMIT_FSIZE write() fails with EFBIG only if SIGXFSZ does not kill us. */
	signal(SIGXFSZ, SIG_IGN);
	make_header(&seed, &h, 2, 0);
	for (size_t i = 0; i < n; i++)
		make_record(&seed, i, 100, &ts, &recs[i]);
	run(0, &h, recs, n);
	run(1, &h, recs, n);
	free_records(recs, n);
	test_cleanup();
	if (test_failures)
		fprintf(stderr, "%d checks failed\n", test_failures);
	return test_failures ? 1 : 0;
}
