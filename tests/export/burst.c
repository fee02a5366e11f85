/* SPDX-License-Identifier: MIT */
/*
 * burst PROG_ID IFINDEX REPEAT: runs a loaded TC program REPEAT times on one
 * 60-byte UDP packet through BPF_PROG_TEST_RUN, as if it had arrived on
 * IFINDEX, to fill a recorder's ring buffer faster than it can drain it.
 * Exit status: 0 ok, 1 runtime error, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: burst PROG_ID IFINDEX REPEAT\n");
		return 2;
	}
	unsigned id = (unsigned)strtoul(argv[1], NULL, 10);
	unsigned ifindex = (unsigned)strtoul(argv[2], NULL, 10);
	unsigned repeat = (unsigned)strtoul(argv[3], NULL, 10);
	int fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0) {
		fprintf(stderr, "burst: program %u: %s\n", id, strerror(errno));
		return 1;
	}
	/* Ethernet, IPv4 10.1.0.1 -> 10.1.0.2 (ID 0x1234, TTL 64), UDP 1000 -> 2000. */
	unsigned char pkt[60] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
		0x45, 0, 0, 46, 0x12, 0x34, 0, 0, 64, 17, 0, 0, 10, 1, 0, 1, 10, 1, 0, 2,
		0x03, 0xe8, 0x07, 0xd0, 0, 26, 0, 0,
	};
	struct __sk_buff ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.ifindex = ifindex;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = repeat);
	if (bpf_prog_test_run_opts(fd, &opts)) {
		fprintf(stderr, "burst: test run of program %u: %s\n", id, strerror(errno));
		return 1;
	}
	printf("ran %u times, last return %d\n", repeat, (int)opts.retval);
	return 0;
}
