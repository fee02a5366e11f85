/* SPDX-License-Identifier: MIT */
/*
 * Drives the capture program with BPF_PROG_TEST_RUN: one packet in, the
 * ring-buffer records it produced out. Errors are 0/-errno.
 */
#ifndef TCREC_TESTRUN_H
#define TCREC_TESTRUN_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/tcrec.h"

struct testrun;

struct testrun_opts {
	uint32_t snaplen;     /* rodata snaplen: 0 metadata only, else bytes */
	int slot;             /* >= 0: map lo's ifindex to this slot in ifslots */
	uint32_t ring_bytes;  /* events map size, a power of two >= page size */
	bool egress;          /* run tcrec_egress instead of tcrec_ingress */
	bool verbose;         /* libbpf debug output */
};

/* What one run of the program produced. */
struct testrun_result {
	uint32_t retval;       /* program return code */
	bool data_unchanged;   /* data_out is byte for byte data_in */
	uint64_t t_before;     /* CLOCK_MONOTONIC around the run */
	uint64_t t_after;
	uint32_t duration_ns;  /* kernel's average per repetition */
	uint32_t nrec;         /* ring-buffer records consumed */
	uint32_t bad_sizes;    /* records whose size is not sizeof + cap_len */
	struct tcrec_record rec; /* the first record */
	uint8_t bytes[TCREC_SNAP_MAX]; /* its captured bytes (rec.cap_len) */
};

/* Probes the bpf() syscall: 0 usable, -EPERM/-ENOSYS/... when not. */
int testrun_bpf_available(void);

int testrun_open(struct testrun **out, const struct testrun_opts *opts);

/* Runs the program on pkt (repeat times, >= 1) with skb->mark = mark and
 * drains the ring buffer into res. */
int testrun_packet(struct testrun *t, const uint8_t *pkt, uint32_t len, uint32_t mark,
		   int repeat, struct testrun_result *res);

/* Sums counters[idx] over CPUs. */
int testrun_counters(struct testrun *t, uint32_t idx, struct tcrec_counters *sum);

void testrun_close(struct testrun *t);

#endif
