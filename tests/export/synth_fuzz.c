/* SPDX-License-Identifier: MIT */
/*
 * synth_fuzz [ITERATIONS]: header synthesis on random records (every field
 * random, flags and lengths included). Each result must fit SYNTH_MAX and
 * the record's wire length. The first TSHARK_MAX IPv4 headers written whole
 * go to a pcap file, each after a plain Ethernet header, and tshark must
 * find every one's checksum good. Exit 77 when tshark is not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/synth.h"

/* Enough headers to meet every option length, TOS and fragment field many
 * times, few enough for tshark to read in seconds. */
#define TSHARK_MAX 20000

static uint64_t state = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static void put_le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	fwrite(b, 1, 4, f);
}

/* tshark checks no header whose total length is below its header length.
 * Such a header gets the smallest plausible total length, and its checksum
 * the matching update (RFC 1624: HC' = ~(~HC + ~m + m')), which keeps a
 * wrong checksum wrong. */
static void make_checkable(uint8_t *h, size_t hl)
{
	uint16_t m = (uint16_t)(h[2] << 8 | h[3]);
	if (m >= hl)
		return;
	uint32_t sum = (uint16_t)~(h[10] << 8 | h[11]);
	sum += (uint16_t)~m;
	sum += (uint32_t)hl;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	h[2] = 0;
	h[3] = (uint8_t)hl;
	h[10] = (uint8_t)(~sum >> 8);
	h[11] = (uint8_t)~sum;
}

static void write_frame(FILE *f, const uint8_t *eth, const uint8_t *ip, size_t hl)
{
	uint8_t frame[14 + 60];
	memcpy(frame, eth, 12);
	frame[12] = 0x08;
	frame[13] = 0x00;
	memcpy(frame + 14, ip, hl);
	make_checkable(frame + 14, hl);
	put_le32(f, 0);
	put_le32(f, 0);
	put_le32(f, (uint32_t)(14 + hl));
	put_le32(f, (uint32_t)(14 + hl));
	fwrite(frame, 1, 14 + hl, f);
}

/* Number of headers tshark finds good; -1 when tshark could not run. */
static long tshark_good(const char *path, unsigned long *lines)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "tshark -n -r %s -o ip.check_checksum:TRUE -T fields -E occurrence=f "
		 "-e ip.checksum.status 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	char line[64];
	long good = 0;
	*lines = 0;
	while (fgets(line, sizeof(line), p)) {
		(*lines)++;
		if (!strcmp(line, "1\n")) /* 1 = good, 0 = bad, 2 or nothing = not checked */
			good++;
	}
	return pclose(p) == 0 ? good : -1;
}

int main(int argc, char **argv)
{
	unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	unsigned long ipv4_written = 0;
	if (system("command -v tshark >/dev/null 2>&1") != 0) {
		fprintf(stderr, "synth_fuzz: tshark not found: cannot check IPv4 checksums\n");
		return 77;
	}
	char path[] = "/tmp/synth_fuzz.XXXXXX";
	int fd = mkstemp(path);
	FILE *pcap = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!pcap) {
		perror("synth_fuzz: temporary pcap");
		return 1;
	}
	put_le32(pcap, 0xa1b2c3d4);
	fwrite((const uint8_t[]){ 2, 0, 4, 0 }, 1, 4, pcap);
	put_le32(pcap, 0);
	put_le32(pcap, 0);
	put_le32(pcap, 65535);
	put_le32(pcap, 1);
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
			fclose(pcap);
			unlink(path);
			return 1;
		}
		for (size_t j = SYNTH_MAX; j < sizeof(out); j++)
			if (out[j] != 0xa5) {
				fprintf(stderr, "synth_fuzz: iteration %lu: wrote past SYNTH_MAX\n", i);
				fclose(pcap);
				unlink(path);
				return 1;
			}
		size_t off = 12 + 4 * (size_t)(r.vlan_count < 3 ? r.vlan_count : 3) + 2;
		if ((r.flags & TCREC_F_IPV4) && r.ethertype == 0x0800 && n >= off + 20 &&
		    ipv4_written < TSHARK_MAX) {
			size_t hl = (size_t)(out[off] & 15) * 4;
			if (hl >= 20 && n >= off + hl) {
				write_frame(pcap, out, out + off, hl);
				ipv4_written++;
			}
		}
	}
	if (fclose(pcap)) {
		perror("synth_fuzz: temporary pcap");
		unlink(path);
		return 1;
	}
	unsigned long lines;
	long good = tshark_good(path, &lines);
	unlink(path);
	if (good < 0 || lines != ipv4_written) {
		fprintf(stderr, "synth_fuzz: tshark failed on %lu IPv4 headers\n", ipv4_written);
		return 1;
	}
	printf("%lu random records synthesized within bounds; %ld/%lu IPv4 checksums good per tshark\n",
	       iters, good, ipv4_written);
	return ipv4_written && (unsigned long)good == ipv4_written ? 0 : 1;
}
