/* SPDX-License-Identifier: MIT */
/*
 * Creating the files `tcrec record` writes, safely in directories that
 * others can write too: a name that exists is never opened for writing
 * (so no symlink is followed and nothing is truncated), the new file is
 * locked while it is written, and ownership moves by descriptor only.
 */
#ifndef TCREC_OUTPUT_FILE_H
#define TCREC_OUTPUT_FILE_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Creates path as a new file (mode 0644) and takes an exclusive lock on it.
 * An empty regular file of ours outside a sticky world-writable directory
 * is taken over as if new (not when it would be handed to uid); a named
 * pipe or a character device of ours (or root's, outside such a
 * directory) is opened as it is, without lock or new owner. With uid != (uid_t)-1 and running as another
 * user, the new file is handed to uid:gid through its descriptor.
 * Returns the descriptor, or -EEXIST (the name is taken: a file, a
 * symlink, anything), -EBUSY (another process holds the lock of the file
 * there: another recorder writes it), or another -errno.
 */
int output_file_create(const char *path, uid_t uid, gid_t gid);

/* 1 when path is a regular file whose lock another process holds, else 0. */
int output_file_in_use(const char *path);

/* Does path still name the file open at fd? 0 yes, -ENOENT when the file
 * was deleted (or its directory), -ESTALE when another file or a link took
 * its name, -errno when it cannot be told. */
int output_file_check(const char *path, int fd);

/* Deletes path only if it still names the regular file dev:ino (one this
 * run made). 0 or -errno. */
int output_file_remove(const char *path, dev_t dev, ino_t ino);

#endif
