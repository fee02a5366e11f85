/* SPDX-License-Identifier: MIT */
/* --metrics-file PATH, for node_exporter's textfile collector: the whole
 * text written to a new temporary file of the same directory, synced and
 * renamed over PATH, so a reader never sees part of it. */
#define _GNU_SOURCE /* pthread_cond_timedwait with CLOCK_MONOTONIC */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "logging.h"
#include "metrics.h"
#include "metrics_state.h"
#include "output_prepare.h"

#define EVERY_S 10

struct metrics_file {
	char path[PATH_MAX];
	char dir[PATH_MAX];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	bool said;   /* a failure was reported: later ones go to -v */
};

static void dir_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

int metrics_file_check(const char *path, const struct record_opts *o)
{
	char dir[PATH_MAX];
	struct stat st;
	const char *base = strrchr(path, '/');

	if (!*(base ? base + 1 : path)) {
		pr_warn("--metrics-file %s: names a directory, not a file", path);
		return -EISDIR;
	}
	dir_of(path, dir, sizeof(dir));
	int err = stat(dir, &st) ? -errno : S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	if (err) {
		pr_warn("--metrics-file %s: directory %s: %s", path, dir, strerror(-err));
		return err;
	}
	if (o->run_as && getuid() != o->run_uid)
		err = user_can_create(o->run_as, o->run_uid, o->run_gid, dir);
	else if (access(dir, W_OK | X_OK))
		err = -errno;
	if (err)
		pr_warn("--metrics-file %s: cannot write in %s%s%s: %s", path, dir,
			o->run_as ? " as " : "", o->run_as ? o->run_as : "", strerror(-err));
	return err;
}

/* The text into a new file (mkstemp: O_EXCL, so a link planted at the
 * name is never followed), synced, then renamed over the path. */
static int write_once(struct metrics_file *mf, struct metrics *m)
{
	char tmp[2 * PATH_MAX + 16];
	const char *base = strrchr(mf->path, '/');
	int err = 0;

	int n = snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", mf->dir, base ? base + 1 : mf->path);
	if (n < 0 || n >= PATH_MAX)
		return -ENAMETOOLONG;
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	/* node_exporter runs as another user: the text is not secret */
	if (fchmod(fd, 0644))
		err = -errno;
	if (!err)
		err = metrics_render(m, f);
	if (!err && (fflush(f) || fsync(fd)))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, mf->path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

static void write_reporting(struct metrics_file *mf, struct metrics *m)
{
	int err = write_once(mf, m);

	if (!err)
		return;
	if (!mf->said)
		pr_warn("--metrics-file %s: cannot write: %s (the recording goes on)", mf->path,
			strerror(-err));
	else
		pr_debug("--metrics-file %s: cannot write: %s", mf->path, strerror(-err));
	mf->said = true;
}

struct file_job {
	struct metrics_file *mf;
	struct metrics *m;
};

static void *writer(void *arg)
{
	struct file_job *j = arg;
	struct metrics_file *mf = j->mf;
	struct timespec at;

	clock_gettime(CLOCK_MONOTONIC, &at);
	pthread_mutex_lock(&mf->lock);
	while (!mf->stop) {
		at.tv_sec += EVERY_S;
		while (!mf->stop && pthread_cond_timedwait(&mf->wake, &mf->lock, &at) != ETIMEDOUT)
			;
		if (mf->stop)
			break;
		pthread_mutex_unlock(&mf->lock);
		write_reporting(mf, j->m);
		pthread_mutex_lock(&mf->lock);
	}
	pthread_mutex_unlock(&mf->lock);
	free(j);
	return NULL;
}

static int start_thread(struct metrics_file *mf, struct metrics *m)
{
	struct file_job *j = malloc(sizeof(*j));
	pthread_condattr_t ca;
	sigset_t all, old;

	if (!j)
		return -ENOMEM;
	*j = (struct file_job){ mf, m };
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&mf->wake, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&mf->lock, NULL);
	/* SIGINT is for the drain loop's thread */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int err = -pthread_create(&mf->thread, NULL, writer, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		free(j);
		pthread_cond_destroy(&mf->wake);
		pthread_mutex_destroy(&mf->lock);
	}
	return err;
}

int metrics_file_start(struct metrics *m, const char *path)
{
	struct metrics_file *mf = calloc(1, sizeof(*mf));

	if (!mf) {
		pr_warn("out of memory");
		return -ENOMEM;
	}
	snprintf(mf->path, sizeof(mf->path), "%s", path);
	dir_of(path, mf->dir, sizeof(mf->dir));
	/* the first write tells whether the directory takes our files, as the
	 * user we run as now (after -Z) */
	int err = write_once(mf, m);
	if (err) {
		pr_warn("--metrics-file %s: cannot write in %s: %s", path, mf->dir, strerror(-err));
		free(mf);
		return err;
	}
	err = start_thread(mf, m);
	if (err) {
		pr_warn("--metrics-file %s: cannot start its writer: %s", path, strerror(-err));
		free(mf);
		return err;
	}
	m->file = mf;
	return 0;
}

void metrics_file_stop(struct metrics_file *mf, struct metrics *m)
{
	if (!mf)
		return;
	pthread_mutex_lock(&mf->lock);
	mf->stop = true;
	pthread_cond_signal(&mf->wake);
	pthread_mutex_unlock(&mf->lock);
	pthread_join(mf->thread, NULL);
	/* the last state, after the thread: the final counters */
	write_reporting(mf, m);
	pthread_cond_destroy(&mf->wake);
	pthread_mutex_destroy(&mf->lock);
	free(mf);
}
