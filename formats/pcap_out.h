/* SPDX-License-Identifier: MIT */
/*
 * Buffered byte output shared by the pcap and pcapng writers: a file, a
 * descriptor (stdout, a pipe) or a zstd-compressed file. Errors are sticky:
 * after the first failure every call returns it again, and close reports it.
 */
#ifndef TCREC_PCAP_OUT_H
#define TCREC_PCAP_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

enum pcap_out_comp {
	PCAP_OUT_PLAIN = 0,
	PCAP_OUT_ZSTD = 1, /* one zstd frame with a content checksum */
};

struct pcap_out;

/* Creates (truncates) path with mode 0644. NULL with errno on error. */
struct pcap_out *pcap_out_create(const char *path, enum pcap_out_comp comp);

/* Writes to an open descriptor it does not own (close leaves fd open). */
struct pcap_out *pcap_out_fdopen(int fd, enum pcap_out_comp comp);

/* Appends the buffers; writes through when the buffer fills. 0 or -errno
 * (-EPIPE when the reader of a pipe went away). */
int pcap_out_writev(struct pcap_out *o, const struct iovec *iov, int n);
int pcap_out_write(struct pcap_out *o, const void *p, size_t len);

/* Pushes everything buffered to the descriptor (for zstd, ends a block so a
 * reader can decode all bytes so far). 0 or -errno. */
int pcap_out_flush(struct pcap_out *o);

/* Bytes handed to pcap_out_write* so far (uncompressed). */
uint64_t pcap_out_bytes(const struct pcap_out *o);

/* First error seen, 0 if none. */
int pcap_out_error(const struct pcap_out *o);

/* Flushes, ends the zstd frame, closes a file it created. Returns the first
 * error of the output's life, or 0. Always frees o. NULL-safe. */
int pcap_out_close(struct pcap_out *o);

#endif
