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

/* A log of an older version (1, 2) for tools and tests, or the current one
 * (3). Before v3 tclog_writer_append_sock stores records without their
 * socket. NULL with errno EINVAL for a version this build cannot write. */
struct tclog_writer *tclog_writer_open_version(const char *path, const struct tclog_header *hdr,
					       unsigned version);

#endif
