/* SPDX-License-Identifier: MIT */
#include "export_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/pcap_writer.h"
#include "formats/synth.h"

struct export_writer {
	enum export_format fmt;
	struct pcapng_writer *ng;
	struct pcap_writer *pcap;
	uint32_t n_ifaces;
	uint32_t *snaplens; /* per interface id: caplen is cut to it */
	const char *extra_filter;
	int ns_names; /* see export_writer_set_ns_names */
};

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && !strcmp(s + n - m, suffix);
}

int export_format_from_path(const char *path, enum export_format *fmt)
{
	if (!strcmp(path, "-"))
		*fmt = EXPORT_PCAPNG;
	else if (ends_with(path, ".pcapng.zst"))
		*fmt = EXPORT_PCAPNG_ZST;
	else if (ends_with(path, ".pcapng"))
		*fmt = EXPORT_PCAPNG;
	else if (ends_with(path, ".pcap"))
		*fmt = EXPORT_PCAP;
	else
		return -1;
	return 0;
}

uint32_t export_snaplen(const struct tclog_header *hdr)
{
	if (!hdr->snaplen)
		return SYNTH_MAX;
	if (hdr->snap_cap && hdr->snap_cap < hdr->snaplen)
		return hdr->snap_cap;
	return hdr->snaplen;
}

void export_stats_add(struct pcapng_if_stats *st, const struct tclog_counters c[2])
{
	for (int d = 0; d < 2; d++) {
		st->ifrecv += c[d].seen;
		st->filteraccept += c[d].seen >= c[d].filtered ? c[d].seen - c[d].filtered : 0;
		st->usrdeliv += c[d].recorded;
		st->osdrop += c[d].dropped;
	}
}

static struct export_writer *writer_open(const char *path, int fd, enum export_format fmt,
					 const struct pcapng_section *shb, uint32_t pcap_snaplen)
{
	struct export_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->fmt = fmt;
	enum pcap_out_comp comp = fmt == EXPORT_PCAPNG_ZST ? PCAP_OUT_ZSTD : PCAP_OUT_PLAIN;
	struct pcap_out *out = path && strcmp(path, "-") ? pcap_out_create(path, comp)
				: pcap_out_fdopen(path ? STDOUT_FILENO : fd, comp);
	if (!out)
		goto fail;
	if (fmt == EXPORT_PCAP)
		w->pcap = pcap_writer_open(out, pcap_snaplen);
	else
		w->ng = pcapng_writer_open(out, shb);
	if (!w->pcap && !w->ng)
		goto fail;
	return w;
fail:;
	int e = errno;
	free(w);
	errno = e;
	return NULL;
}

struct export_writer *export_writer_open(const char *path, enum export_format fmt,
					 const struct pcapng_section *shb, uint32_t pcap_snaplen)
{
	return writer_open(path, -1, fmt, shb, pcap_snaplen);
}

struct export_writer *export_writer_fdopen(int fd, enum export_format fmt,
					   const struct pcapng_section *shb, uint32_t pcap_snaplen)
{
	return writer_open(NULL, fd, fmt, shb, pcap_snaplen);
}

void export_writer_set_filter(struct export_writer *w, const char *extra)
{
	w->extra_filter = extra && *extra ? extra : NULL;
}

void export_writer_set_ns_names(struct export_writer *w, int on)
{
	w->ns_names = on;
}

/* "eth0 on HOST, netns blue (inode N), container web": what is known of
 * where the interface lives. */
static void iface_description(char *buf, size_t len, const struct tclog_header *hdr,
			      const struct tclog_iface *ifc)
{
	int n = snprintf(buf, len, "%s on %s", ifc->name, hdr->host);
	size_t off = n > 0 ? (size_t)n : 0;
	if (!ifc->netns_ino || off >= len)
		return;
	if (ifc->ns_name[0])
		n = snprintf(buf + off, len - off, ", netns %s (inode %llu)", ifc->ns_name,
			     (unsigned long long)ifc->netns_ino);
	else
		n = snprintf(buf + off, len - off, ", netns inode %llu", (unsigned long long)ifc->netns_ino);
	off += n > 0 ? (size_t)n : 0;
	if (ifc->container[0] && off < len)
		n = snprintf(buf + off, len - off, ", container %s", ifc->container);
	off += n > 0 ? (size_t)n : 0;
	if ((ifc->link_flags & TCLOG_IF_HOST_SIDE) && off < len)
		snprintf(buf + off, len - off, ", host side of its veth");
}

int export_writer_add_iface(struct export_writer *w, const struct tclog_header *hdr,
			    const struct tclog_iface *ifc, uint32_t snaplen)
{
	if (!snaplen)
		snaplen = export_snaplen(hdr);
	uint32_t *s = realloc(w->snaplens, (w->n_ifaces + 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	w->snaplens = s;
	if (w->ng) {
		char desc[TCLOG_NAME_MAX + TCLOG_NSNAME_MAX + TCLOG_CONTAINER_MAX + 128];
		char label[TCLOG_CONTAINER_MAX + 24], name[sizeof(label) + TCLOG_IFNAME_MAX + 1];
		iface_description(desc, sizeof(desc), hdr, ifc);
		if (w->ns_names && tclog_iface_ns_label(ifc, label, sizeof(label))[0])
			snprintf(name, sizeof(name), "%s/%s", label, ifc->name);
		else
			snprintf(name, sizeof(name), "%s", ifc->name);
		static const uint8_t zero_mac[6];
		char *both = NULL;
		const char *filter = hdr->filter;
		if (w->extra_filter && hdr->filter[0]) {
			size_t len = strlen(hdr->filter) + strlen(w->extra_filter) + 12;
			both = malloc(len);
			if (!both)
				return -ENOMEM;
			snprintf(both, len, "(%s) and (%s)", hdr->filter, w->extra_filter);
			filter = both;
		} else if (w->extra_filter) {
			filter = w->extra_filter;
		}
		struct pcapng_iface idb = {
			.name = name,
			.description = desc,
			.os = hdr->kernel,
			.filter = filter,
			/* L3 devices have no MAC: leave the option out rather than say 0. */
			.mac = memcmp(ifc->mac, zero_mac, 6) ? ifc->mac : NULL,
			.snaplen = snaplen,
		};
		int id = pcapng_writer_add_iface(w->ng, &idb);
		free(both);
		if (id < 0)
			return id;
	}
	s[w->n_ifaces] = snaplen;
	return (int)w->n_ifaces++;
}

/* Appends " key=value" with value cut at max bytes and made printable. */
static size_t put_field(char *buf, size_t len, size_t at, const char *key, const char *v, size_t max)
{
	if (!v[0] || at + 1 >= len)
		return at;
	int w = snprintf(buf + at, len - at, "%s%s=", at ? " " : "", key);
	if (w < 0)
		return at;
	at += (size_t)w;
	for (size_t i = 0; i < max && v[i] && at + 1 < len; i++) {
		unsigned char c = (unsigned char)v[i];
		buf[at++] = c > ' ' && c < 0x7f ? (char)c : '?';
	}
	if (at >= len)
		at = len - 1;
	buf[at] = '\0';
	return at;
}

static size_t put_num(char *buf, size_t len, size_t at, const char *key, uint32_t v)
{
	char num[16];
	snprintf(num, sizeof(num), "%u", v);
	return put_field(buf, len, at, key, num, sizeof(num));
}

size_t export_sock_comment(char *buf, size_t len, const struct tclog_sock *sock)
{
	size_t at = 0;
	if (!len)
		return 0;
	buf[0] = '\0';
	if (sock->pid)
		at = put_num(buf, len, at, "pid", sock->pid);
	if (sock->tid)
		at = put_num(buf, len, at, "tid", sock->tid);
	at = put_field(buf, len, at, "comm", sock->comm, TCLOG_COMM_MAX);
	if (sock->pid || sock->uid)
		at = put_num(buf, len, at, "uid", sock->uid);
	at = put_field(buf, len, at, "cgroup", sock->cgroup, TCLOG_CGROUP_MAX);
	return put_field(buf, len, at, "container", sock->container, TCLOG_CONTAINER_MAX);
}

int export_writer_packet(struct export_writer *w, uint32_t if_id, const struct tcrec_record *rec,
			 const uint8_t *bytes)
{
	return export_writer_packet_sock(w, if_id, rec, bytes, NULL);
}

int export_writer_packet_sock(struct export_writer *w, uint32_t if_id,
			      const struct tcrec_record *rec, const uint8_t *bytes,
			      const struct tclog_sock *sock)
{
	if (if_id >= w->n_ifaces)
		return -EINVAL;
	uint8_t buf[SYNTH_MAX];
	const uint8_t *data = bytes;
	uint32_t caplen = rec->cap_len;
	int synth = caplen == 0;
	if (synth) {
		caplen = (uint32_t)synth_headers(rec, buf);
		data = buf;
	}
	/* A reader trusts the IDB snaplen; never write past it. */
	if (caplen > w->snaplens[if_id])
		caplen = w->snaplens[if_id];
	if (caplen > rec->wire_len && rec->wire_len)
		caplen = rec->wire_len;
	uint32_t origlen = rec->wire_len > caplen ? rec->wire_len : caplen;
	if (w->pcap)
		return pcap_writer_packet(w->pcap, rec->ts_ns, data, caplen, origlen);
	struct pcapng_packet p = {
		.if_id = if_id,
		.ts_ns = rec->ts_ns,
		.caplen = caplen,
		.origlen = origlen,
		.data = data,
		.flags = rec->dir == TCREC_DIR_OUT ? PCAPNG_DIR_OUT : PCAPNG_DIR_IN,
		.dropcount = rec->drops,
		.comment = synth ? SYNTH_COMMENT : NULL,
	};
	char owner[EXPORT_SOCK_COMMENT_MAX];
	if (sock && export_sock_comment(owner, sizeof(owner), sock))
		p.comment2 = owner;
	return pcapng_writer_packet(w->ng, &p);
}

int export_writer_stats(struct export_writer *w, uint32_t if_id, const struct pcapng_if_stats *s)
{
	return w->ng ? pcapng_writer_stats(w->ng, if_id, s) : 0;
}

int export_writer_flush(struct export_writer *w)
{
	return w->ng ? pcapng_writer_flush(w->ng) : pcap_writer_flush(w->pcap);
}

uint64_t export_writer_packets(const struct export_writer *w)
{
	return w->ng ? pcapng_writer_packets(w->ng) : pcap_writer_packets(w->pcap);
}

int export_writer_close(struct export_writer *w)
{
	if (!w)
		return 0;
	int err = w->ng ? pcapng_writer_close(w->ng) : pcap_writer_close(w->pcap);
	free(w->snaplens);
	free(w);
	return err;
}
