/* SPDX-License-Identifier: MIT */
/*
 * The processes that own the packets of one diff input, as small ids: a
 * diff_pkt carries an id (it outlives the reader's socket table), the
 * report turns ids back into "comm:pid". Ids are dense, 1.., in order of
 * first appearance; 0 is "no socket".
 */
#ifndef TCREC_DIFF_OWNERS_H
#define TCREC_DIFF_OWNERS_H

#include <stddef.h>
#include <stdint.h>

#include "formats/tclog.h"

struct diff_owners;

/* NULL with errno. */
struct diff_owners *diff_owners_new(void);
void diff_owners_free(struct diff_owners *o);

/* The id of sock's owner (same comm and pid: same id), 0 for NULL. -1
 * (as uint32_t: UINT32_MAX) when out of memory. */
uint32_t diff_owners_id(struct diff_owners *o, const struct tclog_sock *sock);

/* Owners known so far (ids 1..count). */
size_t diff_owners_count(const struct diff_owners *o);

/* "comm:pid" of id (read/sock_label.h), "-" for 0 or an unknown id. */
const char *diff_owners_label(const struct diff_owners *o, uint32_t id);

#endif
