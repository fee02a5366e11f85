/* SPDX-License-Identifier: MIT */
#include "sink_tee.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "logging.h"
#include "sink_rotating.h"

struct tee {
	struct record_sink base;
	struct record_sink *side[2]; /* 0: -w, 1: the tcrec log */
	struct record_opts log_opts; /* what the log's sink reads while it lives */
	int failed;                  /* the side that failed first, -1 = none */
};

/* Keeps the first failure: later messages name the side at fault. */
static int side_err(struct tee *t, int side, int err)
{
	if (err && t->failed < 0)
		t->failed = side;
	return err;
}

static int tee_write(struct record_sink *s, const struct tcrec_record *rec, const void *bytes,
		     const struct tclog_sock *sock)
{
	struct tee *t = (struct tee *)s;
	int err = side_err(t, 0, t->side[0]->write(t->side[0], rec, bytes, sock));

	/* the -w reader gone (EPIPE) ends the recording; the log keeps what
	 * came before */
	if (err)
		return err;
	return side_err(t, 1, t->side[1]->write(t->side[1], rec, bytes, sock));
}

static int tee_flush(struct record_sink *s)
{
	struct tee *t = (struct tee *)s;
	int e0 = side_err(t, 0, t->side[0]->flush(t->side[0]));
	int e1 = side_err(t, 1, t->side[1]->flush(t->side[1]));

	return e0 ? e0 : e1;
}

static int tee_tick(struct record_sink *s, uint64_t wall_ns)
{
	struct tee *t = (struct tee *)s;
	int r0 = 0, r1 = 0;

	if (t->side[0]->tick)
		r0 = t->side[0]->tick(t->side[0], wall_ns);
	if (t->side[1]->tick)
		r1 = t->side[1]->tick(t->side[1], wall_ns);
	if (r0 < 0)
		return side_err(t, 0, r0);
	if (r1 < 0)
		return side_err(t, 1, r1);
	return r0 || r1;
}

static int tee_add_iface(struct record_sink *s, uint32_t slot, const struct tclog_iface *ifc)
{
	struct tee *t = (struct tee *)s;

	for (int i = 0; i < 2; i++) {
		struct record_sink *x = t->side[i];
		int err = x->add_iface ? x->add_iface(x, slot, ifc) : 0;
		if (err)
			return side_err(t, i, err);
	}
	return 0;
}

static const char *tee_name(const struct record_sink *s)
{
	const struct tee *t = (const struct tee *)s;

	return t->side[t->failed > 0]->name(t->side[t->failed > 0]);
}

/* The -w side's count is the recording's; the log's error is said here
 * unless a write said it already (the caller names only one output). */
static int tee_close(struct record_sink *s, const struct tclog_final *fin, uint64_t *stored)
{
	struct tee *t = (struct tee *)s;
	uint64_t log_stored = 0;
	int e0 = t->side[0]->close(t->side[0], fin, stored);
	int e1 = t->side[1]->close(t->side[1], fin, &log_stored);

	if (e1 && t->failed != 1)
		pr_warn("%s: %s", t->log_opts.out, strerror(-e1));
	free(t);
	return e0 ? e0 : e1;
}

static void tee_discard(struct record_sink *s)
{
	struct tee *t = (struct tee *)s;

	t->side[0]->discard(t->side[0]);
	t->side[1]->discard(t->side[1]);
	free(t);
}

struct record_sink *sink_tee_open(const struct record_opts *o, const struct tclog_header *hdr,
				  const struct sink_counters *counters)
{
	if (!o->tee_log)
		return record_sink_open(o, hdr, counters);

	struct tee *t = calloc(1, sizeof(*t));
	if (!t) {
		pr_warn("out of memory");
		return NULL;
	}
	t->failed = -1;
	t->log_opts = *o;
	t->log_opts.out = o->tee_log;
	t->log_opts.format = RECORD_TCREC;
	t->log_opts.rotate_bytes = 0;
	t->log_opts.rotate_secs = 0;
	t->log_opts.max_files = 0;
	/* one set of output figures: the metrics follow the -w side */
	struct sink_counters log_counters = { 0 };
	if (counters) {
		log_counters = *counters;
		log_counters.stats = NULL;
	}
	t->side[1] = sink_rotating_open(&t->log_opts, hdr, counters ? &log_counters : NULL);
	if (!t->side[1]) {
		int err = errno;
		free(t);
		errno = err;
		return NULL;
	}
	t->side[0] = record_sink_open(o, hdr, counters);
	if (!t->side[0]) {
		int err = errno;
		t->side[1]->discard(t->side[1]);
		free(t);
		errno = err;
		return NULL;
	}
	t->base = (struct record_sink){
		.write = tee_write,
		.flush = tee_flush,
		.close = tee_close,
		.discard = tee_discard,
		.tick = tee_tick,
		.add_iface = tee_add_iface,
		.name = tee_name,
	};
	return &t->base;
}
