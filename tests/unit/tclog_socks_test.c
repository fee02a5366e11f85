/* SPDX-License-Identifier: MIT */
/*
 * Sockets in logs (format v3): every record's socket comes back, through
 * chunks read in order, chunks read alone (seek_chunk), a resync after a
 * damaged chunk, in both encodings; v1 and v2 logs read with no sockets;
 * the writer's checks and its table cap; hostile socket tables and
 * references are clean damage.
 */
#include <errno.h>
#include <string.h>
#include <zstd.h>

#include "formats/tclog_crc32c.h"
#include "formats/tclog_v1.h"
#include "testutil.h"

#define N_RECS 6000
#define N_SOCKS 1500

static struct tclog_sock socks[N_SOCKS];

static void make_socks(uint64_t *seed)
{
	static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789-._/";

	for (uint32_t k = 0; k < N_SOCKS; k++) {
		struct tclog_sock *s = &socks[k];
		size_t lc = k % 16, lg = k % 7 == 0 ? 255 : (k * 13) % 200, lt = k % 4 ? 0 : 63;

		memset(s, 0, sizeof(*s));
		rnd_bytes(seed, s, offsetof(struct tclog_sock, comm));
		s->cookie = (k % 3 == 0) ? UINT64_MAX - k : 100 + 7 * (uint64_t)k;
		s->family = k % 5 == 3 ? 0 : k % 2 ? 4 : 6;
		if (s->family == 4) {
			memset(s->laddr + 4, 0, 12);
			memset(s->raddr + 4, 0, 12);
		}
		for (size_t i = 0; i < lc; i++)
			s->comm[i] = al[rnd_next(seed) % (sizeof(al) - 1)];
		for (size_t i = 0; i < lg; i++)
			s->cgroup[i] = al[rnd_next(seed) % (sizeof(al) - 1)];
		for (size_t i = 0; i < lt; i++)
			s->container[i] = al[rnd_next(seed) % 16];
	}
}

/* The socket of record i: NULL for one in six; runs of a socket, some
 * coming back much later (in another chunk). */
static const struct tclog_sock *sock_for(size_t i)
{
	if (i % 6 == 1)
		return NULL;
	return &socks[(i / 4 + (i % 5 == 0 ? 700 : 0)) % N_SOCKS];
}

static void tuple_into(const struct tclog_sock *s, int out, struct tcrec_record *r)
{
	r->flags = (uint16_t)((r->flags & ~(TCREC_F_IPV4 | TCREC_F_IPV6)) |
			      (s->family == 4 ? TCREC_F_IPV4 : TCREC_F_IPV6));
	r->ip_proto = s->proto;
	r->dir = (uint8_t)out;
	r->sport = out ? s->lport : s->rport;
	r->dport = out ? s->rport : s->lport;
	memcpy(r->saddr, out ? s->laddr : s->raddr, 16);
	memcpy(r->daddr, out ? s->raddr : s->laddr, 16);
}

static void make_recs(uint64_t *seed, struct test_rec *recs, size_t n)
{
	uint64_t ts = 1795312345000000000ull;

	for (size_t i = 0; i < n; i++) {
		const struct tclog_sock *s = sock_for(i);

		make_record(seed, i, 64, &ts, &recs[i]);
		recs[i].rec.sock_cookie = s ? s->cookie : 0;
		/* most sockets' records carry their tuple, in both directions
		 * (the table then leaves it out); others differ (it is kept) */
		if (s && s->family && (s->cookie & 3) != 1)
			tuple_into(s, i % 2, &recs[i].rec);
	}
}

/* Writes recs with their sockets in the given version and encoding;
 * chunk_end, when set, ends the chunks of records (no trailer). */
static void write_socks(const char *path, unsigned version, uint16_t enc, const struct test_rec *recs,
			size_t n, uint64_t *chunk_end)
{
	struct tclog_header h;
	uint64_t seed = 9;
	struct tclog_writer *w;

	make_header(&seed, &h, 2, 10);
	w = tclog_writer_open_version(path, &h, version);
	REQUIRE(w, "open %s: %s", path, strerror(errno));
	REQUIRE(!tclog_writer_set_chunk_target(w, 16384), "chunk target");
	REQUIRE(!tclog_writer_set_encoding(w, enc), "encoding %u", enc);
	for (size_t i = 0; i < n; i++)
		REQUIRE(!tclog_writer_append_sock(w, &recs[i].rec, recs[i].bytes, sock_for(i)),
			"append %zu", i);
	if (chunk_end) {
		REQUIRE(!tclog_writer_flush(w), "flush");
		*chunk_end = tclog_writer_bytes(w);
	}
	REQUIRE(!tclog_writer_close(w, NULL), "close");
}

/* The record read is record i, with its socket (none before v3). */
static int same_rec(struct tclog_reader *r, const struct tcrec_record *rec, const uint8_t *bytes,
		    const struct test_rec *want, size_t i, int v3)
{
	const struct tclog_sock *s = v3 ? sock_for(i) : NULL, *got = tclog_reader_sock(r);
	struct test_rec w = *want;

	w.rec.sock_cookie = s ? s->cookie : 0;
	return record_equal(rec, bytes, &w) && !s == !got && (!s || sock_equal(s, got));
}

static void check_in_order(const char *path, const struct test_rec *recs, size_t n, int v3)
{
	char err[512] = "";
	struct tclog_reader *r = tclog_reader_open(path, err, sizeof(err));
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	size_t got = 0;
	int rc;

	REQUIRE(r, "open %s: %s", path, err);
	CHECK(!tclog_reader_sock(r), "a socket before any record");
	while ((rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err))) == 1) {
		CHECK(got < n && same_rec(r, rec, bytes, &recs[got], got, v3), "%s: record %zu differs",
		      path, got);
		got++;
	}
	CHECK(rc == 0 && got == n, "%s: read %zu of %zu: %s", path, got, n, err);
	tclog_reader_close(r);
}

/* Every chunk alone, last first: its table is all it needs. */
static void check_chunks_alone(const char *path, const struct test_rec *recs, size_t n)
{
	char err[512] = "";
	struct tclog_reader *r = tclog_reader_open(path, err, sizeof(err));
	const struct tclog_chunk_info *idx;
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	size_t nc, start = n;

	REQUIRE(r && !tclog_reader_index(r, &idx, &nc, err, sizeof(err)), "index %s: %s", path, err);
	CHECK(nc >= 10, "%s: only %zu chunks", path, nc);
	for (size_t c = nc; c-- > 0;) {
		start -= idx[c].records;
		REQUIRE(!tclog_reader_seek_chunk(r, c, err, sizeof(err)), "seek %zu: %s", c, err);
		for (uint32_t k = 0; k < idx[c].records; k++) {
			int rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err));

			CHECK(rc == 1 && same_rec(r, rec, bytes, &recs[start + k], start + k, 1),
			      "%s: chunk %zu record %u differs (%s)", path, c, k, err);
		}
	}
	CHECK(start == 0, "%s: the chunks hold %zu records too few", path, start);
	tclog_reader_close(r);
}

static void roundtrip(const struct test_rec *recs)
{
	for (uint16_t enc = 1; enc <= 2; enc++) {
		const char *p = test_path(enc == 1 ? "socks-enc1.tclog" : "socks-enc2.tclog");

		write_socks(p, 3, enc, recs, N_RECS, NULL);
		check_in_order(p, recs, N_RECS, 1);
		check_chunks_alone(p, recs, N_RECS);
	}
	/* older versions: the same appends, records without sockets */
	for (unsigned v = 1; v <= 2; v++) {
		const char *p = test_path(v == 1 ? "socks-v1.tclog" : "socks-v2.tclog");
		struct test_rec *old = malloc(N_RECS * sizeof(*old));

		REQUIRE(old, "out of memory");
		memcpy(old, recs, N_RECS * sizeof(*old));
		for (size_t i = 0; i < N_RECS; i++)
			old[i].rec.ifindex = 0; /* v1 names the interface by ifindex */
		if (v == 1) {
			struct tclog_header h;
			uint64_t seed = 9;

			make_header(&seed, &h, 2, 10);
			for (size_t i = 0; i < N_RECS; i++)
				old[i].rec.ifindex = h.ifaces[0].ifindex;
		}
		write_socks(p, v, 2, old, N_RECS, NULL);
		check_in_order(p, old, N_RECS, 0);
		free(old);
	}
}

static void writer_checks(const struct test_rec *recs)
{
	struct tclog_header h;
	uint64_t seed = 3;
	struct tclog_writer *w;
	struct tclog_sock s = socks[1];
	struct tcrec_record r = recs[0].rec;

	make_header(&seed, &h, 1, 0);
	w = tclog_writer_open(test_path("checks.tclog"), &h);
	REQUIRE(w, "open");
	r.sock_cookie = s.cookie + 1;
	CHECK(tclog_writer_append_sock(w, &r, recs[0].bytes, &s) == -EINVAL, "cookie mismatch taken");
	r.sock_cookie = s.cookie;
	memset(s.comm, 'x', sizeof(s.comm));
	CHECK(tclog_writer_append_sock(w, &r, recs[0].bytes, &s) == -EINVAL, "comm without NUL taken");
	s = socks[1];
	s.cookie = r.sock_cookie = 0;
	CHECK(tclog_writer_append_sock(w, &r, recs[0].bytes, &s) == -EINVAL, "cookie 0 taken");
	r.sock_cookie = 77; /* without a socket, the cookie is not kept */
	CHECK(!tclog_writer_append_sock(w, &r, recs[0].bytes, NULL), "no socket refused");
	CHECK(!tclog_writer_close(w, NULL), "a refused record poisoned the writer");
}

/* More sockets than a table holds: the writer cuts the chunk. */
static void table_cap(void)
{
	const size_t n = 70000;
	const char *p = test_path("cap.tclog");
	struct tclog_header h = { .n_ifaces = 1 };
	struct tclog_writer *w = tclog_writer_open(p, &h);
	struct tclog_sock s = { .pid = 1 };
	struct tcrec_record r = { .ts_ns = 1 };
	const struct tclog_chunk_info *idx;
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	char err[512] = "";
	struct tclog_reader *rd;
	size_t nc, got = 0;

	REQUIRE(w && !tclog_writer_set_chunk_target(w, 16u << 20), "open");
	for (size_t i = 0; i < n; i++) {
		s.cookie = r.sock_cookie = 1 + i;
		REQUIRE(!tclog_writer_append_sock(w, &r, NULL, &s), "append %zu", i);
	}
	REQUIRE(!tclog_writer_close(w, NULL), "close");
	rd = tclog_reader_open(p, err, sizeof(err));
	REQUIRE(rd && !tclog_reader_index(rd, &idx, &nc, err, sizeof(err)), "%s", err);
	CHECK(nc == 2 && idx[0].records == 65535, "chunks: %zu, first of %u records", nc, idx[0].records);
	while (tclog_reader_next(rd, &rec, &bytes, err, sizeof(err)) == 1) {
		const struct tclog_sock *got_s = tclog_reader_sock(rd);

		CHECK(rec->sock_cookie == got + 1 && got_s && got_s->cookie == got + 1 && got_s->pid == 1,
		      "record %zu: socket %llu", got, (unsigned long long)rec->sock_cookie);
		got++;
	}
	CHECK(got == n, "read %zu of %zu: %s", got, n, err);
	tclog_reader_close(rd);
}

/* ---- hostile socket tables: clean damage, then the next chunk reads ---- */

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void set32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

enum mut { M_COUNT_CAP, M_COUNT_RECS, M_OWNERS, M_TLEN, M_COMM_LEN, M_NUL, M_COOKIE0, M_OWNER_REF,
	   M_REF, M_LEFTOVER, M_EMPTY_TABLE, M_COUNT };

/* Applies m to the raw payload of a v3 chunk of `records` records (room
 * for one more byte at the end); returns the new length. */
static size_t mutate(uint8_t *raw, size_t len, uint32_t records, enum mut m)
{
	uint32_t tlen = get32(raw), no = get32(raw + 4), n = get32(raw + 8);
	size_t strs = 12 + 20 * (size_t)no, cg = strs, sk;

	for (uint32_t i = 0; i < no; i++) /* past the comms: the first cgroup */
		cg += 1 + raw[cg];
	sk = cg;
	for (uint32_t i = 0; i < 2 * no; i++) /* past cgroups and containers: the sockets */
		sk += 1 + raw[sk];
	switch (m) {
	case M_COUNT_CAP: set32(raw + 8, 65536); break;
	case M_COUNT_RECS: set32(raw + 8, records + 1); break;
	case M_OWNERS: set32(raw + 4, n + 1); break;
	case M_TLEN: set32(raw, (uint32_t)len); break;
	case M_COMM_LEN: raw[strs] = 16; break;
	case M_NUL: raw[cg + 1] = 0; break; /* the first cgroup is 255 bytes long */
	case M_COOKIE0: { /* the first cookie's varint becomes 0 */
		size_t l = 1;

		while (raw[sk + l - 1] & 0x80)
			l++;
		memmove(raw + sk + 1, raw + sk + l, len - sk - l);
		raw[sk] = 0;
		set32(raw, tlen - (uint32_t)(l - 1));
		return len - (l - 1);
	}
	case M_OWNER_REF: /* past the cookies' varints: socket 0's owner */
		for (uint32_t i = 0; i < n; i++)
			while (raw[sk++] & 0x80)
				;
		raw[sk] = (uint8_t)no;
		raw[sk + 1] = (uint8_t)(no >> 8);
		break;
	case M_REF:
		raw[4 + tlen + 126] = (uint8_t)(n + 1);
		raw[4 + tlen + 127] = (uint8_t)((n + 1) >> 8);
		break;
	case M_LEFTOVER:
		memmove(raw + 4 + tlen + 1, raw + 4 + tlen, len - 4 - tlen);
		raw[4 + tlen] = 0;
		set32(raw, tlen + 1);
		return len + 1;
	case M_EMPTY_TABLE: /* records keep referring to sockets */
		memmove(raw + 12, raw + 4 + tlen, len - 4 - tlen);
		set32(raw, 8);
		set32(raw + 4, 0);
		set32(raw + 8, 0);
		return len - tlen + 8;
	case M_COUNT: break;
	}
	return len;
}

/* The file at path with chunk 0's payload mutated (the rest up to end
 * kept), written to out. Returns the number of records of chunk 0. */
static uint32_t rewrite_chunk0(const char *path, uint64_t end, enum mut m, const char *out)
{
	uint8_t *f, *raw, *comp, *o;
	size_t flen, len, clen;
	uint32_t h, rec;

	REQUIRE(!read_file(path, &f, &flen) && end <= flen, "read %s", path);
	h = get32(f + 12);
	len = get32(f + h + 12);
	rec = get32(f + h + 8);
	raw = malloc(len + 1);
	comp = malloc(ZSTD_compressBound(len + 1));
	o = malloc(end + ZSTD_compressBound(len + 1));
	REQUIRE(raw && comp && o, "out of memory");
	REQUIRE(ZSTD_decompress(raw, len, f + h + 48, get32(f + h + 16)) == len, "decompress");
	len = mutate(raw, len, rec, m);
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	clen = ZSTD_compress2(cc, comp, ZSTD_compressBound(len), raw, len);
	ZSTD_freeCCtx(cc);
	REQUIRE(!ZSTD_isError(clen), "compress");
	memcpy(o, f, h + 48);
	set32(o + h + 12, (uint32_t)len);
	set32(o + h + 16, (uint32_t)clen);
	set32(o + h + 20, tclog_crc32c(0, comp, clen));
	set32(o + h + 44, tclog_crc32c(0, o + h, 44));
	memcpy(o + h + 48, comp, clen);
	memcpy(o + h + 48 + clen, f + h + 48 + get32(f + h + 16), end - (h + 48 + get32(f + h + 16)));
	REQUIRE(!write_file(out, o, end - get32(f + h + 16) + clen), "write %s", out);
	free(f);
	free(raw);
	free(comp);
	free(o);
	return rec;
}

static void hostile(const struct test_rec *recs)
{
	const size_t n = 1200;
	uint64_t end;

	for (uint16_t enc = 1; enc <= 2; enc++) {
		char src[512]; /* test_path's buffers rotate */

		snprintf(src, sizeof(src), "%s", test_path("hostile-src.tclog"));

		write_socks(src, 3, enc, recs, n, &end);
		for (int m = 0; m < M_COUNT; m++) {
			const char *p = test_path("hostile.tclog");
			char err[512] = "";
			struct tclog_reader *r;
			struct tclog_resync rs;
			const struct tcrec_record *rec;
			const uint8_t *bytes;
			uint32_t k0;
			size_t got = 0;
			int rc;

			if (enc == 2 && m == M_REF)
				continue; /* encoding 2's references are varints: M_EMPTY_TABLE */
			k0 = rewrite_chunk0(src, end, (enum mut)m, p);
			r = tclog_reader_open(p, err, sizeof(err));
			REQUIRE(r, "open: %s", err);
			rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err));
			CHECK(rc == -1 && strstr(err, "socket") && !tclog_reader_sock(r),
			      "enc %u mutation %d: %d: %s", enc, m, rc, err);
			CHECK(!tclog_reader_resync(r, &rs, err, sizeof(err)) && !rs.at_end,
			      "enc %u mutation %d: resync: %s", enc, m, err);
			while ((rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err))) == 1) {
				CHECK(k0 + got < n && same_rec(r, rec, bytes, &recs[k0 + got], k0 + got, 1),
				      "enc %u mutation %d: record %zu after the resync", enc, m, k0 + got);
				got++;
			}
			CHECK(rc == 0 && k0 + got == n, "enc %u mutation %d: %zu + %zu of %zu: %s", enc, m,
			      (size_t)k0, got, n, err);
			tclog_reader_close(r);
		}
	}
}

int main(void)
{
	uint64_t seed = 0x50c5ull;
	struct test_rec *recs = calloc(N_RECS, sizeof(*recs));

	REQUIRE(recs, "out of memory");
	make_socks(&seed);
	make_recs(&seed, recs, N_RECS);
	roundtrip(recs);
	writer_checks(recs);
	table_cap();
	hostile(recs);
	free_records(recs, N_RECS);
	test_cleanup();
	if (test_failures)
		fprintf(stderr, "%d checks failed\n", test_failures);
	return test_failures ? 1 : 0;
}
