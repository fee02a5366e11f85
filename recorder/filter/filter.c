/* SPDX-License-Identifier: MIT */
/* The libpcap side of filters. No libbpf here: <pcap/bpf.h> and
 * <linux/bpf.h> both define struct bpf_insn. */
#include "filter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

_Static_assert(sizeof(struct cbpf_insn) == sizeof(struct bpf_insn), "cbpf_insn layout");
_Static_assert(offsetof(struct cbpf_insn, jt) == offsetof(struct bpf_insn, jt), "cbpf_insn jt");
_Static_assert(offsetof(struct cbpf_insn, k) == offsetof(struct bpf_insn, k), "cbpf_insn k");

/* The dead handle's snapshot length: tcpdump's default, so that the
 * compiled code is the code tcpdump runs. */
#define FILTER_SNAPLEN 262144

char *filter_join(int argc, char *const *argv)
{
	size_t len = 1;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	*p = '\0';
	for (int i = 0; i < argc; i++) {
		if (i)
			*p++ = ' ';
		size_t l = strlen(argv[i]);
		memcpy(p, argv[i], l + 1);
		p += l;
	}
	return s;
}

int filter_compile(const char *expr, struct cbpf_insn **prog, size_t *n, char *err, size_t errlen)
{
	struct bpf_program bp = { 0 };
	pcap_t *p = pcap_open_dead(DLT_EN10MB, FILTER_SNAPLEN);
	int ret = 0;

	if (!p) {
		snprintf(err, errlen, "libpcap: cannot open a dead Ethernet handle");
		return -ENOMEM;
	}
	if (pcap_compile(p, &bp, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "%s", pcap_geterr(p));
		ret = -EINVAL;
		goto out;
	}
	if (bp.bf_len == 0 || bp.bf_len > CBPF_MAX_INSNS) {
		if (bp.bf_len)
			snprintf(err, errlen, "compiles to %u BPF instructions, more than the %d that can "
				 "be run; split it into simpler filters or simplify it",
				 bp.bf_len, CBPF_MAX_INSNS);
		else
			snprintf(err, errlen, "compiles to an empty BPF program");
		ret = -E2BIG;
		goto out;
	}
	*prog = malloc(bp.bf_len * sizeof(**prog));
	if (!*prog) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	memcpy(*prog, bp.bf_insns, bp.bf_len * sizeof(**prog));
	*n = bp.bf_len;
out:
	pcap_freecode(&bp);
	pcap_close(p);
	return ret;
}

unsigned filter_run(const struct cbpf_insn *prog, const uint8_t *pkt, unsigned wirelen, unsigned caplen)
{
	return bpf_filter((const struct bpf_insn *)prog, pkt, wirelen, caplen);
}

int filter_valid(const struct cbpf_insn *prog, size_t n)
{
	return n <= CBPF_MAX_INSNS && bpf_validate((const struct bpf_insn *)prog, (int)n);
}

const char *filter_insn_text(const struct cbpf_insn *prog, size_t i)
{
	return bpf_image((const struct bpf_insn *)prog + i, (int)i);
}
