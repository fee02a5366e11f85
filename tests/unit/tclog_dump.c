/* SPDX-License-Identifier: MIT */
/*
 * Two helpers for the spec conformance test:
 *   tclog_dump --gen PATH   writes a log of random and extreme records, most
 *                           of them with sockets, in both encodings
 *   tclog_dump PATH         prints it through the C reader in the text form
 *                           tclog_spec_reader.py prints from FORMAT.md alone
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "testutil.h"

static void hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
}

/* Socket k of the generated log: random fields, strings of every length
 * up to their maximum, some empty. */
static void make_sock(uint64_t *seed, uint32_t k, struct tclog_sock *s)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz0123456789/._-";
	size_t lc = k % 16, lg = (k * 37) % 256, lt = k % 3 ? (k * 11) % 64 : 0;

	memset(s, 0, sizeof(*s));
	rnd_bytes(seed, s, offsetof(struct tclog_sock, comm));
	s->cookie = 1000 + k;
	s->family = k % 3 == 0 ? 0 : k % 2 ? 4 : 6;
	for (size_t i = 0; i < lc; i++)
		s->comm[i] = alpha[rnd_next(seed) % (sizeof(alpha) - 1)];
	for (size_t i = 0; i < lg; i++)
		s->cgroup[i] = alpha[rnd_next(seed) % (sizeof(alpha) - 1)];
	for (size_t i = 0; i < lt; i++)
		s->container[i] = alpha[rnd_next(seed) % 16];
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

static int gen(const char *path)
{
	uint64_t seed = 0x5bec5eedull, ts = 1795312345000000000ull;
	const size_t n = 3000;
	struct test_rec *recs = calloc(n, sizeof(*recs));
	struct tclog_header h;
	struct tclog_final fin;

	struct tclog_header more;
	struct tclog_writer *w;
	struct tclog_sock socks[300];

	REQUIRE(recs, "out of memory");
	make_header(&seed, &h, 4, 200);
	make_header(&seed, &more, 3, 0);
	rnd_bytes(&seed, &fin, sizeof(fin));
	for (size_t i = 0; i < n; i++)
		make_record(&seed, i, 300, &ts, &recs[i]);
	w = tclog_writer_open(path, &h);
	REQUIRE(w, "open %s: %s", path, strerror(errno));
	REQUIRE(!tclog_writer_set_chunk_target(w, 32768), "chunk target");
	for (uint32_t k = 0; k < 300; k++)
		make_sock(&seed, k, &socks[k]);
	/* interfaces that appear mid-file: one alone, then two together */
	for (size_t i = 0; i < n; i++) {
		if (i == n / 3)
			REQUIRE(!tclog_writer_add_iface(w, 4, &more.ifaces[0]), "add_iface 4");
		if (i == 2 * n / 3) {
			REQUIRE(!tclog_writer_add_iface(w, 5, &more.ifaces[1]), "add_iface 5");
			REQUIRE(!tclog_writer_add_iface(w, 6, &more.ifaces[2]), "add_iface 6");
		}
		/* encoding 1 for the middle third of the file */
		if (i == n / 3 || i == 2 * n / 3) {
			REQUIRE(!tclog_writer_flush(w), "flush");
			REQUIRE(!tclog_writer_set_encoding(w, i == n / 3 ? 1 : 2), "encoding");
		}
		/* one record in five has no socket; sockets come back in runs */
		const struct tclog_sock *s = i % 5 == 2 ? NULL : &socks[(i / 3 + i % 2 * 7) % 300];

		recs[i].rec.sock_cookie = s ? s->cookie : 0;
		/* two sockets in three: the records carry its tuple, both ways */
		if (s && s->family && s->cookie % 3)
			tuple_into(s, (int)(i % 2), &recs[i].rec);
		REQUIRE(!tclog_writer_append_sock(w, &recs[i].rec, recs[i].bytes, s), "append %zu", i);
	}
	REQUIRE(!tclog_writer_close(w, &fin), "close");
	free_records(recs, n);
	return 0;
}

static void dump_record(const struct tcrec_record *r, const uint8_t *b, const struct tclog_sock *s)
{
	printf("rec ts=%llu ifindex=%u wire_len=%u seq=%u ack=%u mark=%u ip_id=%u drops=%u cap_len=%u",
	       (unsigned long long)r->ts_ns, r->ifindex, r->wire_len, r->tcp_seq, r->tcp_ack, r->mark,
	       r->ip_id, r->drops, r->cap_len);
	printf(" saddr=");
	hex(r->saddr, 16);
	printf(" daddr=");
	hex(r->daddr, 16);
	printf(" smac=");
	hex(r->smac, 6);
	printf(" dmac=");
	hex(r->dmac, 6);
	printf(" ethertype=%u vlan=%u,%u,%u tpid=%u,%u,%u", r->ethertype, r->vlan_tci[0],
	       r->vlan_tci[1], r->vlan_tci[2], r->vlan_tpid[0], r->vlan_tpid[1], r->vlan_tpid[2]);
	printf(" ip_len=%u frag=%u sport=%u dport=%u win=%u udp_len=%u icmp_id=%u icmp_seq=%u"
	       " flags=%u dir=%u vlan_count=%u proto=%u ttl=%u tos=%u ip_hlen=%u tcp_flags=%u"
	       " tcp_hlen=%u icmp_type=%u icmp_code=%u bytes=",
	       r->ip_len, r->frag_off, r->sport, r->dport, r->tcp_win, r->udp_len, r->icmp_id,
	       r->icmp_seq, r->flags, r->dir, r->vlan_count, r->ip_proto, r->ttl, r->tos, r->ip_hlen,
	       r->tcp_flags, r->tcp_hlen, r->icmp_type, r->icmp_code);
	hex(b, r->cap_len);
	printf(" sock_cookie=%llu sock=", (unsigned long long)r->sock_cookie);
	if (!s) {
		printf("-\n");
		return;
	}
	printf("%llu,%llu,%u,%u,%u,%u,%u,%u,%u,%u,", (unsigned long long)s->cookie,
	       (unsigned long long)s->cgroup_id, s->pid, s->tid, s->uid, s->flags, s->family, s->proto,
	       s->lport, s->rport);
	hex(s->laddr, 16);
	printf(",");
	hex(s->raddr, 16);
	printf(",");
	hex((const uint8_t *)s->comm, strlen(s->comm));
	printf(",");
	hex((const uint8_t *)s->cgroup, strlen(s->cgroup));
	printf(",");
	hex((const uint8_t *)s->container, strlen(s->container));
	printf("\n");
}

static int dump(const char *path)
{
	char err[512] = "";
	struct tclog_reader *r = tclog_reader_open(path, err, sizeof(err));
	const struct tclog_header *h;
	const struct tclog_chunk_info *idx;
	const struct tclog_final *fin;
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	size_t n;
	int rc;

	if (!r) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	h = tclog_reader_header(r);
	printf("header start_ns=%llu clock_offset_ns=%lld snaplen=%u snap_cap=%u host=%s kernel=%s filter=",
	       (unsigned long long)h->start_ns, (long long)h->clock_offset_ns, h->snaplen, h->snap_cap,
	       h->host, h->kernel);
	hex((const uint8_t *)h->filter, strlen(h->filter));
	printf(" n_ifaces=%u\n", h->n_ifaces);
	if (tclog_reader_index(r, &idx, &n, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("chunk offset=%llu records=%u first=%llu last=%llu\n",
		       (unsigned long long)idx[i].offset, idx[i].records,
		       (unsigned long long)idx[i].first_ns, (unsigned long long)idx[i].last_ns);
	while ((rc = tclog_reader_next(r, &rec, &bytes, err, sizeof(err))) == 1)
		dump_record(rec, bytes, tclog_reader_sock(r));
	if (rc < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	/* the table as it stands at the end: interface chunks added to it */
	for (uint32_t i = 0; i < h->n_ifaces; i++) {
		const struct tclog_iface *f = &h->ifaces[i];

		printf("iface %u ifindex=%u mtu=%u mac=", i, f->ifindex, f->mtu);
		hex(f->mac, 6);
		printf(" flags=%u name=%s netns=%llu ns_name=%s container=%s\n", f->link_flags, f->name,
		       (unsigned long long)f->netns_ino, f->ns_name, f->container);
	}
	fin = tclog_reader_final(r);
	for (uint32_t s = 0; fin && s < h->n_ifaces; s++)
		for (int d = 0; d < 2; d++)
			printf("final slot=%u dir=%d seen=%llu recorded=%llu filtered=%llu dropped=%llu\n", s,
			       d, (unsigned long long)fin->c[s][d].seen,
			       (unsigned long long)fin->c[s][d].recorded,
			       (unsigned long long)fin->c[s][d].filtered,
			       (unsigned long long)fin->c[s][d].dropped);
	tclog_reader_close(r);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--gen"))
		return gen(argv[2]);
	if (argc == 2)
		return dump(argv[1]);
	fprintf(stderr, "usage: %s [--gen] PATH\n", argv[0]);
	return 2;
}
