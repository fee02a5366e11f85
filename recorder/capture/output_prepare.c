/* SPDX-License-Identifier: MIT */
#include "output_prepare.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "logging.h"
#include "output_file.h"
#include "output_ring.h"
#include "capture_clock.h"
#include "sink_rotating.h"

/* Whether user (uid, gid and groups) may create files in dir: asked of
 * the kernel by a child that becomes the user. 0 or -errno. */
int user_can_create(const char *user, uid_t uid, gid_t gid, const char *dir)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (!pid) {
		if (initgroups(user, gid) || setgid(gid) || setuid(uid))
			_exit(EPERM);
		_exit(access(dir, W_OK | X_OK) ? errno : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? -WEXITSTATUS(status) : -ECHILD;
}

int output_prepare(struct record_opts *o)
{
	o->run_uid = (uid_t)-1;
	o->run_gid = (gid_t)-1;
	if (o->run_as) {
		errno = 0;
		struct passwd *pw = getpwnam(o->run_as);
		if (!pw) {
			int err = errno;
			pr_warn("-Z %s: %s", o->run_as, err ? strerror(err) : "no such user");
			return err ? -err : -ENOENT;
		}
		o->run_uid = pw->pw_uid;
		o->run_gid = pw->pw_gid;
	}
	if (!strcmp(o->out, "-"))
		return 0;
	char dir[PATH_MAX];
	const char *slash = strrchr(o->out, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == o->out ? 1 : (int)(slash - o->out), o->out);
	struct stat st;
	if (stat(dir, &st)) {
		int err = errno;
		pr_warn("%s: cannot write there: %s: %s", o->out, dir, strerror(err));
		return -err;
	}
	if (!S_ISDIR(st.st_mode)) {
		pr_warn("%s: cannot write there: %s is not a directory", o->out, dir);
		return -ENOTDIR;
	}
	if (access(dir, W_OK | X_OK)) {
		int err = errno;
		pr_warn("%s: cannot create files in %s: %s", o->out, dir, strerror(err));
		return -err;
	}
	/* every later file (rotation, a file deleted under us) is made as the
	 * user: find out now rather than at the first rotation */
	if (o->run_as && getuid() != o->run_uid) {
		int err = user_can_create(o->run_as, o->run_uid, o->run_gid, dir);
		if (err && (o->rotate_bytes || o->rotate_secs)) {
			pr_warn("-Z %s: %s cannot create files in %s (%s), which rotation needs", o->run_as,
				o->run_as, dir, strerror(-err));
			return err;
		}
	}
	/* another recorder on the same output: refuse before touching anything */
	bool ring = o->rotate_bytes && o->max_files;
	bool numbered = o->rotate_secs && !strchr(o->out, '%');
	char name[PATH_MAX];
	if (!sink_rotating_first_name(o, capture_wall_ns() / 1000000000ull, name, sizeof(name))) {
		if (output_file_in_use(name)) {
			pr_warn("%s: another recorder is writing this file (it holds its lock): "
				"refusing to start", name);
			return -EBUSY;
		}
		/* what the user named is not a file to write: say so rather than
		 * write next to it */
		if (!lstat(name, &st) && S_ISDIR(st.st_mode)) {
			pr_warn("%s: is a directory", name);
			return -EISDIR;
		}
	}
	if (ring) {
		struct output_ring files = { 0 };
		output_ring_scan(&files, o->out, o->rotate_secs && !numbered, o->run_uid);
		int busy = -1;
		for (uint32_t i = 0; i < files.n && busy < 0; i++)
			if (output_file_in_use(files.v[i].path))
				busy = (int)i;
		if (busy >= 0)
			pr_warn("%s: another recorder is writing this ring (%s is locked): refusing to "
				"start", o->out, files.v[busy].path);
		output_ring_free(&files);
		if (busy >= 0)
			return -EBUSY;
	}
	return 0;
}
