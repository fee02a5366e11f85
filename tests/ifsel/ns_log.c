/* SPDX-License-Identifier: MIT */
/*
 * ns_log IN.pcap OUT.tclog [--one-ns]: a format v2 tcrec log (records name
 * their interface by slot) whose interfaces live in two network namespaces,
 * made from a trace without the kernel:
 *   slot 0  eth0  ifindex 2  namespace "blue"  (inode 4026532001)
 *   slot 1  eth0  ifindex 2  namespace "red", container "web" (inode 4026532002)
 *   slot 2  lo    ifindex 1  namespace "blue"
 *   slot 3  veth1 ifindex 5  namespace "red", container "web": added halfway
 *           through, as an interface that appears during a recording
 * Packet i goes to slot i % 3 in the first half, i % 4 after. With
 * --one-ns every interface is in "blue" (and slot 1 is named eth1).
 * Writes OUT.tclog.slots, one line per packet in order: "NS/IF IFINDEX"
 * (NS the label tcrec shows: the container, else the netns name), and
 * prints the number of packets.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/packet_parse.h"
#include "formats/tclog.h"

#define INO_BLUE 4026532001ull
#define INO_RED 4026532002ull

static void set_iface(struct tclog_iface *f, const char *name, uint32_t ifindex, uint64_t ino,
		      const char *ns, const char *container)
{
	memset(f, 0, sizeof(*f));
	f->ifindex = ifindex;
	f->mtu = 1500;
	f->mac[0] = 2;
	f->mac[5] = (uint8_t)ifindex;
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->netns_ino = ino;
	snprintf(f->ns_name, sizeof(f->ns_name), "%s", ns);
	snprintf(f->container, sizeof(f->container), "%s", container);
}

static struct tclog_header hdr;
static struct tclog_final fin;
static struct tclog_iface late; /* slot 3 */

static void plan(int one_ns)
{
	snprintf(hdr.host, sizeof(hdr.host), "nshost");
	snprintf(hdr.kernel, sizeof(hdr.kernel), "Linux test");
	hdr.rec_ifslot = 1;
	hdr.n_ifaces = 3;
	set_iface(&hdr.ifaces[0], "eth0", 2, INO_BLUE, "blue", "");
	if (one_ns)
		set_iface(&hdr.ifaces[1], "eth1", 3, INO_BLUE, "blue", "");
	else
		set_iface(&hdr.ifaces[1], "eth0", 2, INO_RED, "red", "web");
	set_iface(&hdr.ifaces[2], "lo", 1, INO_BLUE, "blue", "");
	if (one_ns)
		set_iface(&late, "veth1", 5, INO_BLUE, "blue", "");
	else
		set_iface(&late, "veth1", 5, INO_RED, "red", "web");
}

static const struct tclog_iface *slot_iface(uint32_t slot)
{
	return slot == 3 ? &late : &hdr.ifaces[slot];
}

int main(int argc, char **argv)
{
	int one_ns = argc == 4 && !strcmp(argv[3], "--one-ns");
	if (argc != 3 && !one_ns) {
		fprintf(stderr, "usage: ns_log IN.pcap OUT.tclog [--one-ns]\n");
		return 2;
	}
	char errbuf[PCAP_ERRBUF_SIZE], slots_path[4096];
	pcap_t *in = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!in) {
		fprintf(stderr, "ns_log: %s\n", errbuf);
		return 1;
	}
	uint64_t total = 0, n = 0;
	struct pcap_pkthdr *h;
	const u_char *data;
	while (pcap_next_ex(in, &h, &data) == 1)
		total++;
	pcap_close(in);
	in = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, errbuf);
	snprintf(slots_path, sizeof(slots_path), "%s.slots", argv[2]);
	FILE *slots = fopen(slots_path, "w");
	if (!in || !slots || total < 8) {
		fprintf(stderr, "ns_log: %s: cannot read, or fewer than 8 packets\n", argv[1]);
		return 1;
	}
	plan(one_ns);
	struct tclog_writer *w = NULL;
	int err = 0;
	while (!err && pcap_next_ex(in, &h, &data) == 1) {
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
		if (!w) {
			hdr.start_ns = ts;
			w = tclog_writer_open(argv[2], &hdr);
			if (!w) {
				fprintf(stderr, "ns_log: %s: %s\n", argv[2], strerror(errno));
				return 1;
			}
		}
		if (n == total / 2) /* the interface appears: records before it are in chunks already */
		{
			err = tclog_writer_flush(w);
			if (!err)
				err = tclog_writer_add_iface(w, 3, &late);
		}
		uint32_t slot = (uint32_t)(n < total / 2 ? n % 3 : n % 4);
		struct tcrec_record r;
		struct packet_l3 l3;
		memset(&r, 0, sizeof(r));
		r.wire_len = h->len;
		packet_parse(PACKET_DLT_EN10MB, data, h->caplen, &r, &l3);
		r.ts_ns = ts;
		r.ifindex = slot;
		r.dir = n & 1 ? TCREC_DIR_OUT : TCREC_DIR_IN;
		fin.c[slot][r.dir].seen++;
		fin.c[slot][r.dir].recorded++;
		if (!err)
			err = tclog_writer_append(w, &r, data);
		const struct tclog_iface *f = slot_iface(slot);
		fprintf(slots, "%s/%s %u\n", f->container[0] ? f->container : f->ns_name, f->name, f->ifindex);
		n++;
	}
	pcap_close(in);
	int cerr = tclog_writer_close(w, &fin);
	if (fclose(slots) || err || cerr) {
		fprintf(stderr, "ns_log: %s: %s\n", argv[2], strerror(-(err ? err : cerr ? cerr : -EIO)));
		return 1;
	}
	printf("%llu\n", (unsigned long long)n);
	return 0;
}
