/* SPDX-License-Identifier: MIT */
/* Rotation (-C/-G/-W, as in tcpdump) and a full disk. */
#include "sink_rotating.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "logging.h"
#include "capture_clock.h"
#include "output_file.h"
#include "output_name.h"
#include "output_ring.h"

#define NSEC 1000000000ull
/* Chunks of a size-rotated file: small enough that a file overshoots -C by
 * little, large enough to compress well. */
#define CHUNK_MIN (64u << 10)
#define CHUNK_DEFAULT (1u << 20)
/* Free space a ring keeps for a file's trailer (index + counters). */
#define TRAILER_ROOM (256u << 10)

struct rot {
	struct record_sink base; /* first: the drain loop holds &base */
	const struct record_opts *o;
	struct tclog_header hdr;
	struct tclog_writer *w;
	char cur[PATH_MAX];
	dev_t cur_dev;
	ino_t cur_ino;
	struct output_ring alive; /* -C -W ring: its files, oldest first */
	uint32_t cnt;            /* -C suffix, or the number of a numbered -G file */
	uint32_t files;          /* files opened */
	uint64_t slot;           /* -G: wall-clock second / G of the current file */
	uint64_t run_start_s;
	bool ring;               /* -C with -W, with or without -G */
	bool numbered;           /* -G without strftime codes: number the files */
	bool said_full;          /* the disk-full message was given */
	bool said_taken;         /* a name taken at a rotation was reported */
	struct sink_counters counters; /* read = NULL: unknown */
	struct tclog_final at_open; /* counters when the current file opened */
	uint64_t stored_total;   /* records stored in the files closed so far */
	uint64_t lost;           /* of those, in files someone else deleted */
	uint64_t rotations;
	uint64_t closed_bytes;   /* sizes of the files closed so far (not a ring's) */
};

/* The figures the metrics show, after each open, flush and close. */
static void publish_stats(const struct rot *r)
{
	struct sink_stats *st = r->counters.stats;

	if (!st)
		return;
	uint64_t disk = r->w ? tclog_writer_bytes(r->w) : 0;
	if (r->ring) {
		for (uint32_t i = 0; i < r->alive.n; i++)
			disk += r->alive.v[i].size;
	} else {
		disk += r->closed_bytes;
	}
	*st = (struct sink_stats){ .known = true, .files_written = r->files,
				   .files_rotated = r->rotations, .files_deleted = r->alive.deleted,
				   .disk_bytes = disk };
}

static int digits(uint32_t x)
{
	int n = 0;

	for (; x; x /= 10)
		n++;
	return n;
}

/* tcpdump's names: strftime(-w) for -G, then the count of -C rotations
 * (padded to the width of -W-1 in a ring); dup > 0 adds ".dup" to a name
 * that was taken. */
static int make_name(const struct rot *r, uint64_t wall_s, uint32_t dup, char *out, size_t len)
{
	char base[PATH_MAX];
	const struct record_opts *o = r->o;

	if (o->rotate_secs && !r->numbered) {
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
	uint32_t n = r->cnt;
	int width = o->max_files && !r->numbered ? digits(o->max_files - 1) : 0;
	/* a -C -W ring numbers every file; otherwise the first of a run (or of
	 * a -G period) keeps the plain name */
	bool suffix = r->numbered ? n > 0 : o->rotate_bytes && (n > 0 || r->ring);
	char name[PATH_MAX];
	int w;
	if (!suffix)
		w = snprintf(name, sizeof(name), "%s", base);
	else
		w = snprintf(name, sizeof(name), "%s%0*u", base, width, n);
	if (w < 0 || (size_t)w >= sizeof(name))
		return -ENAMETOOLONG;
	if (dup)
		w = snprintf(out, len, "%s.%u", name, dup);
	else
		w = snprintf(out, len, "%s", name);
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
	if (!r->ring || r->alive.n < 2 || !strcmp(r->alive.v[0].path, r->cur))
		return -ENOSPC;
	char old[PATH_MAX];
	snprintf(old, sizeof(old), "%s", r->alive.v[0].path);
	int err = output_ring_delete(&r->alive, 0);
	if (err) {
		pr_warn("%s: disk full and cannot delete the oldest file: %s", old, strerror(-err));
		return -ENOSPC;
	}
	pr_warn("%s: disk full, deleted the oldest file %s and going on", r->cur, old);
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

/* Why a name cannot be used, for the one line that says so. */
static const char *taken_why(const struct rot *r, const char *name)
{
	struct stat st;

	if (lstat(name, &st))
		return "is taken";
	if (S_ISLNK(st.st_mode))
		return "is a symbolic link (never followed)";
	if (!S_ISREG(st.st_mode))
		return "is not a regular file";
	if (st.st_uid != geteuid() && st.st_uid != r->o->run_uid)
		return "belongs to another user";
	if (r->files && (uint64_t)st.st_mtim.tv_sec >= r->run_start_s)
		return "was written earlier in this run";
	return "exists (tcrec never truncates a file it did not create)";
}

/* Deletes the ring's oldest files beyond -W (earlier runs' included). */
static void ring_trim(struct rot *r)
{
	while (r->alive.n > r->o->max_files) {
		char old[PATH_MAX];
		snprintf(old, sizeof(old), "%s", r->alive.v[0].path);
		int err = output_ring_delete(&r->alive, 0);
		if (err)
			pr_warn("%s: cannot delete the oldest file of the ring: %s", old, strerror(-err));
	}
}

/* Creates the next file: the name the options give, or, when it is taken
 * (by anything: a file of an earlier run, a symlink, a name this run
 * already wrote), the next count or a ".N" suffix; never opens an existing
 * file. The first name found taken and why go to first and why. Returns
 * the descriptor, or -errno after one line. */
static int create_free_name(struct rot *r, uint64_t wall_ns, char *first, size_t flen, char *why,
			    size_t wlen)
{
	const struct record_opts *o = r->o;
	uint32_t dup = 0;
	int fd, err;

	for (uint32_t tries = 0;; tries++) {
		err = make_name(r, wall_ns / NSEC, dup, r->cur, sizeof(r->cur));
		if (err) {
			pr_warn("-w %s: the file name would be longer than %d bytes", o->out, PATH_MAX - 1);
			return err;
		}
		bool taken = false;
		int i = r->ring ? output_ring_find(&r->alive, r->cur) : -1;
		if (i == 0 && r->alive.n >= o->max_files) {
			/* the ring's oldest file goes now rather than after this one */
			err = output_ring_delete(&r->alive, 0);
			if (err)
				pr_warn("%s: cannot delete the oldest file of the ring: %s", r->cur,
					strerror(-err));
		} else if (i >= 0) {
			taken = true;
		}
		if (!taken) {
			fd = output_file_create(r->cur, o->run_uid, o->run_gid);
			if (fd >= 0)
				return fd;
			if (fd == -ENOSPC && !free_oldest(r))
				continue;
			if (fd == -EBUSY && !r->files) {
				pr_warn("%s: another recorder is writing this file (it holds its lock): "
					"refusing to start", r->cur);
				return -EBUSY;
			}
			if (fd != -EEXIST && fd != -EBUSY) {
				pr_warn("%s: cannot create: %s", r->cur, strerror(-fd));
				return fd;
			}
		}
		if (!first[0]) {
			snprintf(first, flen, "%s", r->cur);
			snprintf(why, wlen, "%s", taken_why(r, r->cur));
		}
		if (tries > 100000) {
			pr_warn("%s: no free name left for the next file", first);
			return -EEXIST;
		}
		/* a counted name takes the next count (a ring once round at most),
		 * any other name a suffix */
		if ((o->rotate_bytes || r->numbered) && !dup && (!r->ring || tries + 1 < o->max_files))
			r->cnt = r->ring ? (r->cnt + 1) % o->max_files : r->cnt + 1;
		else
			dup++;
	}
}

/* One line when the name asked for was taken: the first time of a run, and
 * once more for a rotation; later ones only with -vv. */
static void say_taken(struct rot *r, const char *first, const char *why)
{
	if (!r->files)
		pr_warn("%s %s: writing %s instead", first, why, r->cur);
	else if (!r->said_taken)
		pr_warn("%s %s: writing %s instead (further names taken this run get the "
			"next free name without a message)", first, why, r->cur);
	else
		pr_debug("%s %s: writing %s instead", first, why, r->cur);
	if (r->files)
		r->said_taken = true;
}

/* The next file (see create_free_name). base: the counters the previous
 * file was closed with, so that the files' shares add up to the run's
 * counters; NULL for the first file. */
static int open_file(struct rot *r, uint64_t wall_ns, const struct tclog_final *base)
{
	const struct record_opts *o = r->o;
	char first[PATH_MAX] = "", why[96] = "";
	int err;

	int fd = create_free_name(r, wall_ns, first, sizeof(first), why, sizeof(why));
	if (fd < 0)
		return fd;
	if (first[0])
		say_taken(r, first, why);
	struct stat st;
	r->hdr.start_ns = wall_ns;
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (!(r->w = tclog_writer_fdopen(fd, &r->hdr))) {
		err = -errno;
		pr_warn("%s: cannot write: %s", r->cur, strerror(errno));
		close(fd);
		output_file_remove(r->cur, st.st_dev, st.st_ino); /* made just now */
		return err;
	}
	r->cur_dev = st.st_dev;
	r->cur_ino = st.st_ino;
	if (o->rotate_bytes) {
		uint64_t t = o->rotate_bytes / 8;
		tclog_writer_set_chunk_target(r->w, t < CHUNK_MIN ? CHUNK_MIN :
						    t > CHUNK_DEFAULT ? CHUNK_DEFAULT : (size_t)t);
	}
	if (r->ring) {
		if (output_ring_add(&r->alive, r->cur, st.st_dev, st.st_ino)) {
			pr_warn("out of memory");
			return -ENOMEM;
		}
		ring_trim(r);
	}
	if (base)
		r->at_open = *base;
	else
		memset(&r->at_open, 0, sizeof(r->at_open));
	r->slot = o->rotate_secs ? wall_ns / NSEC / o->rotate_secs : 0;
	r->files++;
	publish_stats(r);
	return 0;
}

/* Closes the current file with its own share of the counters (total: the
 * run's so far, NULL when unknown; `recorded` is what the file holds) and
 * says so unless -q. */
static int close_file(struct rot *r, const struct tclog_final *total)
{
	struct tclog_final mine;
	const struct tclog_final *fin = NULL;
	uint64_t drops = 0;

	int err = retry_after_enospc(r, tclog_writer_flush(r->w));
	if (total) {
		fin_sub(&mine, total, &r->at_open);
		tclog_writer_stored_counts(r->w, &mine);
		fin = &mine;
		for (uint32_t i = 0; i < r->hdr.n_ifaces; i++)
			drops += mine.c[i][0].dropped + mine.c[i][1].dropped;
	}
	uint64_t recs = tclog_writer_records_stored(r->w);
	uint64_t unsaved = tclog_writer_records(r->w) - recs;
	int gone = output_file_check(r->cur, tclog_writer_fd(r->w));
	/* a ring makes room for the trailer before it is needed */
	struct statvfs vfs;
	while (!err && r->ring && !statvfs(r->cur, &vfs) &&
	       (uint64_t)vfs.f_bavail * vfs.f_bsize < TRAILER_ROOM && !free_oldest(r))
		;
	uint64_t size = tclog_writer_bytes(r->w);
	int cerr = tclog_writer_close(r->w, fin);
	r->w = NULL;
	r->stored_total += recs;
	if (cerr == -ENOSPC && r->ring && !err) {
		/* still readable: the index is rebuilt by scanning */
		pr_warn("%s: disk full, closed without its trailer", r->cur);
		cerr = 0;
	}
	if (!err)
		err = cerr;
	if (gone == -ENOENT || gone == -ESTALE) {
		pr_warn("%s: %s while it was written: its %llu packets are lost", r->cur,
			gone == -ENOENT ? "deleted" : "replaced by another file", (unsigned long long)recs);
		r->lost += recs;
		if (!err)
			err = gone;
	}
	if (unsaved)
		pr_warn("%s: %llu packets could not be written", r->cur, (unsigned long long)unsaved);
	struct stat st;
	if (!gone && !lstat(r->cur, &st) && st.st_ino == r->cur_ino && st.st_dev == r->cur_dev)
		size = (uint64_t)st.st_size;
	int at = r->ring ? output_ring_find(&r->alive, r->cur) : -1;
	if (at >= 0)
		r->alive.v[at].size = gone ? 0 : size;
	else if (!gone)
		r->closed_bytes += size;
	publish_stats(r);
	if ((r->o->rotate_bytes || r->o->rotate_secs) && !gone) {
		pr_info("%s closed: %llu packets, %llu bytes, %llu dropped%s", r->cur,
			(unsigned long long)recs, (unsigned long long)size, (unsigned long long)drops,
			fin ? "" : " (counters unknown)");
	}
	return err;
}

enum rot_why { ROT_TIME, ROT_SIZE, ROT_GONE };

/* 1 = -G -W (no -C): the last file is full, stop; 0 = rotated; -errno. */
static int rotate(struct rot *r, uint64_t wall_ns, enum rot_why why)
{
	struct tclog_final now;
	bool known = r->counters.read && !r->counters.read(r->counters.ctx, &now);

	if (why == ROT_TIME && r->o->max_files && !r->ring && r->files >= r->o->max_files)
		return 1;
	int err = close_file(r, known ? &now : NULL);
	if (err && !(why == ROT_GONE && (err == -ENOENT || err == -ESTALE)))
		return err;
	r->rotations++;
	if (why == ROT_TIME)
		r->cnt = r->numbered ? r->cnt + 1 : 0;
	else if (why == ROT_SIZE)
		r->cnt = r->ring ? (r->cnt + 1) % r->o->max_files : r->cnt + 1;
	err = open_file(r, wall_ns, known ? &now : NULL);
	if (!err && why == ROT_GONE)
		pr_warn("going on in %s", r->cur);
	return err;
}

static int rot_tick(struct record_sink *s, uint64_t wall_ns)
{
	struct rot *r = (struct rot *)s;

	if (!r->w)
		return -EIO;
	if (r->o->rotate_secs && wall_ns / NSEC / r->o->rotate_secs > r->slot)
		return rotate(r, wall_ns, ROT_TIME);
	return 0;
}

static int rot_write(struct record_sink *s, const struct tcrec_record *rec, const void *bytes,
		     const struct tclog_sock *sock)
{
	struct rot *r = (struct rot *)s;
	int err = rot_tick(s, rec->ts_ns);

	if (err)
		return err > 0 ? 0 : err;
	err = retry_after_enospc(r, tclog_writer_append_sock(r->w, rec, bytes, sock));
	if (err)
		return err;
	if (r->o->rotate_bytes && tclog_writer_bytes(r->w) >= r->o->rotate_bytes) {
		err = rotate(r, rec->ts_ns, ROT_SIZE);
		return err > 0 ? 0 : err;
	}
	return 0;
}

/* Also where a file deleted or replaced under us is noticed: the next
 * records go to a new file instead of nowhere. */
static int rot_flush(struct record_sink *s)
{
	struct rot *r = (struct rot *)s;

	if (!r->w)
		return -EIO;
	int err = retry_after_enospc(r, tclog_writer_flush(r->w));
	if (err)
		return err;
	err = output_file_check(r->cur, tclog_writer_fd(r->w));
	if (err == -ENOENT || err == -ESTALE)
		return rotate(r, capture_wall_ns(), ROT_GONE);
	publish_stats(r);
	return 0;
}

static void rot_free(struct rot *r)
{
	output_ring_free(&r->alive);
	free(r);
}

static int rot_close(struct record_sink *s, const struct tclog_final *fin, uint64_t *stored)
{
	struct rot *r = (struct rot *)s;
	int err = r->w ? close_file(r, fin) : 0;

	if (stored)
		*stored = r->stored_total - r->lost;
	rot_free(r);
	return err;
}

static void rot_discard(struct record_sink *s)
{
	struct rot *r = (struct rot *)s;

	if (r->w) {
		tclog_writer_close(r->w, NULL);
		r->w = NULL;
		output_file_remove(r->cur, r->cur_dev, r->cur_ino);
	}
	rot_free(r);
}

/* Later files get it in their header: slots stay the same across the
 * files of one recording. */
static int rot_add_iface(struct record_sink *s, uint32_t slot, const struct tclog_iface *ifc)
{
	struct rot *r = (struct rot *)s;

	if (slot != r->hdr.n_ifaces || slot >= TCREC_MAX_IFACES)
		return -EINVAL;
	r->hdr.ifaces[slot] = *ifc;
	r->hdr.n_ifaces = slot + 1;
	return r->w ? tclog_writer_add_iface(r->w, slot, ifc) : 0;
}

static const char *rot_name(const struct record_sink *s)
{
	return ((const struct rot *)s)->cur;
}

struct record_sink *sink_rotating_open(const struct record_opts *o, const struct tclog_header *hdr,
				       const struct sink_counters *counters)
{
	struct rot *r = calloc(1, sizeof(*r));
	if (!r) {
		pr_warn("out of memory");
		errno = ENOMEM;
		return NULL;
	}
	r->o = o;
	r->hdr = *hdr;
	if (counters)
		r->counters = *counters;
	r->run_start_s = hdr->start_ns / NSEC;
	/* -C -G -W: a ring of the N newest files, cut by time and by size */
	r->ring = o->rotate_bytes && o->max_files;
	if (o->rotate_secs && !strchr(o->out, '%')) {
		r->numbered = true;
		pr_warn("-G %u: -w %s has no strftime codes, the files are numbered", o->rotate_secs,
			o->out);
	}
	int err = 0;
	/* the ring counts the files earlier runs left */
	if (!r->ring)
		err = 0;
	else if ((err = output_ring_scan(&r->alive, o->out, o->rotate_secs && !r->numbered,
					 o->run_uid)) == -ENOMEM)
		pr_warn("out of memory");
	if (err && err != -ENOMEM)
		pr_warn("%s: cannot list the ring's files: %s", o->out, strerror(-err));
	if (!err)
		err = open_file(r, hdr->start_ns, NULL);
	if (err) {
		rot_free(r);
		errno = -err;
		return NULL;
	}
	r->base.write = rot_write;
	r->base.flush = rot_flush;
	r->base.close = rot_close;
	r->base.discard = rot_discard;
	r->base.tick = rot_tick;
	r->base.name = rot_name;
	r->base.add_iface = rot_add_iface;
	return &r->base;
}

int sink_rotating_first_name(const struct record_opts *o, uint64_t wall_s, char *out, size_t len)
{
	struct rot probe = { .o = o, .ring = o->rotate_bytes && o->max_files,
			     .numbered = o->rotate_secs && !strchr(o->out, '%') };

	return make_name(&probe, wall_s, 0, out, len);
}
