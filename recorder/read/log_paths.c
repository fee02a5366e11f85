/* SPDX-License-Identifier: MIT */
#include "log_paths.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

static int path_push(struct log_paths *l, char *p)
{
	if (!p)
		return -ENOMEM;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			free(p);
			return -ENOMEM;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = p;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Regular files of dir, sorted by name; hidden files are not logs. */
static int expand_dir(struct log_paths *l, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	size_t first = l->n;
	struct dirent *de;
	int rc = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		size_t len = strlen(dir) + strlen(de->d_name) + 2;
		char *p = malloc(len);
		if (!p) {
			rc = -1;
			break;
		}
		snprintf(p, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
		struct stat st;
		if (stat(p, &st) || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		if (path_push(l, p)) {
			rc = -1;
			break;
		}
	}
	closedir(d);
	if (rc) {
		snprintf(err, errlen, "%s: out of memory", dir);
		return -1;
	}
	if (l->n == first) {
		snprintf(err, errlen, "%s: directory holds no log files", dir);
		return -1;
	}
	qsort(l->v + first, l->n - first, sizeof(char *), cmp_str);
	return 0;
}

int log_paths_expand(struct log_paths *l, char *const *paths, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (!strcmp(paths[i], "-")) { /* stdin: a capture, sniffed when read */
			if (path_push(l, strdup(paths[i]))) {
				snprintf(err, errlen, "stdin: out of memory");
				return -1;
			}
			continue;
		}
		if (stat(paths[i], &st)) {
			snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
			return -1;
		}
		if (S_ISDIR(st.st_mode)) {
			if (expand_dir(l, paths[i], err, errlen))
				return -1;
		} else if (path_push(l, strdup(paths[i]))) {
			snprintf(err, errlen, "%s: out of memory", paths[i]);
			return -1;
		}
	}
	return 0;
}
