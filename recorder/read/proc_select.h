/* SPDX-License-Identifier: MIT */
/*
 * Read-time process selection: --pid N, --comm NAME, --cgroup PATH and
 * --container NAME|ID, matched against the owner of a packet's socket (the
 * log's socket table, formats/tclog.h). Options of one kind are
 * alternatives (--pid 1 --pid 2: either); options of different kinds must
 * all hold. A packet with no socket (forwarded, ARP, a raw-socket reply, or
 * sent before its socket was known) never matches. Matching is pure, so
 * that the two readers of a diff can share one selection.
 */
#ifndef TCREC_PROC_SELECT_H
#define TCREC_PROC_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "formats/tclog.h"

enum proc_key {
	PROC_PID,       /* decimal thread group id */
	PROC_COMM,      /* comm, exact or a shell glob */
	PROC_CGROUP,    /* cgroup v2 path: that cgroup or below */
	PROC_CONTAINER, /* prefix of the container id, or the exact name */
};

struct proc_select;

/* An empty selection (that takes every packet). NULL with errno. */
struct proc_select *proc_select_new(void);
void proc_select_free(struct proc_select *s);

/* Adds one criterion. 0, -EINVAL with a message in err naming the value
 * and why, or -ENOMEM. */
int proc_select_add(struct proc_select *s, enum proc_key key, const char *value, char *err,
		    size_t errlen);

/* Whether any criterion was added (false for NULL). */
bool proc_select_active(const struct proc_select *s);

/* Whether the packet of socket sock (NULL: none) is taken: always when s
 * is NULL or empty. */
bool proc_select_match(const struct proc_select *s, const struct tclog_sock *sock);

/* The criteria as the user gave them, e.g. "--pid 42 --comm 'curl'", for
 * messages. Returns buf. */
const char *proc_select_describe(const struct proc_select *s, char *buf, size_t len);

#endif
