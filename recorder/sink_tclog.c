/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include "record_sink.h"

struct sink_tclog {
	struct record_sink base; /* first: the drain loop holds &base */
	struct tclog_writer *w;
};

static int tclog_write(struct record_sink *s, const struct tcrec_record *rec, const void *bytes)
{
	return tclog_writer_append(((struct sink_tclog *)s)->w, rec, bytes);
}

static int tclog_flush(struct record_sink *s)
{
	return tclog_writer_flush(((struct sink_tclog *)s)->w);
}

static int tclog_close(struct record_sink *s, const struct tclog_final *fin)
{
	if (!s)
		return 0;
	struct sink_tclog *t = (struct sink_tclog *)s;
	int err = tclog_writer_close(t->w, fin);
	free(t);
	return err;
}

static unsigned long long tclog_records(const struct record_sink *s)
{
	return tclog_writer_records(((const struct sink_tclog *)s)->w);
}

struct record_sink *sink_tclog_open(const char *path, const struct tclog_header *hdr)
{
	struct sink_tclog *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->w = tclog_writer_open(path, hdr);
	if (!t->w) {
		int err = errno;
		free(t);
		errno = err;
		return NULL;
	}
	t->base.write = tclog_write;
	t->base.flush = tclog_flush;
	t->base.close = tclog_close;
	t->base.records = tclog_records;
	return &t->base;
}
