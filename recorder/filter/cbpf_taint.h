/* SPDX-License-Identifier: MIT */
/*
 * Runs a classic BPF filter the way libpcap's bpf_filter() does and says
 * whether any packet load it executed touched a byte marked unknown: how a
 * reader finds out that a filter's verdict on rebuilt headers rests on
 * bytes the record never had.
 */
#ifndef TCREC_CBPF_TAINT_H
#define TCREC_CBPF_TAINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cbpf_to_ebpf.h"

/* unknown[i] != 0 marks pkt[i] as not known. Returns true when an executed
 * load read such a byte; false otherwise, also on a malformed program. */
bool cbpf_reads_unknown(const struct cbpf_insn *prog, size_t n, const uint8_t *pkt,
			const uint8_t *unknown, uint32_t wirelen, uint32_t caplen);

#endif
