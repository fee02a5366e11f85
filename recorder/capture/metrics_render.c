/* SPDX-License-Identifier: MIT */
/* The published snapshot as Prometheus text exposition, format 0.0.4. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "metrics.h"
#include "metrics_state.h"

#define LABEL_MAX (2 * (TCLOG_CONTAINER_MAX + 24 + TCLOG_IFNAME_MAX + 2))

static const char *const dir_name[2] = { "ingress", "egress" };

/* A label value as the format wants it: backslash, quote and newline
 * escaped. */
static void escape(const char *in, char *out, size_t len)
{
	size_t n = 0;

	for (; *in && n + 3 < len; in++) {
		if (*in == '\\' || *in == '"' || *in == '\n')
			out[n++] = '\\';
		out[n++] = *in == '\n' ? 'n' : *in;
	}
	out[n] = 0;
}

/* NS/IF once the interfaces span several namespaces, as print names them. */
static bool several_ns(const struct metrics_snap *s)
{
	uint64_t first = 0;

	for (uint32_t i = 0; i < s->n_ifaces; i++) {
		uint64_t ino = s->ifaces[i].netns_ino;
		if (!ino)
			continue;
		if (!first)
			first = ino;
		else if (ino != first)
			return true;
	}
	return false;
}

static void iface_label(const struct tclog_iface *ifc, bool with_ns, char *out, size_t len)
{
	char ns[TCLOG_CONTAINER_MAX + 24], name[LABEL_MAX / 2];

	tclog_iface_ns_label(ifc, ns, sizeof(ns));
	if (with_ns && ns[0])
		snprintf(name, sizeof(name), "%s/%.*s", ns, TCLOG_IFNAME_MAX, ifc->name);
	else
		snprintf(name, sizeof(name), "%.*s", TCLOG_IFNAME_MAX, ifc->name);
	escape(name, out, len);
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

enum per_dir { SEEN, RECORDED, FILTERED, DROPPED, BYTES };

static uint64_t per_dir_value(const struct metrics_snap *s, enum per_dir what, uint32_t i, int d)
{
	const struct tclog_counters *c = &s->fin.c[i][d];

	switch (what) {
	case SEEN: return c->seen;
	case RECORDED: return c->recorded;
	case FILTERED: return c->filtered;
	case DROPPED: return c->dropped;
	default: return s->bytes[i][d];
	}
}

static void per_iface(FILE *f, const struct metrics_snap *s, enum per_dir what, const char *name,
		      const char *help)
{
	bool with_ns = several_ns(s);
	char label[LABEL_MAX];

	head(f, name, "counter", help);
	for (uint32_t i = 0; i < s->n_ifaces; i++) {
		iface_label(&s->ifaces[i], with_ns, label, sizeof(label));
		for (int d = 0; d < 2; d++)
			fprintf(f, "%s{interface=\"%s\",direction=\"%s\"} %llu\n", name, label,
				dir_name[d], (unsigned long long)per_dir_value(s, what, i, d));
	}
}

static void one(FILE *f, const char *name, const char *type, const char *help, uint64_t v)
{
	head(f, name, type, help);
	fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

static void seconds(FILE *f, const char *name, const char *help, uint64_t ns)
{
	head(f, name, "gauge", help);
	fprintf(f, "%s %llu.%09llu\n", name, (unsigned long long)(ns / 1000000000ull),
		(unsigned long long)(ns % 1000000000ull));
}

static void output_side(FILE *f, const struct metrics_snap *s)
{
	one(f, "tcrec_packets_written_total", "counter",
	    "Records handed to the output (at exit: the records the output holds).", s->written);
	if (s->out.known) {
		one(f, "tcrec_files_written_total", "counter", "Files created by this run.",
		    s->out.files_written);
		one(f, "tcrec_files_rotated_total", "counter",
		    "Rotations to a new file (-C, -G, or a file deleted while written).",
		    s->out.files_rotated);
		one(f, "tcrec_files_deleted_total", "counter",
		    "Files of the -W ring deleted (ring full or disk full).", s->out.files_deleted);
		one(f, "tcrec_disk_bytes", "gauge",
		    "Bytes on disk of the output's files (the ring's, or this run's).",
		    s->out.disk_bytes);
	}
	if (s->last_flush_ns)
		seconds(f, "tcrec_last_flush_timestamp_seconds",
			"Wall-clock time of the last flush of the output.", s->last_flush_ns);
}

static void render_snap(FILE *f, const struct metrics_snap *s, uint64_t start_ns)
{
	head(f, "tcrec_build_info", "gauge", "The tcrec build, in labels; always 1.");
	fprintf(f, "tcrec_build_info{version=\"%s\",libbpf=\"%s\"} 1\n", TCREC_VERSION,
		libbpf_version_string());
	seconds(f, "tcrec_start_time_seconds", "Wall-clock time the recording started.", start_ns);
	if (s->counters_ok) {
		per_iface(f, s, SEEN, "tcrec_packets_seen_total", "Packets seen on the TC hooks.");
		per_iface(f, s, RECORDED, "tcrec_packets_recorded_total",
			  "Packets put into the ring buffer.");
		per_iface(f, s, FILTERED, "tcrec_packets_filtered_total",
			  "Packets the filter expression (or --cgroup) rejected.");
		per_iface(f, s, DROPPED, "tcrec_packets_dropped_total",
			  "Packets lost because the ring buffer was full.");
	}
	per_iface(f, s, BYTES, "tcrec_bytes_recorded_total",
		  "Wire bytes of the packets handed to the output.");
	if (s->ring_known) {
		one(f, "tcrec_ringbuf_used_bytes", "gauge",
		    "Bytes in the ring buffer not yet read by the recorder.", s->ring_used);
		one(f, "tcrec_ringbuf_size_bytes", "gauge", "Size of the ring buffer.", s->ring_size);
	}
	output_side(f, s);
}

int metrics_render(struct metrics *m, FILE *f)
{
	pthread_mutex_lock(&m->lock);
	render_snap(f, &m->pub, m->start_ns);
	pthread_mutex_unlock(&m->lock);
	return ferror(f) ? -EIO : 0;
}
