/* SPDX-License-Identifier: MIT */
/* Random classic BPF programs and packets for difference testing. */
#ifndef TCREC_TEST_RANDPROG_H
#define TCREC_TEST_RANDPROG_H

#include <stddef.h>
#include <stdint.h>

#include "filter/cbpf_to_ebpf.h"

#define RANDPROG_MAX 64

void randprog_seed(uint64_t seed);
uint32_t randprog_u32(void);

/* Fills p with a random program of every opcode bpf_filter runs, ending
 * in a RET, with forward jumps inside it and scratch memory read only
 * where every path wrote it first (bpf_filter does not initialise it).
 * Returns its length. The caller still asks bpf_validate. */
size_t randprog_generate(struct cbpf_insn *p);

/* A random packet in buf (Ethernet-like more often than not); returns its
 * length, at least 14. */
uint32_t randprog_packet(uint8_t *buf, size_t size);

#endif
