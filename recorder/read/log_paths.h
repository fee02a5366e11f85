/* SPDX-License-Identifier: MIT */
/* LOG... arguments as the files to read: a directory stands for the
 * regular files in it, sorted by name (rotated logs sort by time). */
#ifndef TCREC_LOG_PATHS_H
#define TCREC_LOG_PATHS_H

#include <stddef.h>

struct log_paths {
	char **v; /* malloc'd paths, owned by the caller */
	size_t n, cap;
};

/* Appends the files of paths[0..n) to l. 0, or -1 with err naming the path
 * (what l holds then is still the caller's to free). */
int log_paths_expand(struct log_paths *l, char *const *paths, size_t n, char *err, size_t errlen);

#endif
