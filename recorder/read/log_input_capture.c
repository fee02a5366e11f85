/* SPDX-License-Identifier: MIT */
/* Capture files (pcap, pcapng, stdin) among the logs of log_input.c: a
 * header of their own whose interface table comes from their IDBs. */
#include "log_input_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The interfaces of a capture file's IDBs, as a log's table. */
static void sync_cap_ifaces(struct lin_file *f)
{
	size_t n = capture_source_nifaces(f->cap);
	for (size_t i = f->hdr.n_ifaces; i < n && i < TCREC_MAX_IFACES; i++) {
		const struct capture_iface *c = capture_source_iface(f->cap, i);
		struct tclog_iface *t = &f->hdr.ifaces[i];
		*t = (struct tclog_iface){ .ifindex = (uint32_t)i + 1 };
		if (c->name)
			snprintf(t->name, sizeof(t->name), "%s", c->name);
		if (c->linktype != 1)
			t->link_flags |= TCLOG_IF_NO_ETH;
		f->hdr.n_ifaces = (uint32_t)i + 1;
	}
}

int lin_cap_fetch(struct log_input *in, struct lin_file *f, char *err, size_t errlen)
{
	for (;;) {
		int rc = capture_source_next(f->cap, &f->cpkt, err, errlen);
		if (rc <= 0)
			return rc;
		sync_cap_ifaces(f);
		f->rec = &f->cpkt.rec;
		f->bytes = f->cpkt.bytes;
		f->sock = NULL;
		if (in_range(in, f->rec->ts_ns))
			return 1;
	}
}

/* Opens the capture and reads its first packet: its time places the file
 * in the merge. Damage there is kept for when the merge reaches the file. */
int lin_cap_probe(struct log_input *in, struct lin_file *f, char *err, size_t errlen)
{
	f->cap = capture_source_open(f->path, err, errlen);
	if (!f->cap)
		return -1;
	struct stat st;
	f->pub.path = f->path;
	f->pub.size = strcmp(f->path, "-") && !stat(f->path, &st) ? (uint64_t)st.st_size : 0;
	f->pub.hdr = &f->hdr;
	f->hdr.rec_ifslot = 1;
	f->hdr.snaplen = 262144; /* the bytes are as captured: tcpdump's default */
	int rc = lin_cap_fetch(in, f, err, errlen);
	if (rc < 0 && !(f->cap_err = strdup(err))) {
		snprintf(err, errlen, "%s: out of memory", f->path);
		return -1;
	}
	sync_cap_ifaces(f);
	if (rc <= 0)
		f->rec = NULL;
	f->first_ns = f->last_ns = f->hdr.start_ns = rc > 0 ? f->rec->ts_ns : 0;
	return 0;
}

