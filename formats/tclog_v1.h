/* SPDX-License-Identifier: MIT */
/*
 * Writing a version 1 log, for tools only: a test that compares this build
 * with an older one must hand both the same bytes, and a tcrec that reads
 * only v1 cannot read v2. Records then carry real ifindexes, the table has
 * at most 64 entries and tclog_writer_add_iface says -EOPNOTSUPP. The
 * recorder writes version 2.
 */
#ifndef TCREC_TCLOG_V1_H
#define TCREC_TCLOG_V1_H

#include "formats/tclog.h"

struct tclog_writer *tclog_writer_open_v1(const char *path, const struct tclog_header *hdr);

#endif
