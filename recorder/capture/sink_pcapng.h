/* SPDX-License-Identifier: MIT */
/* A record sink that writes pcapng or pcap as it records (`-F`, `-w -`). */
#ifndef TCREC_SINK_PCAPNG_H
#define TCREC_SINK_PCAPNG_H

#include <stdint.h>
#include <sys/types.h>

#include "formats/export_writer.h"
#include "record_sink.h"

/*
 * path "-" is standard output. Writes the section and one interface block
 * per interface of hdr at once, so a reader at the other end of a pipe can
 * start. flush pushes every buffered packet to the descriptor. When the
 * reader of a pipe goes away, write returns -EPIPE (the recording should
 * stop) and close does not count that as an error. SIGPIPE is ignored from
 * here on so that it arrives as EPIPE. NULL with errno on failure.
 */
struct record_sink *sink_pcapng_open(const char *path, const struct tclog_header *hdr,
				     enum export_format fmt);

/* A new file at path (or path.N when path is taken), made as
 * output_file_create makes files and handed to uid:gid (-Z; -1: none).
 * NULL with errno (EBUSY: another recorder writes path, said already). */
struct record_sink *sink_pcapng_create(const char *path, uid_t uid, gid_t gid,
				       const struct tclog_header *hdr, enum export_format fmt);

#endif
