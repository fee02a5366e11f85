/* SPDX-License-Identifier: MIT */
/*
 * Read-time interface selection, `--interface NS/IF` (repeatable): IF is an
 * interface name, NS names its network namespace by label (container, `ip
 * netns` name, "ns<inode>", see tclog_iface_ns_label) or by inode number;
 * both may be shell globs (fnmatch). A bare IF is that name in any
 * namespace. Matching is pure, so that the two readers of a diff can share
 * one selection across threads.
 */
#ifndef TCREC_IFACE_SELECT_H
#define TCREC_IFACE_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "formats/tclog.h"

struct iface_select;
struct log_input;

/* An empty selection (that takes every interface). NULL with errno. */
struct iface_select *iface_select_new(void);
void iface_select_free(struct iface_select *s);

/* Adds one NS/IF or IF. 0, -EINVAL with a message in err (empty part),
 * or -ENOMEM. */
int iface_select_add(struct iface_select *s, const char *spec, char *err, size_t errlen);

/* How many specs were added; the i-th as given. */
size_t iface_select_count(const struct iface_select *s);
const char *iface_select_spec(const struct iface_select *s, size_t i);

/* Whether spec i takes the interface. */
bool iface_select_match_one(const struct iface_select *s, size_t i, const struct tclog_iface *ifc);
/* Whether any spec takes it: true for every interface when s is NULL or
 * empty, false for an unknown interface (NULL) otherwise. */
bool iface_select_match(const struct iface_select *s, const struct tclog_iface *ifc);
/* The same on an interface known by name only (a pcapng IDB's if_name):
 * a name "NS/IF" (as tcrec export writes them) is matched as NS and IF; a
 * plain name by the IF part alone. */
bool iface_select_match_name_one(const struct iface_select *s, size_t i, const char *ifname);
bool iface_select_match_name(const struct iface_select *s, const char *ifname);

/* One warning line for every spec that takes no interface of any of the
 * logs' interface tables (as far as they were read): a mistyped name
 * selects nothing, as a filter that matches nothing does, and says so. */
void iface_select_warn_unmatched(const struct iface_select *s, const struct log_input *in);

#endif
