/* SPDX-License-Identifier: MIT */
/*
 * Format v2's interface table: two namespaces with the same interface name
 * and ifindex, an interface added mid-file (an interface chunk), and every
 * way of reading the file (sequentially, by seeking past the interface
 * chunk, without trailer, cut in the middle, with the interface chunk
 * damaged) must give each record its own interface.
 */
#include <errno.h>
#include <string.h>

#include "formats/tclog_wire.h"
#include "testutil.h"

#define N_RECS 3000
#define ADD_AT 1200 /* the third interface appears before this record */

static struct tclog_header hdr;
static struct tclog_iface third;
static struct test_rec recs[N_RECS];

static void make_iface(struct tclog_iface *f, const char *ns, uint64_t ino, const char *name,
		       uint32_t ifindex)
{
	memset(f, 0, sizeof(*f));
	f->ifindex = ifindex;
	f->mtu = 1500;
	f->mac[0] = 2;
	f->mac[5] = (uint8_t)ino;
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->ns_name, sizeof(f->ns_name), "%s", ns);
	f->netns_ino = ino;
}

/* Records before ADD_AT alternate between slots 0 and 1; after it, every
 * third record is on slot 2. */
static uint32_t slot_of(size_t i)
{
	return i >= ADD_AT && i % 3 == 0 ? 2 : (uint32_t)(i & 1);
}

static void write_file_v2(const char *path, struct tclog_final *fin)
{
	uint64_t seed = 0x1f ^ 0xaceull, ts = 1795312345000000000ull;
	struct tclog_writer *w;

	memset(&hdr, 0, sizeof(hdr));
	snprintf(hdr.host, sizeof(hdr.host), "h");
	hdr.n_ifaces = 2;
	make_iface(&hdr.ifaces[0], "blue", 4026532001ull, "eth0", 2);
	make_iface(&hdr.ifaces[1], "red", 4026532002ull, "eth0", 2);
	make_iface(&third, "", 4026532003ull, "veth9", 2);
	snprintf(third.container, sizeof(third.container), "web-1");
	third.link_flags = TCLOG_IF_HOST_SIDE;
	for (size_t i = 0; i < N_RECS; i++) {
		make_record(&seed, i, 40, &ts, &recs[i]);
		recs[i].rec.ifindex = slot_of(i);
	}
	w = tclog_writer_open(path, &hdr);
	REQUIRE(w, "open %s: %s", path, strerror(errno));
	REQUIRE(!tclog_writer_set_chunk_target(w, 16384), "chunk target");
	CHECK(tclog_writer_add_iface(w, 3, &third) == -EINVAL, "slot 3 accepted while 2 is next");
	for (size_t i = 0; i < N_RECS; i++) {
		if (i == ADD_AT)
			REQUIRE(!tclog_writer_add_iface(w, 2, &third), "add_iface");
		REQUIRE(!tclog_writer_append(w, &recs[i].rec, recs[i].bytes), "append %zu", i);
	}
	memset(fin, 0, sizeof(*fin));
	tclog_writer_stored_counts(w, fin);
	for (uint32_t s = 0; s < 3; s++)
		for (int d = 0; d < 2; d++)
			fin->c[s][d].seen = fin->c[s][d].recorded + 7;
	REQUIRE(!tclog_writer_close(w, fin), "close");
}

/* Record i came back with its interface: the slot's entry. */
static void check_rec(const struct tclog_reader *r, size_t i, const struct tcrec_record *rec,
		      const uint8_t *bytes)
{
	const struct tclog_header *h = tclog_reader_header(r);
	const struct tclog_iface *f = tclog_iface_of(h, rec);
	const struct tclog_iface *want = slot_of(i) == 2 ? &third : &hdr.ifaces[slot_of(i)];

	CHECK(record_equal(rec, bytes, &recs[i]), "record %zu differs", i);
	CHECK(f && iface_equal(f, want), "record %zu: interface %s, want %s/%s", i,
	      f ? f->name : "(none)", want->ns_name, want->name);
}

static struct tclog_reader *open_or_die(const char *path)
{
	char err[512] = "";
	struct tclog_reader *r = tclog_reader_open(path, err, sizeof(err));

	REQUIRE(r, "open: %s", err);
	CHECK(tclog_reader_header(r)->rec_ifslot == 1, "v2 header without rec_ifslot");
	return r;
}

/* Reads from the current position to the end; returns records read. */
static size_t read_rest(struct tclog_reader *r, size_t first, int *rc)
{
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	char err[512] = "";
	size_t i = first;

	while ((*rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err))) == 1) {
		if (i < N_RECS)
			check_rec(r, i, rec, bytes);
		i++;
	}
	return i - first;
}

static void test_sequential(const char *path, const struct tclog_final *fin)
{
	struct tclog_reader *r = open_or_die(path);
	const struct tclog_final *got;
	int rc;

	CHECK(tclog_reader_header(r)->n_ifaces == 2, "table before the interface chunk: %u",
	      tclog_reader_header(r)->n_ifaces);
	CHECK(read_rest(r, 0, &rc) == N_RECS && rc == 0, "sequential read");
	CHECK(tclog_reader_header(r)->n_ifaces == 3, "table after: %u", tclog_reader_header(r)->n_ifaces);
	got = tclog_reader_final(r);
	REQUIRE(got, "no trailer counters");
	for (uint32_t s = 0; s < 3; s++)
		for (int d = 0; d < 2; d++)
			CHECK(!memcmp(&got->c[s][d], &fin->c[s][d], sizeof(fin->c[s][d])) &&
				      fin->c[s][d].recorded,
			      "counters of slot %u dir %d", s, d);
	tclog_reader_close(r);
}

/* Seek to every chunk of records, last first, on a fresh reader: the
 * interface chunk before it is loaded; the index lists records only. */
static void test_seek(const char *path, int expect_rebuilt)
{
	struct tclog_reader *r = open_or_die(path);
	const struct tclog_chunk_info *idx;
	size_t n, total = 0, start;
	char err[512] = "";
	int rc;

	REQUIRE(!tclog_reader_index(r, &idx, &n, err, sizeof(err)), "index: %s", err);
	CHECK(tclog_reader_index_rebuilt(r) == expect_rebuilt, "index rebuilt %d",
	      tclog_reader_index_rebuilt(r));
	for (size_t c = 0; c < n; c++)
		total += idx[c].records;
	CHECK(total == N_RECS, "index counts %zu records", total);
	start = total - idx[n - 1].records;
	REQUIRE(!tclog_reader_seek_chunk(r, n - 1, err, sizeof(err)), "seek: %s", err);
	CHECK(tclog_reader_header(r)->n_ifaces == 3, "after seeking past it: %u interfaces",
	      tclog_reader_header(r)->n_ifaces);
	CHECK(read_rest(r, start, &rc) == idx[n - 1].records && rc == 0, "last chunk");
	/* one interface chunk and the chunk of records */
	CHECK(tclog_reader_chunks_decompressed(r) == 2, "%llu chunks decompressed",
	      (unsigned long long)tclog_reader_chunks_decompressed(r));
	for (size_t c = n - 1; c-- > 0;) {
		const struct tcrec_record *rec;
		const uint8_t *bytes;

		start -= idx[c].records;
		REQUIRE(!tclog_reader_seek_chunk(r, c, err, sizeof(err)), "seek %zu: %s", c, err);
		for (uint32_t k = 0; k < idx[c].records; k++) {
			REQUIRE(tclog_reader_next(r, &rec, &bytes, err, sizeof(err)) == 1, "next: %s", err);
			check_rec(r, start + k, rec, bytes);
		}
	}
	CHECK(!tclog_reader_warning(r) == !expect_rebuilt, "warning: %s",
	      tclog_reader_warning(r) ? tclog_reader_warning(r) : "(none)");
	tclog_reader_close(r);
}

/* Offset of the interface chunk: the first chunk whose encoding is 3. */
static uint64_t ifchunk_offset(const uint8_t *buf, size_t len, uint64_t *end)
{
	for (size_t off = 16; off + TCLOG_CHUNK_HDR_SIZE <= len; off++) {
		struct tclog_chunk_hdr ch;

		if (!tclog_chunk_hdr_decode(buf + off, &ch, NULL, 0) && ch.encoding == TCLOG_ENC_IFACES) {
			*end = off + TCLOG_CHUNK_HDR_SIZE + ch.comp_size;
			return off;
		}
	}
	REQUIRE(0, "no interface chunk in the file");
	return 0;
}

static void test_cut_and_damage(const char *path)
{
	const char *cut = test_path("cut.tclog"), *bad = test_path("bad.tclog");
	uint8_t *buf;
	size_t len, got;
	uint64_t ifc, ifc_end;
	struct tclog_reader *r;
	struct tclog_resync rs;
	char err[512] = "";
	int rc;

	REQUIRE(!read_file(path, &buf, &len), "read");
	ifc = ifchunk_offset(buf, len, &ifc_end);

	/* cut in the middle of the file, well after the interface chunk */
	REQUIRE(!copy_prefix(path, cut, ifc_end + (len - ifc_end) / 2), "copy");
	r = open_or_die(cut);
	got = read_rest(r, 0, &rc);
	CHECK(rc == 0 && got > ADD_AT && got < N_RECS, "cut file: %zu records, rc %d", got, rc);
	CHECK(tclog_reader_warning(r) && strstr(tclog_reader_warning(r), "truncated"), "no torn warning");
	CHECK(tclog_reader_header(r)->n_ifaces == 3, "cut file table");
	tclog_reader_close(r);

	/* a damaged interface chunk: said, and the records around it still read */
	buf[ifc + TCLOG_CHUNK_HDR_SIZE + 6] ^= 0x40;
	REQUIRE(!write_file(bad, buf, len), "write");
	r = open_or_die(bad);
	got = read_rest(r, 0, &rc);
	CHECK(rc == -1 && got <= ADD_AT, "damaged interface chunk: rc %d after %zu records", rc, got);
	CHECK(tclog_reader_next(r, &(const struct tcrec_record *){ 0 }, &(const uint8_t *){ 0 }, err,
				sizeof(err)) == -1 &&
		      strstr(err, "interface chunk") && strstr(err, "1 interface is unknown"),
	      "message: %s", err);
	REQUIRE(!tclog_reader_resync(r, &rs, err, sizeof(err)), "resync: %s", err);
	CHECK(rs.records_lost == 0 && !rs.at_end, "resync lost %llu at_end %d: %s",
	      (unsigned long long)rs.records_lost, rs.at_end, err);
	{
		const struct tcrec_record *rec;
		const uint8_t *bytes;
		size_t more = 0, unknown = 0;

		while ((rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err))) == 1) {
			const struct tclog_iface *f = tclog_iface_of(tclog_reader_header(r), rec);

			more++;
			unknown += !f;
			CHECK(!f || rec->ifindex < 2, "slot %u resolved without its entry", rec->ifindex);
		}
		CHECK(rc == 0 && got + more == N_RECS && unknown == (N_RECS - ADD_AT + 2) / 3,
		      "after the damage: rc %d, %zu records, %zu without interface", rc, more, unknown);
	}
	tclog_reader_close(r);
	free(buf);
}

/* Hostile interface chunk payloads: slots beyond the table, sizes that do
 * not match, unterminated names. Nothing changes in the table. */
static void test_hostile_payloads(void)
{
	static struct tclog_header h;
	uint8_t raw[TCLOG_IFCHUNK_RAW(2)];
	char why[256] = "";

	memset(&h, 0, sizeof(h));
	h.n_ifaces = 1;
	REQUIRE(!tclog_ifchunk_encode(raw, 1, &hdr.ifaces[0], 2), "encode");
	CHECK(!tclog_ifchunk_apply(raw, sizeof(raw), 2, &h, why, sizeof(why)) && h.n_ifaces == 3,
	      "valid payload: %s", why);
	raw[0] = 0xfe;
	raw[1] = 0x03; /* first slot 1022: slots 1022, 1023 fit */
	CHECK(!tclog_ifchunk_apply(raw, sizeof(raw), 2, &h, why, sizeof(why)) && h.n_ifaces == 1024,
	      "payload ending at slot 1023: %s", why);
	h.n_ifaces = 3;
	raw[0] = 0xff; /* 1023, 1024: one too many */
	CHECK(tclog_ifchunk_apply(raw, sizeof(raw), 2, &h, why, sizeof(why)) && h.n_ifaces == 3 &&
		      strstr(why, "exceed"),
	      "slot 1024 accepted: %s", why);
	raw[0] = 0xff;
	raw[1] = raw[2] = raw[3] = 0xff;
	CHECK(tclog_ifchunk_apply(raw, sizeof(raw), 2, &h, why, sizeof(why)) && h.n_ifaces == 3,
	      "slot 2^32-1 accepted");
	raw[0] = 3;
	raw[1] = raw[2] = raw[3] = 0;
	CHECK(tclog_ifchunk_apply(raw, sizeof(raw) - 1, 2, &h, why, sizeof(why)), "short payload");
	CHECK(tclog_ifchunk_apply(raw, sizeof(raw), 3, &h, why, sizeof(why)), "count beyond payload");
	memset(raw + 4 + TCLOG_IFACE_SIZE + 72, 'x', TCLOG_CONTAINER_MAX);
	CHECK(tclog_ifchunk_apply(raw, sizeof(raw), 2, &h, why, sizeof(why)) && h.n_ifaces == 3 &&
		      strstr(why, "container"),
	      "unterminated container accepted: %s", why);
}

static void test_table_full(void)
{
	static struct tclog_header h;
	struct tclog_writer *w;
	const char *path = test_path("full.tclog");

	memset(&h, 0, sizeof(h));
	h.n_ifaces = TCREC_MAX_IFACES - 1;
	for (uint32_t i = 0; i < h.n_ifaces; i++)
		make_iface(&h.ifaces[i], "ns", 1000 + i, "x", i + 1);
	w = tclog_writer_open(path, &h);
	REQUIRE(w, "open with %u interfaces: %s", h.n_ifaces, strerror(errno));
	CHECK(!tclog_writer_add_iface(w, TCREC_MAX_IFACES - 1, &third), "last slot refused");
	CHECK(tclog_writer_add_iface(w, TCREC_MAX_IFACES, &third) == -ENOSPC, "slot 1024 accepted");
	CHECK(!tclog_writer_close(w, NULL), "close");
	{
		struct tclog_reader *r = open_or_die(path);
		int rc;

		CHECK(read_rest(r, N_RECS, &rc) == 0 && rc == 0, "read");
		CHECK(tclog_reader_header(r)->n_ifaces == TCREC_MAX_IFACES &&
			      iface_equal(&tclog_reader_header(r)->ifaces[TCREC_MAX_IFACES - 1], &third),
		      "slot 1023 after reading");
		tclog_reader_close(r);
	}
}

static void test_iface_helpers(void)
{
	static struct tclog_header h;
	struct tcrec_record rec = { 0 };
	struct tclog_iface f = { 0 };
	char buf[80];

	h.n_ifaces = 2;
	h.ifaces[0].ifindex = 7;
	h.ifaces[1].ifindex = 9;
	rec.ifindex = 9; /* v1: an ifindex */
	CHECK(tclog_iface_of(&h, &rec) == &h.ifaces[1], "v1 lookup by ifindex");
	rec.ifindex = 1;
	CHECK(!tclog_iface_of(&h, &rec), "v1: ifindex 1 is no interface");
	h.rec_ifslot = 1; /* v2: a slot */
	CHECK(tclog_iface_of(&h, &rec) == &h.ifaces[1], "v2 lookup by slot");
	rec.ifindex = 2;
	CHECK(!tclog_iface_of(&h, &rec), "v2: slot beyond the table");
	rec.ifindex = UINT32_MAX;
	CHECK(!tclog_iface_of(&h, &rec), "v2: slot 2^32-1");

	CHECK(!strcmp(tclog_iface_ns_label(&f, buf, sizeof(buf)), ""), "v1 label '%s'", buf);
	f.netns_ino = 4026531840ull;
	CHECK(!strcmp(tclog_iface_ns_label(&f, buf, sizeof(buf)), "ns4026531840"), "inode '%s'", buf);
	snprintf(f.ns_name, sizeof(f.ns_name), "blue");
	CHECK(!strcmp(tclog_iface_ns_label(&f, buf, sizeof(buf)), "blue"), "ns name '%s'", buf);
	snprintf(f.container, sizeof(f.container), "web-1");
	CHECK(!strcmp(tclog_iface_ns_label(&f, buf, sizeof(buf)), "web-1"), "container '%s'", buf);
	CHECK(!strcmp(tclog_iface_ns_label(&f, buf, 4), "web"), "cut to the buffer '%s'", buf);
}

int main(void)
{
	static struct tclog_final fin;
	const char *path = test_path("v2.tclog"), *cut = test_path("notrailer.tclog");
	char err[512] = "";
	struct tclog_reader *r;

	write_file_v2(path, &fin);
	test_sequential(path, &fin);
	test_seek(path, 0);
	/* no trailer: the index is rebuilt by scanning, interface chunk included */
	r = open_or_die(path);
	REQUIRE(!tclog_reader_index(r, &(const struct tclog_chunk_info *){ 0 }, &(size_t){ 0 }, err,
				   sizeof(err)),
		"index: %s", err);
	tclog_reader_close(r);
	{
		uint8_t *buf;
		size_t len;
		uint64_t end;

		REQUIRE(!read_file(path, &buf, &len), "read");
		/* the footer says where the trailer starts: cut there */
		end = (uint64_t)buf[len - 24] | (uint64_t)buf[len - 23] << 8 |
		      (uint64_t)buf[len - 22] << 16 | (uint64_t)buf[len - 21] << 24;
		free(buf);
		REQUIRE(!copy_prefix(path, cut, end), "copy");
	}
	test_seek(cut, 1);
	test_cut_and_damage(path);
	test_hostile_payloads();
	test_table_full();
	test_iface_helpers();
	test_cleanup();
	if (test_failures)
		fprintf(stderr, "%d checks failed\n", test_failures);
	return test_failures ? 1 : 0;
}
