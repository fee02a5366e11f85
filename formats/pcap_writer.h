/* SPDX-License-Identifier: MIT */
/*
 * Classic pcap writer: nanosecond magic (0xa1b23c4d), link type Ethernet,
 * host byte order as libpcap writes it. Errors are sticky and reported at
 * close.
 */
#ifndef TCREC_PCAP_WRITER_H
#define TCREC_PCAP_WRITER_H

#include <stdint.h>

#include "formats/pcap_out.h"

struct pcap_writer;

/* Writes the file header. The writer owns out from here on (even on
 * failure). NULL with errno on error. */
struct pcap_writer *pcap_writer_open(struct pcap_out *out, uint32_t snaplen);

/* One record; caplen is cut to the file's snaplen. 0 or -errno. */
int pcap_writer_packet(struct pcap_writer *w, uint64_t ts_ns, const void *data, uint32_t caplen,
		       uint32_t origlen);

int pcap_writer_flush(struct pcap_writer *w);

uint64_t pcap_writer_packets(const struct pcap_writer *w);

/* Returns the first error of the writer's life or 0. Always frees w.
 * NULL-safe. */
int pcap_writer_close(struct pcap_writer *w);

#endif
