/* SPDX-License-Identifier: MIT */
/* The identity of a packet across vantage points (diff_pkt.h), from its
 * record. */
#ifndef TCREC_DIFF_KEY_H
#define TCREC_DIFF_KEY_H

#include "diff_pkt.h"

/* Fills key, pay_hash/has_pay, l3_bytes, flow and flow_hash of p from the record and,
 * when present, the packet bytes (rec->cap_len of them at p->bytes). */
void diff_pkt_from_record(const struct tcrec_record *rec, const struct packet_l3 *pl,
			  struct diff_pkt *p);

#endif
