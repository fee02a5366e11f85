/* SPDX-License-Identifier: MIT */
/*
 * One side of a diff: a pcap, pcapng or tcrec log (file or directory of
 * rotated files), told apart by their magic, read one packet at a time.
 */
#ifndef TCREC_DIFF_SOURCE_H
#define TCREC_DIFF_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diff_pkt.h"

enum diff_src_kind { DIFF_SRC_PCAP, DIFF_SRC_PCAPNG, DIFF_SRC_TCLOG };

struct diff_src;

/*
 * Opens path; filter (pcap-filter syntax, may be NULL) is compiled for the
 * input's link type and applied to every packet read (for metadata-only
 * tcrec records: to headers synthesized from the record). synth: give
 * metadata-only records synthesized header bytes (formats/synth.h) so that
 * they can be written out.
 * 0, or -1 with one line in err naming the path (or the filter) and why.
 */
int diff_src_open(const char *path, const char *filter, bool synth, struct diff_src **out,
		  char *err, size_t errlen);

/* 1 = *p filled (bytes valid until the next call on this source),
 * 0 = end, -1 = damaged input with a message in err. */
int diff_src_next(struct diff_src *s, struct diff_pkt *p, char *err, size_t errlen);

enum diff_src_kind diff_src_kind(const struct diff_src *s);
const char *diff_src_kind_name(enum diff_src_kind k);
int diff_src_linktype(const struct diff_src *s);
/* Packets the capture itself lost (tcrec ring-buffer drops), as far as the
 * input says; pcap files don't say. */
uint64_t diff_src_capture_drops(const struct diff_src *s);

void diff_src_close(struct diff_src *s);

#endif
