/* SPDX-License-Identifier: MIT */
/* pcap records read here, pcapng blocks through pcapng_blocks.c, both
 * from the stream of capture_stream.c; then one normalization to the
 * records a tcrec log holds. */
#include "capture_source.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_stream.h"
#include "bpf/parse.h"
#include "formats/packet_parse.h"
#include "logging.h"
#include "pcapng_blocks.h"

enum {
	PCAP_US = 0xa1b2c3d4,
	PCAP_NS = 0xa1b23c4d,
	PCAPNG_SHB = 0x0a0d0d0a,
	REC_MAX = 16u << 20, /* a pcap record's captured length, as for a pcapng block */
	IFACES_MAX = 4096,
	SLL_LEN = 16,
	SLL2_LEN = 20,
	LINUX_OUTGOING = 4, /* PACKET_OUTGOING in a cooked header */
};

struct capture_source {
	char *path;
	struct capture_stream *st;
	struct pcapng_blocks *ng;   /* NULL: classic pcap */
	/* classic pcap */
	bool swap, nano;
	uint64_t off;
	uint8_t *data;
	size_t cap;
	/* both */
	struct capture_iface *ifs;
	size_t nifs;
	bool *warned;               /* interfaces of a link type we skip, said once */
	uint8_t *frame;             /* the normalized frame */
	size_t frame_cap;
};

static uint32_t sw32(bool swap, uint32_t v)
{
	return swap ? __builtin_bswap32(v) : v;
}

bool capture_source_is_capture(const char *path)
{
	if (!strcmp(path, "-"))
		return true;
	FILE *f = fopen(path, "rb");
	uint8_t m[4];
	bool yes = false;
	if (!f)
		return false;
	if (fread(m, 1, 4, f) == 4) {
		uint32_t v;
		memcpy(&v, m, 4);
		static const uint8_t zmagic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
		yes = v == PCAP_US || v == PCAP_NS || v == __builtin_bswap32(PCAP_US) ||
		      v == __builtin_bswap32(PCAP_NS) || v == PCAPNG_SHB || !memcmp(m, zmagic, 4);
	}
	fclose(f);
	return yes;
}

/* A file's LINKTYPE_ as the DLT_ the parser speaks: they differ for raw IP. */
static int dlt_of(uint32_t linktype)
{
	return linktype == 101 ? PACKET_DLT_RAW : (int)linktype;
}

static bool linktype_read(int lt)
{
	return lt == PACKET_DLT_EN10MB || lt == PACKET_DLT_RAW || lt == PACKET_DLT_IPV4 ||
	       lt == PACKET_DLT_IPV6 || lt == PACKET_DLT_LINUX_SLL || lt == PACKET_DLT_LINUX_SLL2;
}

static int grow(uint8_t **b, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	uint8_t *n = realloc(*b, need);
	if (!n)
		return -1;
	*b = n;
	*cap = need;
	return 0;
}

static int add_iface(struct capture_source *s, const char *name, int linktype)
{
	if (s->nifs >= IFACES_MAX)
		return -1;
	struct capture_iface *v = realloc(s->ifs, (s->nifs + 1) * sizeof(*v));
	bool *w = realloc(s->warned, (s->nifs + 1) * sizeof(*w));
	if (v)
		s->ifs = v;
	if (w)
		s->warned = w;
	if (!v || !w)
		return -1;
	s->ifs[s->nifs] = (struct capture_iface){ name, linktype };
	s->warned[s->nifs++] = false;
	return 0;
}

static int open_pcap(struct capture_source *s, FILE *f, uint32_t magic, char *err, size_t errlen)
{
	uint8_t h[20];
	if (fread(h, 1, sizeof(h), f) != sizeof(h)) {
		snprintf(err, errlen, "%s: pcap file header cut short", s->path);
		return -1;
	}
	s->swap = magic != PCAP_US && magic != PCAP_NS;
	s->nano = sw32(s->swap, magic) == PCAP_NS;
	uint32_t lt;
	memcpy(&lt, h + 16, 4);
	lt = sw32(s->swap, lt) & 0xffff; /* the upper bits say FCS, not the type */
	if (!linktype_read(dlt_of(lt))) {
		snprintf(err, errlen, "%s: link type %" PRIu32 " is not one tcrec reads "
			 "(Ethernet, Linux cooked SLL/SLL2, raw IP)", s->path, lt);
		return -1;
	}
	s->off = 24;
	return add_iface(s, NULL, dlt_of(lt)) ? (snprintf(err, errlen, "out of memory"), -1) : 0;
}

/* 1 with the packet's fields, 0, -1. */
static int next_pcap(struct capture_source *s, struct pcapng_packet *p, char *err, size_t errlen)
{
	FILE *f = capture_stream_file(s->st);
	uint32_t h[4];
	size_t got = fread(h, 1, sizeof(h), f);
	if (!got && !ferror(f) && !capture_stream_error(s->st))
		return 0;
	if (got < sizeof(h)) {
		snprintf(err, errlen, "truncated packet record at offset %" PRIu64, s->off);
		return -1;
	}
	uint32_t sec = sw32(s->swap, h[0]), frac = sw32(s->swap, h[1]);
	*p = (struct pcapng_packet){ .caplen = sw32(s->swap, h[2]), .origlen = sw32(s->swap, h[3]) };
	if (p->caplen > REC_MAX || (s->nano ? frac : frac * 1000ull) >= 1000000000u) {
		snprintf(err, errlen, "packet record at offset %" PRIu64 " has a bad %s", s->off,
			 p->caplen > REC_MAX ? "captured length" : "timestamp");
		return -1;
	}
	if (grow(&s->data, &s->cap, p->caplen ? p->caplen : 1)) {
		snprintf(err, errlen, "out of memory for a packet of %" PRIu32 " bytes", p->caplen);
		return -1;
	}
	if (fread(s->data, 1, p->caplen, f) != p->caplen) {
		snprintf(err, errlen, "truncated packet record at offset %" PRIu64, s->off);
		return -1;
	}
	p->ts_ns = sec * 1000000000ull + (s->nano ? frac : frac * 1000ull);
	p->data = s->data;
	s->off += 16 + p->caplen;
	return 1;
}

struct capture_source *capture_source_open(const char *path, char *err, size_t errlen)
{
	struct capture_source *s = calloc(1, sizeof(*s));
	const char *name = strcmp(path, "-") ? path : "stdin";
	if (!s || !(s->path = strdup(name))) {
		free(s);
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	s->st = capture_stream_open(path, err, errlen);
	if (!s->st)
		goto fail;
	FILE *f = capture_stream_file(s->st);
	uint32_t magic = 0;
	if (fread(&magic, 1, 4, f) != 4) {
		snprintf(err, errlen, "%s: %s", s->path, capture_stream_error(s->st) ?: "empty, not a capture file");
		goto fail;
	}
	if (magic == PCAPNG_SHB) {
		s->ng = pcapng_blocks_open(f, true);
		if (!s->ng) {
			snprintf(err, errlen, "%s: out of memory", s->path);
			goto fail;
		}
		return s;
	}
	if (magic == PCAP_US || magic == PCAP_NS || magic == __builtin_bswap32(PCAP_US) ||
	    magic == __builtin_bswap32(PCAP_NS)) {
		if (open_pcap(s, f, magic, err, errlen))
			goto fail;
		return s;
	}
	snprintf(err, errlen, "%s: not a pcap, pcapng or tcrec log (unknown magic)", s->path);
fail:
	capture_source_close(s);
	return NULL;
}

/* The cooked header's packet type: sent by this host, or not. */
static void cooked_dir(int lt, const uint8_t *b, uint32_t caplen, struct capture_packet *p)
{
	uint32_t lh = lt == PACKET_DLT_LINUX_SLL ? SLL_LEN : SLL2_LEN;
	if (caplen < lh)
		return;
	uint8_t type = lt == PACKET_DLT_LINUX_SLL ? b[1] : b[10];
	p->rec.dir = type == LINUX_OUTGOING ? TCREC_DIR_OUT : TCREC_DIR_IN;
	/* tcpdump shows SLL2's interface and direction on every line, SLL's
	 * only with -e: only SLL2's make a line that has columns */
	p->has_dir = lt == PACKET_DLT_LINUX_SLL2;
}

/* A frame of another link type as the recorder keeps an L3 device's:
 * synthesized Ethernet header (zero MACs, the ethertype) then L3. */
static int to_ethernet(struct capture_source *s, int lt, const struct pcapng_packet *q,
		       struct capture_packet *p)
{
	struct tcrec_record *r = &p->rec;
	uint32_t lh = lt == PACKET_DLT_LINUX_SLL ? SLL_LEN : lt == PACKET_DLT_LINUX_SLL2 ? SLL2_LEN : 0;
	uint32_t orig = r->wire_len;
	r->wire_len = (orig > lh ? orig - lh : 0) + TCREC_ETH_HLEN;
	if (q->caplen < lh) {
		r->cap_len = 0;
		p->bytes = NULL;
		return 0;
	}
	uint32_t l3 = q->caplen - lh;
	if (grow(&s->frame, &s->frame_cap, (size_t)l3 + TCREC_ETH_HLEN))
		return -1;
	memset(s->frame, 0, 12);
	s->frame[12] = (uint8_t)(r->ethertype >> 8);
	s->frame[13] = (uint8_t)r->ethertype;
	memcpy(s->frame + TCREC_ETH_HLEN, q->data + lh, l3);
	r->cap_len = l3 + TCREC_ETH_HLEN;
	p->bytes = s->frame;
	return 0;
}

static int normalize(struct capture_source *s, const struct pcapng_packet *q, struct capture_packet *p,
		     char *err, size_t errlen)
{
	const struct capture_iface *ifc = &s->ifs[q->iface];
	struct tcrec_record *r = &p->rec;
	struct packet_l3 pl;
	int lt = ifc->linktype;
	*p = (struct capture_packet){ .bytes = q->data };
	r->ts_ns = q->ts_ns;
	r->ifindex = (uint32_t)q->iface;
	r->dir = q->dir == PCAPNG_DIR_OUT ? TCREC_DIR_OUT : TCREC_DIR_IN;
	p->has_dir = q->dir != PCAPNG_DIR_NONE;
	r->wire_len = q->origlen > q->caplen ? q->origlen : q->caplen;
	r->cap_len = q->caplen;
	packet_parse(lt, q->data, q->caplen, r, &pl);
	if ((lt == PACKET_DLT_LINUX_SLL || lt == PACKET_DLT_LINUX_SLL2) && !p->has_dir)
		cooked_dir(lt, q->data, q->caplen, p);
	if (lt != PACKET_DLT_EN10MB && to_ethernet(s, lt, q, p)) {
		snprintf(err, errlen, "out of memory for a packet of %" PRIu32 " bytes", q->caplen);
		return -1;
	}
	p->bare = !ifc->name && !p->has_dir;
	return 0;
}

/* Interfaces the walker met since the last packet. */
static int sync_ifaces(struct capture_source *s)
{
	for (size_t i = s->nifs; i < pcapng_blocks_nifaces(s->ng); i++) {
		const struct pcapng_iface *w = pcapng_blocks_iface(s->ng, i);
		if (add_iface(s, w->name, dlt_of((uint32_t)w->linktype)))
			return -1;
	}
	return 0;
}

int capture_source_next(struct capture_source *s, struct capture_packet *p, char *err, size_t errlen)
{
	struct pcapng_packet q;
	char why[256];
	for (;;) {
		int rc = s->ng ? pcapng_blocks_next(s->ng, &q, why, sizeof(why))
			       : next_pcap(s, &q, why, sizeof(why));
		if (rc < 0 || (s->ng && sync_ifaces(s))) {
			const char *zs = capture_stream_error(s->st);
			snprintf(err, errlen, "%s: %s%s%s", s->path, rc < 0 ? why : "too many interfaces",
				 zs ? ": " : "", zs ? zs : "");
			return -1;
		}
		if (rc == 0) {
			const char *zs = capture_stream_error(s->st);
			if (!zs)
				return 0;
			snprintf(err, errlen, "%s: %s", s->path, zs);
			return -1;
		}
		int lt = s->ifs[q.iface].linktype;
		if (linktype_read(lt))
			return normalize(s, &q, p, err, errlen) ? -1 : 1;
		if (!s->warned[q.iface]) {
			s->warned[q.iface] = true;
			pr_warn("warning: %s: interface %zu has link type %d, which tcrec does not read "
				"(Ethernet, Linux cooked SLL/SLL2, raw IP); its packets are skipped",
				s->path, q.iface, lt);
		}
	}
}

size_t capture_source_nifaces(const struct capture_source *s)
{
	return s->nifs;
}

const struct capture_iface *capture_source_iface(const struct capture_source *s, size_t i)
{
	return i < s->nifs ? &s->ifs[i] : NULL;
}

const char *capture_source_kind(const struct capture_source *s)
{
	return s->ng ? "pcapng" : "pcap";
}

uint64_t capture_source_offset(const struct capture_source *s)
{
	return capture_stream_offset(s->st);
}

void capture_source_close(struct capture_source *s)
{
	if (!s)
		return;
	pcapng_blocks_close(s->ng);
	capture_stream_close(s->st);
	free(s->ifs);
	free(s->warned);
	free(s->data);
	free(s->frame);
	free(s->path);
	free(s);
}
