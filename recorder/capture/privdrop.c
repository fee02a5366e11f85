/* SPDX-License-Identifier: MIT */
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "logging.h"

int capture_drop_privileges(const char *user)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		int err = errno;
		pr_warn("-Z %s: %s", user, err ? strerror(err) : "no such user");
		return err ? -err : -ENOENT;
	}
	/* the files made before were handed to the user by descriptor when
	 * they were created (output_file_create); later ones are made as the
	 * user */
	if (initgroups(user, pw->pw_gid) || setgid(pw->pw_gid) || setuid(pw->pw_uid)) {
		int err = errno;
		pr_warn("-Z %s: cannot switch to the user: %s", user, strerror(err));
		return -err;
	}
	/* setuid() from root clears the capability sets unless KEEPCAPS was
	 * set: make sure, the recorder must not keep any. */
	if (!setuid(0)) {
		pr_warn("-Z %s: root could be regained, refusing to go on", user);
		return -EPERM;
	}
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	pr_debug("running as %s (uid %u, gid %u)", user, (unsigned)pw->pw_uid,
		 (unsigned)pw->pw_gid);
	return 0;
}
