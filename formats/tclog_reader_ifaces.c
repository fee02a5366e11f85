/* SPDX-License-Identifier: MIT */
/*
 * Chunk payloads, and the interface chunks of v2 logs: the table in the
 * reader's header grows as they are met, and a seek first loads those
 * before its target so that every record finds its interface. The index
 * callers see lists only the chunks of records.
 */
#include "tclog_reader_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tclog_crc32c.h"

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *p;

	if (need <= *cap)
		return 0;
	p = realloc(*buf, need);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = need;
	return 0;
}

static const uint8_t zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

int tclog_rd_payload(struct tclog_reader *r, uint64_t off, const struct tclog_chunk_hdr *ch,
		     char *why, size_t whylen, uint64_t *where)
{
	uint64_t pay = off + TCLOG_CHUNK_HDR_SIZE;
	size_t n;
	int rc;

	*where = off;
	if (grow(&r->comp, &r->comp_cap, ch->comp_size) || grow(&r->raw, &r->raw_cap, ch->raw_size)) {
		snprintf(why, whylen, "out of memory for the chunk");
		return -1;
	}
	*where = pay;
	rc = tclog_rd_read_at(r, r->comp, ch->comp_size, pay);
	if (rc) {
		snprintf(why, whylen, "%s", strerror(-rc));
		return -1;
	}
	if (!tclog_crc32c_ok(tclog_crc32c(0, r->comp, ch->comp_size), ch->payload_crc)) {
		snprintf(why, whylen, "chunk payload checksum mismatch");
		return -1;
	}
	/* One complete frame, exactly raw_size long, with its own checksum
	 * (frame header descriptor bit 2, RFC 8878 3.1.1.1.1). */
	if (ch->comp_size < 5 || memcmp(r->comp, zstd_magic, 4) || !(r->comp[4] & 0x04) ||
	    ZSTD_getFrameContentSize(r->comp, ch->comp_size) != ch->raw_size ||
	    ZSTD_findFrameCompressedSize(r->comp, ch->comp_size) != ch->comp_size) {
		snprintf(why, whylen, "payload is not one zstd frame of the announced sizes");
		return -1;
	}
	r->decompressed++;
	n = ZSTD_decompressDCtx(r->dctx, r->raw, ch->raw_size, r->comp, ch->comp_size);
	if (ZSTD_isError(n)) {
		snprintf(why, whylen, "zstd: %s", ZSTD_getErrorName(n));
		return -1;
	}
	if (n != ch->raw_size) {
		snprintf(why, whylen, "zstd frame decoded to the wrong size");
		return -1;
	}
	return 0;
}

int tclog_rd_load_ifaces(struct tclog_reader *r, uint64_t off, const struct tclog_chunk_hdr *ch,
			 char *why, size_t whylen, uint64_t *where)
{
	*where = off;
	if (r->version == TCLOG_VERSION_V1) {
		snprintf(why, whylen, "interface chunk in a version 1 log");
		return -1;
	}
	if (ch->records > TCREC_MAX_IFACES || ch->raw_size != TCLOG_IFCHUNK_RAW(ch->records)) {
		snprintf(why, whylen, "interface chunk: %u entries in %u bytes (at most %u entries of %u bytes)",
			 ch->records, ch->raw_size, TCREC_MAX_IFACES, TCLOG_IFACE_SIZE);
		return -1;
	}
	if (tclog_rd_payload(r, off, ch, why, whylen, where))
		return -1;
	return tclog_ifchunk_apply(r->raw, ch->raw_size, ch->records, &r->hdr, why, whylen);
}

void tclog_rd_preload_ifaces(struct tclog_reader *r, size_t k)
{
	struct tclog_chunk_hdr ch;
	char why[256];
	uint64_t where;

	for (size_t i = r->if_done; i < k && i < r->n_idx; i++) {
		uint64_t off = r->idx[i].offset;

		if (r->idx_kind[i] != TCLOG_KIND_IFACES)
			continue;
		if (tclog_rd_scan_at(r, off, &ch, why, sizeof(why)) != SCAN_CHUNK) {
			tclog_rd_set_warning(r, "%s: offset %llu: interface chunk unreadable: %s; its "
						"interfaces are unknown", r->path, (unsigned long long)off, why);
			continue;
		}
		if (ch.encoding != TCLOG_ENC_IFACES)
			snprintf(why, sizeof(why), "the index calls it an interface chunk, its encoding is %u",
				 ch.encoding);
		if (ch.encoding != TCLOG_ENC_IFACES ||
		    tclog_rd_load_ifaces(r, off, &ch, why, sizeof(why), &where))
			tclog_rd_set_warning(r, "%s: offset %llu: %s; its interfaces are unknown", r->path,
					     (unsigned long long)off, why);
	}
	if (k > r->if_done)
		r->if_done = k;
}

int tclog_rd_build_public(struct tclog_reader *r)
{
	size_t n = 0;

	free(r->pub);
	free(r->pub_k);
	r->n_pub = 0;
	r->pub = calloc(r->n_idx ? r->n_idx : 1, sizeof(*r->pub));
	r->pub_k = calloc(r->n_idx ? r->n_idx : 1, sizeof(*r->pub_k));
	if (!r->pub || !r->pub_k)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_idx; i++)
		if (r->idx_kind[i] == TCLOG_KIND_RECORDS) {
			r->pub[n] = r->idx[i];
			r->pub_k[n++] = i;
		}
	r->n_pub = n;
	return 0;
}
