/* SPDX-License-Identifier: MIT */
/*
 * Inside the log reader: its state and what its files (tclog_reader.c,
 * _scan.c, _resync.c, _index.c) call in one another. formats/tclog.h is
 * the reader's interface to everything else.
 */
#ifndef TCREC_TCLOG_READER_STATE_H
#define TCREC_TCLOG_READER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_d_forceIgnoreChecksum */
#endif
#include <zstd.h>

#include "formats/tclog.h"
#include "tclog_codec.h"
#include "tclog_socktab.h"
#include "tclog_wire.h"

#define MSG_MAX 512

/* What starts at an offset of the file. */
enum scan { SCAN_CHUNK, SCAN_END, SCAN_TORN, SCAN_BAD };

struct tclog_reader {
	char *path;
	int fd;
	uint64_t size;
	struct tclog_header hdr; /* its table grows as interface chunks are met */
	unsigned version;
	uint64_t data_off; /* first chunk */

	bool has_trailer;
	uint64_t trailer_off;
	bool has_final;
	struct tclog_final final;
	struct tclog_chunk_info *idx; /* every chunk, records and interfaces */
	uint8_t *idx_kind;            /* TCLOG_KIND_* of each */
	size_t n_idx;
	struct tclog_chunk_info *pub; /* the chunks of records: what callers index */
	size_t *pub_k;                /* their positions in idx */
	size_t n_pub;
	size_t if_done;    /* interface chunks before idx[if_done] are in hdr */
	bool idx_complete;
	bool idx_rebuilt;
	bool idx_distrusted; /* an entry disagreed with its chunk: walk without it */
	char trailer_why[200]; /* why a trailer that decodes was not trusted */
	char *warning;

	/* sequential reading */
	uint64_t pos;      /* next chunk header */
	int state;         /* 0 reading, 1 at end, -1 damaged */
	char errmsg[MSG_MAX];
	/* what the damage at pos was, for a resync */
	bool bad_hdr_ok;   /* the chunk header at pos passed its checks */
	bool bad_trailer;  /* pos is a trailer (TCTR) */
	bool bad_index;    /* only the index disagreed with the chunk at pos */
	struct tclog_chunk_hdr bad_hdr;
	size_t walk_k;     /* the next chunk's position in the trailer index */
	struct tclog_decoded dec;
	uint32_t cur;
	/* v3: the socket table of the chunk in dec, and each record's
	 * reference into it (0 = none, k = socks[k - 1]) */
	struct tclog_rsocks socks;
	uint16_t *sref;
	uint32_t sref_cap;
	uint8_t *comp;
	size_t comp_cap;
	uint8_t *raw;
	size_t raw_cap;
	ZSTD_DCtx *dctx;
	uint64_t decompressed;
};

/* tclog_reader.c */
/* snprintf into buf unless it is NULL or empty. */
void tclog_rd_msg(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Marks the reader damaged at off (why) and says so in err; returns -1. */
int tclog_rd_fail_at(struct tclog_reader *r, uint64_t off, const char *why, char *err,
		     size_t errlen);

/* tclog_reader_scan.c */
/* 0, or -errno; a file that shrank under us reads as -EIO. */
int tclog_rd_read_at(const struct tclog_reader *r, void *buf, size_t len, uint64_t off);
/* Keeps the first warning only. */
void tclog_rd_set_warning(struct tclog_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The warning for a file that ends (torn or without trailer) at good_end. */
void tclog_rd_warn_torn(struct tclog_reader *r, uint64_t good_end);
/* Next offset >= pos that may hold data (r->size when only a hole is left). */
uint64_t tclog_rd_next_data(const struct tclog_reader *r, uint64_t pos);
/* What starts at pos: a complete chunk (header in *ch), the end, a torn
 * tail, or damage (why). */
enum scan tclog_rd_scan_at(struct tclog_reader *r, uint64_t pos, struct tclog_chunk_hdr *ch,
			   char *why, size_t whylen);

/* tclog_reader_ifaces.c */
/* Reads, checks and decompresses the payload of the chunk whose header ch
 * sits at off into r->raw. 0, or -1 with why and *where (the offset the
 * problem is at). */
int tclog_rd_payload(struct tclog_reader *r, uint64_t off, const struct tclog_chunk_hdr *ch,
		     char *why, size_t whylen, uint64_t *where);
/* The interface chunk at off: its entries go into r->hdr. 0 or -1 as above. */
int tclog_rd_load_ifaces(struct tclog_reader *r, uint64_t off, const struct tclog_chunk_hdr *ch,
			 char *why, size_t whylen, uint64_t *where);
/* Loads the interface chunks of the index before idx[k] not loaded yet;
 * a damaged one is a warning (its interfaces stay unknown). */
void tclog_rd_preload_ifaces(struct tclog_reader *r, size_t k);
/* (Re)builds the callers' index (chunks of records only) from idx: 0 or
 * -ENOMEM. */
int tclog_rd_build_public(struct tclog_reader *r);

#endif
