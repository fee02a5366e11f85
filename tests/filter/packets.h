/* SPDX-License-Identifier: MIT */
/* Packets of pcap files, held in memory for the filter tests. */
#ifndef TCREC_TEST_PACKETS_H
#define TCREC_TEST_PACKETS_H

#include <stddef.h>
#include <stdint.h>

struct packet {
	uint8_t *data;
	uint32_t caplen;
	uint32_t len;
	const char *trace; /* file name it came from */
};

struct packet_set {
	struct packet *p;
	size_t n, cap;
	char **names; /* trace names the packets point to */
	size_t nnames;
};

/* Appends every packet of every *.pcap file in dir (sorted by name).
 * 0, or -1 with a message on stderr. */
int packets_load_dir(struct packet_set *s, const char *dir);

/* Appends one packet (copied). 0 or -1. */
int packets_add(struct packet_set *s, const uint8_t *data, uint32_t caplen, uint32_t len,
		const char *trace);

void packets_free(struct packet_set *s);

#endif
