/* SPDX-License-Identifier: MIT */
/*
 * The blocks of a pcapng stream, read as hostile input: sections (either
 * byte order), their interfaces (link type, snaplen, if_name, if_tsresol,
 * if_tsoffset) and their packets (EPB, SPB, the obsolete PB) with the
 * direction of epb_flags. The one pcapng walker: print, stats and export
 * read packets through it (capture_source.h), diff walks beside libpcap
 * with it to learn interface names.
 */
#ifndef TCREC_PCAPNG_BLOCKS_H
#define TCREC_PCAPNG_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pcapng_blocks;

/* An interface (IDB); numbered over all sections in the order met. */
struct pcapng_iface {
	int linktype;
	uint32_t snaplen;
	const char *name;     /* if_name, NULL when the IDB has none */
};

enum pcapng_dir { PCAPNG_DIR_NONE = 0, PCAPNG_DIR_IN = 1, PCAPNG_DIR_OUT = 2 };

struct pcapng_packet {
	size_t iface;         /* index over all sections (pcapng_blocks_iface) */
	uint64_t ts_ns;       /* in the interface's resolution, as ns since the epoch */
	uint32_t caplen, origlen;
	const uint8_t *data;  /* caplen bytes, valid until the next call */
	enum pcapng_dir dir;  /* from epb_flags */
};

/* Reads f, which starts with a section header block; f is not owned.
 * shb_read: its first 4 bytes (the block type) were read already, by a
 * caller that sniffed the format. NULL with errno. */
struct pcapng_blocks *pcapng_blocks_open(FILE *f, bool shb_read);

/* 1 = *p set, 0 = clean end, -1 = damage: err says where (byte offset)
 * and what; nothing more is read then. */
int pcapng_blocks_next(struct pcapng_blocks *w, struct pcapng_packet *p, char *err, size_t errlen);

size_t pcapng_blocks_nifaces(const struct pcapng_blocks *w);
const struct pcapng_iface *pcapng_blocks_iface(const struct pcapng_blocks *w, size_t i);

void pcapng_blocks_close(struct pcapng_blocks *w);

#endif
