/* SPDX-License-Identifier: MIT */
/*
 * pcapng writer (draft-ietf-opsawg-pcapng): one section, Ethernet
 * interfaces with nanosecond timestamps (if_tsresol=9), enhanced packet
 * blocks with direction, drop count and comment, interface statistics.
 * Errors are sticky: after the first failure every call returns it, and
 * close reports it.
 */
#ifndef TCREC_PCAPNG_WRITER_H
#define TCREC_PCAPNG_WRITER_H

#include <stdint.h>

#include "formats/pcap_out.h"

/* Section header options; NULL or "" leaves an option out. */
struct pcapng_section {
	const char *hardware; /* shb_hardware */
	const char *os;       /* shb_os */
	const char *userappl; /* shb_userappl */
};

struct pcapng_iface {
	const char *name;        /* if_name */
	const char *description; /* if_description, e.g. the host it was on */
	const char *os;          /* if_os */
	const char *filter;      /* if_filter (libpcap syntax); NULL or "" = none */
	const uint8_t *mac;      /* if_MACaddr, 6 bytes; NULL = none */
	uint32_t snaplen;
};

/* epb_flags direction bits (0-1). */
#define PCAPNG_DIR_NONE 0u
#define PCAPNG_DIR_IN 1u
#define PCAPNG_DIR_OUT 2u

struct pcapng_packet {
	uint32_t if_id;      /* from pcapng_writer_add_iface */
	uint64_t ts_ns;      /* UNIX epoch ns */
	uint32_t caplen;     /* bytes at data */
	uint32_t origlen;    /* length on the wire */
	const void *data;
	uint32_t flags;      /* epb_flags; 0 = option left out */
	uint64_t dropcount;  /* epb_dropcount; 0 = option left out */
	const char *comment; /* opt_comment; NULL = none */
	const char *comment2; /* a second opt_comment (the packet's process); NULL = none */
};

struct pcapng_if_stats {
	uint64_t ts_ns;       /* time of the statistics block */
	uint64_t start_ns;    /* isb_starttime */
	uint64_t end_ns;      /* isb_endtime */
	uint64_t ifrecv;      /* isb_ifrecv */
	uint64_t osdrop;      /* isb_osdrop */
	uint64_t filteraccept;/* isb_filteraccept */
	uint64_t usrdeliv;    /* isb_usrdeliv */
};

struct pcapng_writer;

/* Writes the section header to out. The writer owns out from here on (even
 * on failure). NULL with errno on error. */
struct pcapng_writer *pcapng_writer_open(struct pcap_out *out, const struct pcapng_section *shb);

/* Writes an interface description block. Returns its interface id (>= 0)
 * or -errno. */
int pcapng_writer_add_iface(struct pcapng_writer *w, const struct pcapng_iface *ifc);

/* Enhanced packet block. 0 or -errno. */
int pcapng_writer_packet(struct pcapng_writer *w, const struct pcapng_packet *p);

/* Interface statistics block. 0 or -errno. */
int pcapng_writer_stats(struct pcapng_writer *w, uint32_t if_id, const struct pcapng_if_stats *s);

/* Pushes buffered blocks to the output. 0 or -errno. */
int pcapng_writer_flush(struct pcapng_writer *w);

uint64_t pcapng_writer_packets(const struct pcapng_writer *w);

/* Closes the output; returns the first error of the writer's life or 0.
 * Always frees w. NULL-safe. */
int pcapng_writer_close(struct pcapng_writer *w);

#endif
