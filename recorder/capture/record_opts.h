/* SPDX-License-Identifier: MIT */
/* What `tcrec record` was asked to do, as the command layer parsed it: the
 * capture room takes this struct, never the command line. */
#ifndef TCREC_RECORD_OPTS_H
#define TCREC_RECORD_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "attach.h"
#include "bpf/tcrec.h"

/* -F, resolved once: without -F a file gets a tcrec log, "-w -" pcapng. */
enum record_format { RECORD_TCREC, RECORD_PCAPNG, RECORD_PCAP };

/* -Q: which hooks. DIRS_DEFAULT is both, except on loopback: in only,
 * since every packet crosses both of lo's hooks and tcpdump shows it once. */
#define RECORD_DIR_IN (1u << TCREC_DIR_IN)
#define RECORD_DIR_OUT (1u << TCREC_DIR_OUT)
#define RECORD_DIRS_DEFAULT 0u

#define RECORD_MAX_NS_SPECS 64

struct record_opts {
	const char *ifnames[TCREC_MAX_IFACES]; /* -i: names, shell patterns or "any" */
	int n_ifaces;
	bool follow;             /* --follow: an -i NAME that goes away is waited for */
	unsigned dirs;           /* -Q: RECORD_DIR_* bits, or RECORD_DIRS_DEFAULT */
	const char *netns[RECORD_MAX_NS_SPECS]; /* --netns NAME|PATH|PID */
	int n_netns;
	bool all_netns;          /* --netns all */
	const char *containers[RECORD_MAX_NS_SPECS];
	int n_containers;
	bool host_side;          /* --host-side */
	const char *out;         /* -w; "-" is standard output */
	enum record_format format;
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
	bool no_process;         /* --no-process: packets are not tied to sockets */
	const char *cgroup;      /* --cgroup PATH: only that cgroup's packets; NULL = all */
	const char *run_as;      /* -Z USER, NULL = stay */
	uid_t run_uid;           /* -Z's user and group, -1 = none */
	gid_t run_gid;
	const char *metrics_addr; /* --metrics ADDR:PORT, NULL = no server */
	const char *metrics_file; /* --metrics-file PATH, NULL = none */
	const char *tee_log;     /* a tcrec log written besides -w (extcap's "also keep a
				  * tcrec log"), NULL = none */
};

#endif
