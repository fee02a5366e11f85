/* SPDX-License-Identifier: MIT */
/*
 * tcpdump filter expressions: compiled by libpcap exactly as tcpdump
 * compiles them for an Ethernet capture, then either run in user space
 * (libpcap's bpf_filter) or translated to eBPF and put into the capture
 * programs in place of their tcrec_filter() function.
 */
#ifndef TCREC_FILTER_H
#define TCREC_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "cbpf_to_ebpf.h"

/* The arguments after the options, joined with single spaces as tcpdump
 * joins them. Returns a malloc'ed string ("" when argc is 0) or NULL with
 * errno set. */
char *filter_join(int argc, char *const *argv);

/* pcap_compile on a dead DLT_EN10MB handle, optimised, netmask unknown
 * (tcpdump -r does the same). 0 and *prog (malloc'ed) / *n, or -EINVAL
 * with libpcap's message in err, or -ENOMEM. */
int filter_compile(const char *expr, struct cbpf_insn **prog, size_t *n, char *err, size_t errlen);

/* libpcap's own interpreter and validator on a compiled program. */
unsigned filter_run(const struct cbpf_insn *prog, const uint8_t *pkt, unsigned wirelen, unsigned caplen);
int filter_valid(const struct cbpf_insn *prog, size_t n);

/* libpcap's text form of instruction i, for messages. */
const char *filter_insn_text(const struct cbpf_insn *prog, size_t i);

#endif
