/* SPDX-License-Identifier: MIT */
/*
 * Log writer: header, then one chunk (plain header + one zstd frame) per
 * flush, then trailer and footer on close. Everything goes through
 * write()/writev() with short writes retried, so every error is seen; the
 * first one sticks and is returned again by close. A failed write is rolled
 * back to the last chunk boundary so the file stays readable to its end.
 *
 * Interfaces added after the header wait, like records, for the next
 * flush, which writes them as one interface chunk just before the chunk of
 * records: a record is never in the file before its interface, and adding
 * an interface does not cut a chunk of records short.
 *
 * Sockets (v3) go into the socket table of the chunk being built; the
 * record keeps only its reference into it (tclog_writer_socks.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "formats/tclog.h"
#include "tclog_codec.h"
#include "tclog_crc32c.h"
#include "tclog_socktab.h"
#include "tclog_v1.h"
#include "tclog_wire.h"

#define TCLOG_LEVEL_DEFAULT 3

struct tclog_writer {
	int fd;
	int err;             /* first error, sticky */
	bool broken;         /* rollback failed: the file does not end at a chunk boundary */
	uint64_t off;        /* bytes on disk, always at a block boundary */
	uint64_t records;    /* records accepted */
	unsigned version;    /* TCLOG_VERSION, or an older one for tools */
	uint32_t n_slots;    /* interface table size: counter slots in the trailer */
	uint32_t slot_ifindex[TCLOG_V1_MAX_IFACES]; /* v1: records name ifindexes */
	/* interfaces added since the last flush: slots n_slots - n_pif.. */
	struct tclog_iface *pif;
	uint32_t n_pif;
	uint64_t pif_first_ns, pif_last_ns;
	uint64_t stored;     /* records in chunks on disk */
	/* per slot and direction: buffered (pend) and on disk (done), so
	 * that the trailer can say exactly what the file holds */
	uint64_t pend[TCREC_MAX_IFACES][2];
	uint64_t done[TCREC_MAX_IFACES][2];

	const struct tclog_codec *codec;
	void *enc;
	struct tclog_wsocks socks; /* v3: the chunk's socket table */
	uint32_t chunk_records;
	uint64_t chunk_first_ns;
	uint64_t chunk_last_ns;
	size_t target;

	ZSTD_CCtx *cctx;
	uint8_t *comp;
	size_t comp_cap;

	struct tclog_chunk_info *idx;
	uint8_t *idx_kind;
	size_t n_idx;
	size_t idx_cap;
};

/* Writes every byte of iov[0..n) (n <= 4), retrying short writes and EINTR. */
static int write_all(int fd, const struct iovec *iov_in, int n)
{
	struct iovec iov[4];
	int i = 0;

	memcpy(iov, iov_in, (size_t)n * sizeof(*iov));
	while (i < n) {
		ssize_t w = writev(fd, iov + i, n - i);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (w == 0)
			return -EIO;
		while (i < n && (size_t)w >= iov[i].iov_len) {
			w -= (ssize_t)iov[i].iov_len;
			i++;
		}
		if (i < n) {
			iov[i].iov_base = (uint8_t *)iov[i].iov_base + w;
			iov[i].iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* Drops a partly written block so the file ends at the last good block. */
static void roll_back(struct tclog_writer *w)
{
	if (ftruncate(w->fd, (off_t)w->off) || lseek(w->fd, (off_t)w->off, SEEK_SET) < 0)
		w->broken = true;
}

static int set_err(struct tclog_writer *w, int err)
{
	if (!w->err)
		w->err = err;
	return w->err;
}

static int writer_setup(struct tclog_writer *w)
{
	w->codec = tclog_codec_find(TCLOG_ENC_COLUMNAR);
	w->enc = w->codec->enc_new(w->version >= TCLOG_VERSION_V3);
	w->cctx = ZSTD_createCCtx();
	if (!w->enc || !w->cctx)
		return -ENOMEM;
	w->target = TCLOG_CHUNK_TARGET_DEFAULT;
	if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, TCLOG_LEVEL_DEFAULT)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_contentSizeFlag, 1)))
		return -EINVAL;
	return 0;
}

static void writer_free(struct tclog_writer *w)
{
	if (w->enc)
		w->codec->enc_free(w->enc);
	ZSTD_freeCCtx(w->cctx);
	free(w->comp);
	free(w->idx);
	free(w->idx_kind);
	free(w->pif);
	tclog_wsocks_free(&w->socks);
	free(w);
}

static struct tclog_writer *writer_fdopen(int fd, const struct tclog_header *hdr, unsigned version)
{
	struct tclog_writer *w = calloc(1, sizeof(*w));
	uint8_t *buf = malloc(TCLOG_HEADER_MAX);
	struct iovec iov;
	int len, err;

	if (!w || !buf) {
		err = -ENOMEM;
		goto cleanup;
	}
	w->fd = fd;
	w->version = version;
	err = writer_setup(w);
	if (err)
		goto cleanup;
	len = tclog_header_encode(hdr, version, buf, TCLOG_HEADER_MAX);
	if (len < 0) {
		err = len;
		goto cleanup;
	}
	w->n_slots = hdr->n_ifaces;
	for (uint32_t i = 0; i < hdr->n_ifaces && i < TCLOG_V1_MAX_IFACES; i++)
		w->slot_ifindex[i] = hdr->ifaces[i].ifindex;
	iov = (struct iovec){ buf, (size_t)len };
	err = write_all(w->fd, &iov, 1);
	if (err)
		goto cleanup;
	w->off = (uint64_t)len;
	free(buf);
	return w;
cleanup:
	if (w)
		writer_free(w);
	free(buf);
	errno = -err;
	return NULL;
}

struct tclog_writer *tclog_writer_fdopen(int fd, const struct tclog_header *hdr)
{
	return writer_fdopen(fd, hdr, TCLOG_VERSION);
}

static struct tclog_writer *writer_open(const char *path, const struct tclog_header *hdr,
					unsigned version)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return NULL;
	struct tclog_writer *w = writer_fdopen(fd, hdr, version);
	if (!w) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return w;
}

struct tclog_writer *tclog_writer_open(const char *path, const struct tclog_header *hdr)
{
	return writer_open(path, hdr, TCLOG_VERSION);
}

struct tclog_writer *tclog_writer_open_v1(const char *path, const struct tclog_header *hdr)
{
	return writer_open(path, hdr, TCLOG_VERSION_V1);
}

struct tclog_writer *tclog_writer_open_version(const char *path, const struct tclog_header *hdr,
					       unsigned version)
{
	if (version < TCLOG_VERSION_V1 || version > TCLOG_VERSION) {
		errno = EINVAL;
		return NULL;
	}
	return writer_open(path, hdr, version);
}

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int tclog_writer_add_iface(struct tclog_writer *w, uint32_t slot, const struct tclog_iface *ifc)
{
	uint8_t probe[TCLOG_IFACE_SIZE];
	uint64_t now;

	if (!w || !ifc)
		return -EINVAL;
	if (w->version == TCLOG_VERSION_V1)
		return -EOPNOTSUPP; /* v1 has no interface chunks */
	if (w->n_slots >= TCREC_MAX_IFACES)
		return -ENOSPC;
	if (slot != w->n_slots || tclog_iface_put(probe, ifc, TCLOG_VERSION))
		return -EINVAL;
	if (!w->pif && !(w->pif = malloc(TCREC_MAX_IFACES * sizeof(*w->pif))))
		return -ENOMEM;
	now = wall_ns();
	if (!w->n_pif || now < w->pif_first_ns)
		w->pif_first_ns = now;
	if (!w->n_pif || now > w->pif_last_ns)
		w->pif_last_ns = now;
	w->pif[w->n_pif++] = *ifc;
	w->n_slots++;
	return 0;
}

int tclog_writer_set_level(struct tclog_writer *w, int level)
{
	if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
		return -EINVAL;
	if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, level)))
		return -EINVAL;
	return 0;
}

int tclog_writer_set_chunk_target(struct tclog_writer *w, size_t bytes)
{
	if (bytes < 1 || bytes > TCLOG_CHUNK_RAW_MAX / 2)
		return -EINVAL;
	w->target = bytes;
	return 0;
}

int tclog_writer_set_encoding(struct tclog_writer *w, uint16_t encoding)
{
	const struct tclog_codec *c = tclog_codec_find(encoding);
	void *enc;

	if (!c)
		return -EINVAL;
	if (c == w->codec)
		return 0;
	if (w->chunk_records)
		return -EBUSY; /* flush first: a chunk has one encoding */
	enc = c->enc_new(w->version >= TCLOG_VERSION_V3);
	if (!enc)
		return -ENOMEM;
	w->codec->enc_free(w->enc);
	w->codec = c;
	w->enc = enc;
	return 0;
}

/* The record, checked, with ref (0 or 1 + its socket table entry) in
 * place of its cookie. 0 or -errno. */
static int append_ref(struct tclog_writer *w, const struct tcrec_record *rec, const void *bytes,
		      uint32_t ref)
{
	struct tcrec_record r = *rec;
	int err;

	r.sock_cookie = ref;
	err = w->codec->enc_add(w->enc, &r, bytes);
	if (err)
		return err;
	if (!w->chunk_records || rec->ts_ns < w->chunk_first_ns)
		w->chunk_first_ns = rec->ts_ns;
	if (!w->chunk_records || rec->ts_ns > w->chunk_last_ns)
		w->chunk_last_ns = rec->ts_ns;
	w->chunk_records++;
	w->records++;
	if (w->version != TCLOG_VERSION_V1 && rec->ifindex < w->n_slots)
		w->pend[rec->ifindex][rec->dir == TCREC_DIR_OUT]++;
	for (uint32_t i = 0; w->version == TCLOG_VERSION_V1 && i < w->n_slots; i++)
		if (w->slot_ifindex[i] == rec->ifindex) {
			w->pend[i][rec->dir == TCREC_DIR_OUT]++;
			break;
		}
	return 0;
}

static int flush_if_full(struct tclog_writer *w)
{
	size_t size = w->codec->enc_size(w->enc);

	if (w->version >= TCLOG_VERSION_V3)
		size += tclog_wsocks_size(&w->socks);
	if (size >= w->target || w->chunk_records >= TCLOG_CHUNK_RECORDS_MAX)
		return tclog_writer_flush(w);
	return 0;
}

int tclog_writer_append(struct tclog_writer *w, const struct tcrec_record *rec, const void *bytes)
{
	return tclog_writer_append_sock(w, rec, bytes, NULL);
}

int tclog_writer_append_sock(struct tclog_writer *w, const struct tcrec_record *rec,
			     const void *bytes, const struct tclog_sock *sock)
{
	uint32_t ref = 0;
	int err, added = 0;
	char why[96];

	if (!w || !rec || (rec->cap_len && !bytes))
		return -EINVAL;
	if (w->err)
		return w->err;
	/* A record outside the format's domain is the caller's bug, not a
	 * broken file: refuse it without poisoning the writer. */
	if (tclog_record_check(rec, why, sizeof(why)) ||
	    (sock && (sock->cookie != rec->sock_cookie || tclog_sock_check(sock))))
		return -EINVAL;
	/* before v3 a log has no place for sockets: the record goes alone */
	if (sock && w->version >= TCLOG_VERSION_V3) {
		err = tclog_wsocks_ref(&w->socks, sock, rec, &ref, &added);
		if (err == -ENOSPC) {
			err = tclog_writer_flush(w);
			if (!err)
				err = tclog_wsocks_ref(&w->socks, sock, rec, &ref, &added);
		}
		if (err)
			return set_err(w, err);
	}
	err = append_ref(w, rec, bytes, ref);
	if (err) {
		if (added)
			tclog_wsocks_unadd(&w->socks); /* no entry without its record */
		return set_err(w, err);
	}
	return flush_if_full(w);
}

static int index_reserve(struct tclog_writer *w)
{
	struct tclog_chunk_info *v;
	uint8_t *k;
	size_t cap;

	if (w->n_idx < w->idx_cap)
		return 0;
	cap = w->idx_cap ? w->idx_cap * 2 : 256;
	v = realloc(w->idx, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	w->idx = v;
	k = realloc(w->idx_kind, cap);
	if (!k)
		return -ENOMEM;
	w->idx_kind = k;
	w->idx_cap = cap;
	return 0;
}

/* Compresses raw into one chunk and writes it with its header; on a failed
 * write the file is cut back to the previous chunk. 0 or -errno. */
static int write_chunk(struct tclog_writer *w, struct tclog_chunk_hdr *ch, const uint8_t *raw,
		       size_t raw_len, uint8_t kind)
{
	uint8_t hdr_buf[TCLOG_CHUNK_HDR_SIZE];
	size_t bound, csize;
	struct iovec iov[2];
	int err;

	if (raw_len == 0 || raw_len > TCLOG_CHUNK_RAW_MAX)
		return -EOVERFLOW;
	err = index_reserve(w);
	if (err)
		return err;
	bound = ZSTD_compressBound(raw_len);
	if (bound > w->comp_cap) {
		uint8_t *p = realloc(w->comp, bound);

		if (!p)
			return -ENOMEM;
		w->comp = p;
		w->comp_cap = bound;
	}
	csize = ZSTD_compress2(w->cctx, w->comp, w->comp_cap, raw, raw_len);
	if (ZSTD_isError(csize))
		return -EIO;
	ch->raw_size = (uint32_t)raw_len;
	ch->comp_size = (uint32_t)csize;
	ch->payload_crc = tclog_crc32c(0, w->comp, csize);
	tclog_chunk_hdr_encode(ch, hdr_buf);
	iov[0] = (struct iovec){ hdr_buf, sizeof(hdr_buf) };
	iov[1] = (struct iovec){ w->comp, csize };
	err = write_all(w->fd, iov, 2);
	if (err) {
		roll_back(w);
		return err;
	}
	w->idx_kind[w->n_idx] = kind;
	w->idx[w->n_idx++] = (struct tclog_chunk_info){
		.offset = w->off,
		.first_ns = ch->first_ns,
		.last_ns = ch->last_ns,
		.records = ch->records,
	};
	w->off += sizeof(hdr_buf) + csize;
	return 0;
}

/* The interfaces added since the last flush, as one interface chunk. */
static int flush_ifaces(struct tclog_writer *w)
{
	struct tclog_chunk_hdr ch = {
		.encoding = TCLOG_ENC_IFACES,
		.records = w->n_pif,
		.first_ns = w->pif_first_ns,
		.last_ns = w->pif_last_ns,
	};
	size_t len = TCLOG_IFCHUNK_RAW(w->n_pif);
	uint8_t *raw;
	int err;

	if (!w->n_pif)
		return 0;
	raw = malloc(len);
	if (!raw)
		return -ENOMEM;
	err = tclog_ifchunk_encode(raw, w->n_slots - w->n_pif, w->pif, w->n_pif);
	if (!err)
		err = write_chunk(w, &ch, raw, len, TCLOG_KIND_IFACES);
	free(raw);
	if (!err)
		w->n_pif = 0;
	return err;
}

int tclog_writer_flush(struct tclog_writer *w)
{
	struct tclog_chunk_hdr ch = { 0 };
	const uint8_t *raw;
	size_t raw_len;
	int err;

	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	err = flush_ifaces(w);
	if (err)
		return set_err(w, err);
	if (!w->chunk_records)
		return 0;
	err = w->codec->enc_finish(w->enc, &raw, &raw_len);
	if (!err && w->version >= TCLOG_VERSION_V3)
		err = tclog_wsocks_payload(&w->socks, raw, raw_len, &raw, &raw_len);
	if (err)
		return set_err(w, err);
	ch.encoding = w->codec->id;
	ch.records = w->chunk_records;
	ch.first_ns = w->chunk_first_ns;
	ch.last_ns = w->chunk_last_ns;
	/* On a failed write the records stay buffered: after
	 * tclog_writer_clear_error (e.g. once disk space was freed) the next
	 * flush writes them again. */
	err = write_chunk(w, &ch, raw, raw_len, TCLOG_KIND_RECORDS);
	if (err)
		return set_err(w, err);
	w->stored += w->chunk_records;
	for (uint32_t i = 0; i < w->n_slots; i++)
		for (int d = 0; d < 2; d++) {
			w->done[i][d] += w->pend[i][d];
			w->pend[i][d] = 0;
		}
	w->codec->enc_reset(w->enc);
	tclog_wsocks_reset(&w->socks);
	w->chunk_records = 0;
	return 0;
}

int tclog_writer_clear_error(struct tclog_writer *w)
{
	if (!w)
		return -EINVAL;
	if (w->broken)
		return w->err ? w->err : -EIO;
	w->err = 0;
	return 0;
}

static int write_trailer(struct tclog_writer *w, const struct tclog_final *fin)
{
	size_t len = tclog_trailer_size(w->n_idx, fin ? w->n_slots : 0);
	uint8_t foot[TCLOG_FOOTER_SIZE];
	uint8_t *buf;
	struct iovec iov[2];
	int err;

	if (len > UINT32_MAX)
		return -EOVERFLOW;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	tclog_trailer_encode(buf, w->idx, w->idx_kind, w->n_idx, fin, w->n_slots);
	tclog_footer_encode(&(struct tclog_footer){ .trailer_off = w->off, .trailer_len = (uint32_t)len },
			    foot);
	iov[0] = (struct iovec){ buf, len };
	iov[1] = (struct iovec){ foot, sizeof(foot) };
	err = write_all(w->fd, iov, 2);
	if (err)
		roll_back(w);
	else
		w->off += len + sizeof(foot);
	free(buf);
	return err;
}

int tclog_writer_close(struct tclog_writer *w, const struct tclog_final *fin)
{
	int err;

	if (!w)
		return 0;
	tclog_writer_flush(w);
	if (!w->err)
		set_err(w, write_trailer(w, fin));
	if (close(w->fd))
		set_err(w, -errno);
	err = w->err;
	writer_free(w);
	return err;
}

uint64_t tclog_writer_bytes(const struct tclog_writer *w)
{
	return w ? w->off : 0;
}

uint64_t tclog_writer_records(const struct tclog_writer *w)
{
	return w ? w->records : 0;
}

uint64_t tclog_writer_records_stored(const struct tclog_writer *w)
{
	return w ? w->stored : 0;
}

void tclog_writer_stored_counts(const struct tclog_writer *w, struct tclog_final *fin)
{
	for (uint32_t i = 0; i < w->n_slots; i++)
		for (int d = 0; d < 2; d++)
			fin->c[i][d].recorded = w->done[i][d];
}

int tclog_writer_fd(const struct tclog_writer *w)
{
	return w ? w->fd : -1;
}
