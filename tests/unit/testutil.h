/* SPDX-License-Identifier: MIT */
/* Shared helpers of the log format unit tests: deterministic random
 * records, a scratch directory, file copies, and checks that say where. */
#ifndef TCREC_TESTUTIL_H
#define TCREC_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "formats/tclog.h"

extern int test_failures;

#define CHECK(cond, ...)                                                            \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__,      \
				__LINE__, #cond);                                   \
			fprintf(stderr, __VA_ARGS__);                               \
			fputc('\n', stderr);                                        \
			test_failures++;                                            \
		}                                                                   \
	} while (0)

/* Stop the test at the first failure of a check whose failure would make
 * every later check meaningless. */
#define REQUIRE(cond, ...)                                                          \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: required check failed: %s: ",      \
				__FILE__, __LINE__, #cond);                         \
			fprintf(stderr, __VA_ARGS__);                               \
			fputc('\n', stderr);                                        \
			exit(1);                                                    \
		}                                                                   \
	} while (0)

uint64_t rnd_next(uint64_t *s);
void rnd_bytes(uint64_t *s, void *buf, size_t n);

/* A stored record: the record and its packet bytes. */
struct test_rec {
	struct tcrec_record rec;
	uint8_t *bytes;
};

/* Record number i of a stream: mostly random (IPv4/IPv6, VLANs, cap_len
 * 0..max_cap), with every few records an extreme one (all zero, all ones
 * within the format's domain, max cap_len). ts_ns increases. sock_cookie
 * is 0: tclog_writer_append stores no socket. */
void make_record(uint64_t *seed, size_t i, uint32_t max_cap, uint64_t *ts, struct test_rec *out);
void free_records(struct test_rec *v, size_t n);

/* A header with n_ifaces interfaces and a filter of filter_len chars. */
void make_header(uint64_t *seed, struct tclog_header *h, uint32_t n_ifaces, size_t filter_len);
/* Compares the table too (not rec_ifslot, which the reader sets). */
int header_equal(const struct tclog_header *a, const struct tclog_header *b);
int iface_equal(const struct tclog_iface *a, const struct tclog_iface *b);
/* Field by field: the struct has tail padding. */
int sock_equal(const struct tclog_sock *a, const struct tclog_sock *b);
int record_equal(const struct tcrec_record *a, const uint8_t *abytes, const struct test_rec *b);

/* Scratch directory removed by test_cleanup(). Returns dir/name (static
 * buffer rotation: up to 4 live names). */
const char *test_path(const char *name);
void test_cleanup(void);

/* Chunk encoding write_log asks for; 0 = the writer's default. */
extern uint16_t test_encoding;

/* Writes recs to path with the given chunk target; returns the writer's
 * byte count, or aborts the test. fin may be NULL. */
uint64_t write_log(const char *path, const struct tclog_header *h, const struct test_rec *recs,
		   size_t n, size_t chunk_target, const struct tclog_final *fin);

/* Copies the first len bytes of src to dst (0 or -errno). */
int copy_prefix(const char *src, const char *dst, uint64_t len);
uint64_t file_size(const char *path);
int read_file(const char *path, uint8_t **buf, size_t *len);
int write_file(const char *path, const uint8_t *buf, size_t len);

#endif
