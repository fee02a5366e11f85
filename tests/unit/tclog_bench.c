/* SPDX-License-Identifier: MIT */
/*
 * Log format figures on real traffic: records are built from the packets
 * of pcap traces (parsed by formats/packet_parse.h, as the capture program
 * would fill them), written metadata only and with 128 captured bytes, read
 * back and compared. Prints bytes per record on disk and records per
 * CPU-second (user + system) for writing and reading. Exit 1 when anything read back differs.
 *
 * A second table gives the cost of process attribution on disk: the same
 * records without and with sockets (pcap2tclog --sockets' assignment,
 * tests/unit/flow_owner.h), in encodings 1 and 2, chunks cut as the
 * recorder cuts them (1 MiB raw, or once a second of packet time). Every
 * record's socket is read back and compared.
 *
 * usage: tclog_bench [-n MIN_RECORDS] TRACE.pcap...
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "formats/packet_parse.h"
#include "testutil.h"
#include "tests/unit/flow_owner.h"

struct trace {
	struct test_rec *recs;
	size_t n;
	size_t cap;
};

static int load(const char *path, struct trace *t)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	struct pcap_pkthdr *ph;
	const u_char *data;

	if (!pc) {
		fprintf(stderr, "%s: %s\n", path, errbuf);
		return -1;
	}
	while (pcap_next_ex(pc, &ph, &data) == 1) {
		struct test_rec *tr;
		struct packet_l3 l3;

		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 4096;
			t->recs = realloc(t->recs, t->cap * sizeof(*t->recs));
			REQUIRE(t->recs, "out of memory");
		}
		tr = &t->recs[t->n++];
		memset(tr, 0, sizeof(*tr));
		tr->rec.ts_ns = (uint64_t)ph->ts.tv_sec * 1000000000ull + (uint64_t)ph->ts.tv_usec;
		tr->rec.ifindex = 2;
		tr->rec.wire_len = ph->len;
		tr->rec.cap_len = ph->caplen < 128 ? ph->caplen : 128;
		packet_parse(PACKET_DLT_EN10MB, data, ph->caplen, &tr->rec, &l3);
		tr->bytes = malloc(tr->rec.cap_len ? tr->rec.cap_len : 1);
		REQUIRE(tr->bytes, "out of memory");
		memcpy(tr->bytes, data, tr->rec.cap_len);
	}
	pcap_close(pc);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	/* CPU time, not wall time: the figure must not depend on what else the
	 * (shared) machine is doing. */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes reps copies of the trace (times shifted) with snap bytes each;
 * returns bytes on disk and fills the speeds. Reads back and compares. */
static uint64_t run(const char *path, const struct trace *t, uint32_t snap, size_t reps,
		    double *wps, double *rps)
{
	struct tclog_header h = { .snaplen = snap, .snap_cap = TCREC_SNAP_MAX, .n_ifaces = 1 };
	struct tclog_writer *w;
	struct tclog_reader *r;
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	char err[512] = "";
	uint64_t span = t->recs[t->n - 1].rec.ts_ns - t->recs[0].rec.ts_ns + 1000, size;
	size_t got = 0;
	double t0;
	int rc;

	strcpy(h.host, "bench");
	strcpy(h.ifaces[0].name, "eth0");
	h.ifaces[0].ifindex = 2;
	w = tclog_writer_open(path, &h);
	REQUIRE(w, "open %s: %s", path, strerror(errno));
	t0 = now();
	for (size_t k = 0; k < reps; k++)
		for (size_t i = 0; i < t->n; i++) {
			struct tcrec_record rr = t->recs[i].rec;

			rr.ts_ns += k * span;
			rr.cap_len = snap < rr.cap_len ? snap : rr.cap_len;
			rc = tclog_writer_append(w, &rr, t->recs[i].bytes);
			REQUIRE(!rc, "append: %s", strerror(-rc));
		}
	rc = tclog_writer_close(w, NULL);
	REQUIRE(!rc, "close: %s", strerror(-rc));
	*wps = (double)(reps * t->n) / (now() - t0);
	size = file_size(path);

	r = tclog_reader_open(path, err, sizeof(err));
	REQUIRE(r, "open: %s", err);
	t0 = now();
	while ((rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err))) == 1) {
		const struct test_rec *o = &t->recs[got % t->n];
		uint32_t cap = snap < o->rec.cap_len ? snap : o->rec.cap_len;

		CHECK(rec->ts_ns == o->rec.ts_ns + (got / t->n) * span && rec->cap_len == cap &&
			      !memcmp((const uint8_t *)rec + 8, (const uint8_t *)&o->rec + 8, 28) &&
			      !memcmp(rec->saddr, o->rec.saddr, 128 - 40) && !memcmp(bytes, o->bytes, cap),
		      "record %zu differs", got);
		got++;
	}
	*rps = (double)got / (now() - t0);
	CHECK(rc == 0 && got == reps * t->n, "read %zu of %zu: %s", got, reps * t->n, err);
	tclog_reader_close(r);
	return size;
}

/* Writes the trace metadata only, in encoding enc, with sockets or not
 * (the same directions either way: a socket's packets from its local end
 * are egress); reads it back and checks every socket. Bytes on disk. */
static uint64_t sock_run(const char *path, const struct trace *t, uint16_t enc,
			 struct flow_owners *own, bool with)
{
	struct tclog_header h = { .snap_cap = TCREC_SNAP_MAX, .n_ifaces = 1 };
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	struct tclog_writer *w;
	struct tclog_reader *r;
	uint64_t chunk_ns = 0, size;
	char err[512] = "";
	size_t got = 0;
	bool is_new;
	int rc;

	strcpy(h.ifaces[0].name, "eth0");
	w = tclog_writer_open(path, &h);
	REQUIRE(w && !tclog_writer_set_encoding(w, enc), "open %s: %s", path, strerror(errno));
	for (size_t i = 0; i < t->n; i++) {
		struct tcrec_record rr = t->recs[i].rec;
		const struct tclog_sock *s = flow_owner_of(own, &rr, &is_new);

		rr.cap_len = 0;
		if (s)
			rr.dir = flow_owner_is_local_src(s, &rr) ? TCREC_DIR_OUT : TCREC_DIR_IN;
		if (!with)
			s = NULL;
		rr.sock_cookie = s ? s->cookie : 0;
		/* the recorder writes a chunk at least once a second */
		if (i && rr.ts_ns - chunk_ns >= 1000000000ull)
			REQUIRE(!tclog_writer_flush(w), "flush");
		if (!i || rr.ts_ns - chunk_ns >= 1000000000ull)
			chunk_ns = rr.ts_ns;
		rc = tclog_writer_append_sock(w, &rr, NULL, s);
		REQUIRE(!rc, "append: %s", strerror(-rc));
	}
	REQUIRE(!tclog_writer_close(w, NULL), "close");
	size = file_size(path);
	r = tclog_reader_open(path, err, sizeof(err));
	REQUIRE(r, "open: %s", err);
	while ((rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err))) == 1) {
		const struct tclog_sock *s = with ? flow_owner_of(own, &t->recs[got].rec, &is_new) : NULL;
		const struct tclog_sock *rs = tclog_reader_sock(r);

		CHECK(rec->sock_cookie == (s ? s->cookie : 0) && !s == !rs &&
			      (!s || sock_equal(s, rs)),
		      "record %zu: socket differs", got);
		got++;
	}
	CHECK(rc == 0 && got == t->n, "read %zu of %zu: %s", got, t->n, err);
	tclog_reader_close(r);
	return size;
}

/* One row of the attribution cost table; adds to sum[4]. */
static void sock_row(const char *name, const struct trace *t, uint64_t sum[4])
{
	struct flow_owners own = { 0 };
	uint64_t b[4];

	for (int e = 0; e < 2; e++) {
		b[2 * e] = sock_run(test_path("bench-nosock.tclog"), t, (uint16_t)(e + 1), &own, false);
		b[2 * e + 1] = sock_run(test_path("bench-sock.tclog"), t, (uint16_t)(e + 1), &own, true);
	}
	printf("| %s | %zu | %zu | %.2f | %.2f | %+.2f | %.2f | %.2f | %+.2f |\n", name, t->n, own.n,
	       (double)b[0] / (double)t->n, (double)b[1] / (double)t->n,
	       ((double)b[1] - (double)b[0]) / (double)t->n, (double)b[2] / (double)t->n,
	       (double)b[3] / (double)t->n, ((double)b[3] - (double)b[2]) / (double)t->n);
	for (int i = 0; i < 4; i++)
		sum[i] += b[i];
	free(own.v);
}

static void sock_table(int argc, char **argv, int first)
{
	uint64_t sum[4] = { 0 };
	size_t total = 0;

	printf("\nProcess attribution on disk, metadata only (B/packet; +socks: pcap2tclog --sockets):\n");
	printf("| trace | packets | sockets | enc 1 | enc 1 +socks | delta | enc 2 | enc 2 +socks | delta |\n");
	printf("|---|---|---|---|---|---|---|---|---|\n");
	for (int a = first; a < argc; a++) {
		struct trace t = { 0 };
		const char *name = strrchr(argv[a], '/') ? strrchr(argv[a], '/') + 1 : argv[a];

		if (load(argv[a], &t))
			exit(1);
		if (t.n)
			sock_row(name, &t, sum);
		total += t.n;
		free_records(t.recs, t.n);
	}
	if (!total)
		return;
	printf("| all | %zu | | %.2f | %.2f | %+.2f | %.2f | %.2f | %+.2f |\n", total,
	       (double)sum[0] / (double)total, (double)sum[1] / (double)total,
	       ((double)sum[1] - (double)sum[0]) / (double)total, (double)sum[2] / (double)total,
	       (double)sum[3] / (double)total, ((double)sum[3] - (double)sum[2]) / (double)total);
}

int main(int argc, char **argv)
{
	size_t min_records = 1000000, total = 0;
	uint64_t meta_bytes = 0, snap_bytes = 0;
	int opt;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt == 'n') {
			min_records = strtoul(optarg, NULL, 10);
		} else {
			fprintf(stderr, "usage: %s [-n MIN_RECORDS] TRACE.pcap...\n", argv[0]);
			return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "usage: %s [-n MIN_RECORDS] TRACE.pcap...\n", argv[0]);
		return 2;
	}
	printf("| trace | packets | metadata B/rec | -s 128 B/rec | write rec/CPU-s (meta) | read rec/CPU-s (meta) |\n");
	printf("|---|---|---|---|---|---|\n");
	for (int a = optind; a < argc; a++) {
		struct trace t = { 0 };
		const char *name = strrchr(argv[a], '/') ? strrchr(argv[a], '/') + 1 : argv[a];
		double wps, rps, w2, r2;
		uint64_t m, s;
		size_t reps;

		if (load(argv[a], &t))
			return 1;
		if (!t.n)
			continue;
		/* Per-trace size: one copy; speed: enough copies for a stable figure. */
		m = run(test_path("bench-meta.tclog"), &t, 0, 1, &wps, &rps);
		s = run(test_path("bench-snap.tclog"), &t, 128, 1, &w2, &r2);
		reps = (min_records + t.n - 1) / t.n;
		run(test_path("bench-speed.tclog"), &t, 0, reps, &wps, &rps);
		printf("| %s | %zu | %.1f | %.1f | %.2fM | %.2fM |\n", name, t.n, (double)m / (double)t.n,
		       (double)s / (double)t.n, wps / 1e6, rps / 1e6);
		meta_bytes += m;
		snap_bytes += s;
		total += t.n;
		free_records(t.recs, t.n);
	}
	printf("| all | %zu | %.1f | %.1f | | |\n", total, (double)meta_bytes / (double)total,
	       (double)snap_bytes / (double)total);
	sock_table(argc, argv, optind);
	test_cleanup();
	return test_failures ? 1 : 0;
}
