/* SPDX-License-Identifier: MIT */
/* The readable summary of `tcrec diff`, and its per-packet listing. */
#ifndef TCREC_DIFF_REPORT_H
#define TCREC_DIFF_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "diff_model.h"

void diff_report_text(FILE *f, const struct diff_result *r);

/* --packets: one line per event, its flow named from flows. */
void diff_event_text(FILE *f, const struct dm_event *ev, const struct diff_flows *flows);

/* Why the packet of ev is reported ("lost: in A not in B (A #3)"), in buf. */
const char *diff_event_why(const struct dm_event *ev, char *buf, size_t len);

/* The flow as one line, e.g. "udp 10.0.0.1.53 > 10.0.0.2.40000", in buf. */
void diff_flow_format(const struct diff_flowkey *k, char *buf, size_t len);

#endif
