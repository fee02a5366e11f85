/* SPDX-License-Identifier: MIT */
/* The pcap/pcapng (and log) input of print/diff: diff_source on hostile bytes. */
#include "fuzz_util.h"
#include "recorder/diff/diff_source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	/* synth on: metadata-only log records also go through header synthesis */
	for (int synth = 0; synth < 2; synth++) {
		struct diff_src *s;
		struct diff_pkt p;

		if (diff_src_open(path, NULL, synth, &s, err, sizeof(err)))
			break;
		sink += (uint64_t)diff_src_linktype(s);
		for (int i = 0; i < 100000 && diff_src_next(s, &p, err, sizeof(err)) == 1; i++)
			sink += p.cap_len + p.key + (p.cap_len ? p.bytes[p.cap_len - 1] : 0);
		sink += diff_src_capture_drops(s);
		diff_src_close(s);
	}
	close(fd);
	return 0;
}
