/* SPDX-License-Identifier: MIT */
/* The pieces of `tcrec record` (record*.c), shared between its files only. */
#ifndef TCREC_RECORD_RUN_H
#define TCREC_RECORD_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "attach.h"
#include "formats/tclog.h"
#include "record_sink.h"

struct tcrec_capture;

struct record_opts {
	const char *ifnames[TCREC_MAX_IFACES];
	int n_ifaces;
	const char *out;
	const char *format;      /* -F: NULL (tcrec log, pcapng for -w -), tcrec, pcapng, pcap */
	bool snap_set;
	uint32_t snaplen;        /* as asked; 262144 for -s 0 */
	uint32_t snap_eff;       /* what the kernel copies: min(snaplen, TCREC_SNAP_MAX) */
	uint64_t count;          /* -c, 0 = no limit */
	double duration;         /* seconds, 0 = no limit */
	enum attach_mode attach;
	uint64_t ringbuf_size;   /* 0 = the object's default */
	char *filter;            /* FILTER expression (malloc'ed), NULL when none */
	uint64_t rotate_bytes;   /* -C, in bytes; 0 = no size rotation */
	uint32_t rotate_secs;    /* -G; 0 = no time rotation */
	uint32_t max_files;      /* -W; 0 = no limit */
	uint32_t flush_ms;       /* --flush-ms; 0 = the default (1000) */
	const char *run_as;      /* -Z USER, NULL = stay */
	uid_t run_uid;           /* -Z's user and group, -1 = none */
	gid_t run_gid;
};

/* record_bpf.c */

/* Routes libbpf's messages: shown with -v, the verifier log kept aside. */
void record_libbpf_logging(void);
/* Missing capabilities as "CAP_BPF, CAP_NET_ADMIN", or "" when all are
 * there. */
void record_missing_caps(char *buf, size_t len);
/* Opens and loads the capture object: snaplen, ring size, interface slots.
 * Prints one line on failure (and the verifier's last lines with -v). */
int record_bpf_load(const struct record_opts *o, const struct tclog_header *hdr,
		    struct tcrec_capture **out);
/* Counters summed over CPUs into fin; 0 or -errno. */
int record_read_counters(struct tcrec_capture *skel, uint32_t n_ifaces, struct tclog_final *fin);

/* record_loop.c */

/* wall-clock minus CLOCK_MONOTONIC, from the tightest of a few samples */
int64_t record_clock_offset(void);
uint64_t record_wall_ns(void);

struct record_stats {
	uint64_t written;
	int sink_err;        /* first write error (-errno), 0 if none */
	uint64_t malformed;  /* ring samples shorter than they claim */
};

/* Drains the ring buffer into sink until a signal, -c or --duration;
 * detaches `hooks` then drains what is left. 0 or -errno. */
int record_drain(struct tcrec_capture *skel, struct record_sink *sink, const struct record_opts *o,
		 int64_t clock_off, struct attach_set *hooks, struct record_stats *st);

/* Set by SIGINT/SIGTERM. */
void record_install_signals(void);

#endif
