/* SPDX-License-Identifier: MIT */
/*
 * Reading LOG... arguments as one stream: each argument is a tcrec log file,
 * a directory of rotated log files, or a capture file (pcap, pcapng, either
 * zstd-compressed, or "-" for stdin; sniffed from its bytes, read through
 * capture_source.h); records from all of them come out merged by time (ties
 * keep file order). Damage in a capture file ends that file with one
 * warning (a problem: the reader exits 1).
 */
#ifndef TCREC_LOG_INPUT_H
#define TCREC_LOG_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/tclog.h"

struct log_input;
struct iface_select;
struct proc_select;

struct log_packet {
	const struct tcrec_record *rec;   /* wall-clock ts_ns */
	const uint8_t *bytes;             /* rec->cap_len bytes */
	const struct tclog_header *hdr;   /* header of the file it came from */
	const struct tclog_iface *iface;  /* its interface in that header (tclog_iface_of), NULL if unknown */
	size_t file;                      /* index into log_input_files() */
	const struct tclog_sock *sock;    /* owner of its socket (tclog_reader_sock), NULL = none */
	int linktype;                     /* PACKET_DLT_* of bytes (formats/packet_parse.h): EN10MB
					   * for logs, and for capture files too: a cooked or raw
					   * IP packet comes with the synthesized Ethernet header
					   * an L3 device's record has (capture_source.h) */
	bool bare;                        /* a capture file with no interface name and no
					   * direction for it: print it as tcpdump -r does */
};

struct log_input_file {
	const char *path;
	const struct tclog_header *hdr;
	uint64_t size;                    /* bytes on disk */
	const struct tclog_final *final;  /* trailer counters once read to the end, else NULL */
	int index_rebuilt;                /* no trailer: index rebuilt by scanning */
};

/* What a damaged log does to the stream. */
enum log_damage {
	/* One warning per damaged region (file, offset, records lost), then on
	 * with the next valid chunk; a file that is not a readable log (empty,
	 * README, torn header) is skipped with one warning as long as another
	 * file is readable. log_input_problems() counts both. */
	LOG_DAMAGE_SKIP,
	/* Stop at the first damage or unreadable file (-1 with the error). */
	LOG_DAMAGE_STOP,
};

/* Expands directories (files inside, sorted by name) and opens every file.
 * NULL with a message in err naming the path on failure. log_input_open
 * skips damage (LOG_DAMAGE_SKIP). */
struct log_input *log_input_open(char *const *paths, size_t n, char *err, size_t errlen);
struct log_input *log_input_open_with(char *const *paths, size_t n, enum log_damage on_damage,
				      char *err, size_t errlen);

/* Restrict to records with since_ns <= ts_ns < until_ns (0 = unbounded);
 * chunks entirely outside are skipped without being decompressed.
 * Call before the first log_input_next. */
void log_input_set_range(struct log_input *in, uint64_t since_ns, uint64_t until_ns);

/* The earliest recording start among the files (0 when none says): what
 * "+offset" times count from. */
uint64_t log_input_start_ns(const struct log_input *in);

/* 1 = *pkt set (valid until the next call), 0 = end of all inputs,
 * -1 = error (message in err names file and offset). Warnings for torn
 * files are printed once to stderr as they are met. */
int log_input_next(struct log_input *in, struct log_packet *pkt, char *err, size_t errlen);

/* Only records of the interfaces sel takes come out (NULL or empty: all).
 * sel is not owned and must outlive in. Call before the first
 * log_input_next. */
void log_input_set_select(struct log_input *in, const struct iface_select *sel);

/* Only records whose socket sel takes (--pid, --comm, --cgroup,
 * --container; read/proc_select.h): records with no socket are left out
 * once sel holds a criterion. sel is not owned and must outlive in. Call
 * before the first log_input_next. */
void log_input_set_proc(struct log_input *in, const struct proc_select *sel);

/* Records left out by either selection so far. */
uint64_t log_input_unselected(const struct log_input *in);

/* Whether the selection takes interface slot of file (true without one). */
bool log_input_selected(struct log_input *in, size_t file, uint32_t slot);

/* Whether the interface tables read so far hold more than one network
 * namespace: then output names interfaces NS/IF (read/iface_name.h). The
 * files' headers decide it at open; an interface added during a recording
 * can turn it on later. */
bool log_input_several_ns(const struct log_input *in);

/* Files skipped and damaged regions stepped over so far: a reader that
 * went on past any of them must still exit 1. */
uint64_t log_input_problems(const struct log_input *in);

size_t log_input_nfiles(const struct log_input *in);
const struct log_input_file *log_input_file(const struct log_input *in, size_t i);

/* Chunks decompressed so far, over all files. */
uint64_t log_input_chunks_decompressed(const struct log_input *in);

/* How far reading has got, for progress lines: in *done the bytes of the
 * files consumed so far (a file read to its end, or left out by the range,
 * counts whole), in *total their sizes on disk summed, 0 when an input
 * cannot say its size (stdin, a pipe). */
void log_input_bytes(const struct log_input *in, uint64_t *done, uint64_t *total);

void log_input_close(struct log_input *in);

#endif
