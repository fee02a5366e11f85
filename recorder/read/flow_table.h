/* SPDX-License-Identifier: MIT */
/*
 * Packet and byte counts per directional 5-tuple, bounded in memory: past
 * FLOW_TABLE_MAX flows, packets of new flows are counted as untracked
 * instead of growing the table.
 */
#ifndef TCREC_FLOW_TABLE_H
#define TCREC_FLOW_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/tcrec.h"

#define FLOW_TABLE_MAX (1u << 19)

struct flow_key {
	uint8_t saddr[16];
	uint8_t daddr[16];
	uint16_t sport;
	uint16_t dport;
	uint8_t family; /* 4 or 6 */
	uint8_t proto;
	uint8_t pad[2];
};

struct flow_entry {
	struct flow_key key;
	uint64_t packets;
	uint64_t bytes;
};

struct flow_table;

struct flow_table *flow_table_new(void);
void flow_table_free(struct flow_table *t);

/* Counts an IP record (others are ignored). Non-first fragments carry no
 * ports and count under ports 0. 0 or -ENOMEM. */
int flow_table_add(struct flow_table *t, const struct tcrec_record *rec);

size_t flow_table_count(const struct flow_table *t);
uint64_t flow_table_untracked(const struct flow_table *t);

/* The n largest flows by packets (then bytes), largest first, into out;
 * returns how many were written. */
size_t flow_table_top(const struct flow_table *t, struct flow_entry *out, size_t n);

#endif
