/* SPDX-License-Identifier: MIT */
#include "export_tclog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_progress.h"
#include "filter/read_filter.h"
#include "formats/tclog.h"
#include "logging.h"
#include "read/log_input.h"

struct tclog_out {
	struct tclog_writer *w;
	uint32_t *slots;  /* [file * TCREC_MAX_IFACES + slot] = new slot + 1, 0 = none yet */
	size_t nfiles;
	uint32_t n;       /* interfaces written */
};

/* The output's slot for the packet's interface, added on first use. */
static int out_slot(struct tclog_out *o, const struct log_packet *p, uint32_t *slot)
{
	size_t in = p->iface ? (size_t)(p->iface - p->hdr->ifaces) : 0;
	size_t k = p->file * TCREC_MAX_IFACES + in;
	if (p->file >= o->nfiles || in >= TCREC_MAX_IFACES)
		return -EINVAL;
	if (!o->slots[k]) {
		struct tclog_iface ifc = { 0 };
		if (p->iface)
			ifc = *p->iface;
		if (o->n >= TCREC_MAX_IFACES)
			return -ENOSPC;
		int e = tclog_writer_add_iface(o->w, o->n, &ifc);
		if (e)
			return e;
		o->slots[k] = ++o->n;
	}
	*slot = o->slots[k] - 1;
	return 0;
}

static int copy_all(struct tclog_out *o, struct log_input *in, struct read_filter *filter,
		    const char *out, struct cli_progress *pg)
{
	char err[512];
	struct log_packet p;
	int rc;
	while ((rc = log_input_next(in, &p, err, sizeof(err))) == 1) {
		cli_progress_packet(pg);
		if (!read_filter_accepts(filter, &p))
			continue;
		struct tcrec_record r = *p.rec;
		int e = out_slot(o, &p, &r.ifindex);
		if (!e)
			e = tclog_writer_append_sock(o->w, &r, p.bytes, p.sock);
		if (e) {
			pr_warn("%s: %s", out, strerror(-e));
			return -1;
		}
	}
	if (rc < 0) {
		pr_warn("%s", err);
		return 1;
	}
	return 0;
}

int export_tclog(struct log_input *in, struct read_filter *filter, const char *out, bool progress)
{
	static struct tclog_header hdr; /* large: the interface table */
	struct tclog_out o = { .nfiles = log_input_nfiles(in) };
	const struct log_input_file *first = log_input_file(in, 0);
	memset(&hdr, 0, sizeof(hdr));
	if (first) {
		memcpy(hdr.host, first->hdr->host, sizeof(hdr.host));
		memcpy(hdr.kernel, first->hdr->kernel, sizeof(hdr.kernel));
		hdr.snaplen = first->hdr->snaplen;
		hdr.snap_cap = first->hdr->snap_cap;
	}
	hdr.start_ns = log_input_start_ns(in);
	o.slots = calloc(o.nfiles * TCREC_MAX_IFACES, sizeof(*o.slots));
	if (!o.slots) {
		pr_warn("out of memory");
		return EXIT_RUNTIME;
	}
	o.w = tclog_writer_open(out, &hdr);
	if (!o.w) {
		pr_warn("%s: %s", out, strerror(errno));
		free(o.slots);
		return EXIT_RUNTIME;
	}
	struct cli_progress pg;
	cli_progress_begin(&pg, progress, "tcrec export", in);
	int stopped = copy_all(&o, in, filter, out, &pg);
	cli_progress_end(&pg);
	struct tclog_final *fin = calloc(1, sizeof(*fin));
	if (fin)
		tclog_writer_stored_counts(o.w, fin);
	int e = tclog_writer_close(o.w, fin);
	free(fin);
	free(o.slots);
	if (e)
		pr_warn("%s: %s", out, strerror(-e));
	if (e || stopped < 0) {
		unlink(out); /* a half-written export is worse than none */
		return EXIT_RUNTIME;
	}
	return stopped || log_input_problems(in) ? EXIT_RUNTIME : EXIT_OK;
}
