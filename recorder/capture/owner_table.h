/* SPDX-License-Identifier: MIT */
/*
 * From a record's socket cookie to its owner, once per socket: the owner
 * map is read on a socket's first packet and kept here with its cgroup path
 * and container. Where the kernel could not tell the socket (an ICMP echo
 * reply, a SYN-ACK sent before the connection has a full socket, a
 * FIN's last ACK), the packet takes the socket its flow had in the same
 * namespace; a flow never seen with a socket gets none, so forwarded
 * packets stay without an owner.
 */
#ifndef TCREC_OWNER_TABLE_H
#define TCREC_OWNER_TABLE_H

#include <stdint.h>

#include "formats/tclog.h"
#include "sock_owner.h"

struct owner_table;

/* ow is not owned and must outlive the table. NULL with errno. */
struct owner_table *owner_table_new(const struct owner *ow);

/* The owner of rec's socket, or NULL; rec->sock_cookie is set to the
 * owner's cookie or 0. netns_ino: the namespace of the record's
 * interface. The entry stays valid until the next call. */
const struct tclog_sock *owner_table_resolve(struct owner_table *t, struct tcrec_record *rec,
					     uint64_t netns_ino);

/* Sockets resolved, packets tied through their flow, and cookies whose
 * owner the map no longer held. */
struct owner_table_stats {
	uint64_t sockets;
	uint64_t by_flow;
	uint64_t unknown;
};
void owner_table_stats(const struct owner_table *t, struct owner_table_stats *out);

/* NULL-safe. */
void owner_table_free(struct owner_table *t);

#endif
