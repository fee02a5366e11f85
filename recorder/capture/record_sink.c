/* SPDX-License-Identifier: MIT */
#include "record_sink.h"

#include <errno.h>
#include <string.h>

#include "logging.h"
#include "sink_pcapng.h"
#include "sink_rotating.h"

struct record_sink *record_sink_open(const struct record_opts *o, const struct tclog_header *hdr,
				     const struct sink_counters *counters)
{
	if (o->format == RECORD_TCREC)
		return sink_rotating_open(o, hdr, counters);

	enum export_format fmt = o->format == RECORD_PCAP ? EXPORT_PCAP : EXPORT_PCAPNG;
	struct record_sink *s = !strcmp(o->out, "-")
		? sink_pcapng_open(o->out, hdr, fmt)
		: sink_pcapng_create(o->out, o->run_uid, o->run_gid, hdr, fmt);
	if (!s && errno != EBUSY) /* EBUSY: said already */
		pr_warn("%s: cannot write: %s", o->out, strerror(errno));
	return s;
}

void record_sink_discard(struct record_sink *s)
{
	if (s)
		s->discard(s);
}
