/* SPDX-License-Identifier: MIT */
/* `tcrec diff --json`: the schema is documented in recorder/diff/DIFF.md. */
#ifndef TCREC_DIFF_JSON_H
#define TCREC_DIFF_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "diff_model.h"

/* The members of the report object after its opening brace (and after the
 * "packets" array when events were listed), and its closing brace. */
void diff_report_json(FILE *f, const struct diff_result *r);

/* --packets: one event as an element of the "packets" array; first: no
 * comma before it. */
void diff_event_json(FILE *f, const struct dm_event *ev, const struct diff_flows *flows, bool first);

#endif
