/* SPDX-License-Identifier: MIT */
/*
 * Logs of format version 1 stay readable. The v1 files here are made by a
 * small writer written from the v1 specification (32-byte interface
 * entries, records naming interfaces by ifindex, encoding 1 chunks, index
 * entries with a zero reserved field), not by tcrec's writer: every record,
 * interface and counter must come back, with and without trailer.
 */
#include <errno.h>
#include <string.h>
#include <zstd.h>

#include "formats/tclog_codec.h"
#include "formats/tclog_crc32c.h"
#include "testutil.h"

#define N_RECS 500
#define PER_CHUNK 100

static uint8_t file[1 << 20];
static size_t flen;

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static void put_str(const char *s)
{
	size_t n = strlen(s);

	put16(file + flen, (uint16_t)n);
	memcpy(file + flen + 2, s, n);
	flen += 2 + n;
}

static void v1_header(const struct tclog_header *h)
{
	memcpy(file, "TCRECLOG", 8);
	put16(file + 8, 1);
	put16(file + 10, 0);
	put64(file + 16, h->start_ns);
	put64(file + 24, (uint64_t)h->clock_offset_ns);
	put32(file + 32, h->snaplen);
	put32(file + 36, h->snap_cap);
	flen = 40;
	put_str(h->host);
	put_str(h->kernel);
	put_str(h->filter);
	put16(file + flen, (uint16_t)h->n_ifaces);
	flen += 2;
	for (uint32_t i = 0; i < h->n_ifaces; i++, flen += 32) {
		const struct tclog_iface *f = &h->ifaces[i];

		put32(file + flen, f->ifindex);
		put32(file + flen + 4, f->mtu);
		memcpy(file + flen + 8, f->mac, 6);
		put16(file + flen + 14, f->link_flags);
		memset(file + flen + 16, 0, 16);
		memcpy(file + flen + 16, f->name, strlen(f->name));
	}
	put32(file + 12, (uint32_t)(flen + 4));
	put32(file + flen, tclog_crc32c(0, file, flen));
	flen += 4;
}

/* One encoding-1 chunk of recs[0..n); its index entry goes to *e. */
static void v1_chunk(const struct test_rec *recs, size_t n, struct tclog_chunk_info *e)
{
	static uint8_t raw[PER_CHUNK * (128 + 64)];
	size_t rlen = 0, clen;
	uint8_t *h = file + flen;

	e->offset = flen;
	e->records = (uint32_t)n;
	e->first_ns = UINT64_MAX;
	e->last_ns = 0;
	for (size_t i = 0; i < n; i++) {
		tclog_record_put(raw + rlen, &recs[i].rec);
		if (recs[i].rec.cap_len) /* metadata-only records have no bytes (NULL) */
			memcpy(raw + rlen + 128, recs[i].bytes, recs[i].rec.cap_len);
		rlen += 128 + recs[i].rec.cap_len;
		if (recs[i].rec.ts_ns < e->first_ns)
			e->first_ns = recs[i].rec.ts_ns;
		if (recs[i].rec.ts_ns > e->last_ns)
			e->last_ns = recs[i].rec.ts_ns;
	}
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	REQUIRE(cc, "zstd");
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 1);
	clen = ZSTD_compress2(cc, h + 48, sizeof(file) - flen - 48, raw, rlen);
	ZSTD_freeCCtx(cc);
	REQUIRE(!ZSTD_isError(clen), "zstd compress");
	memcpy(h, "TCCK", 4);
	put16(h + 4, 1);
	put16(h + 6, 0);
	put32(h + 8, (uint32_t)n);
	put32(h + 12, (uint32_t)rlen);
	put32(h + 16, (uint32_t)clen);
	put32(h + 20, tclog_crc32c(0, h + 48, clen));
	put64(h + 24, e->first_ns);
	put64(h + 32, e->last_ns);
	put32(h + 40, 0);
	put32(h + 44, tclog_crc32c(0, h, 44));
	flen += 48 + clen;
}

static void v1_trailer(const struct tclog_chunk_info *idx, size_t n, const struct tclog_final *fin,
		       uint32_t slots)
{
	uint8_t *t = file + flen;
	size_t len = 36 + 32 * n + 64 * (size_t)slots, off = 32;

	memcpy(t, "TCTR", 4);
	put32(t + 4, (uint32_t)len);
	put32(t + 8, (uint32_t)n);
	put32(t + 12, slots);
	put32(t + 16, 1);
	put32(t + 20, 0);
	put64(t + 24, N_RECS);
	for (size_t i = 0; i < n; i++, off += 32) {
		put64(t + off, idx[i].offset);
		put64(t + off + 8, idx[i].first_ns);
		put64(t + off + 16, idx[i].last_ns);
		put32(t + off + 24, idx[i].records);
		put32(t + off + 28, 0);
	}
	for (uint32_t s = 0; s < slots; s++)
		for (int d = 0; d < 2; d++, off += 32) {
			put64(t + off, fin->c[s][d].seen);
			put64(t + off + 8, fin->c[s][d].recorded);
			put64(t + off + 16, fin->c[s][d].filtered);
			put64(t + off + 24, fin->c[s][d].dropped);
		}
	put32(t + off, tclog_crc32c(0, t, off));
	uint8_t *f = t + len;
	put64(f, flen);
	put32(f + 8, (uint32_t)len);
	put32(f + 12, tclog_crc32c(0, f, 12));
	memcpy(f + 16, "TCLOGEND", 8);
	flen += len + 24;
}

static void read_back(const char *path, const struct tclog_header *h, const struct test_rec *recs,
		      const struct tclog_final *fin)
{
	char err[512] = "";
	struct tclog_reader *r = tclog_reader_open(path, err, sizeof(err));
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	const struct tclog_header *got;
	size_t n = 0;
	int rc;

	REQUIRE(r, "open %s: %s", path, err);
	got = tclog_reader_header(r);
	CHECK(header_equal(got, h), "%s: header or interface table differs", path);
	CHECK(!got->rec_ifslot, "%s: a v1 log read as if records held slots", path);
	for (uint32_t i = 0; i < got->n_ifaces; i++)
		CHECK(!got->ifaces[i].netns_ino && !got->ifaces[i].ns_name[0] &&
			      !got->ifaces[i].container[0],
		      "%s: v1 interface %u has a namespace", path, i);
	while ((rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err))) == 1) {
		const struct tclog_iface *f = tclog_iface_of(got, rec);

		CHECK(n < N_RECS && record_equal(rec, bytes, &recs[n]), "%s: record %zu differs", path, n);
		CHECK(f && f->ifindex == rec->ifindex, "%s: record %zu: no interface for ifindex %u",
		      path, n, rec->ifindex);
		n++;
	}
	CHECK(rc == 0 && n == N_RECS, "%s: %zu records, rc %d %s", path, n, rc, err);
	if (fin) {
		const struct tclog_final *f = tclog_reader_final(r);

		CHECK(f && !memcmp(f->c, fin->c, 2 * sizeof(f->c[0])), "%s: trailer counters", path);
	} else {
		CHECK(tclog_reader_warning(r) && strstr(tclog_reader_warning(r), "no trailer"),
		      "%s: no warning for the missing trailer", path);
	}
	tclog_reader_close(r);
}

int main(void)
{
	static struct tclog_header h;
	static struct tclog_final fin;
	static struct test_rec recs[N_RECS];
	struct tclog_chunk_info idx[N_RECS / PER_CHUNK];
	uint64_t seed = 0xf1ull, ts = 1700000000000000000ull;
	const char *path = test_path("v1.tclog"), *cut = test_path("v1-notrailer.tclog");
	size_t chunks_end;

	make_header(&seed, &h, 2, 20);
	for (uint32_t i = 0; i < 2; i++) {
		/* v1 has no namespace fields */
		h.ifaces[i].netns_ino = 0;
		h.ifaces[i].ns_name[0] = h.ifaces[i].container[0] = 0;
		h.ifaces[i].ifindex = 7 + 2 * i;
	}
	for (size_t i = 0; i < N_RECS; i++) {
		make_record(&seed, i, 60, &ts, &recs[i]);
		recs[i].rec.ifindex = i % 3 ? 7 : 9;
		fin.c[i % 3 ? 0 : 1][recs[i].rec.dir].recorded++;
	}
	fin.c[0][0].seen = 1000;
	fin.c[1][1].dropped = 5;
	v1_header(&h);
	for (size_t c = 0; c < N_RECS / PER_CHUNK; c++)
		v1_chunk(recs + c * PER_CHUNK, PER_CHUNK, &idx[c]);
	chunks_end = flen;
	v1_trailer(idx, N_RECS / PER_CHUNK, &fin, 2);
	REQUIRE(!write_file(path, file, flen), "write");
	REQUIRE(!write_file(cut, file, chunks_end), "write");
	read_back(path, &h, recs, &fin);
	read_back(cut, &h, recs, NULL);

	/* seeking in a v1 log: no interface chunks to load, the index as before */
	{
		char err[512] = "";
		struct tclog_reader *r = tclog_reader_open(path, err, sizeof(err));
		const struct tclog_chunk_info *got;
		const struct tcrec_record *rec;
		const uint8_t *bytes;
		size_t n;

		REQUIRE(r && !tclog_reader_index(r, &got, &n, err, sizeof(err)), "index: %s", err);
		CHECK(n == N_RECS / PER_CHUNK, "v1 index of %zu chunks", n);
		for (size_t c = 0; c < n && c < N_RECS / PER_CHUNK; c++)
			CHECK(got[c].offset == idx[c].offset && got[c].records == idx[c].records &&
				      got[c].first_ns == idx[c].first_ns && got[c].last_ns == idx[c].last_ns,
			      "v1 index entry %zu", c);
		REQUIRE(!tclog_reader_seek_chunk(r, 3, err, sizeof(err)), "seek: %s", err);
		CHECK(tclog_reader_next(r, &rec, &bytes, err, sizeof(err)) == 1 &&
			      record_equal(rec, bytes, &recs[3 * PER_CHUNK]),
		      "first record of chunk 3");
		tclog_reader_close(r);
	}
	for (size_t i = 0; i < N_RECS; i++)
		free(recs[i].bytes);
	test_cleanup();
	if (test_failures)
		fprintf(stderr, "%d checks failed\n", test_failures);
	return test_failures ? 1 : 0;
}
