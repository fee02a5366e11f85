/* SPDX-License-Identifier: MIT */
#include "output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* A directory like /tmp: anyone may plant names there, and the owner of a
 * file there is the only one who can remove it. */
static bool dir_is_shared(const char *path)
{
	char buf[PATH_MAX];
	struct stat st;

	snprintf(buf, sizeof(buf), "%s", path);
	return !stat(dirname(buf), &st) && (st.st_mode & S_ISVTX) && (st.st_mode & S_IWOTH);
}

int output_file_in_use(const char *path)
{
	struct stat ls, st;
	int busy = 0;

	if (lstat(path, &ls) || !S_ISREG(ls.st_mode))
		return 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (!fstat(fd, &st) && st.st_dev == ls.st_dev && st.st_ino == ls.st_ino &&
	    flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK)
		busy = 1;
	close(fd);
	return busy;
}

/* The name exists: only an empty regular file of ours, linked once, in a
 * directory nobody else can plant names in, is taken (as if just made). */
static int take_empty(const char *path)
{
	struct stat ls, st;

	if (lstat(path, &ls))
		return errno == ENOENT ? -EEXIST : -errno;
	if (!S_ISREG(ls.st_mode))
		return -EEXIST;
	if (output_file_in_use(path))
		return -EBUSY;
	if (ls.st_size || ls.st_uid != geteuid() || ls.st_nlink != 1 || dir_is_shared(path))
		return -EEXIST;
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -EEXIST;
	if (fstat(fd, &st) || st.st_dev != ls.st_dev || st.st_ino != ls.st_ino || st.st_size) {
		close(fd);
		return -EEXIST;
	}
	return fd;
}

/* A pipe or a device the user named (mkfifo for a reader, /dev/null):
 * written as it is, never created, truncated or handed to anyone. Only
 * ours or root's, and in a directory like /tmp only ours: a pipe planted
 * there would hand the capture to whoever reads it. */
static int open_special(const char *path)
{
	struct stat ls, st;

	if (lstat(path, &ls) || !(S_ISFIFO(ls.st_mode) || S_ISCHR(ls.st_mode)))
		return -EEXIST;
	if (ls.st_uid != geteuid() && (ls.st_uid != 0 || dir_is_shared(path)))
		return -EEXIST;
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_dev != ls.st_dev || st.st_ino != ls.st_ino) {
		close(fd);
		return -EEXIST;
	}
	return fd;
}

int output_file_create(const char *path, uid_t uid, gid_t gid)
{
	/* O_EXCL: an existing name, a symlink included, is never opened */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	bool made = fd >= 0;

	if (fd < 0) {
		if (errno != EEXIST)
			return -errno;
		fd = open_special(path);
		if (fd != -EEXIST)
			return fd;
		/* a file to hand to another user must be one we made */
		fd = uid == (uid_t)-1 || uid == geteuid() ? take_empty(path)
			: output_file_in_use(path) ? -EBUSY : -EEXIST;
		if (fd < 0)
			return fd;
	}
	int err = 0;
	struct stat st;
	/* EWOULDBLOCK: someone took our new file between create and lock, it
	 * is theirs; a filesystem without locks only loses the protection */
	if (flock(fd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK)
		err = -EBUSY;
	else if (uid != (uid_t)-1 && uid != geteuid() && fchown(fd, uid, gid))
		err = -errno;
	if (err) {
		if (made && err != -EBUSY && !fstat(fd, &st))
			output_file_remove(path, st.st_dev, st.st_ino);
		close(fd);
		return err;
	}
	return fd;
}

int output_file_check(const char *path, int fd)
{
	struct stat st, ls;

	if (fstat(fd, &st))
		return -errno;
	if (st.st_nlink == 0)
		return -ENOENT;
	if (lstat(path, &ls))
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT : -errno;
	if (ls.st_dev != st.st_dev || ls.st_ino != st.st_ino)
		return -ESTALE;
	return 0;
}

int output_file_remove(const char *path, dev_t dev, ino_t ino)
{
	struct stat ls;

	if (lstat(path, &ls))
		return -errno;
	if (ls.st_dev != dev || ls.st_ino != ino)
		return -ESTALE;
	if (!S_ISREG(ls.st_mode)) /* a pipe or a device the user named */
		return -EPERM;
	return unlink(path) ? -errno : 0;
}
