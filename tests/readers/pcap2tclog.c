/* SPDX-License-Identifier: MIT */
/*
 * pcap2tclog: makes tcrec logs from a pcap trace without the kernel, so that
 * `tcrec print` and `tcrec stats` can be checked against tcpdump, tshark and
 * capinfos reading the very same trace.
 *
 *   pcap2tclog [options] IN.pcap OUT
 *     -s N          keep the first N bytes of each packet, 0 for all (default:
 *                   metadata only)
 *     --chunk N     flush a chunk every N records (default 64)
 *     --every K --offset J
 *                   keep only packets whose index i has i % K == J (to split a
 *                   trace into files that a merge must put back in order)
 *     --rotate N    OUT is a directory: a new file every N packets
 *     --two-ifaces  odd packets on interface "trace1" (ifindex 8), outbound;
 *                   even ones on "trace0" (ifindex 7), inbound
 *     --drops       record i carries drops = i % 5 (ring-buffer drops field)
 *     --no-trailer  leave the file as a killed recorder does: chunks, no trailer
 *     --ifname NAME the first interface's name, bytes as given (a hostile
 *                   header: escape codes, newlines, invalid UTF-8)
 *     --namespaces[=K]
 *                   two namespaces with the same interface: even packets on
 *                   "blue/eth0", inbound, odd ones on "red/eth0", outbound
 *                   (both ifindex 2; namespace inodes 4026532001 and
 *                   4026532002, names "blue" and "red"); before packet K
 *                   (default 10) a third interface appears mid-file,
 *                   "veth0" of container "web-1" (inode 4026532003,
 *                   ifindex 5), and from then on every third packet
 *                   (i % 3 == 2) is on it, inbound
 *     --v1          write format version 1 (records name interfaces by
 *                   ifindex 7, 8), which an older tcrec reads too
 *     --v2          write format version 2 (no sockets), as tcrec did before
 *                   process attribution
 *     --sockets     give packets owners as the kernel would, deterministically:
 *                   every TCP/UDP flow (both directions, not fragments) is one
 *                   socket whose local end is the source of its first packet
 *                   (alone on one interface, its packets from the local end
 *                   are then outbound, the others inbound);
 *                   its cookie is 65536 + the flow's number in order of first
 *                   packet (the kernel counts cookies up), its owner comes
 *                   from a hash of the flow alone: process
 *                   N in 1..7, comm "procN", pid 1000+N, tid pid+0..2, uid
 *                   1000+N%2, cgroup "/tcrec.slice/procN.scope" (id 5000+N);
 *                   processes 3 and 6 run in a container: cgroup
 *                   "/machine.slice/libpod-ID.scope" (ID: 64 hex digits),
 *                   container ID cut to the 63 its field holds. Packets without ports (ARP, ICMP, fragments)
 *                   have no socket. Needs format version 3 (the default)
 *     --sockets-map FILE
 *                   with --sockets: writes the assignment as JSON lines, one
 *                   per socket in order of first packet: {"proto":"tcp",
 *                   "local":"10.0.0.1:40000","remote":"[2001:db8::1]:80",
 *                   "cookie":N,"pid":N,"tid":N,"uid":N,"comm":"procN",
 *                   "cgroup":"...","container":"..."}: an oracle for reader
 *                   tests that is not the reader itself
 *
 * Format version 3 (the default): records name their interface by slot.
 * On clean close the trailer counters say, per interface and direction:
 * seen = packets + 10, recorded = packets, filtered = 10, dropped = 3.
 * Prints the number of packets written.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/packet_parse.h"
#include "formats/tclog.h"
#include "formats/tclog_v1.h"
#include "tests/unit/flow_owner.h"

struct gen {
	uint32_t snap;
	uint64_t chunk, every, offset, rotate;
	bool two_ifaces, drops, no_trailer, v1, v2, netns, sockets;
	const char *sockets_map;
	struct flow_owners socks;
	FILE *map;       /* --sockets-map */
	uint64_t netns_add_at;
	const char *out;
	const char *ifname; /* NULL: "trace0" */
	struct tclog_header hdr;
	struct tclog_writer *w;
	struct tclog_final fin;
	unsigned file_no;
	char path[4096];
	uint64_t in_file;
};

static int open_next(struct gen *g)
{
	if (g->rotate)
		snprintf(g->path, sizeof(g->path), "%s/cap.%04u.tclog", g->out, g->file_no++);
	else
		snprintf(g->path, sizeof(g->path), "%s", g->out);
	g->w = g->v1 ? tclog_writer_open_v1(g->path, &g->hdr)
		     : g->v2 ? tclog_writer_open_version(g->path, &g->hdr, 2)
			     : tclog_writer_open(g->path, &g->hdr);
	if (!g->w) {
		fprintf(stderr, "pcap2tclog: %s: %s\n", g->path, strerror(errno));
		return -1;
	}
	memset(&g->fin, 0, sizeof(g->fin));
	g->in_file = 0;
	return 0;
}

static int close_cur(struct gen *g)
{
	if (!g->w)
		return 0;
	int rc;
	uint64_t chunks_end = 0;
	if (g->no_trailer) {
		/* A killed recorder leaves its chunks and nothing after them:
		 * close cleanly, then cut the trailer off. */
		rc = tclog_writer_flush(g->w);
		if (rc)
			return rc;
		chunks_end = tclog_writer_bytes(g->w);
	}
	for (uint32_t s = 0; s < g->hdr.n_ifaces; s++)
		for (int d = 0; d < 2; d++) {
			struct tclog_counters *c = &g->fin.c[s][d];
			if (!c->recorded)
				continue;
			c->seen = c->recorded + 10;
			c->filtered = 10;
			c->dropped = 3;
		}
	rc = tclog_writer_close(g->w, &g->fin);
	g->w = NULL;
	if (!rc && chunks_end && truncate(g->path, (off_t)chunks_end))
		rc = -errno;
	return rc;
}

static void usage(void)
{
	fprintf(stderr, "usage: pcap2tclog [-s N] [--chunk N] [--every K --offset J] [--rotate N]\n"
			"                  [--two-ifaces] [--drops] [--no-trailer] [--ifname NAME]\n"
			"                  [--namespaces[=K]] [--v1 | --v2]\n"
			"                  [--sockets [--sockets-map FILE]]\n"
			"                  IN.pcap OUT\n");
}

static int parse_args(struct gen *g, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "chunk", required_argument, NULL, 'C' },  { "every", required_argument, NULL, 'E' },
		{ "offset", required_argument, NULL, 'O' }, { "rotate", required_argument, NULL, 'R' },
		{ "two-ifaces", no_argument, NULL, 'T' },   { "drops", no_argument, NULL, 'D' },
		{ "no-trailer", no_argument, NULL, 'N' },   { "ifname", required_argument, NULL, 'I' },
		{ "namespaces", optional_argument, NULL, 'S' }, { "v1", no_argument, NULL, '1' },
		{ "v2", no_argument, NULL, '2' },           { "sockets", no_argument, NULL, 'K' },
		{ "sockets-map", required_argument, NULL, 'M' },
		{ 0 },
	};
	int c;
	g->chunk = 64;
	g->every = 1;
	while ((c = getopt_long(argc, argv, "s:", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			/* -s 0 means the whole packet, as in tcpdump */
			g->snap = (uint32_t)strtoul(optarg, NULL, 10);
			if (!g->snap)
				g->snap = UINT32_MAX;
			break;
		case 'C': g->chunk = strtoull(optarg, NULL, 10); break;
		case 'E': g->every = strtoull(optarg, NULL, 10); break;
		case 'O': g->offset = strtoull(optarg, NULL, 10); break;
		case 'R': g->rotate = strtoull(optarg, NULL, 10); break;
		case 'T': g->two_ifaces = true; break;
		case 'D': g->drops = true; break;
		case 'N': g->no_trailer = true; break;
		case 'I': g->ifname = optarg; break;
		case 'S':
			g->netns = true;
			g->netns_add_at = optarg ? strtoull(optarg, NULL, 10) : 10;
			break;
		case '1': g->v1 = true; break;
		case '2': g->v2 = true; break;
		case 'K': g->sockets = true; break;
		case 'M': g->sockets_map = optarg; break;
		default: usage(); return -1;
		}
	}
	if (argc - optind != 2 || !g->every || !g->chunk || (g->v1 && g->netns) ||
	    (g->sockets && (g->v1 || g->v2)) || (g->sockets_map && !g->sockets) || (g->v1 && g->v2)) {
		usage();
		return -1;
	}
	return 0;
}

static void fill_header(struct gen *g, uint32_t snap_in)
{
	struct tclog_header *h = &g->hdr;
	h->snaplen = g->snap == UINT32_MAX ? 0 : g->snap;
	h->snap_cap = g->snap > snap_in ? snap_in : 0;
	snprintf(h->host, sizeof(h->host), "testhost");
	snprintf(h->kernel, sizeof(h->kernel), "6.0.0-test");
	h->n_ifaces = g->two_ifaces ? 2 : 1;
	for (uint32_t i = 0; i < h->n_ifaces; i++) {
		h->ifaces[i].ifindex = 7 + i;
		h->ifaces[i].mtu = 1500;
		h->ifaces[i].mac[0] = 2;
		h->ifaces[i].mac[5] = (uint8_t)(i + 1);
		snprintf(h->ifaces[i].name, sizeof(h->ifaces[i].name), "trace%u", i);
		if (!i && g->ifname)
			snprintf(h->ifaces[i].name, sizeof(h->ifaces[i].name), "%s", g->ifname);
	}
	if (g->netns) {
		h->n_ifaces = 2;
		for (uint32_t i = 0; i < 2; i++) {
			h->ifaces[i].ifindex = 2;
			h->ifaces[i].mtu = 1500;
			h->ifaces[i].mac[0] = 2;
			h->ifaces[i].mac[5] = (uint8_t)(i + 1);
			h->ifaces[i].netns_ino = 4026532001ull + i;
			snprintf(h->ifaces[i].name, sizeof(h->ifaces[i].name), "eth0");
			snprintf(h->ifaces[i].ns_name, sizeof(h->ifaces[i].ns_name), i ? "red" : "blue");
		}
	}
}

/* The container's interface, appearing while the recording runs. Later
 * rotated files have it in their header, at the same slot. */
static int add_third(struct gen *g)
{
	struct tclog_iface f = { .ifindex = 5, .mtu = 1500, .mac = { 2, 0, 0, 0, 0, 3 },
				 .netns_ino = 4026532003ull };

	snprintf(f.name, sizeof(f.name), "veth0");
	snprintf(f.container, sizeof(f.container), "web-1");
	g->hdr.ifaces[2] = f;
	g->hdr.n_ifaces = 3;
	return tclog_writer_add_iface(g->w, 2, &f);
}

/* Slot and direction of packet idx. */
static uint32_t pick_slot(const struct gen *g, uint64_t idx, uint8_t *dir)
{
	uint32_t slot = (g->two_ifaces || g->netns) ? (uint32_t)(idx & 1) : 0;

	if (g->netns && idx >= g->netns_add_at && idx % 3 == 2)
		slot = 2;
	*dir = slot == 1 ? TCREC_DIR_OUT : TCREC_DIR_IN;
	return slot;
}

static void endpoint(char *buf, size_t len, uint8_t family, const uint8_t *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	snprintf(buf, len, family == 6 ? "[%s]:%u" : "%s:%u", a, port);
}

static void map_line(FILE *f, const struct tclog_sock *s)
{
	char l[64], r[64];

	endpoint(l, sizeof(l), s->family, s->laddr, s->lport);
	endpoint(r, sizeof(r), s->family, s->raddr, s->rport);
	fprintf(f, "{\"proto\":\"%s\",\"local\":\"%s\",\"remote\":\"%s\",\"cookie\":%llu,\"pid\":%u,"
		   "\"tid\":%u,\"uid\":%u,\"comm\":\"%s\",\"cgroup\":\"%s\",\"container\":\"%s\"}\n",
		s->proto == 6 ? "tcp" : "udp", l, r, (unsigned long long)s->cookie, s->pid, s->tid,
		s->uid, s->comm, s->cgroup, s->container);
}

/* Packet idx as a record, written. 0 or -1. */
static int write_packet(struct gen *g, uint64_t idx, const struct pcap_pkthdr *ph,
			const u_char *data)
{
	const struct tclog_sock *sock = NULL;
	bool is_new;
	struct tcrec_record r;
	struct packet_l3 l3;
	uint32_t slot;

	memset(&r, 0, sizeof(r));
	r.wire_len = ph->len;
	packet_parse(PACKET_DLT_EN10MB, data, ph->caplen, &r, &l3);
	slot = pick_slot(g, idx, &r.dir);
	r.ts_ns = (uint64_t)ph->ts.tv_sec * 1000000000ull + (uint64_t)ph->ts.tv_usec;
	r.ifindex = g->v1 ? g->hdr.ifaces[slot].ifindex : slot;
	r.drops = g->drops ? (uint32_t)(idx % 5) : 0;
	r.cap_len = g->snap < ph->caplen ? g->snap : ph->caplen;
	if (g->sockets && (sock = flow_owner_of(&g->socks, &r, &is_new))) {
		r.sock_cookie = sock->cookie;
		if (!g->two_ifaces && !g->netns)
			r.dir = flow_owner_is_local_src(sock, &r) ? TCREC_DIR_OUT : TCREC_DIR_IN;
		if (is_new && g->map)
			map_line(g->map, sock);
	}
	g->fin.c[slot][r.dir].recorded++;
	if ((g->netns && g->hdr.n_ifaces == 2 && idx >= g->netns_add_at && add_third(g)) ||
	    tclog_writer_append_sock(g->w, &r, data, sock) ||
	    (++g->in_file % g->chunk == 0 && tclog_writer_flush(g->w))) {
		fprintf(stderr, "pcap2tclog: write failed\n");
		return -1;
	}
	return 0;
}

static int open_inputs(struct gen *g, const char *inpath, pcap_t **in)
{
	char errbuf[PCAP_ERRBUF_SIZE];

	*in = pcap_open_offline_with_tstamp_precision(inpath, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!*in) {
		fprintf(stderr, "pcap2tclog: %s\n", errbuf);
		return -1;
	}
	if (g->rotate && mkdir(g->out, 0755) && errno != EEXIST) {
		fprintf(stderr, "pcap2tclog: %s: %s\n", g->out, strerror(errno));
		return -1;
	}
	if (g->sockets_map && !(g->map = fopen(g->sockets_map, "w"))) {
		fprintf(stderr, "pcap2tclog: %s: %s\n", g->sockets_map, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct gen g = { 0 };
	struct pcap_pkthdr *ph;
	const u_char *data;
	uint64_t i = 0, written = 0;
	pcap_t *in = NULL;
	int rc, err = 0;

	if (parse_args(&g, argc, argv))
		return 2;
	g.out = argv[optind + 1];
	if (open_inputs(&g, argv[optind], &in)) {
		if (in)
			pcap_close(in);
		return 1;
	}
	fill_header(&g, (uint32_t)pcap_snapshot(in));
	while (!err && (rc = pcap_next_ex(in, &ph, &data)) == 1) {
		uint64_t idx = i++;

		if (idx % g.every != g.offset)
			continue;
		if (!g.hdr.start_ns)
			g.hdr.start_ns = (uint64_t)ph->ts.tv_sec * 1000000000ull + (uint64_t)ph->ts.tv_usec;
		if (!g.w || (g.rotate && g.in_file == g.rotate)) {
			if (close_cur(&g) || open_next(&g)) {
				err = 1;
				break;
			}
		}
		err = write_packet(&g, idx, ph, data) ? 1 : 0;
		written++;
	}
	if (!err && close_cur(&g)) {
		fprintf(stderr, "pcap2tclog: close failed\n");
		err = 1;
	}
	if (g.map && fclose(g.map) && !err) {
		fprintf(stderr, "pcap2tclog: %s: %s\n", g.sockets_map, strerror(errno));
		err = 1;
	}
	free(g.socks.v);
	pcap_close(in);
	if (err)
		return 1;
	printf("%llu\n", (unsigned long long)written);
	return 0;
}
