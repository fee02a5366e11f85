/* SPDX-License-Identifier: MIT */
/*
 * How far one side of a diff has been read, for the progress line: the
 * reader thread notes it as it goes (diff_source.c), the thread drawing
 * the line reads it (diff_src_progress).
 */
#ifndef TCREC_DIFF_SOURCE_PROGRESS_H
#define TCREC_DIFF_SOURCE_PROGRESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <pcap/pcap.h>

struct log_input;

struct diff_src_meter {
	uint64_t total;           /* size on disk, 0 = unknown; set before reading starts */
	_Atomic uint64_t done;    /* bytes of the input consumed */
	_Atomic uint64_t packets; /* packets read */
};

/* The size of the input: a tcrec log (li) or the capture file at path. */
void diff_src_meter_init(struct diff_src_meter *m, const char *path, struct log_input *li);

/* After packet `packets` of the input (li, or pc for a capture file) was
 * read: published every 1024 packets, and at the end (last). */
void diff_src_meter_note(struct diff_src_meter *m, struct log_input *li, pcap_t *pc,
			 uint64_t packets, bool last);

#endif
