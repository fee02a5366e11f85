/* SPDX-License-Identifier: MIT */
/*
 * What tcrec stats counts over a set of logs: packets, bytes and time span
 * of the records fed to it, a row per interface and direction (records and
 * the recorder's trailer counters, merged across files by namespace, name
 * and ifindex), the flows, and the processes and containers.
 */
#ifndef TCREC_STATS_TABLE_H
#define TCREC_STATS_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/tclog.h"
#include "flow_table.h"
#include "log_input.h"
#include "proc_table.h"

/* One interface and direction. */
struct if_stat {
	char name[TCLOG_IFNAME_MAX];
	char ns[TCLOG_CONTAINER_MAX + 24]; /* tclog_iface_ns_label, "" when not known */
	uint64_t netns_ino;                /* 0 when not known */
	uint32_t ifindex;
	uint8_t dir; /* 0 in, 1 out */
	uint64_t packets, bytes;
	struct tclog_counters c;
};

/* The order of stats' interface rows, which the plot's lines follow:
 * namespace label, namespace inode, name, ifindex, direction. */
struct iface_row_key {
	const char *ns, *name;
	uint64_t netns_ino;
	uint32_t ifindex;
	unsigned dir;
};
int iface_row_cmp(const struct iface_row_key *a, const struct iface_row_key *b);

struct stats_table {
	uint64_t packets, wire_bytes, cap_bytes, record_drops;
	uint64_t first_ns, last_ns; /* valid when packets */
	struct if_stat *ifs;
	size_t nifs, cap_ifs;
	struct tclog_counters total; /* over the files with a trailer */
	bool several_ns; /* name interfaces NS/IF (log_input_several_ns) */
	size_t files_with_trailer;
	struct flow_table *flows;
	struct proc_table *procs; /* per process and container */
	/* one-entry cache: consecutive packets mostly share an interface */
	size_t last_if;
};

/* 0 or -ENOMEM. stats_table_free releases what init took, even after a
 * failed init. */
int stats_table_init(struct stats_table *s);
void stats_table_free(struct stats_table *s);

/* Counts one packet. 0 or -ENOMEM. */
int stats_table_add_packet(struct stats_table *s, const struct log_packet *p);

/* Once every file was read to its end: adds the trailer counters of the
 * files that have one (of the interfaces the input's selection takes) and
 * sorts the interfaces by namespace, name, ifindex and direction. 0 or
 * -ENOMEM. */
int stats_table_finish(struct stats_table *s, struct log_input *in);

#endif
