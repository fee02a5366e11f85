/* SPDX-License-Identifier: MIT */
/*
 * Packets and bytes per process (comm and pid of the socket's owner) and
 * per container, for tcrec stats: the top of each, and how many packets had
 * no known process.
 */
#ifndef TCREC_PROC_TABLE_H
#define TCREC_PROC_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "formats/tclog.h"

struct proc_entry {
	uint32_t pid;                        /* 0 = not known */
	char comm[TCLOG_COMM_MAX + 1];       /* "" = not known */
	char container[TCLOG_CONTAINER_MAX]; /* the container rows' key */
	uint64_t packets, bytes;             /* bytes on the wire */
};

struct proc_table;

/* NULL with errno. */
struct proc_table *proc_table_new(void);
void proc_table_free(struct proc_table *t);

/* Counts one packet of wire_len bytes whose socket is sock (NULL = none).
 * 0, -ENOMEM, or -EINVAL after a top list was taken. */
int proc_table_add(struct proc_table *t, const struct tclog_sock *sock, uint32_t wire_len);

/* Distinct processes and containers counted, and packets with no socket. */
size_t proc_table_processes(const struct proc_table *t);
size_t proc_table_containers(const struct proc_table *t);
uint64_t proc_table_unattributed(const struct proc_table *t);
/* Packets with a socket. */
uint64_t proc_table_attributed(const struct proc_table *t);

/* The n largest processes (or containers) by packets, then bytes, then
 * name, into out; returns how many (<= n). After the last
 * proc_table_add (later ones fail with -EINVAL). */
size_t proc_table_top_processes(struct proc_table *t, struct proc_entry *out, size_t n);
size_t proc_table_top_containers(struct proc_table *t, struct proc_entry *out, size_t n);

#endif
