/* SPDX-License-Identifier: MIT */
#include "diff_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "diff_key.h"
#include "diff_pcapng_names.h"
#include "bpf/parse.h"
#include "logging.h"
#include "formats/packet_parse.h"
#include "formats/synth.h"
#include "filter/read_filter.h"
#include "read/iface_select.h"
#include "read/log_input.h"
#include "read/proc_select.h"
#include "diff_owners.h"
#include "diff_source_progress.h"

/* The parser speaks DLT numbers without libpcap's header. */
_Static_assert(PACKET_DLT_EN10MB == DLT_EN10MB && PACKET_DLT_RAW == DLT_RAW &&
		       PACKET_DLT_IPV4 == DLT_IPV4 && PACKET_DLT_IPV6 == DLT_IPV6 &&
		       PACKET_DLT_LINUX_SLL == DLT_LINUX_SLL && PACKET_DLT_LINUX_SLL2 == DLT_LINUX_SLL2,
	       "DLT numbers differ from libpcap's");

struct diff_src {
	enum diff_src_kind kind;
	const char *path;
	uint64_t num;
	uint64_t drops;
	bool past_tags;      /* see diff_src_past_tags */
	bool cut;            /* pcap/pcapng: read stopped at damage (see diff_src_damaged) */
	struct read_filter *filter; /* this source's own: see diff_src_open */
	const struct iface_select *sel; /* see diff_src_set_select; NULL: all */
	struct pcapng_names *names;     /* pcapng with a selection */
	bool names_lost;                /* the walk beside libpcap failed */
	/* pcap, pcapng */
	pcap_t *pc;
	int linktype;
	uint8_t *view;       /* a frame of another link type as the filter sees it */
	size_t view_cap;
	/* tcrec log */
	struct log_input *li;
	bool synth;          /* rebuild headers of metadata-only records */
	struct diff_owners *owners; /* see diff_src_track_owners; NULL: not tracked */
	struct tcrec_record rec;
	uint8_t synth_buf[SYNTH_MAX];
	struct diff_src_meter meter; /* see diff_src_progress */
};

#define PCAP_READ_BUF (1u << 20)

static const uint8_t PCAPNG_SHB[4] = { 0x0a, 0x0d, 0x0d, 0x0a };

static bool is_pcap_magic(const uint8_t m[4])
{
	static const uint32_t magics[] = { 0xa1b2c3d4, 0xa1b23c4d };
	uint32_t le = (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
	uint32_t be = (uint32_t)m[3] | (uint32_t)m[2] << 8 | (uint32_t)m[1] << 16 | (uint32_t)m[0] << 24;

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (le == magics[i] || be == magics[i])
			return true;
	return false;
}

/* 0 with *kind, or -1 with err. */
static int sniff(const char *path, enum diff_src_kind *kind, char *err, size_t errlen)
{
	struct stat st;
	uint8_t m[8];

	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		*kind = DIFF_SRC_TCLOG;
		return 0;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ssize_t n = read(fd, m, sizeof(m));
	int saved = errno;
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		return -1;
	}
	if (n >= 8 && !memcmp(m, "TCRECLOG", 8))
		*kind = DIFF_SRC_TCLOG;
	else if (n >= 4 && !memcmp(m, PCAPNG_SHB, 4))
		*kind = DIFF_SRC_PCAPNG;
	else if (n >= 4 && is_pcap_magic(m))
		*kind = DIFF_SRC_PCAP;
	else {
		snprintf(err, errlen, "%s: not a pcap, pcapng or tcrec log (unknown magic)", path);
		return -1;
	}
	return 0;
}

static int open_pcap(struct diff_src *s, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";

	FILE *f = fopen(s->path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
		return -1;
	}
	/* large reads: a capture is read once, front to back */
	setvbuf(f, NULL, _IOFBF, PCAP_READ_BUF);
	s->pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!s->pc) {
		fclose(f);
		snprintf(err, errlen, "%s: %s", s->path, ebuf);
		return -1;
	}
	s->linktype = pcap_datalink(s->pc);
	struct tcrec_record r = { 0 };
	struct packet_l3 pl;
	if (packet_parse(s->linktype, NULL, 0, &r, &pl) == -EPROTONOSUPPORT) {
		snprintf(err, errlen, "%s: link type %s is not supported (Ethernet, raw IP, Linux cooked)",
			 s->path, pcap_datalink_val_to_name(s->linktype) ?: "unknown");
		return -1;
	}
	return 0;
}

static int open_tclog(struct diff_src *s, char *err, size_t errlen)
{
	char *paths[1] = { (char *)s->path };

	s->li = log_input_open(paths, 1, err, errlen);
	if (!s->li)
		return -1;
	s->linktype = DLT_EN10MB;
	return 0;
}

/* Each source filters with a copy of its own: the two are read by threads
 * of their own, and the warning about metadata-only records names the
 * input it is about. */
static int copy_filter(struct diff_src *s, const struct read_filter *filter, char *err,
		       size_t errlen)
{
	char why[256] = "";
	const char *expr = read_filter_expr(filter);

	int rc = read_filter_open(expr, s->path, &s->filter, why, sizeof(why));
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", s->path);
	else if (rc)
		snprintf(err, errlen, "filter '%s': %s", expr, why);
	return rc ? -1 : 0;
}

int diff_src_open(const char *path, const struct read_filter *filter, bool synth,
		  struct diff_src **out, char *err, size_t errlen)
{
	enum diff_src_kind kind;

	*out = NULL;
	if (sniff(path, &kind, err, errlen) < 0)
		return -1;
	struct diff_src *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	s->kind = kind;
	s->path = path;
	s->synth = synth;
	int ret = kind == DIFF_SRC_TCLOG ? open_tclog(s, err, errlen) : open_pcap(s, err, errlen);
	if (!ret && filter)
		ret = copy_filter(s, filter, err, errlen);
	if (ret < 0) {
		diff_src_close(s);
		return -1;
	}
	diff_src_meter_init(&s->meter, path, s->li);
	*out = s;
	return 0;
}

/*
 * A frame with more VLAN tags than a record holds (TCREC_F_VLAN_MORE) has no
 * L3 fields in its record. Tags are not part of a packet's identity, and a
 * switch may push one on a stack that was full already: when the bytes are
 * there, the L3 header past the remaining tags is parsed into the record by
 * the capture program's rules, so that the frame keeps the key it had with
 * fewer tags.
 */
static void parse_past_tags(const struct diff_src *s, struct tcrec_record *r,
			    struct packet_l3 *pl, const uint8_t *b, uint32_t caplen)
{
	if (!s->past_tags || !(r->flags & TCREC_F_VLAN_MORE) || !b || s->linktype != DLT_EN10MB)
		return;
	uint32_t win = caplen < TCREC_HDR_WIN ? caplen : TCREC_HDR_WIN;
	uint32_t off = 14u + 4u * r->vlan_count;
	uint16_t proto = r->ethertype;

	while (proto == TCREC_ETH_P_8021Q || proto == TCREC_ETH_P_8021AD) {
		if (off + 4 > win)
			return;
		proto = (uint16_t)(b[off + 2] << 8 | b[off + 3]);
		off += 4;
	}
	uint8_t version = off < win ? b[off] >> 4 : 0;
	if ((proto == TCREC_ETH_P_IP && version == 4) || (proto == TCREC_ETH_P_IPV6 && version == 6)) {
		struct tcrec_record l3 = { 0 };
		struct packet_l3 pl3;
		/* the window counts from the frame's start, as in the kernel */
		packet_parse(PACKET_DLT_RAW, b + off, win - off, &l3, &pl3);
		/* the L2 part stays the record's, L3 and L4 come from the bytes */
		l3.flags = (uint16_t)((l3.flags & ~TCREC_F_NO_ETH) |
				      (r->flags & (TCREC_F_VLAN_SKB | TCREC_F_VLAN_MORE)));
		l3.ts_ns = r->ts_ns;
		l3.ifindex = r->ifindex;
		l3.wire_len = r->wire_len;
		l3.mark = r->mark;
		l3.drops = r->drops;
		l3.cap_len = r->cap_len;
		memcpy(l3.smac, r->smac, sizeof(l3.smac));
		memcpy(l3.dmac, r->dmac, sizeof(l3.dmac));
		memcpy(l3.vlan_tci, r->vlan_tci, sizeof(l3.vlan_tci));
		memcpy(l3.vlan_tpid, r->vlan_tpid, sizeof(l3.vlan_tpid));
		l3.vlan_count = r->vlan_count;
		l3.dir = r->dir;
		*r = l3;
	}
	r->ethertype = proto;
	pl->l3_off = off;
	pl->l3_known = true;
}

/*
 * The reading filter is compiled for Ethernet, the link type of every tcrec
 * log. A frame of another link type (raw IP, Linux cooked) is shown to it
 * as the frame tcrec records on such a device: an Ethernet header with
 * zero MACs and the frame's protocol, then its L3 bytes. 0, or -ENOMEM.
 */
static int ether_view(struct diff_src *s, const uint8_t *data, const struct packet_l3 *pl,
		      struct tcrec_record *view, const uint8_t **bytes)
{
	uint32_t l3_off = pl->l3_known ? pl->l3_off : s->rec.cap_len;
	uint32_t l3_len = s->rec.cap_len - l3_off;

	if (14u + l3_len > s->view_cap) {
		uint8_t *v = realloc(s->view, 14u + l3_len);
		if (!v)
			return -ENOMEM;
		s->view = v;
		s->view_cap = 14u + l3_len;
	}
	memset(s->view, 0, 12);
	s->view[12] = (uint8_t)(s->rec.ethertype >> 8);
	s->view[13] = (uint8_t)s->rec.ethertype;
	if (l3_len)
		memcpy(s->view + 14, data + l3_off, l3_len);
	*view = s->rec;
	view->cap_len = 14u + l3_len;
	view->wire_len = 14u + (s->rec.wire_len > l3_off ? s->rec.wire_len - l3_off : 0);
	*bytes = s->view;
	return 0;
}

/* Whether the reading filter takes the packet just parsed into s->rec:
 * 1 yes, 0 no, -1 with err. */
static int pcap_accepts(struct diff_src *s, const uint8_t *data, const struct packet_l3 *pl,
			char *err, size_t errlen)
{
	struct tcrec_record view;
	struct log_packet lp = { .rec = &s->rec, .bytes = data };

	if (!s->filter)
		return 1;
	/* no bytes at all: a record without bytes would be filtered on
	 * headers rebuilt from nothing; tcpdump's filter fails its first load */
	if (!s->rec.cap_len)
		return 0;
	if (s->linktype != DLT_EN10MB) {
		if (ether_view(s, data, pl, &view, &lp.bytes) < 0) {
			snprintf(err, errlen, "%s: out of memory", s->path);
			return -1;
		}
		lp.rec = &view;
	}
	return read_filter_accepts(s->filter, &lp);
}

/* Whether the packet libpcap just returned is on an interface taken. */
static bool pcap_selected(struct diff_src *s)
{
	const char *name = NULL;
	if (!s->names || s->names_lost)
		return true;
	if (pcapng_names_next(s->names, &name) <= 0) {
		pr_warn("warning: %s: cannot tell the interfaces of the packets from packet %llu on;"
			" --interface no longer narrows it", s->path, (unsigned long long)s->num);
		s->names_lost = true;
		return true;
	}
	return !name || iface_select_match_name(s->sel, name);
}

/* At the end: the specs that named no interface of this input. */
static void warn_unmatched(const struct diff_src *s)
{
	for (size_t i = 0; i < iface_select_count(s->sel); i++) {
		bool hit = false;
		for (size_t k = 0; s->names && !hit && k < pcapng_names_count(s->names); k++)
			hit = iface_select_match_name_one(s->sel, i, pcapng_names_get(s->names, k));
		for (size_t f = 0; s->li && !hit && f < log_input_nfiles(s->li); f++) {
			const struct tclog_header *h = log_input_file(s->li, f)->hdr;
			for (uint32_t k = 0; !hit && k < h->n_ifaces && k < TCREC_MAX_IFACES; k++)
				hit = iface_select_match_one(s->sel, i, &h->ifaces[k]);
		}
		if (!hit && (s->li || s->names))
			pr_warn("warning: --interface %s: no such interface in %s", iface_select_spec(s->sel, i),
				s->path);
	}
}

int diff_src_set_select(struct diff_src *s, const struct iface_select *sel, char *err, size_t errlen)
{
	if (!iface_select_count(sel))
		return 0;
	s->sel = sel;
	if (s->li) {
		log_input_set_select(s->li, sel);
	} else if (s->kind == DIFF_SRC_PCAPNG) {
		s->names = pcapng_names_open(s->path);
		if (!s->names) {
			snprintf(err, errlen, "%s: %s", s->path, strerror(errno));
			return -1;
		}
	} else {
		pr_warn("warning: %s: a pcap file names no interfaces; --interface does not narrow it",
			s->path);
	}
	return 0;
}

/* Sockets are in tcrec logs only: a pcap or pcapng does not say. */
static int need_log(const struct diff_src *s, const char *what, char *err, size_t errlen)
{
	if (s->li)
		return 0;
	snprintf(err, errlen,
		 "%s: %s needs tcrec logs: a %s file does not say which process a packet belongs to",
		 s->path, what, diff_src_kind_name(s->kind));
	return -1;
}

int diff_src_set_proc(struct diff_src *s, const struct proc_select *sel, char *err, size_t errlen)
{
	if (!proc_select_active(sel))
		return 0;
	if (need_log(s, "--pid, --comm, --cgroup or --container", err, errlen))
		return -1;
	log_input_set_proc(s->li, sel);
	return 0;
}

int diff_src_track_owners(struct diff_src *s, char *err, size_t errlen)
{
	if (need_log(s, "--by-process", err, errlen))
		return -1;
	s->owners = diff_owners_new();
	if (!s->owners) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

const char *diff_src_owner_label(const struct diff_src *s, uint32_t id)
{
	return diff_owners_label(s->owners, id);
}

static int next_pcap(struct diff_src *s, struct diff_pkt *p, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	struct packet_l3 pl;

	for (;;) {
		int ret = pcap_next_ex(s->pc, &h, &data);
		if (ret == PCAP_ERROR_BREAK)
			return 0;
		if (ret != 1) {
			/* As tcpdump: what came before the cut is compared, and
			 * the run says so and exits 1 at the end. */
			const char *why = pcap_geterr(s->pc);
			pr_warn("warning: %s: %s after %llu packet%s (%s); the packets before it"
				" are compared", s->path, strstr(why, "truncated") ? "truncated" : "damaged",
				(unsigned long long)s->num, s->num == 1 ? "" : "s", why);
			s->cut = true;
			return 0;
		}
		s->num++;
		diff_src_meter_note(&s->meter, NULL, s->pc, s->num, false);
		if (!pcap_selected(s))
			continue;
		memset(&s->rec, 0, sizeof(s->rec));
		s->rec.ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
		s->rec.wire_len = h->len;
		s->rec.cap_len = h->caplen;
		packet_parse(s->linktype, data, h->caplen, &s->rec, &pl);
		int take = pcap_accepts(s, data, &pl, err, errlen);
		if (take < 0)
			return -1;
		if (!take)
			continue;
		parse_past_tags(s, &s->rec, &pl, data, h->caplen);
		p->ts_ns = s->rec.ts_ns;
		p->num = s->num;
		p->wire_len = h->len;
		p->cap_len = h->caplen;
		p->bytes = data;
		p->linktype = s->linktype;
		p->synthesized = false;
		diff_pkt_from_record(&s->rec, &pl, p);
		return 1;
	}
}

static int next_tclog(struct diff_src *s, struct diff_pkt *p, char *err, size_t errlen)
{
	struct log_packet lp;

	for (;;) {
		int ret = log_input_next(s->li, &lp, err, errlen);
		if (ret <= 0)
			return ret;
		const struct tcrec_record *r = lp.rec;
		s->num++;
		diff_src_meter_note(&s->meter, s->li, NULL, s->num, false);
		s->drops += r->drops;
		if (!read_filter_accepts(s->filter, &lp))
			continue;
		p->bytes = r->cap_len ? lp.bytes : NULL;
		p->cap_len = r->cap_len;
		p->synthesized = false;
		if (!r->cap_len && s->synth) {
			p->cap_len = (uint32_t)synth_headers(r, s->synth_buf);
			p->bytes = s->synth_buf;
			p->synthesized = true;
		}
		/* synthesized headers carry no payload: nothing to hash there */
		struct packet_l3 pl = {
			.l3_off = 14u + 4u * r->vlan_count,
			.l3_known = r->cap_len > 0 && !(r->flags & TCREC_F_VLAN_MORE),
		};
		if (s->past_tags && (r->flags & TCREC_F_VLAN_MORE) && r->cap_len) {
			s->rec = *r;
			r = &s->rec;
			parse_past_tags(s, &s->rec, &pl, lp.bytes, r->cap_len);
		}
		p->owner = s->owners ? diff_owners_id(s->owners, lp.sock) : 0;
		if (p->owner == UINT32_MAX) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		p->ts_ns = r->ts_ns;
		/* frame numbers of the whole log exported, as for pcap inputs */
		p->num = s->num + log_input_unselected(s->li);
		p->wire_len = r->wire_len;
		p->linktype = DLT_EN10MB;
		diff_pkt_from_record(r, &pl, p);
		return 1;
	}
}

int diff_src_next(struct diff_src *s, struct diff_pkt *p, char *err, size_t errlen)
{
	p->owner = 0;
	int rc = s->kind == DIFF_SRC_TCLOG ? next_tclog(s, p, err, errlen) : next_pcap(s, p, err, errlen);
	if (rc == 0)
		diff_src_meter_note(&s->meter, s->li, s->pc, s->num, true);
	if (rc == 0 && s->sel) {
		warn_unmatched(s);
		s->sel = NULL; /* said once */
	}
	return rc;
}

bool diff_src_has_bytes(const struct diff_src *s)
{
	for (size_t i = 0; s->li && i < log_input_nfiles(s->li); i++)
		if (!log_input_file(s->li, i)->hdr->snaplen)
			return false;
	return true;
}

bool diff_src_damaged(const struct diff_src *s)
{
	if (s->cut)
		return true;
	if (!s->li)
		return false;
	if (log_input_problems(s->li))
		return true;
	/* no trailer: the recorder was killed (or still writes it), and the
	 * packets of its last chunk may be missing */
	for (size_t i = 0; i < log_input_nfiles(s->li); i++)
		if (!log_input_file(s->li, i)->final)
			return true;
	return false;
}

void diff_src_past_tags(struct diff_src *s, bool on)
{
	s->past_tags = on;
}

enum diff_src_kind diff_src_kind(const struct diff_src *s)
{
	return s->kind;
}

const char *diff_src_path(const struct diff_src *s)
{
	return s->path;
}

const char *diff_src_kind_name(enum diff_src_kind k)
{
	switch (k) {
	case DIFF_SRC_PCAP:
		return "pcap";
	case DIFF_SRC_PCAPNG:
		return "pcapng";
	default:
		return "tcrec";
	}
}

int diff_src_linktype(const struct diff_src *s)
{
	return s->linktype;
}

uint64_t diff_src_capture_drops(const struct diff_src *s)
{
	uint64_t trailer = 0;

	/* drops after the last record of a file are only in its trailer */
	for (size_t i = 0; s->li && i < log_input_nfiles(s->li); i++) {
		const struct log_input_file *f = log_input_file(s->li, i);
		for (uint32_t k = 0; f->final && k < f->hdr->n_ifaces && k < TCREC_MAX_IFACES; k++)
			trailer += f->final->c[k][0].dropped + f->final->c[k][1].dropped;
	}
	return trailer > s->drops ? trailer : s->drops;
}

void diff_src_progress(const struct diff_src *s, uint64_t *done, uint64_t *total, uint64_t *packets)
{
	*done = atomic_load_explicit(&s->meter.done, memory_order_relaxed);
	*packets = atomic_load_explicit(&s->meter.packets, memory_order_relaxed);
	*total = s->meter.total;
}

void diff_src_close(struct diff_src *s)
{
	if (!s)
		return;
	read_filter_close(s->filter);
	pcapng_names_close(s->names);
	free(s->view);
	if (s->pc)
		pcap_close(s->pc);
	if (s->li)
		log_input_close(s->li);
	diff_owners_free(s->owners);
	free(s);
}
