/* SPDX-License-Identifier: MIT */
/*
 * One record as a log reader hands it to print, stats and export, made from
 * fuzz input laid out as
 *   mode (1 byte) | record (128 bytes, encoding 1's layout) | packet bytes
 * Mode bit 0 clear: the record is taken as it is (a hostile log), with as
 * many packet bytes as follow. Bit 0 set: the record is what the capture
 * parser makes of the packet bytes (a consistent record), only its time,
 * interface, direction and counters come from the 128 bytes; bit 1 then
 * drops the bytes, as a metadata-only recording does. Either way the record
 * passes the checks every decoder applies (tclog_record_check): what fails
 * them never reaches the readers' consumers.
 */
#ifndef TCREC_FUZZ_RECORD_H
#define TCREC_FUZZ_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "formats/packet_parse.h"
#include "formats/tclog_codec.h"

#define FUZZ_REC_PARSED 0x01
#define FUZZ_REC_META 0x02

struct fuzz_record {
	uint8_t mode;
	struct tcrec_record rec;
	const uint8_t *bytes; /* rec.cap_len of them, NULL when 0 */
	const uint8_t *pkt;   /* the packet bytes of the input, whatever the mode */
	size_t pkt_len;
};

/* 0 with *out set, -1 when the input cannot make a record. */
static inline int fuzz_record_take(const uint8_t *data, size_t size, struct fuzz_record *out)
{
	char why[128];

	if (size < 1 + TCLOG_RECORD_SIZE)
		return -1;
	out->mode = data[0];
	tclog_record_get(data + 1, &out->rec);
	data += 1 + TCLOG_RECORD_SIZE;
	size -= 1 + TCLOG_RECORD_SIZE;
	if (size > TCREC_SNAP_MAX)
		size = TCREC_SNAP_MAX;
	out->bytes = size ? data : NULL;
	out->pkt = data;
	out->pkt_len = size;
	if (out->mode & FUZZ_REC_PARSED) {
		struct tcrec_record keep = out->rec;
		struct packet_l3 l3;

		memset(&out->rec, 0, sizeof(out->rec));
		packet_parse(PACKET_DLT_EN10MB, data, (uint32_t)size, &out->rec, &l3);
		out->rec.ts_ns = keep.ts_ns;
		out->rec.ifindex = keep.ifindex;
		out->rec.dir = keep.dir & 1;
		out->rec.mark = keep.mark;
		out->rec.drops = keep.drops;
		/* the kernel sees at least what it captured */
		out->rec.wire_len = (uint32_t)size + (keep.wire_len & 0xffff);
		out->rec.cap_len = (uint32_t)size;
		if (out->mode & FUZZ_REC_META) {
			out->rec.cap_len = 0;
			out->bytes = NULL;
		}
	} else {
		out->rec.cap_len = (uint32_t)size;
	}
	return tclog_record_check(&out->rec, why, sizeof(why)) ? -1 : 0;
}

#endif
