/* SPDX-License-Identifier: MIT */
/* export -F tcrec: any input (logs, pcap, pcapng, stdin) to one tcrec log. */
#ifndef TCREC_EXPORT_TCLOG_H
#define TCREC_EXPORT_TCLOG_H

#include <stdbool.h>

struct log_input;
struct read_filter;

/* Writes the packets of in that filter (NULL: all) accepts to out, their
 * bytes as captured, one interface per interface of the inputs, with a
 * progress line on stderr when progress. The exit status (out removed
 * unless complete). */
int export_tclog(struct log_input *in, struct read_filter *filter, const char *out, bool progress);

#endif
