/* SPDX-License-Identifier: MIT */
#include "sink_pcapng.h"

#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "logging.h"
#include "output_file.h"

struct sink_pcapng {
	struct record_sink base; /* first: the drain loop holds &base */
	struct export_writer *w;
	uint32_t n_ifaces;
	int idb[TCREC_MAX_IFACES]; /* by slot: the interface's IDB id */
	const struct tclog_header *hdr;
	uint64_t start_ns;
	uint64_t last_ns;
	int pipe_closed;
	int fd;               /* a file made by sink_pcapng_create, else -1 */
	dev_t dev;
	ino_t ino;
	char path[PATH_MAX];
};

static int iface_id(const struct sink_pcapng *s, uint32_t slot)
{
	return slot < s->n_ifaces ? s->idb[slot] : -1;
}

static int note_err(struct sink_pcapng *s, int err)
{
	if (err == -EPIPE)
		s->pipe_closed = 1;
	return err;
}

static int pcapng_write(struct record_sink *base, const struct tcrec_record *rec, const void *bytes,
			const struct tclog_sock *sock)
{
	struct sink_pcapng *s = (struct sink_pcapng *)base;
	int id = iface_id(s, rec->ifindex);
	if (id < 0)
		id = 0; /* the kernel only reports interfaces it was given; keep the packet */
	s->last_ns = rec->ts_ns;
	return note_err(s, export_writer_packet_sock(s->w, (uint32_t)id, rec, bytes, sock));
}

static int pcapng_flush(struct record_sink *base)
{
	struct sink_pcapng *s = (struct sink_pcapng *)base;
	return note_err(s, export_writer_flush(s->w));
}

static int pcapng_close(struct record_sink *base, const struct tclog_final *fin, uint64_t *stored)
{
	struct sink_pcapng *s = (struct sink_pcapng *)base;
	if (stored)
		*stored = export_writer_packets(s->w);
	if (fin && !s->pipe_closed) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		uint64_t end = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
		for (uint32_t i = 0; i < s->n_ifaces; i++) {
			struct pcapng_if_stats st = { .ts_ns = end, .start_ns = s->start_ns, .end_ns = end };
			if (s->idb[i] < 0)
				continue;
			export_stats_add(&st, fin->c[i]);
			export_writer_stats(s->w, (uint32_t)s->idb[i], &st);
		}
	}
	int err = note_err(s, export_writer_close(s->w));
	if (s->fd >= 0 && close(s->fd) && !err)
		err = -errno;
	/* The reader of a pipe leaving (tcpdump -c N, head) ends a stream normally. */
	if (s->pipe_closed)
		err = 0;
	free(s);
	return err;
}

/* A failed start: the file sink_pcapng_create made goes too. */
static void pcapng_discard(struct record_sink *base)
{
	struct sink_pcapng *s = (struct sink_pcapng *)base;
	char path[PATH_MAX];
	dev_t dev = s->dev;
	ino_t ino = s->ino;
	bool made = s->fd >= 0;
	snprintf(path, sizeof(path), "%s", s->path);
	pcapng_close(base, NULL, NULL);
	if (made)
		output_file_remove(path, dev, ino);
}

/* pcapng takes an IDB anywhere before its first packet; classic pcap has
 * no interfaces (every packet goes under id 0). */
static int pcapng_add_iface(struct record_sink *base, uint32_t slot, const struct tclog_iface *ifc)
{
	struct sink_pcapng *s = (struct sink_pcapng *)base;

	if (slot != s->n_ifaces || slot >= TCREC_MAX_IFACES)
		return -EINVAL;
	int id = export_writer_add_iface(s->w, s->hdr, ifc, 0);
	s->idb[s->n_ifaces++] = id < 0 ? 0 : id;
	return id < 0 ? note_err(s, id) : 0;
}

static const char *pcapng_name(const struct record_sink *base)
{
	const struct sink_pcapng *s = (const struct sink_pcapng *)base;

	return s->path[0] ? s->path : "standard output";
}

static struct record_sink *sink_open(const char *path, int fd, const struct tclog_header *hdr,
				    enum export_format fmt)
{
	struct sink_pcapng *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->fd = -1;
	signal(SIGPIPE, SIG_IGN);
	struct utsname u;
	char hw[80] = "", os[160] = "";
	if (!uname(&u)) {
		snprintf(hw, sizeof(hw), "%s", u.machine);
		snprintf(os, sizeof(os), "%s %s", u.sysname, u.release);
	}
	struct pcapng_section shb = { hw, os, "tcrec " TCREC_VERSION };
	s->w = path ? export_writer_open(path, fmt, &shb, export_snaplen(hdr))
		    : export_writer_fdopen(fd, fmt, &shb, export_snaplen(hdr));
	if (!s->w)
		goto fail;
	s->hdr = hdr;
	for (uint32_t i = 0; i < hdr->n_ifaces && i < TCREC_MAX_IFACES; i++) {
		int id = export_writer_add_iface(s->w, hdr, &hdr->ifaces[i], 0);
		if (id < 0) {
			errno = -id;
			goto fail;
		}
		s->idb[s->n_ifaces++] = id;
	}
	/* The header goes out now: a reader at the end of a pipe sees the
	 * interfaces before the first packet. */
	int err = export_writer_flush(s->w);
	if (err) {
		errno = -err;
		goto fail;
	}
	s->start_ns = hdr->start_ns;
	s->base.write = pcapng_write;
	s->base.flush = pcapng_flush;
	s->base.close = pcapng_close;
	s->base.discard = pcapng_discard;
	s->base.name = pcapng_name;
	s->base.add_iface = pcapng_add_iface;
	return &s->base;
fail:;
	int e = errno;
	export_writer_close(s->w);
	free(s);
	errno = e;
	return NULL;
}

struct record_sink *sink_pcapng_open(const char *path, const struct tclog_header *hdr,
				     enum export_format fmt)
{
	return sink_open(path, -1, hdr, fmt);
}

struct record_sink *sink_pcapng_create(const char *path, uid_t uid, gid_t gid,
				       const struct tclog_header *hdr, enum export_format fmt)
{
	char name[PATH_MAX];
	struct stat st;
	int fd = -EEXIST;

	/* as for tcrec logs: a name that exists is never written through */
	for (unsigned dup = 0; dup < 1000 && fd == -EEXIST; dup++) {
		if (dup)
			snprintf(name, sizeof(name), "%s.%u", path, dup);
		else
			snprintf(name, sizeof(name), "%s", path);
		fd = output_file_create(name, uid, gid);
		if (fd == -EBUSY) {
			pr_warn("%s: another recorder is writing this file (it holds its lock): "
				"refusing to start", name);
			errno = EBUSY;
			return NULL;
		}
	}
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	if (strcmp(name, path))
		pr_warn("%s exists (tcrec never truncates a file it did not create): writing %s "
			"instead", path, name);
	if (fstat(fd, &st)) {
		int e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	struct record_sink *base = sink_open(NULL, fd, hdr, fmt);
	if (!base) {
		int e = errno;
		output_file_remove(name, st.st_dev, st.st_ino); /* made just now */
		close(fd);
		errno = e;
		return NULL;
	}
	struct sink_pcapng *s = (struct sink_pcapng *)base;
	s->fd = fd;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	snprintf(s->path, sizeof(s->path), "%s", name);
	return base;
}
