/* SPDX-License-Identifier: MIT */
#include "proc_select.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct proc_crit {
	enum proc_key key;
	unsigned long pid;
	char *value; /* as given; --cgroup without trailing slashes */
};

struct proc_select {
	struct proc_crit *v;
	size_t n;
};

static const char *const key_opt[] = {
	[PROC_PID] = "--pid",
	[PROC_COMM] = "--comm",
	[PROC_CGROUP] = "--cgroup",
	[PROC_CONTAINER] = "--container",
};

struct proc_select *proc_select_new(void)
{
	return calloc(1, sizeof(struct proc_select));
}

void proc_select_free(struct proc_select *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].value);
	free(s->v);
	free(s);
}

static int check_value(enum proc_key key, const char *value, unsigned long *pid, char *err,
		       size_t errlen)
{
	if (!*value) {
		snprintf(err, errlen, "%s: empty value", key_opt[key]);
		return -EINVAL;
	}
	if (key == PROC_PID) {
		char *end;
		errno = 0;
		*pid = strtoul(value, &end, 10);
		if (*end || errno || *value == '-' || *value == '+' || !*pid || *pid > 0x7fffffffUL) {
			snprintf(err, errlen, "--pid '%s': not a process id (1 to 2147483647)", value);
			return -EINVAL;
		}
	}
	if (key == PROC_CGROUP && value[0] != '/') {
		snprintf(err, errlen,
			 "--cgroup '%s': not a cgroup v2 path (it starts with '/', e.g. /system.slice)",
			 value);
		return -EINVAL;
	}
	return 0;
}

int proc_select_add(struct proc_select *s, enum proc_key key, const char *value, char *err,
		    size_t errlen)
{
	struct proc_crit c = { .key = key };
	int rc = check_value(key, value, &c.pid, err, errlen);
	if (rc)
		return rc;
	c.value = strdup(value);
	if (!c.value)
		return -ENOMEM;
	if (key == PROC_CGROUP) { /* "/a/b/" is "/a/b"; "/" stays "/" */
		size_t l = strlen(c.value);
		while (l > 1 && c.value[l - 1] == '/')
			c.value[--l] = '\0';
	}
	struct proc_crit *v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v) {
		free(c.value);
		return -ENOMEM;
	}
	s->v = v;
	s->v[s->n++] = c;
	return 0;
}

bool proc_select_active(const struct proc_select *s)
{
	return s && s->n;
}

static bool cgroup_under(const char *path, const char *top)
{
	if (!strcmp(top, "/"))
		return path[0] == '/';
	size_t l = strlen(top);
	return !strncmp(path, top, l) && (path[l] == '\0' || path[l] == '/');
}

static bool crit_match(const struct proc_crit *c, const struct tclog_sock *sk)
{
	char comm[TCLOG_COMM_MAX + 1];
	switch (c->key) {
	case PROC_PID:
		return sk->pid && sk->pid == c->pid;
	case PROC_COMM:
		snprintf(comm, sizeof(comm), "%.*s", TCLOG_COMM_MAX, sk->comm);
		return comm[0] && !fnmatch(c->value, comm, 0);
	case PROC_CGROUP:
		return sk->cgroup[0] && cgroup_under(sk->cgroup, c->value);
	case PROC_CONTAINER:
		if (!sk->container[0])
			return false;
		/* An id prefix; a name (pod<UID>, or a name kept in the
		 * table) is its own prefix. */
		return !strncmp(sk->container, c->value, strlen(c->value));
	}
	return false;
}

bool proc_select_match(const struct proc_select *s, const struct tclog_sock *sock)
{
	if (!s || !s->n)
		return true;
	if (!sock)
		return false;
	for (int key = PROC_PID; key <= PROC_CONTAINER; key++) {
		bool asked = false, hit = false;
		for (size_t i = 0; i < s->n && !hit; i++) {
			if (s->v[i].key != (enum proc_key)key)
				continue;
			asked = true;
			hit = crit_match(&s->v[i], sock);
		}
		if (asked && !hit)
			return false;
	}
	return true;
}

const char *proc_select_describe(const struct proc_select *s, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	for (size_t i = 0; s && i < s->n && at < len; i++) {
		int w = snprintf(buf + at, len - at, "%s%s %s", i ? " " : "", key_opt[s->v[i].key],
				 s->v[i].value);
		if (w < 0)
			break;
		at += (size_t)w;
	}
	return buf;
}
