/* SPDX-License-Identifier: MIT */
#include "pcapng_writer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_ISB 0x00000005u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define LINKTYPE_ETHERNET 1u

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define SHB_HARDWARE 2
#define SHB_OS 3
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_MACADDR 6
#define IF_TSRESOL 9
#define IF_FILTER 11
#define IF_OS 12
#define EPB_FLAGS 2
#define EPB_DROPCOUNT 4
#define ISB_STARTTIME 2
#define ISB_ENDTIME 3
#define ISB_IFRECV 4
#define ISB_FILTERACCEPT 6
#define ISB_OSDROP 7
#define ISB_USRDELIV 8

/* An option's value is at most 65535 bytes; longer strings are cut. */
#define OPT_MAX 0xffffu
/* Options of a header block (SHB/IDB/ISB) are assembled here; a filter is
 * the largest thing that goes in. */
#define HDR_OPTS_MAX (4 * (OPT_MAX + 8))

struct pcapng_writer {
	struct pcap_out *out;
	int err;
	uint32_t n_ifaces;
	uint64_t packets;
	uint8_t *opts; /* scratch for header block options */
};

static const uint8_t zero_pad[8];

static uint32_t pad4(uint32_t n)
{
	return (4 - (n & 3)) & 3;
}

/* Option buffer: appends code/length/value/padding, never overflows. */
struct optbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
};

static void opt_add(struct optbuf *b, uint16_t code, const void *val, size_t len)
{
	if (len > OPT_MAX)
		len = OPT_MAX;
	size_t need = 4 + len + pad4((uint32_t)len);
	if (b->len + need + 4 > b->cap) /* keep room for opt_endofopt */
		return;
	uint16_t hdr[2] = { code, (uint16_t)len };
	memcpy(b->p + b->len, hdr, 4);
	memcpy(b->p + b->len + 4, val, len);
	memset(b->p + b->len + 4 + len, 0, pad4((uint32_t)len));
	b->len += need;
}

static void opt_str(struct optbuf *b, uint16_t code, const char *s)
{
	if (s && *s)
		opt_add(b, code, s, strlen(s));
}

static void opt_u64(struct optbuf *b, uint16_t code, uint64_t v)
{
	opt_add(b, code, &v, 8);
}

/* A timestamp option in if_tsresol=9 units: high word first, as in an EPB. */
static void opt_ts(struct optbuf *b, uint16_t code, uint64_t ns)
{
	uint32_t v[2] = { (uint32_t)(ns >> 32), (uint32_t)ns };
	opt_add(b, code, v, 8);
}

static void opt_end(struct optbuf *b)
{
	if (b->len == 0)
		return; /* no options at all: opt_endofopt is optional */
	memset(b->p + b->len, 0, 4);
	b->len += 4;
}

static int set_err(struct pcapng_writer *w, int err)
{
	if (!w->err)
		w->err = err;
	return w->err;
}

/* Writes type, length, body, options, length: the length is known before
 * the first byte goes out. */
static int write_block(struct pcapng_writer *w, uint32_t type, const void *body, size_t body_len,
		       const void *data, size_t data_len, const struct optbuf *opts)
{
	if (w->err)
		return w->err;
	uint32_t total = (uint32_t)(12 + body_len + data_len + pad4((uint32_t)data_len) + opts->len);
	uint32_t head[2] = { type, total };
	struct iovec iov[6] = {
		{ head, 8 },
		{ (void *)body, body_len },
		{ (void *)data, data_len },
		{ (void *)zero_pad, pad4((uint32_t)data_len) },
		{ opts->p, opts->len },
		{ &total, 4 },
	};
	int err = pcap_out_writev(w->out, iov, 6);
	return err ? set_err(w, err) : 0;
}

struct pcapng_writer *pcapng_writer_open(struct pcap_out *out, const struct pcapng_section *shb)
{
	struct pcapng_writer *w = calloc(1, sizeof(*w));
	if (w)
		w->opts = malloc(HDR_OPTS_MAX);
	if (!w || !w->opts) {
		if (w)
			free(w);
		pcap_out_close(out);
		errno = ENOMEM;
		return NULL;
	}
	w->out = out;

	struct optbuf ob = { w->opts, 0, HDR_OPTS_MAX };
	opt_str(&ob, SHB_HARDWARE, shb->hardware);
	opt_str(&ob, SHB_OS, shb->os);
	opt_str(&ob, SHB_USERAPPL, shb->userappl);
	opt_end(&ob);
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int64_t section_len;
	} __attribute__((packed)) body = { BYTE_ORDER_MAGIC, 1, 0, -1 };
	int err = write_block(w, BT_SHB, &body, sizeof(body), NULL, 0, &ob);
	if (err) {
		pcapng_writer_close(w);
		errno = -err;
		return NULL;
	}
	return w;
}

int pcapng_writer_add_iface(struct pcapng_writer *w, const struct pcapng_iface *ifc)
{
	struct optbuf ob = { w->opts, 0, HDR_OPTS_MAX };
	opt_str(&ob, IF_NAME, ifc->name);
	opt_str(&ob, IF_DESCRIPTION, ifc->description);
	if (ifc->mac)
		opt_add(&ob, IF_MACADDR, ifc->mac, 6);
	uint8_t tsresol = 9;
	opt_add(&ob, IF_TSRESOL, &tsresol, 1);
	if (ifc->filter && *ifc->filter) {
		/* First byte 0: the filter is a libpcap filter string. */
		size_t flen = strlen(ifc->filter);
		if (flen > OPT_MAX - 1)
			flen = OPT_MAX - 1;
		uint8_t *f = malloc(flen + 1);
		if (!f)
			return set_err(w, -ENOMEM);
		f[0] = 0;
		memcpy(f + 1, ifc->filter, flen);
		opt_add(&ob, IF_FILTER, f, flen + 1);
		free(f);
	}
	opt_str(&ob, IF_OS, ifc->os);
	opt_end(&ob);
	struct {
		uint16_t linktype, reserved;
		uint32_t snaplen;
	} body = { LINKTYPE_ETHERNET, 0, ifc->snaplen };
	int err = write_block(w, BT_IDB, &body, sizeof(body), NULL, 0, &ob);
	if (err)
		return err;
	return (int)w->n_ifaces++;
}

int pcapng_writer_packet(struct pcapng_writer *w, const struct pcapng_packet *p)
{
	if (w->err)
		return w->err;
	if (p->if_id >= w->n_ifaces)
		return -EINVAL; /* a caller bug, not an output failure: not sticky */
	/* Per-packet options are small; a comment is cut to fit (a process
	 * comment holds a cgroup path of up to 255 bytes and a container id). */
	uint8_t obuf[1024];
	struct optbuf ob = { obuf, 0, sizeof(obuf) };
	if (p->flags)
		opt_add(&ob, EPB_FLAGS, &p->flags, 4);
	if (p->dropcount)
		opt_u64(&ob, EPB_DROPCOUNT, p->dropcount);
	const char *comments[2] = { p->comment, p->comment2 };
	for (int i = 0; i < 2; i++) {
		if (!comments[i])
			continue;
		size_t clen = strlen(comments[i]);
		opt_add(&ob, OPT_COMMENT, comments[i], clen < 440 ? clen : 440);
	}
	opt_end(&ob);
	uint32_t body[5] = { p->if_id, (uint32_t)(p->ts_ns >> 32), (uint32_t)p->ts_ns, p->caplen,
			     p->origlen };
	int err = write_block(w, BT_EPB, body, sizeof(body), p->data, p->caplen, &ob);
	if (!err)
		w->packets++;
	return err;
}

int pcapng_writer_stats(struct pcapng_writer *w, uint32_t if_id, const struct pcapng_if_stats *s)
{
	if (w->err)
		return w->err;
	if (if_id >= w->n_ifaces)
		return -EINVAL;
	struct optbuf ob = { w->opts, 0, HDR_OPTS_MAX };
	if (s->start_ns)
		opt_ts(&ob, ISB_STARTTIME, s->start_ns);
	if (s->end_ns)
		opt_ts(&ob, ISB_ENDTIME, s->end_ns);
	opt_u64(&ob, ISB_IFRECV, s->ifrecv);
	opt_u64(&ob, ISB_FILTERACCEPT, s->filteraccept);
	opt_u64(&ob, ISB_OSDROP, s->osdrop);
	opt_u64(&ob, ISB_USRDELIV, s->usrdeliv);
	opt_end(&ob);
	uint32_t body[3] = { if_id, (uint32_t)(s->ts_ns >> 32), (uint32_t)s->ts_ns };
	return write_block(w, BT_ISB, body, sizeof(body), NULL, 0, &ob);
}

int pcapng_writer_flush(struct pcapng_writer *w)
{
	if (w->err)
		return w->err;
	int err = pcap_out_flush(w->out);
	return err ? set_err(w, err) : 0;
}

uint64_t pcapng_writer_packets(const struct pcapng_writer *w)
{
	return w->packets;
}

int pcapng_writer_close(struct pcapng_writer *w)
{
	if (!w)
		return 0;
	int err = pcap_out_close(w->out);
	if (err)
		set_err(w, err);
	err = w->err;
	free(w->opts);
	free(w);
	return err;
}
