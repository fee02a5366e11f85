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

struct read_filter;
struct iface_select;
struct proc_select;

enum diff_src_kind { DIFF_SRC_PCAP, DIFF_SRC_PCAPNG, DIFF_SRC_TCLOG };

struct diff_src;

/*
 * Opens path. filter (may be NULL) selects the packets read, as it does for
 * print and stats (filter/read_filter.h): on their bytes, on headers rebuilt
 * from metadata-only tcrec records, and on frames of other link types seen
 * as Ethernet frames with zero MACs; packets captured without any bytes
 * never pass. The source filters with a copy of its own, whose one warning
 * about metadata-only records names path. synth: give metadata-only records
 * synthesized header bytes (formats/synth.h) so that they can be written out.
 * 0, or -1 with one line in err naming the path (or the filter) and why.
 */
int diff_src_open(const char *path, const struct read_filter *filter, bool synth,
		  struct diff_src **out, char *err, size_t errlen);

/* 1 = *p filled (bytes valid until the next call on this source),
 * 0 = end, -1 = error with a message in err. A pcap or pcapng that is cut
 * short or damaged ends where the damage starts, with one warning naming the
 * file; a tcrec log steps over damage with a warning per damaged region
 * (log_input.h). diff_src_damaged() then says so. */
int diff_src_next(struct diff_src *s, struct diff_pkt *p, char *err, size_t errlen);

/* Whether the input read to its end was incomplete: a pcap/pcapng cut short
 * or damaged, a tcrec log with damaged regions or skipped files, or a log
 * file without its trailer (recorder killed). */
bool diff_src_damaged(const struct diff_src *s);

/* Whether every packet comes with its bytes: pcap and pcapng, tcrec logs
 * recorded with a snap length; not metadata-only logs. */
bool diff_src_has_bytes(const struct diff_src *s);
/* Frames with more VLAN tags than a record holds are keyed by their L3
 * header past the tags (read from their bytes); off by default. Only for
 * runs where both inputs have bytes: a metadata-only record of such a frame
 * has no L3 header, and must keep the key its twin gets. Call before the
 * first diff_src_next. */
void diff_src_past_tags(struct diff_src *s, bool on);

/* Reads only the packets of the interfaces sel takes (--interface; not
 * owned, must outlive s). tcrec logs: by namespace and name as print does.
 * pcapng: by the if_name of each packet's interface block: "NS/IF" (as
 * tcrec export names them) as NS and IF, a plain name by the IF part only;
 * packets of an interface without a name are taken. pcap: has no interfaces; every packet is taken, with a warning.
 * At the end of the input, a spec that named none of its interfaces is
 * said in a warning naming the input. Call before the first diff_src_next.
 * 0, or -1 with err. */
int diff_src_set_select(struct diff_src *s, const struct iface_select *sel, char *err, size_t errlen);

/* Reads only the packets whose socket sel takes (--pid, --comm, --cgroup,
 * --container; read/proc_select.h; not owned, must outlive s). Only tcrec
 * logs know sockets: for a pcap or pcapng input -1 with err saying so.
 * Call before the first diff_src_next. 0 or -1. */
int diff_src_set_proc(struct diff_src *s, const struct proc_select *sel, char *err, size_t errlen);

/* Gives every packet the id of its process (diff_pkt.owner) for
 * diff_src_owner_label. tcrec logs only (-1 with err otherwise; -1 also when
 * out of memory). Call before the first diff_src_next. */
int diff_src_track_owners(struct diff_src *s, char *err, size_t errlen);
/* "comm:pid" of an owner id, "-" for 0. Only once the input was read to
 * its end (the reader thread adds ids while it runs). */
const char *diff_src_owner_label(const struct diff_src *s, uint32_t id);

enum diff_src_kind diff_src_kind(const struct diff_src *s);
/* The path as given to diff_src_open. */
const char *diff_src_path(const struct diff_src *s);
const char *diff_src_kind_name(enum diff_src_kind k);
int diff_src_linktype(const struct diff_src *s);
/* Packets the capture itself lost (tcrec ring-buffer drops), as far as the
 * input says; pcap files don't say. */
uint64_t diff_src_capture_drops(const struct diff_src *s);

/* How far s has been read, for a progress line; safe from another thread
 * while s is read: bytes of the input consumed and packets read (as of the
 * last 1024, and at the end), and its size on disk (0 = unknown). */
void diff_src_progress(const struct diff_src *s, uint64_t *done, uint64_t *total, uint64_t *packets);

void diff_src_close(struct diff_src *s);

#endif
