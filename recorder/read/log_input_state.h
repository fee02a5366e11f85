/* SPDX-License-Identifier: MIT */
/* The state of log_input.c, shared with log_input_capture.c (capture
 * files in the merge): private to those two. */
#ifndef TCREC_LOG_INPUT_STATE_H
#define TCREC_LOG_INPUT_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "capture_source.h"
#include "iface_name.h"
#include "log_input.h"

enum file_state { F_PENDING, F_ACTIVE, F_DONE };

struct lin_file {
	struct log_input_file pub;
	char *path;
	/* copy: outlives the reader; interfaces added while the file is read
	 * are copied in as they arrive (sync_ifaces) */
	struct tclog_header hdr;
	struct tclog_final fin;
	uint64_t first_ns;       /* earliest record, from the index */
	uint64_t last_ns;
	size_t nchunks;
	bool indexed;            /* first_ns/last_ns/nchunks come from a good index */
	enum file_state state;
	struct tclog_reader *r;
	const struct tcrec_record *rec; /* head record while active */
	const uint8_t *bytes;
	const struct tclog_sock *sock; /* of rec, valid as long as rec */
	/* range mode: chunk by chunk through the index */
	const struct tclog_chunk_info *chunks;
	size_t chunk;
	uint32_t left; /* records left in the current chunk */
	uint8_t sel[TCREC_MAX_IFACES]; /* by slot: 0 not decided yet, SEL_TAKE, SEL_SKIP */
	/* a capture file (pcap, pcapng, stdin): open from the probe on, since
	 * stdin cannot be opened twice; its first packet is read then */
	struct capture_source *cap;
	struct capture_packet cpkt;
	char *cap_err; /* damage met by the probe, said when the merge reaches it */
};

enum { SEL_TAKE = 1, SEL_SKIP = 2 };

struct log_input {
	enum log_damage on_damage;
	uint64_t problems;
	struct lin_file *files;
	size_t n;
	size_t *pending; /* file indexes by first_ns */
	size_t next_pending;
	size_t *heap;    /* active files, min-heap on (head ts, index) */
	size_t nheap;
	ssize_t last;    /* file whose record was handed out last */
	uint64_t since_ns, until_ns;
	uint64_t decompressed; /* from readers already closed */
	const struct iface_select *sel; /* NULL: every interface */
	const struct proc_select *proc; /* NULL: every process (and none) */
	uint64_t unselected;            /* records the selections left out */
	struct ns_seen ns;
};

static inline bool in_range(const struct log_input *in, uint64_t ts)
{
	return ts >= in->since_ns && (!in->until_ns || ts < in->until_ns);
}

/* log_input_capture.c: open a capture file and read its first packet
 * (0, or -1 with err when it is not one that can be read); the file's next
 * packet in range (1, 0 at its end, -1 with err). */
int lin_cap_probe(struct log_input *in, struct lin_file *f, char *err, size_t errlen);
int lin_cap_fetch(struct log_input *in, struct lin_file *f, char *err, size_t errlen);

#endif
