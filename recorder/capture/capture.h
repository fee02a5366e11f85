/* SPDX-License-Identifier: MIT */
/*
 * The capture object: the one owner of the BPF skeleton. It loads the
 * programs, puts them on the hooks (tcx or clsact), reads their counters
 * and takes everything off again; nothing else sees the skeleton. The
 * drain loop (capture_drain.h) empties its ring buffer into a sink.
 */
#ifndef TCREC_CAPTURE_H
#define TCREC_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "formats/tclog.h"
#include "record_opts.h"
#include "record_sink.h"

struct capture;

/* Routes libbpf's messages: shown with -v, the verifier log kept aside. */
void capture_libbpf_logging(void);

/* Missing capabilities as "CAP_BPF, CAP_NET_ADMIN", or "" when all are
 * there. */
void capture_missing_caps(char *buf, size_t len);

/* What the programs are loaded for. */
struct capture_shape {
	bool single;         /* exactly one interface, ever: slot 0, no lookup per packet */
	bool single_no_eth;  /* ... and it is an L3 device */
	bool multi_ns;       /* interfaces of other namespaces: keyed by namespace
			      * cookie where the kernel can (6.15+) */
	bool multi_ns_needed; /* several namespaces at once: refused without it */
};

/* Opens and loads the programs: o's snaplen, ring size and attach mode.
 * 0 or -errno, after one line (and the verifier's last lines with -v).
 * hdr must outlive the capture: its interface table grows with
 * capture_add_iface. */
int capture_load(const struct record_opts *o, struct tclog_header *hdr,
		 const struct capture_shape *shape, struct capture **out);

/* Runs fn(arg) with the calling thread in namespace netns_ino; fn's result
 * or -errno. Hooks of other namespaces are put on and taken off through it. */
struct capture_ns_runner {
	int (*run)(void *ctx, uint64_t netns_ino, int (*fn)(void *arg), void *arg);
	void *ctx;
};
void capture_set_ns_runner(struct capture *c, const struct capture_ns_runner *r);

/* Records ifc (in namespace ifc->netns_ino, cookie netns_cookie) from now
 * on, on the hooks in dirs (RECORD_DIR_* bits): the next slot of hdr,
 * which is the return value, or -errno after one line naming label (and
 * nothing of it left attached; the slot stays in the table, unused). */
int capture_add_iface(struct capture *c, const struct tclog_iface *ifc, uint64_t netns_cookie,
		      unsigned dirs, const char *label);

/* Stops recording slot. gone: the interface no longer exists. */
void capture_remove_iface(struct capture *c, uint32_t slot, bool gone);

/* True when a hook is a clsact filter: removing it needs CAP_NET_ADMIN,
 * unlike closing a tcx link. */
bool capture_has_clsact(const struct capture *c);

/* Counters summed over CPUs into fin; 0 or -errno. */
int capture_counters(const struct capture *c, struct tclog_final *fin);

/* capture_counters as a sink reads them. */
struct sink_counters capture_sink_counters(struct capture *c);

/* The ring buffer's map descriptor, for the drain loop. */
int capture_ring_fd(const struct capture *c);

/* The interface of a slot (< capture_n_ifaces). */
const struct tclog_iface *capture_iface(const struct capture *c, uint32_t slot);

/* Number of interface slots (live and gone). */
uint32_t capture_n_ifaces(const struct capture *c);

/* Who owns the packets' sockets, or NULL (--no-process, or the kernel
 * cannot tell). */
struct owner_table *capture_owners(const struct capture *c);

/* Takes the programs off every hook (reverse order); idempotent. */
void capture_detach(struct capture *c);

/* Detaches and frees; NULL-safe. */
void capture_destroy(struct capture *c);

#endif
