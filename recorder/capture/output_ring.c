/* SPDX-License-Identifier: MIT */
#include "output_ring.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/tclog_wire.h"
#include "output_file.h"
#include "output_name.h"

int output_ring_add(struct output_ring *r, const char *path, dev_t dev, ino_t ino)
{
	if (r->n == r->cap) {
		uint32_t cap = r->cap ? r->cap * 2 : 16;
		struct output_ring_file *v = realloc(r->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	char *p = strdup(path);
	if (!p)
		return -ENOMEM;
	r->v[r->n++] = (struct output_ring_file){ p, dev, ino };
	return 0;
}

int output_ring_find(const struct output_ring *r, const char *path)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].path, path))
			return (int)i;
	return -1;
}

int output_ring_delete(struct output_ring *r, uint32_t i)
{
	int err = output_file_remove(r->v[i].path, r->v[i].dev, r->v[i].ino);

	free(r->v[i].path);
	memmove(r->v + i, r->v + i + 1, (r->n - i - 1) * sizeof(*r->v));
	r->n--;
	if (!err)
		r->deleted++;
	return err == -ENOENT ? 0 : err;
}

void output_ring_free(struct output_ring *r)
{
	for (uint32_t i = 0; i < r->n; i++)
		free(r->v[i].path);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* Only our own logs count: a regular file that starts like one. */
static bool is_log(int dfd, const char *name, uid_t uid, struct stat *st)
{
	char magic[8];

	if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st->st_mode) ||
	    (st->st_uid != geteuid() && st->st_uid != uid))
		return false;
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
		  !memcmp(magic, TCLOG_FILE_MAGIC, sizeof(magic));
	close(fd);
	return ok;
}

struct found {
	struct output_ring_file f;
	struct timespec mtime;
};

static int by_mtime(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->f.path, y->f.path);
}

int output_ring_scan(struct output_ring *r, const char *tmpl, bool by_time, uid_t uid)
{
	const char *slash = strrchr(tmpl, '/');
	char dir[PATH_MAX];
	const char *base = slash ? slash + 1 : tmpl;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == tmpl)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - tmpl), tmpl);
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	struct found *v = NULL;
	size_t n = 0, cap = 0;
	int err = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		struct stat st;
		if (!output_name_in_ring(base, by_time, de->d_name) ||
		    !is_log(dirfd(d), de->d_name, uid, &st))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			struct found *nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				err = -ENOMEM;
				break;
			}
			v = nv;
		}
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%.*s%s", (int)(base - tmpl), tmpl, de->d_name);
		v[n].f = (struct output_ring_file){ strdup(path), st.st_dev, st.st_ino };
		v[n].f.size = (uint64_t)st.st_size;
		v[n].mtime = st.st_mtim;
		if (!v[n].f.path) {
			err = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (!err && n)
		qsort(v, n, sizeof(*v), by_mtime);
	for (size_t i = 0; i < n; i++) {
		if (!err)
			err = output_ring_add(r, v[i].f.path, v[i].f.dev, v[i].f.ino);
		if (!err)
			r->v[r->n - 1].size = v[i].f.size;
		free(v[i].f.path);
	}
	free(v);
	return err;
}
