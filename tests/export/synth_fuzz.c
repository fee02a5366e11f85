/* SPDX-License-Identifier: MIT */
/*
 * synth_fuzz [ITERATIONS]: header synthesis on random records (every field
 * random, flags and lengths included). Each result must fit SYNTH_MAX and
 * the record's wire length, and every IPv4 header written whole must carry
 * a checksum that verifies (the sum over the header folds to 0xffff).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/synth.h"

static uint64_t state = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

int main(int argc, char **argv)
{
	unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	unsigned long ipv4_checked = 0;
	for (unsigned long i = 0; i < iters; i++) {
		struct tcrec_record r;
		uint8_t *p = (uint8_t *)&r;
		for (size_t j = 0; j < sizeof(r); j += 8) {
			uint64_t v = next();
			memcpy(p + j, &v, sizeof(r) - j < 8 ? sizeof(r) - j : 8);
		}
		/* Make the interesting paths common rather than rare. */
		if (i & 1)
			r.ethertype = i & 2 ? 0x0800 : 0x86dd;
		if (i & 4)
			r.vlan_count = (uint8_t)(i % 5);
		if (i & 8)
			r.wire_len = (uint32_t)(next() % 2000);
		if (i & 16)
			r.ip_proto = (uint8_t[]){ 1, 6, 17, 58, 132 }[i % 5];
		uint8_t out[SYNTH_MAX + 64];
		memset(out, 0xa5, sizeof(out));
		size_t n = synth_headers(&r, out);
		if (n > SYNTH_MAX || n > r.wire_len) {
			fprintf(stderr, "synth_fuzz: iteration %lu: %zu bytes for wire_len %u\n", i, n, r.wire_len);
			return 1;
		}
		for (size_t j = SYNTH_MAX; j < sizeof(out); j++)
			if (out[j] != 0xa5) {
				fprintf(stderr, "synth_fuzz: iteration %lu: wrote past SYNTH_MAX\n", i);
				return 1;
			}
		size_t off = 12 + 4 * (size_t)(r.vlan_count < 3 ? r.vlan_count : 3) + 2;
		if ((r.flags & TCREC_F_IPV4) && r.ethertype == 0x0800 && n >= off + 20) {
			size_t hl = (size_t)(out[off] & 15) * 4;
			if (n >= off + hl) {
				if (synth_ip_checksum(out + off, hl) != 0) {
					fprintf(stderr, "synth_fuzz: iteration %lu: IPv4 checksum does not verify\n", i);
					return 1;
				}
				ipv4_checked++;
			}
		}
	}
	printf("%lu random records synthesized within bounds; %lu IPv4 checksums verified\n", iters,
	       ipv4_checked);
	return ipv4_checked ? 0 : 1;
}
