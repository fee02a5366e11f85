/* SPDX-License-Identifier: MIT */
/*
 * Test-only parser: fills a struct tcrec_record from the bytes of one
 * Ethernet frame with the field meanings of bpf/tcrec.h, so that header
 * synthesis can be checked against real traces without the kernel.
 */
#ifndef TCREC_TEST_TRACE_PARSE_H
#define TCREC_TEST_TRACE_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/tcrec.h"

/* caplen bytes at pkt, wire_len the original length. Never fails: what
 * cannot be parsed is left zero and flagged as the kernel side would. */
void trace_parse(const uint8_t *pkt, uint32_t caplen, uint32_t wire_len, struct tcrec_record *r);

#endif
