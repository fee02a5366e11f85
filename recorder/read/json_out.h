/* SPDX-License-Identifier: MIT */
/*
 * JSON output helpers: one record as one JSON Lines object with every
 * record field (the `tcrec print --json` contract, keys in a fixed order),
 * and the string/time primitives the other JSON outputs share.
 */
#ifndef TCREC_JSON_OUT_H
#define TCREC_JSON_OUT_H

#include <stdint.h>
#include <stdio.h>

#include "bpf/tcrec.h"
#include "formats/tclog.h"

/* A JSON string literal, quotes included; NULL prints null. */
void json_put_string(FILE *f, const char *s);

/* "2026-11-22T01:43:54.123456789Z" (UTC, always nine digits), quoted. */
void json_put_time(FILE *f, uint64_t ts_ns);

/* One object and a newline. ifname NULL prints null; "ifindex" is the
 * record's own field. bytes may be NULL only when rec->cap_len is 0. */
void json_put_record(FILE *f, const struct tcrec_record *rec, const uint8_t *bytes,
		     const char *ifname);

/* The interface a record is printed on: "ifname" and "ifindex" (the
 * interface's real ifindex), then "netns" and "netns_ino" when netns_ino
 * is known (not 0), so that logs that do not know namespaces print as
 * they always did. */
struct json_iface {
	const char *name;   /* NULL prints null */
	uint32_t ifindex;
	const char *netns;  /* label; only with netns_ino */
	uint64_t netns_ino;
};
void json_put_record_on(FILE *f, const struct tcrec_record *rec, const uint8_t *bytes,
			const struct json_iface *ifc);

/* The same, then the socket's owner when sock is not NULL: "pid", "tid",
 * "comm", "uid", "cgroup", "container", "sock_cookie", each only when the
 * table knows it (pid, tid, uid not 0 (uid 0 kept when the pid is known);
 * strings not empty). Without a socket the object is json_put_record_on's. */
void json_put_packet(FILE *f, const struct tcrec_record *rec, const uint8_t *bytes,
		     const struct json_iface *ifc, const struct tclog_sock *sock);

#endif
