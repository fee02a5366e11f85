/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

int test_failures;
uint16_t test_encoding;

uint64_t rnd_next(uint64_t *s)
{
	/* splitmix64: deterministic for a seed, good enough spread for tests. */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void rnd_bytes(uint64_t *s, void *buf, size_t n)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd_next(s);
}

static void random_fields(uint64_t *s, struct tcrec_record *r)
{
	rnd_bytes(s, r, sizeof(*r));
	r->vlan_count = (uint8_t)(rnd_next(s) % 4);
	r->dir = (uint8_t)(rnd_next(s) & 1);
	r->pad[0] = r->pad[1] = 0;
	if (rnd_next(s) & 1) {
		/* IPv4: the rest of the address fields are zero. */
		memset(r->saddr + 4, 0, 12);
		memset(r->daddr + 4, 0, 12);
		r->ethertype = 0x0800;
		r->flags = TCREC_F_IPV4 | TCREC_F_L4;
	} else {
		r->ethertype = 0x86dd;
		r->flags = TCREC_F_IPV6 | TCREC_F_L4;
		r->ip_id &= 0xfffff;
	}
}

void make_record(uint64_t *s, size_t i, uint32_t max_cap, uint64_t *ts, struct test_rec *out)
{
	struct tcrec_record *r = &out->rec;

	switch (i % 7) {
	case 3: /* all zero, even the time (first_ns may be 0 only if it is first) */
		memset(r, 0, sizeof(*r));
		break;
	case 5: /* all ones inside the format's domain */
		memset(r, 0xff, sizeof(*r));
		r->vlan_count = 3;
		r->dir = 1;
		r->pad[0] = r->pad[1] = 0;
		r->cap_len = max_cap;
		break;
	default:
		random_fields(s, r);
		r->cap_len = max_cap ? (uint32_t)(rnd_next(s) % (max_cap + 1)) : 0;
		break;
	}
	/* Times are what the recorder writes: increasing wall-clock ns, with
	 * the occasional out-of-order step (records from several CPUs). */
	*ts += rnd_next(s) % 2000000;
	r->ts_ns = (i % 11 == 4 && *ts > 5000) ? *ts - 5000 : *ts;
	if (i % 7 == 5 && i % 2)
		r->ts_ns = UINT64_MAX; /* extreme time too */
	if (i % 7 == 3 && (i / 7) % 2)
		r->ts_ns = 0;
	r->sock_cookie = 0; /* appended without a socket: read back as 0 */
	out->bytes = NULL;
	if (r->cap_len) {
		out->bytes = malloc(r->cap_len);
		REQUIRE(out->bytes, "out of memory");
		rnd_bytes(s, out->bytes, r->cap_len);
	}
}

void free_records(struct test_rec *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].bytes);
	free(v);
}

void make_header(uint64_t *s, struct tclog_header *h, uint32_t n_ifaces, size_t filter_len)
{
	memset(h, 0, sizeof(*h));
	h->start_ns = rnd_next(s);
	h->clock_offset_ns = (int64_t)rnd_next(s);
	h->snaplen = (uint32_t)rnd_next(s);
	h->snap_cap = TCREC_SNAP_MAX;
	for (size_t i = 0; i < TCLOG_NAME_MAX - 1; i++) {
		h->host[i] = (char)('a' + rnd_next(s) % 26);
		h->kernel[i] = (char)('0' + rnd_next(s) % 10);
	}
	for (size_t i = 0; i < filter_len && i < TCLOG_FILTER_MAX - 1; i++)
		h->filter[i] = (char)(' ' + rnd_next(s) % 95);
	h->n_ifaces = n_ifaces;
	for (uint32_t i = 0; i < n_ifaces; i++) {
		struct tclog_iface *f = &h->ifaces[i];

		f->ifindex = (uint32_t)rnd_next(s);
		f->mtu = (uint32_t)rnd_next(s);
		rnd_bytes(s, f->mac, sizeof(f->mac));
		f->link_flags = (uint16_t)rnd_next(s);
		size_t len = 1 + rnd_next(s) % (TCLOG_IFNAME_MAX - 1);
		for (size_t k = 0; k < len; k++)
			f->name[k] = (char)('a' + rnd_next(s) % 26);
		f->netns_ino = rnd_next(s);
		/* empty, short and full-length namespace and container names */
		len = rnd_next(s) % TCLOG_NSNAME_MAX;
		for (size_t k = 0; k < len; k++)
			f->ns_name[k] = (char)('a' + rnd_next(s) % 26);
		len = i % 3 ? rnd_next(s) % TCLOG_CONTAINER_MAX : 0;
		for (size_t k = 0; k < len; k++)
			f->container[k] = (char)('0' + rnd_next(s) % 10);
	}
}

int iface_equal(const struct tclog_iface *x, const struct tclog_iface *y)
{
	return x->ifindex == y->ifindex && x->mtu == y->mtu && !memcmp(x->mac, y->mac, 6) &&
	       x->link_flags == y->link_flags && !strcmp(x->name, y->name) &&
	       x->netns_ino == y->netns_ino && !strcmp(x->ns_name, y->ns_name) &&
	       !strcmp(x->container, y->container);
}

int header_equal(const struct tclog_header *a, const struct tclog_header *b)
{
	if (a->start_ns != b->start_ns || a->clock_offset_ns != b->clock_offset_ns ||
	    a->snaplen != b->snaplen || a->snap_cap != b->snap_cap || strcmp(a->host, b->host) ||
	    strcmp(a->kernel, b->kernel) || strcmp(a->filter, b->filter) ||
	    a->n_ifaces != b->n_ifaces)
		return 0;
	for (uint32_t i = 0; i < a->n_ifaces; i++)
		if (!iface_equal(&a->ifaces[i], &b->ifaces[i]))
			return 0;
	return 1;
}

int sock_equal(const struct tclog_sock *a, const struct tclog_sock *b)
{
	return a->cookie == b->cookie && a->cgroup_id == b->cgroup_id && a->pid == b->pid &&
	       a->tid == b->tid && a->uid == b->uid && a->flags == b->flags &&
	       a->family == b->family && a->proto == b->proto && a->lport == b->lport &&
	       a->rport == b->rport && !memcmp(a->laddr, b->laddr, 16) &&
	       !memcmp(a->raddr, b->raddr, 16) && !strcmp(a->comm, b->comm) &&
	       !strcmp(a->cgroup, b->cgroup) && !strcmp(a->container, b->container);
}

int record_equal(const struct tcrec_record *a, const uint8_t *abytes, const struct test_rec *b)
{
	/* Both sides have zero padding, so the struct compares as bytes. */
	if (memcmp(a, &b->rec, sizeof(*a)))
		return 0;
	return !a->cap_len || !memcmp(abytes, b->bytes, a->cap_len);
}

static char test_dir[256];

const char *test_path(const char *name)
{
	static char bufs[4][512];
	static int next;
	char *p = bufs[next++ % 4];

	if (!test_dir[0]) {
		const char *tmp = getenv("TMPDIR");
		struct stat st;

		/* Thousands of small files: memory-backed when available. */
		if (!tmp && !stat("/dev/shm", &st) && S_ISDIR(st.st_mode) && !access("/dev/shm", W_OK))
			tmp = "/dev/shm";

		snprintf(test_dir, sizeof(test_dir), "%s/tclog-test-XXXXXX", tmp ? tmp : "/tmp");
		REQUIRE(mkdtemp(test_dir), "mkdtemp %s: %s", test_dir, strerror(errno));
	}
	snprintf(p, 512, "%s/%s", test_dir, name);
	return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void test_cleanup(void)
{
	if (test_dir[0])
		nftw(test_dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

uint64_t write_log(const char *path, const struct tclog_header *h, const struct test_rec *recs,
		   size_t n, size_t chunk_target, const struct tclog_final *fin)
{
	struct tclog_writer *w = tclog_writer_open(path, h);
	uint64_t bytes;
	int err;

	REQUIRE(w, "tclog_writer_open %s: %s", path, strerror(errno));
	if (chunk_target)
		REQUIRE(!tclog_writer_set_chunk_target(w, chunk_target), "set_chunk_target");
	if (test_encoding)
		REQUIRE(!tclog_writer_set_encoding(w, test_encoding), "set_encoding %u", test_encoding);
	for (size_t i = 0; i < n; i++) {
		err = tclog_writer_append(w, &recs[i].rec, recs[i].bytes);
		REQUIRE(!err, "append record %zu: %s", i, strerror(-err));
	}
	REQUIRE(tclog_writer_records(w) == n, "writer counted %llu records, appended %zu",
		(unsigned long long)tclog_writer_records(w), n);
	err = tclog_writer_flush(w);
	REQUIRE(!err, "flush: %s", strerror(-err));
	bytes = tclog_writer_bytes(w);
	err = tclog_writer_close(w, fin);
	REQUIRE(!err, "close: %s", strerror(-err));
	return bytes;
}

int copy_prefix(const char *src, const char *dst, uint64_t len)
{
	uint8_t *buf;
	size_t n;
	int err = read_file(src, &buf, &n);

	if (err)
		return err;
	err = write_file(dst, buf, len < n ? (size_t)len : n);
	free(buf);
	return err;
}

uint64_t file_size(const char *path)
{
	struct stat st;

	REQUIRE(!stat(path, &st), "stat %s: %s", path, strerror(errno));
	return (uint64_t)st.st_size;
}

int read_file(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -errno;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	*buf = malloc(n > 0 ? (size_t)n : 1);
	if (!*buf || fread(*buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(*buf);
		return -EIO;
	}
	fclose(f);
	*len = (size_t)n;
	return 0;
}

int write_file(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f)
		return -errno;
	if (len && fwrite(buf, 1, len, f) != len)
		err = -EIO;
	if (fclose(f) && !err)
		err = -EIO;
	return err;
}
