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

/* Opens and loads the programs for hdr's interfaces: o's snaplen and ring
 * size. 0 or -errno, after one line (and the verifier's last lines with
 * -v). hdr must outlive the capture. */
int capture_load(const struct record_opts *o, const struct tclog_header *hdr, struct capture **out);

/* Both hooks of every interface. On failure, one line naming the
 * interface, nothing left attached, -errno. */
int capture_attach(struct capture *c, enum attach_mode mode);

/* True when a hook is a clsact filter: removing it needs CAP_NET_ADMIN,
 * unlike closing a tcx link. */
bool capture_has_clsact(const struct capture *c);

/* Counters summed over CPUs into fin; 0 or -errno. */
int capture_counters(const struct capture *c, struct tclog_final *fin);

/* capture_counters as a sink reads them. */
struct sink_counters capture_sink_counters(struct capture *c);

/* The ring buffer's map descriptor, for the drain loop. */
int capture_ring_fd(const struct capture *c);

/* Number of interfaces captured. */
uint32_t capture_n_ifaces(const struct capture *c);

/* Takes the programs off every hook (reverse order); idempotent. */
void capture_detach(struct capture *c);

/* Detaches and frees; NULL-safe. */
void capture_destroy(struct capture *c);

#endif
