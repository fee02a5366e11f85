/* SPDX-License-Identifier: MIT */
/* Every length is checked against the block it is in before use; a block
 * whose two length fields disagree is damage, as in libpcap's read_block. */
#include "pcapng_blocks.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum {
	BT_SHB = 0x0a0d0d0a,
	BT_IDB = 1,
	BT_PB = 2,
	BT_SPB = 3,
	BT_EPB = 6,
	BOM = 0x1a2b3c4d,
	OPT_END = 0,
	OPT_IF_NAME = 2,
	OPT_EPB_FLAGS = 2,
	OPT_IF_TSRESOL = 9,
	OPT_IF_TSOFFSET = 14,
	BLOCK_MAX = 16u << 20, /* libpcap's own cap on a block */
	IFACES_MAX = 1u << 16,
};

struct wiface {
	struct pcapng_iface pub;
	uint64_t tps;      /* timestamp units per second */
	int64_t offset_s;  /* if_tsoffset */
};

struct pcapng_blocks {
	FILE *f;
	bool swap;
	bool started;
	bool shb_read;     /* the first block's type came before f's position */
	uint64_t off;      /* of the next block */
	struct wiface *ifs;
	size_t nifs, base; /* interfaces of this section start at base */
	uint8_t *buf;
	size_t cap;
};

static uint32_t u32(const struct pcapng_blocks *w, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return w->swap ? __builtin_bswap32(v) : v;
}

static uint16_t u16(const struct pcapng_blocks *w, const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return w->swap ? __builtin_bswap16(v) : v;
}

struct pcapng_blocks *pcapng_blocks_open(FILE *f, bool shb_read)
{
	struct pcapng_blocks *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->f = f;
	w->shb_read = shb_read;
	return w;
}

/* Walks the options from body offset at: cb gets each (code, value). */
typedef void (*opt_fn)(struct pcapng_blocks *w, void *ctx, uint16_t code, const uint8_t *v,
		       uint16_t len);

static void walk_opts(struct pcapng_blocks *w, const uint8_t *b, uint32_t len, uint32_t at,
		      opt_fn fn, void *ctx)
{
	while (at + 4 <= len) {
		uint16_t code = u16(w, b + at), olen = u16(w, b + at + 2);
		if (code == OPT_END || olen > len - at - 4)
			return;
		fn(w, ctx, code, b + at + 4, olen);
		at += 4 + ((olen + 3u) & ~3u);
	}
}

static void idb_opt(struct pcapng_blocks *w, void *ctx, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct wiface *i = ctx;
	if (code == OPT_IF_NAME && !i->pub.name) {
		i->pub.name = strndup((const char *)v, len);
	} else if (code == OPT_IF_TSRESOL && len >= 1) {
		unsigned e = v[0] & 0x7f;
		uint64_t tps = 1;
		if (v[0] & 0x80) {
			tps = e < 64 ? (uint64_t)1 << e : 0;
		} else {
			for (unsigned k = 0; k < e && tps; k++)
				tps = tps <= UINT64_MAX / 10 ? tps * 10 : 0;
		}
		if (tps)
			i->tps = tps;
	} else if (code == OPT_IF_TSOFFSET && len >= 8) {
		uint64_t x;
		memcpy(&x, v, 8);
		i->offset_s = (int64_t)(w->swap ? __builtin_bswap64(x) : x);
	}
}

static int add_idb(struct pcapng_blocks *w, const uint8_t *b, uint32_t len, char *err, size_t errlen)
{
	if (len < 8 || w->nifs >= IFACES_MAX) {
		snprintf(err, errlen, "interface block at offset %" PRIu64 " %s", w->off,
			 len < 8 ? "is too short" : "is one too many");
		return -1;
	}
	struct wiface *v = realloc(w->ifs, (w->nifs + 1) * sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "out of memory for interface %zu", w->nifs);
		return -1;
	}
	w->ifs = v;
	struct wiface *i = &w->ifs[w->nifs++];
	*i = (struct wiface){ .pub = { .linktype = u16(w, b), .snaplen = u32(w, b + 4) },
			      .tps = 1000000 };
	walk_opts(w, b, len, 8, idb_opt, i);
	return 0;
}

static int grow(struct pcapng_blocks *w, size_t need)
{
	if (need <= w->cap)
		return 0;
	uint8_t *n = realloc(w->buf, need);
	if (!n)
		return -1;
	w->buf = n;
	w->cap = need;
	return 0;
}

/* One block: its type, and its body (len bytes) in w->buf. 1, 0 at the end, -1. */
static int read_block(struct pcapng_blocks *w, uint32_t *type, uint32_t *len, char *err, size_t errlen)
{
	uint8_t h[12];
	size_t got;
	if (w->shb_read) {
		uint32_t shb = BT_SHB;
		memcpy(h, &shb, 4);
		got = 4 + fread(h + 4, 1, 4, w->f);
		w->shb_read = false;
	} else {
		got = fread(h, 1, 8, w->f);
	}
	if (got == 0 && !ferror(w->f))
		return 0;
	if (got < 8)
		goto cut;
	memcpy(type, h, 4);
	if (*type == BT_SHB) {
		if (fread(h + 8, 1, 4, w->f) != 4)
			goto cut;
		uint32_t bom;
		memcpy(&bom, h + 8, 4);
		if (bom != BOM && bom != __builtin_bswap32(BOM)) {
			snprintf(err, errlen, "section header at offset %" PRIu64 " has no byte-order magic", w->off);
			return -1;
		}
		w->swap = bom != BOM;
		w->base = w->nifs; /* interface ids restart with each section */
		w->started = true;
	} else {
		if (!w->started) {
			snprintf(err, errlen, "no section header at offset 0");
			return -1;
		}
		*type = u32(w, h);
	}
	uint32_t total = u32(w, h + 4);
	if (total < 12 + (*type == BT_SHB ? 4u : 0u) || total > BLOCK_MAX || total % 4) {
		snprintf(err, errlen, "block at offset %" PRIu64 " has a bad length %" PRIu32, w->off, total);
		return -1;
	}
	uint32_t done = *type == BT_SHB ? 12 : 8;
	if (grow(w, total)) {
		snprintf(err, errlen, "out of memory for a block of %" PRIu32 " bytes", total);
		return -1;
	}
	memcpy(w->buf, h, done);
	if (fread(w->buf + done, 1, total - done, w->f) != total - done)
		goto cut;
	if (u32(w, w->buf + total - 4) != total) {
		snprintf(err, errlen, "block at offset %" PRIu64 ": its two lengths disagree", w->off);
		return -1;
	}
	*len = total - 12;
	w->off += total;
	return 1;
cut:
	snprintf(err, errlen, "truncated block at offset %" PRIu64, w->off);
	return -1;
}

static void epb_opt(struct pcapng_blocks *w, void *ctx, uint16_t code, const uint8_t *v, uint16_t len)
{
	struct pcapng_packet *p = ctx;
	if (code == OPT_EPB_FLAGS && len >= 4) {
		uint32_t fl = u32(w, v) & 3;
		p->dir = fl == 1 ? PCAPNG_DIR_IN : fl == 2 ? PCAPNG_DIR_OUT : PCAPNG_DIR_NONE;
	}
}

static uint64_t ts_ns(const struct wiface *i, uint32_t hi, uint32_t lo)
{
	uint64_t t = (uint64_t)hi << 32 | lo;
	unsigned __int128 ns = (unsigned __int128)(t / i->tps) * 1000000000u +
			       (unsigned __int128)(t % i->tps) * 1000000000u / i->tps;
	ns += (unsigned __int128)((__int128)i->offset_s * 1000000000);
	return (uint64_t)ns;
}

/* A packet block's fields; 1, or -1 when they do not fit the block. */
static int packet_of(struct pcapng_blocks *w, uint32_t type, uint32_t len, struct pcapng_packet *p,
		     char *err, size_t errlen)
{
	const uint8_t *b = w->buf + 8;
	uint32_t id, hdr;
	*p = (struct pcapng_packet){ 0 };
	if (type == BT_SPB) {
		if (len < 4)
			goto bad;
		id = 0;
		hdr = 4;
		p->origlen = u32(w, b);
		p->caplen = p->origlen < len - 4 ? p->origlen : len - 4;
	} else {
		if (len < 20)
			goto bad;
		id = type == BT_EPB ? u32(w, b) : u16(w, b);
		hdr = 20;
		p->caplen = u32(w, b + 12);
		p->origlen = u32(w, b + 16);
		if (p->caplen > len - 20)
			goto bad;
	}
	if (w->base + id >= w->nifs || id >= IFACES_MAX) {
		snprintf(err, errlen, "packet block at offset %" PRIu64 " names interface %" PRIu32
			 ", which its section does not have", w->off - len - 12, id);
		return -1;
	}
	p->iface = w->base + id;
	const struct wiface *i = &w->ifs[p->iface];
	if (type == BT_SPB && i->pub.snaplen && p->caplen > i->pub.snaplen)
		p->caplen = i->pub.snaplen;
	p->ts_ns = type == BT_SPB ? 0 : ts_ns(i, u32(w, b + 4), u32(w, b + 8));
	p->data = b + hdr;
	if (type == BT_EPB)
		walk_opts(w, b, len, hdr + ((p->caplen + 3u) & ~3u), epb_opt, p);
	return 1;
bad:
	snprintf(err, errlen, "packet block at offset %" PRIu64 " is shorter than its fields say",
		 w->off - len - 12);
	return -1;
}

int pcapng_blocks_next(struct pcapng_blocks *w, struct pcapng_packet *p, char *err, size_t errlen)
{
	uint32_t type, len;
	int rc;
	while ((rc = read_block(w, &type, &len, err, errlen)) > 0) {
		if (type == BT_IDB) {
			if (add_idb(w, w->buf + 8, len, err, errlen))
				return -1;
			continue;
		}
		if (type == BT_EPB || type == BT_PB || type == BT_SPB)
			return packet_of(w, type, len, p, err, errlen);
	}
	return rc;
}

size_t pcapng_blocks_nifaces(const struct pcapng_blocks *w)
{
	return w->nifs;
}

const struct pcapng_iface *pcapng_blocks_iface(const struct pcapng_blocks *w, size_t i)
{
	return i < w->nifs ? &w->ifs[i].pub : NULL;
}

void pcapng_blocks_close(struct pcapng_blocks *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nifs; i++)
		free((char *)w->ifs[i].pub.name);
	free(w->ifs);
	free(w->buf);
	free(w);
}
