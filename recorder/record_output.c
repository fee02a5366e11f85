/* SPDX-License-Identifier: MIT */
/* Rotation (-C/-G/-W, as in tcpdump), a full disk, and -Z. */
#include "record_output.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sink_pcapng.h"

#define CMD "record"
#define NSEC 1000000000ull
/* Chunks of a size-rotated file: small enough that a file overshoots -C by
 * little, large enough to compress well. */
#define CHUNK_MIN (64u << 10)
#define CHUNK_DEFAULT (1u << 20)
/* Free space a ring keeps for a file's trailer (index + counters). */
#define TRAILER_ROOM (256u << 10)

int record_output_opt(int c, const char *arg, struct record_opts *o)
{
	uint64_t v;

	switch (c) {
	case 'C':
		if (parse_u64(CMD, "-C", arg, 1, 1000000, &v))
			return -1;
		o->rotate_bytes = v * 1000000u; /* tcpdump's unit: 1,000,000 bytes */
		return 0;
	case 'G':
		if (parse_u64(CMD, "-G", arg, 1, 366u * 86400, &v))
			return -1;
		o->rotate_secs = (uint32_t)v;
		return 0;
	case 'W':
		if (parse_u64(CMD, "-W", arg, 1, 100000, &v))
			return -1;
		o->max_files = (uint32_t)v;
		return 0;
	case 'Z':
		if (!*arg) {
			usage_error(CMD, "-Z: empty user name");
			return -1;
		}
		o->run_as = arg;
		return 0;
	default: /* --flush-ms */
		if (parse_u64(CMD, "--flush-ms", arg, 1, 3600000, &v))
			return -1;
		o->flush_ms = (uint32_t)v;
		return 0;
	}
}

int record_output_check(const struct record_opts *o)
{
	bool rotating = o->rotate_bytes || o->rotate_secs;
	bool tclog = !o->format || !strcmp(o->format, "tcrec");

	if (o->max_files && !rotating) {
		usage_error(CMD, "-W %u: needs -C or -G", o->max_files);
		return -1;
	}
	if (rotating && (!strcmp(o->out, "-") || !tclog)) {
		usage_error(CMD, "-C/-G: rotation writes tcrec logs to files, not %s",
			    strcmp(o->out, "-") ? o->format : "standard output");
		return -1;
	}
	return 0;
}

struct rot {
	struct record_sink base; /* first: the drain loop holds &base */
	const struct record_opts *o;
	struct tclog_header hdr;
	struct tclog_writer *w;
	char cur[PATH_MAX];
	char (*alive)[PATH_MAX]; /* -C -W ring (also with -G): the files kept, oldest first */
	uint32_t n_alive;
	uint32_t cnt;            /* -C suffix */
	uint32_t files;          /* files opened */
	uint64_t slot;           /* -G: wall-clock second / G of the current file */
	bool ring;               /* -C with -W, with or without -G */
	bool numbered;           /* -G without strftime codes: number the files */
	bool said_full;          /* the disk-full message was given */
	struct tcrec_capture *skel; /* counters, once loaded */
	uint32_t n_ifaces;
	struct tclog_final at_open; /* counters when the current file opened */
	uint64_t records_total;
};

static int digits(uint32_t x)
{
	int n = 0;

	for (; x; x /= 10)
		n++;
	return n;
}

/* tcpdump's names: strftime(-w) for -G, then the count of -C rotations
 * (padded to the width of -W-1 in a ring). */
static int make_name(const struct rot *r, uint64_t wall_s, char *out, size_t len)
{
	char base[PATH_MAX];
	const struct record_opts *o = r->o;

	if (o->rotate_secs) {
		time_t t = (time_t)(wall_s - wall_s % o->rotate_secs);
		struct tm tm;

		/* the user's -w is the format, as in tcpdump */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		size_t n = localtime_r(&t, &tm) ? strftime(base, sizeof(base), o->out, &tm) : 0;
#pragma GCC diagnostic pop
		if (!n)
			return -ENAMETOOLONG;
	} else {
		snprintf(base, sizeof(base), "%s", o->out);
	}
	uint32_t n = r->numbered ? r->files : r->cnt;
	int width = o->max_files && !r->numbered ? digits(o->max_files - 1) : 0;
	/* a -C -W ring numbers every file; otherwise the first of a run (or of
	 * a -G period) keeps the plain name */
	bool suffix = r->numbered ? n > 0 : o->rotate_bytes && (n > 0 || r->ring);
	int w;
	if (!suffix)
		w = snprintf(out, len, "%s", base);
	else
		w = snprintf(out, len, "%s%0*u", base, width, n);
	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

static void fin_sub(struct tclog_final *d, const struct tclog_final *a, const struct tclog_final *b)
{
	for (int i = 0; i < TCREC_MAX_IFACES; i++)
		for (int j = 0; j < 2; j++) {
			d->c[i][j].seen = a->c[i][j].seen - b->c[i][j].seen;
			d->c[i][j].recorded = a->c[i][j].recorded - b->c[i][j].recorded;
			d->c[i][j].filtered = a->c[i][j].filtered - b->c[i][j].filtered;
			d->c[i][j].dropped = a->c[i][j].dropped - b->c[i][j].dropped;
		}
}

/* Ring and disk full: make room by deleting the oldest file that is not
 * the one being written. 0 when one was deleted, -ENOSPC when none is left. */
static int free_oldest(struct rot *r)
{
	if (!r->ring || r->n_alive < 2)
		return -ENOSPC;
	if (unlink(r->alive[0]) && errno != ENOENT) {
		pr_warn("%s: disk full and cannot delete the oldest file: %s", r->alive[0],
			strerror(errno));
		return -ENOSPC;
	}
	pr_warn("%s: disk full, deleted the oldest file %s and going on", r->cur, r->alive[0]);
	memmove(r->alive[0], r->alive[1], (size_t)(r->n_alive - 1) * sizeof(r->alive[0]));
	r->n_alive--;
	return 0;
}

/* A write that failed for lack of space: the writer cut the file back to
 * its last chunk and kept the records; retry them after making room. */
static int retry_after_enospc(struct rot *r, int err)
{
	while (err == -ENOSPC) {
		if (free_oldest(r)) {
			if (r->said_full)
				return err;
			r->said_full = true;
			pr_warn("%s: disk full: the file ends at its last complete chunk (%llu bytes), "
				"everything before stays readable", r->cur,
				(unsigned long long)tclog_writer_bytes(r->w));
			return err;
		}
		err = tclog_writer_clear_error(r->w);
		if (!err)
			err = tclog_writer_flush(r->w);
	}
	return err;
}

/* base: the counters the previous file was closed with, so that the files'
 * shares add up to the run's counters; NULL for the first file. */
static int open_file(struct rot *r, uint64_t wall_ns, const struct tclog_final *base)
{
	int err = make_name(r, wall_ns / NSEC, r->cur, sizeof(r->cur));

	if (err)
		return err;
	r->hdr.start_ns = wall_ns;
	for (;;) {
		r->w = tclog_writer_open(r->cur, &r->hdr);
		if (r->w)
			break;
		err = -errno;
		if (err != -ENOSPC || free_oldest(r))
			return err;
	}
	if (r->o->rotate_bytes) {
		uint64_t t = r->o->rotate_bytes / 8;
		tclog_writer_set_chunk_target(r->w, t < CHUNK_MIN ? CHUNK_MIN :
						    t > CHUNK_DEFAULT ? CHUNK_DEFAULT : (size_t)t);
	}
	if (r->ring) {
		/* in a ring the new name may be an old file's: it is gone now */
		for (uint32_t i = 0; i < r->n_alive; i++)
			if (!strcmp(r->alive[i], r->cur)) {
				memmove(r->alive[i], r->alive[i + 1],
					(size_t)(r->n_alive - i - 1) * sizeof(r->alive[0]));
				r->n_alive--;
				break;
			}
		snprintf(r->alive[r->n_alive++], PATH_MAX, "%s", r->cur);
		/* with -G the names never come back: delete beyond the N newest */
		while (r->n_alive > r->o->max_files) {
			if (unlink(r->alive[0]) && errno != ENOENT)
				pr_warn("%s: cannot delete the oldest file of the ring: %s",
					r->alive[0], strerror(errno));
			memmove(r->alive[0], r->alive[1],
				(size_t)(r->n_alive - 1) * sizeof(r->alive[0]));
			r->n_alive--;
		}
	}
	if (base)
		r->at_open = *base;
	else
		memset(&r->at_open, 0, sizeof(r->at_open));
	r->slot = r->o->rotate_secs ? wall_ns / NSEC / r->o->rotate_secs : 0;
	r->files++;
	return 0;
}

/* Closes the current file with its own share of the counters (total: the
 * run's so far, NULL when unknown) and says so unless -q. */
static int close_file(struct rot *r, const struct tclog_final *total)
{
	struct tclog_final mine;
	const struct tclog_final *fin = NULL;
	uint64_t drops = 0;

	if (total) {
		fin_sub(&mine, total, &r->at_open);
		fin = &mine;
		for (uint32_t i = 0; i < r->hdr.n_ifaces; i++)
			drops += mine.c[i][0].dropped + mine.c[i][1].dropped;
	}
	uint64_t recs = tclog_writer_records(r->w);
	int err = retry_after_enospc(r, tclog_writer_flush(r->w));
	/* a ring makes room for the trailer before it is needed */
	struct statvfs vfs;
	while (!err && r->ring && !statvfs(r->cur, &vfs) &&
	       (uint64_t)vfs.f_bavail * vfs.f_bsize < TRAILER_ROOM && !free_oldest(r))
		;
	int cerr = tclog_writer_close(r->w, fin);
	r->w = NULL;
	r->records_total += recs;
	if (cerr == -ENOSPC && r->ring && !err) {
		/* still readable: the index is rebuilt by scanning */
		pr_warn("%s: disk full, closed without its trailer", r->cur);
		cerr = 0;
	}
	if (!err)
		err = cerr;
	if (r->o->rotate_bytes || r->o->rotate_secs) {
		FILE *f = fopen(r->cur, "rb");
		long size = -1;
		if (f && !fseek(f, 0, SEEK_END))
			size = ftell(f);
		if (f)
			fclose(f);
		pr_info("%s closed: %llu packets, %ld bytes, %llu dropped%s", r->cur,
			(unsigned long long)recs, size, (unsigned long long)drops,
			fin ? "" : " (counters unknown)");
	}
	return err;
}

/* 1 = -G -W (no -C): the last file is full, stop; 0 = rotated; -errno. */
static int rotate(struct rot *r, uint64_t wall_ns, bool by_time)
{
	struct tclog_final now;
	bool known = r->skel && !record_read_counters(r->skel, r->n_ifaces, &now);

	if (by_time && r->o->max_files && !r->ring && r->files >= r->o->max_files)
		return 1;
	int err = close_file(r, known ? &now : NULL);
	if (err)
		return err;
	if (by_time)
		r->cnt = 0;
	else
		r->cnt = r->ring ? (r->cnt + 1) % r->o->max_files : r->cnt + 1;
	return open_file(r, wall_ns, known ? &now : NULL);
}

static int rot_tick(struct record_sink *s, uint64_t wall_ns)
{
	struct rot *r = (struct rot *)s;

	if (!r->w)
		return -EIO;
	if (r->o->rotate_secs && wall_ns / NSEC / r->o->rotate_secs > r->slot)
		return rotate(r, wall_ns, true);
	return 0;
}

static int rot_write(struct record_sink *s, const struct tcrec_record *rec, const void *bytes)
{
	struct rot *r = (struct rot *)s;
	int err = rot_tick(s, rec->ts_ns);

	if (err)
		return err > 0 ? 0 : err;
	err = retry_after_enospc(r, tclog_writer_append(r->w, rec, bytes));
	if (err)
		return err;
	if (r->o->rotate_bytes && tclog_writer_bytes(r->w) >= r->o->rotate_bytes) {
		err = rotate(r, rec->ts_ns, false);
		return err > 0 ? 0 : err;
	}
	return 0;
}

static int rot_flush(struct record_sink *s)
{
	struct rot *r = (struct rot *)s;

	if (!r->w)
		return -EIO;
	return retry_after_enospc(r, tclog_writer_flush(r->w));
}

static int rot_close(struct record_sink *s, const struct tclog_final *fin)
{
	struct rot *r = (struct rot *)s;
	int err = 0;

	if (!s)
		return 0;
	if (r->w)
		err = close_file(r, fin);
	free(r->alive);
	free(r);
	return err;
}

static unsigned long long rot_records(const struct record_sink *s)
{
	const struct rot *r = (const struct rot *)s;

	return r->records_total + tclog_writer_records(r->w);
}

struct record_sink *record_output_open(const struct record_opts *o, const struct tclog_header *hdr)
{
	if (!strcmp(o->out, "-") || (o->format && strcmp(o->format, "tcrec")))
		return record_sink_open(o->out, o->format, hdr);

	struct rot *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->o = o;
	r->hdr = *hdr;
	/* -C -G -W: a ring of the N newest files, cut by time and by size */
	r->ring = o->rotate_bytes && o->max_files;
	if (o->rotate_secs && !strchr(o->out, '%')) {
		r->numbered = true;
		pr_warn("-G %u: -w %s has no strftime codes, the files are numbered", o->rotate_secs,
			o->out);
	}
	if (r->ring && !(r->alive = calloc(o->max_files + 1, sizeof(r->alive[0]))))
		goto fail;
	int err = open_file(r, hdr->start_ns, NULL);
	if (err) {
		errno = -err;
		goto fail;
	}
	r->base.write = rot_write;
	r->base.flush = rot_flush;
	r->base.close = rot_close;
	r->base.records = rot_records;
	r->base.tick = rot_tick;
	return &r->base;
fail:;
	int e = errno;
	free(r->alive);
	free(r);
	errno = e;
	return NULL;
}

void record_output_bind(struct record_sink *s, struct tcrec_capture *skel, uint32_t n_ifaces)
{
	if (!s || s->write != rot_write)
		return;
	struct rot *r = (struct rot *)s;
	r->skel = skel;
	r->n_ifaces = n_ifaces;
}

int record_drop_privileges(const char *user, struct record_sink *s)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		pr_warn("-Z %s: %s", user, errno ? strerror(errno) : "no such user");
		return -1;
	}
	/* the ring overwrites its own files: the first one was made as root */
	if (s && s->write == rot_write) {
		struct rot *r = (struct rot *)s;
		if (chown(r->cur, pw->pw_uid, pw->pw_gid))
			pr_warn("%s: cannot hand the file to %s: %s", r->cur, user, strerror(errno));
	}
	if (initgroups(user, pw->pw_gid) || setgid(pw->pw_gid) || setuid(pw->pw_uid)) {
		pr_warn("-Z %s: cannot switch to the user: %s", user, strerror(errno));
		return -1;
	}
	/* setuid() from root clears the capability sets unless KEEPCAPS was
	 * set: make sure, the recorder must not keep any. */
	if (!setuid(0)) {
		pr_warn("-Z %s: root could be regained, refusing to go on", user);
		return -1;
	}
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	pr_debug("running as %s (uid %u, gid %u)", user, (unsigned)pw->pw_uid,
		 (unsigned)pw->pw_gid);
	return 0;
}
