/* SPDX-License-Identifier: MIT */
/*
 * Turns tcrec records into pcapng or pcap packets: the bytes a record
 * carries, or synthesized headers for metadata-only records. Shared by
 * `tcrec export` and the live pcapng/pcap record sink.
 */
#ifndef TCREC_EXPORT_WRITER_H
#define TCREC_EXPORT_WRITER_H

#include <stdint.h>

#include "formats/pcapng_writer.h"
#include "formats/tclog.h"

enum export_format {
	EXPORT_PCAPNG,
	EXPORT_PCAP,
	EXPORT_PCAPNG_ZST,
};

/* From OUT's name: .pcapng, .pcap, .pcapng.zst ("-" is pcapng). 0 or -1. */
int export_format_from_path(const char *path, enum export_format *fmt);

/* Snap length the packets of a recording can have: what the header says
 * bytes were captured up to, or the synthesized header size for a
 * metadata-only recording. */
uint32_t export_snaplen(const struct tclog_header *hdr);

/* Adds one interface's counters (ingress and egress, as a log's trailer
 * keeps them) to its pcapng interface statistics: seen on the hook is
 * isb_ifrecv, seen and not rejected by the filter isb_filteraccept,
 * recorded isb_usrdeliv, ring-buffer drops isb_osdrop. */
void export_stats_add(struct pcapng_if_stats *st, const struct tclog_counters c[2]);

struct export_writer;

/* path "-" writes to stdout. pcap_snaplen goes into a pcap file header
 * (pcapng takes one per interface). NULL with errno. */
struct export_writer *export_writer_open(const char *path, enum export_format fmt,
					 const struct pcapng_section *shb, uint32_t pcap_snaplen);

/* The same on a descriptor it does not own (close leaves fd open). */
struct export_writer *export_writer_fdopen(int fd, enum export_format fmt,
					   const struct pcapng_section *shb, uint32_t pcap_snaplen);

/* A filter applied on top of the recording's own (export FILTER): the
 * interface blocks added afterwards say "(recording) and (extra)". The
 * string must outlive w. */
void export_writer_set_filter(struct export_writer *w, const char *extra);

/* Whether the interface blocks added from now on are named NS/IF (logs of
 * several network namespaces) rather than IF. Their description names the
 * namespace either way, when the log knows it. Off by default. */
void export_writer_set_ns_names(struct export_writer *w, int on);

/* One interface of a recording: an IDB in pcapng. Returns its id (>= 0),
 * or -errno. snaplen 0 takes export_snaplen(hdr). */
int export_writer_add_iface(struct export_writer *w, const struct tclog_header *hdr,
			    const struct tclog_iface *ifc, uint32_t snaplen);

/* One packet on interface if_id. 0 or -errno (-EPIPE: reader went away). */
int export_writer_packet(struct export_writer *w, uint32_t if_id, const struct tcrec_record *rec,
			 const uint8_t *bytes);

/* The same for a packet whose socket is sock (NULL = none, then exactly
 * export_writer_packet): in pcapng its EPB carries the owner as a comment,
 * export_sock_comment's text, next to any other comment; pcap has no
 * place for it. */
int export_writer_packet_sock(struct export_writer *w, uint32_t if_id,
			      const struct tcrec_record *rec, const uint8_t *bytes,
			      const struct tclog_sock *sock);

/* "pid=N tid=N comm=NAME uid=N cgroup=PATH container=ID", as ptcpdump
 * writes it, so that Wireshark filters `frame.comment contains "comm=curl"`.
 * A field the table does not know is left out (uid only with a pid, as 0
 * is root); bytes of comm, cgroup or container outside printable ASCII
 * become '?' (a comment is UTF-8, and one line). Returns the length
 * written (always NUL-terminated, cut to len; EXPORT_SOCK_COMMENT_MAX is
 * enough for any socket). */
#define EXPORT_SOCK_COMMENT_MAX 448
size_t export_sock_comment(char *buf, size_t len, const struct tclog_sock *sock);

/* Statistics for interface if_id (pcapng only; a no-op for pcap). */
int export_writer_stats(struct export_writer *w, uint32_t if_id, const struct pcapng_if_stats *s);

int export_writer_flush(struct export_writer *w);

uint64_t export_writer_packets(const struct export_writer *w);

/* 0 or the first error of the writer's life. Frees w. NULL-safe. */
int export_writer_close(struct export_writer *w);

#endif
