/* SPDX-License-Identifier: MIT */
/* Encoders and hostile-input decoders for the plain (uncompressed) parts of
 * a log file: header, chunk header, trailer, footer. Interface entries are
 * in tclog_wire_iface.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tclog_crc32c.h"
#include "tclog_le.h"
#include "tclog_wire.h"

static int fail(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* ---------------- header ---------------- */

static int put_str(uint8_t *buf, size_t cap, size_t *off, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n >= max)
		return -EINVAL; /* not NUL-terminated inside its field */
	if (*off + 2 + n > cap)
		return -ENOSPC;
	le16_put(buf + *off, (uint16_t)n);
	memcpy(buf + *off + 2, s, n);
	*off += 2 + n;
	return 0;
}

int tclog_header_encode(const struct tclog_header *h, unsigned version, uint8_t *buf, size_t cap)
{
	size_t off = 40, entry = version == TCLOG_VERSION_V1 ? TCLOG_IFACE_SIZE_V1 : TCLOG_IFACE_SIZE;
	uint32_t max = version == TCLOG_VERSION_V1 ? TCLOG_V1_MAX_IFACES : TCREC_MAX_IFACES;
	int err;

	if (version < TCLOG_VERSION_V1 || version > TCLOG_VERSION || h->n_ifaces > max)
		return -EINVAL;
	if (cap < off)
		return -ENOSPC;
	memset(buf, 0, off);
	memcpy(buf, TCLOG_FILE_MAGIC, 8);
	le16_put(buf + 8, (uint16_t)version);
	le16_put(buf + 10, 0);
	le64_put(buf + 16, h->start_ns);
	le64_put(buf + 24, (uint64_t)h->clock_offset_ns);
	le32_put(buf + 32, h->snaplen);
	le32_put(buf + 36, h->snap_cap);
	if ((err = put_str(buf, cap, &off, h->host, TCLOG_NAME_MAX)) ||
	    (err = put_str(buf, cap, &off, h->kernel, TCLOG_NAME_MAX)) ||
	    (err = put_str(buf, cap, &off, h->filter, TCLOG_FILTER_MAX)))
		return err;
	if (off + 2 + (size_t)h->n_ifaces * entry + 4 > cap)
		return -ENOSPC;
	le16_put(buf + off, (uint16_t)h->n_ifaces);
	off += 2;
	for (uint32_t i = 0; i < h->n_ifaces; i++, off += entry)
		if ((err = tclog_iface_put(buf + off, &h->ifaces[i], version)))
			return err;
	le32_put(buf + 12, (uint32_t)(off + 4));
	le32_put(buf + off, tclog_crc32c(0, buf, off));
	return (int)(off + 4);
}

long tclog_header_peek(const uint8_t *buf, char *why, size_t whylen)
{
	uint32_t len;

	if (memcmp(buf, TCLOG_FILE_MAGIC, 8))
		return fail(why, whylen, "not a tcrec log (bad magic)");
	if (le16_get(buf + 8) < TCLOG_VERSION_V1 || le16_get(buf + 8) > TCLOG_VERSION)
		return fail(why, whylen, "unsupported log format version %u (this build reads 1 to %u)",
			    le16_get(buf + 8), TCLOG_VERSION);
	len = le32_get(buf + 12);
	/* Smallest header: fixed part, three empty strings, zero interfaces, CRC. */
	if (len < 40 + 2 * 3 + 2 + 4 ||
	    len > (le16_get(buf + 8) == TCLOG_VERSION_V1 ? TCLOG_HEADER_MAX_V1 : TCLOG_HEADER_MAX))
		return fail(why, whylen, "header length %u out of range", len);
	return len;
}

static int get_str(const uint8_t *buf, size_t end, size_t *off, char *dst, size_t max,
		   const char *what, char *why, size_t whylen)
{
	size_t n;

	if (*off + 2 > end)
		return fail(why, whylen, "header: %s length beyond header end", what);
	n = le16_get(buf + *off);
	if (n >= max)
		return fail(why, whylen, "header: %s length %zu exceeds %zu", what, n, max - 1);
	if (*off + 2 + n > end)
		return fail(why, whylen, "header: %s beyond header end", what);
	if (memchr(buf + *off + 2, 0, n))
		return fail(why, whylen, "header: %s contains a NUL byte", what);
	memcpy(dst, buf + *off + 2, n);
	dst[n] = 0;
	*off += 2 + n;
	return 0;
}

int tclog_header_decode(const uint8_t *buf, size_t len, struct tclog_header *h,
			char *why, size_t whylen)
{
	size_t off = 40, end, entry;
	unsigned version;
	uint32_t crc, max;

	if (tclog_header_peek(buf, why, whylen) < 0)
		return -1;
	version = le16_get(buf + 8);
	entry = version == TCLOG_VERSION_V1 ? TCLOG_IFACE_SIZE_V1 : TCLOG_IFACE_SIZE;
	max = version == TCLOG_VERSION_V1 ? TCLOG_V1_MAX_IFACES : TCREC_MAX_IFACES;
	if (len != le32_get(buf + 12))
		return fail(why, whylen, "header length mismatch");
	end = len - 4;
	crc = le32_get(buf + end);
	if (!tclog_crc32c_ok(tclog_crc32c(0, buf, end), crc))
		return fail(why, whylen, "header checksum mismatch");
	if (le16_get(buf + 10) != 0)
		return fail(why, whylen, "header: unknown flags 0x%x", le16_get(buf + 10));
	memset(h, 0, sizeof(*h));
	h->start_ns = le64_get(buf + 16);
	h->clock_offset_ns = (int64_t)le64_get(buf + 24);
	h->snaplen = le32_get(buf + 32);
	h->snap_cap = le32_get(buf + 36);
	if (get_str(buf, end, &off, h->host, TCLOG_NAME_MAX, "host", why, whylen) ||
	    get_str(buf, end, &off, h->kernel, TCLOG_NAME_MAX, "kernel", why, whylen) ||
	    get_str(buf, end, &off, h->filter, TCLOG_FILTER_MAX, "filter", why, whylen))
		return -1;
	if (off + 2 > end)
		return fail(why, whylen, "header: interface count beyond header end");
	h->n_ifaces = le16_get(buf + off);
	off += 2;
	if (h->n_ifaces > max)
		return fail(why, whylen, "header: %u interfaces exceed %u", h->n_ifaces, max);
	if (off + (size_t)h->n_ifaces * entry != end)
		return fail(why, whylen, "header: interface table does not end at the checksum");
	for (uint32_t i = 0; i < h->n_ifaces; i++, off += entry) {
		char ewhy[96];

		if (tclog_iface_get(buf + off, &h->ifaces[i], version, ewhy, sizeof(ewhy)))
			return fail(why, whylen, "header: interface %u: %s", i, ewhy);
	}
	h->rec_ifslot = version != TCLOG_VERSION_V1;
	return 0;
}

/* ---------------- chunk header ---------------- */

void tclog_chunk_hdr_encode(const struct tclog_chunk_hdr *c, uint8_t out[TCLOG_CHUNK_HDR_SIZE])
{
	memcpy(out, TCLOG_CHUNK_MAGIC, 4);
	le16_put(out + 4, c->encoding);
	le16_put(out + 6, c->flags);
	le32_put(out + 8, c->records);
	le32_put(out + 12, c->raw_size);
	le32_put(out + 16, c->comp_size);
	le32_put(out + 20, c->payload_crc);
	le64_put(out + 24, c->first_ns);
	le64_put(out + 32, c->last_ns);
	le32_put(out + 40, 0);
	le32_put(out + 44, tclog_crc32c(0, out, 44));
}

int tclog_chunk_hdr_decode(const uint8_t in[TCLOG_CHUNK_HDR_SIZE], struct tclog_chunk_hdr *c,
			   char *why, size_t whylen)
{
	if (memcmp(in, TCLOG_CHUNK_MAGIC, 4))
		return fail(why, whylen, "bad chunk magic");
	if (!tclog_crc32c_ok(tclog_crc32c(0, in, 44), le32_get(in + 44)))
		return fail(why, whylen, "chunk header checksum mismatch");
	c->encoding = le16_get(in + 4);
	c->flags = le16_get(in + 6);
	c->records = le32_get(in + 8);
	c->raw_size = le32_get(in + 12);
	c->comp_size = le32_get(in + 16);
	c->payload_crc = le32_get(in + 20);
	c->first_ns = le64_get(in + 24);
	c->last_ns = le64_get(in + 32);
	if (c->flags || le32_get(in + 40))
		return fail(why, whylen, "chunk header: unknown flags");
	if (c->records == 0 || c->records > TCLOG_CHUNK_RECORDS_MAX)
		return fail(why, whylen, "chunk header: record count %u out of range (1..%u)",
			    c->records, TCLOG_CHUNK_RECORDS_MAX);
	if (c->raw_size == 0 || c->raw_size > TCLOG_CHUNK_RAW_MAX)
		return fail(why, whylen, "chunk header: raw size %u out of range (1..%u)",
			    c->raw_size, TCLOG_CHUNK_RAW_MAX);
	/* A zstd frame never exceeds its content by more than a block header
	 * per 128 KiB block plus frame overhead; anything larger is damage. */
	if (c->comp_size == 0 || c->comp_size > c->raw_size + c->raw_size / 128 + 1024)
		return fail(why, whylen, "chunk header: compressed size %u implausible for raw size %u",
			    c->comp_size, c->raw_size);
	if (c->first_ns > c->last_ns)
		return fail(why, whylen, "chunk header: first time after last time");
	return 0;
}

/* ---------------- trailer ---------------- */

size_t tclog_trailer_size(size_t n_chunks, uint32_t n_slots)
{
	return TCLOG_TRAILER_FIXED + n_chunks * TCLOG_INDEX_ENTRY_SIZE +
	       (size_t)n_slots * 2 * TCLOG_COUNTERS_SIZE + 4;
}

void tclog_trailer_encode(uint8_t *buf, const struct tclog_chunk_info *idx, const uint8_t *kind,
			  size_t n_chunks, const struct tclog_final *fin, uint32_t n_slots)
{
	size_t len, off = TCLOG_TRAILER_FIXED;
	uint64_t total = 0;

	if (!fin)
		n_slots = 0;
	len = tclog_trailer_size(n_chunks, n_slots);
	for (size_t i = 0; i < n_chunks; i++)
		if (kind[i] == TCLOG_KIND_RECORDS)
			total += idx[i].records;
	memset(buf, 0, TCLOG_TRAILER_FIXED);
	memcpy(buf, TCLOG_TRAILER_MAGIC, 4);
	le32_put(buf + 4, (uint32_t)len);
	le32_put(buf + 8, (uint32_t)n_chunks);
	le32_put(buf + 12, n_slots);
	le32_put(buf + 16, fin ? TCLOG_TRAILER_F_FINAL : 0);
	le64_put(buf + 24, total);
	for (size_t i = 0; i < n_chunks; i++, off += TCLOG_INDEX_ENTRY_SIZE) {
		le64_put(buf + off, idx[i].offset);
		le64_put(buf + off + 8, idx[i].first_ns);
		le64_put(buf + off + 16, idx[i].last_ns);
		le32_put(buf + off + 24, idx[i].records);
		le32_put(buf + off + 28, kind[i]);
	}
	for (uint32_t s = 0; s < n_slots; s++)
		for (int d = 0; d < 2; d++, off += TCLOG_COUNTERS_SIZE) {
			const struct tclog_counters *c = &fin->c[s][d];

			le64_put(buf + off, c->seen);
			le64_put(buf + off + 8, c->recorded);
			le64_put(buf + off + 16, c->filtered);
			le64_put(buf + off + 24, c->dropped);
		}
	le32_put(buf + off, tclog_crc32c(0, buf, off));
}

long tclog_trailer_peek(const uint8_t *buf, char *why, size_t whylen)
{
	uint32_t len = le32_get(buf + 4), n_chunks = le32_get(buf + 8), n_slots = le32_get(buf + 12);

	if (memcmp(buf, TCLOG_TRAILER_MAGIC, 4))
		return fail(why, whylen, "bad trailer magic");
	if (n_slots > TCREC_MAX_IFACES)
		return fail(why, whylen, "trailer: %u counter slots exceed %u", n_slots,
			    TCREC_MAX_IFACES);
	/* 64-bit arithmetic: n_chunks is hostile and must not wrap. */
	if ((uint64_t)len != TCLOG_TRAILER_FIXED + (uint64_t)n_chunks * TCLOG_INDEX_ENTRY_SIZE +
				     (uint64_t)n_slots * 2 * TCLOG_COUNTERS_SIZE + 4)
		return fail(why, whylen, "trailer: length %u does not match %u chunks and %u slots",
			    len, n_chunks, n_slots);
	return len;
}

int tclog_trailer_decode(const uint8_t *buf, size_t len, unsigned version,
			 struct tclog_chunk_info **idx, uint8_t **kind, size_t *n_chunks,
			 struct tclog_final *fin, int *has_final, char *why, size_t whylen)
{
	size_t off = TCLOG_TRAILER_FIXED, n;
	uint32_t n_slots, flags;
	uint64_t total = 0;
	struct tclog_chunk_info *v;
	uint8_t *k;

	if (len < TCLOG_TRAILER_FIXED + 4 || tclog_trailer_peek(buf, why, whylen) < 0)
		return -1;
	if (le32_get(buf + 4) != len)
		return fail(why, whylen, "trailer length mismatch");
	if (!tclog_crc32c_ok(tclog_crc32c(0, buf, len - 4), le32_get(buf + len - 4)))
		return fail(why, whylen, "trailer checksum mismatch");
	n = le32_get(buf + 8);
	n_slots = le32_get(buf + 12);
	flags = le32_get(buf + 16);
	if ((flags & ~TCLOG_TRAILER_F_FINAL) || le32_get(buf + 20))
		return fail(why, whylen, "trailer: unknown flags 0x%x", flags);
	if (!(flags & TCLOG_TRAILER_F_FINAL) && n_slots)
		return fail(why, whylen, "trailer: counters without the final flag");
	v = calloc(n ? n : 1, sizeof(*v));
	k = calloc(n ? n : 1, 1);
	if (!v || !k) {
		free(v);
		free(k);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++, off += TCLOG_INDEX_ENTRY_SIZE) {
		uint32_t kd = le32_get(buf + off + 28);
		uint32_t max = kd == TCLOG_KIND_IFACES ? TCREC_MAX_IFACES : TCLOG_CHUNK_RECORDS_MAX;

		v[i].offset = le64_get(buf + off);
		v[i].first_ns = le64_get(buf + off + 8);
		v[i].last_ns = le64_get(buf + off + 16);
		v[i].records = le32_get(buf + off + 24);
		k[i] = (uint8_t)kd;
		if (kd == TCLOG_KIND_RECORDS)
			total += v[i].records;
		if ((i && v[i].offset <= v[i - 1].offset) || v[i].first_ns > v[i].last_ns ||
		    !v[i].records || v[i].records > max ||
		    (kd != TCLOG_KIND_RECORDS && (kd != TCLOG_KIND_IFACES || version == TCLOG_VERSION_V1))) {
			free(v);
			free(k);
			return fail(why, whylen, "trailer: index entry %zu inconsistent", i);
		}
	}
	if (total != le64_get(buf + 24)) {
		free(v);
		free(k);
		return fail(why, whylen, "trailer: record total does not match the index");
	}
	memset(fin, 0, sizeof(*fin));
	for (uint32_t s = 0; s < n_slots; s++)
		for (int d = 0; d < 2; d++, off += TCLOG_COUNTERS_SIZE) {
			struct tclog_counters *c = &fin->c[s][d];

			c->seen = le64_get(buf + off);
			c->recorded = le64_get(buf + off + 8);
			c->filtered = le64_get(buf + off + 16);
			c->dropped = le64_get(buf + off + 24);
		}
	*idx = v;
	*kind = k;
	*n_chunks = n;
	*has_final = !!(flags & TCLOG_TRAILER_F_FINAL);
	return 0;
}

/* ---------------- footer ---------------- */

void tclog_footer_encode(const struct tclog_footer *f, uint8_t out[TCLOG_FOOTER_SIZE])
{
	le64_put(out, f->trailer_off);
	le32_put(out + 8, f->trailer_len);
	le32_put(out + 12, tclog_crc32c(0, out, 12));
	memcpy(out + 16, TCLOG_FOOTER_MAGIC, 8);
}

int tclog_footer_decode(const uint8_t in[TCLOG_FOOTER_SIZE], struct tclog_footer *f)
{
	if (memcmp(in + 16, TCLOG_FOOTER_MAGIC, 8) ||
	    !tclog_crc32c_ok(tclog_crc32c(0, in, 12), le32_get(in + 12)))
		return -1;
	f->trailer_off = le64_get(in);
	f->trailer_len = le32_get(in + 8);
	return 0;
}
