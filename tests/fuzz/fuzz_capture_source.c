/* SPDX-License-Identifier: MIT */
/* The capture-file source of print/stats/export (pcap, pcapng, zstd) on
 * hostile bytes, and the packet lines of what it returns (DNS, HTTP). */
#include "fuzz_util.h"
#include "recorder/read/capture_source.h"
#include "recorder/read/packet_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512], line[4096];
	int fd = fuzz_memfd(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	struct capture_source *s = capture_source_open(path, err, sizeof(err));
	if (s) {
		struct capture_packet p;
		struct packet_text_opts o = { .bare = true };
		for (int i = 0; i < 100000 && capture_source_next(s, &p, err, sizeof(err)) == 1; i++) {
			o.verbose = i % 3;
			o.link = i & 1;
			sink += packet_text_format(line, sizeof(line), &p.rec, p.bytes, NULL, &o);
			sink += p.rec.cap_len ? p.bytes[p.rec.cap_len - 1] : 0;
		}
		sink += capture_source_nifaces(s);
		capture_source_close(s);
	}
	close(fd);
	return 0;
}
