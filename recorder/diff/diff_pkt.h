/* SPDX-License-Identifier: MIT */
/*
 * What `tcrec diff` knows about one packet: its time, where it came from and
 * the invariants that identify it at another vantage point.
 *
 * Every input (pcap, pcapng, tcrec log) is first brought to a tcrec_record
 * (pcap bytes go through formats/packet_parse.h, a user-space twin of the
 * BPF parser), then the match key is derived from the record alone. The same rules therefore apply
 * to every input format, which is what lets a tcrec log match a pcap.
 */
#ifndef TCREC_DIFF_PKT_H
#define TCREC_DIFF_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/tcrec.h"
#include "formats/packet_parse.h"

/* Bytes after the fixed L4 header (TCP options included) hashed into the
 * match when both sides captured them. */
#define DIFF_PAYLOAD_HASH_MAX 64

/* A flow: directional, per 5-tuple. ICMP echo uses the echo id as sport and
 * the type as dport, other ICMP the type as dport; non-IP frames form one
 * flow per ethertype (family 0). */
struct diff_flowkey {
	uint8_t saddr[16];
	uint8_t daddr[16];
	uint16_t sport;
	uint16_t dport;
	uint16_t ethertype;
	uint8_t family; /* 0 (not IP), 4, 6 */
	uint8_t proto;
};

struct diff_pkt {
	uint64_t ts_ns;      /* as read; the B side's clock offset is applied by the matcher */
	uint64_t num;        /* 1-based position in its input, as tshark's frame.number */
	uint64_t key;        /* hash of the invariants, payload excluded */
	uint64_t pay_hash;   /* hash of the first payload bytes, valid when has_pay */
	uint64_t flow_hash;  /* hash of flow, for the flow table */
	uint32_t l3_bytes;   /* IP packet length (wire length for non-IP): VLAN/MAC changes don't count */
	uint32_t wire_len;
	uint32_t cap_len;
	int linktype;        /* DLT of bytes (DLT_EN10MB for tcrec logs) */
	bool has_pay;
	bool synthesized;    /* bytes are headers synthesized from metadata */
	uint32_t owner;      /* its process: an id of its source's diff_owners, 0 = none or not tracked */
	const uint8_t *bytes; /* cap_len bytes, valid until the source's next read */
	struct diff_flowkey flow;
};

#endif
