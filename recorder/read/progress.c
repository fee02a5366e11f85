/* SPDX-License-Identifier: MIT */
#include "progress.h"

#include <stdlib.h>
#include <time.h>

#include "logging.h"

/* Four redraws a second: often enough to look alive, rarely enough that
 * a slow terminal or a log of the session does not fill up. */
#define REDRAW_NS 250000000ull

struct progress {
	FILE *out;
	const char *label;
	uint64_t total;
	uint64_t start_ns;
	uint64_t last_ns;
	bool drawn;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct progress *progress_start(FILE *out, const char *label, uint64_t total_bytes)
{
	struct progress *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->out = out;
	p->label = label;
	p->total = total_bytes;
	p->start_ns = p->last_ns = mono_ns();
	return p;
}

bool progress_due(const struct progress *p)
{
	return p && mono_ns() - p->last_ns >= REDRAW_NS;
}

static void put_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024.0 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

/* h:mm:ss, or m:ss under an hour, as a countdown reads. */
static void put_duration(char *buf, size_t len, double secs)
{
	uint64_t s = secs > 0 ? (uint64_t)(secs + 0.5) : 0;
	if (s >= 3600)
		snprintf(buf, len, "%llu:%02llu:%02llu", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
	else
		snprintf(buf, len, "%llu:%02llu", (unsigned long long)(s / 60), (unsigned long long)(s % 60));
}

/* One line, no wider than 80 columns for sizes up to TiB and rates up to
 * 10^9 packets/s, so that \r finds its start on any common terminal. */
static void draw(struct progress *p, uint64_t done, uint64_t packets, uint64_t now, bool last)
{
	double secs = (double)(now - p->start_ns) / 1e9;
	double rate = secs > 0 ? (double)packets / secs : 0.0;
	char size[32], when[32];

	fprintf(p->out, "\r%s: ", p->label);
	if (p->total) {
		if (done > p->total)
			done = p->total;
		put_size(size, sizeof(size), p->total);
		fprintf(p->out, "%3u%% of %s, ", (unsigned)(done * 100 / p->total), size);
	}
	fprintf(p->out, "%llu pkts", (unsigned long long)packets);
	if (last) {
		fprintf(p->out, " in %.1f s, %.0f pkts/s\033[K\n", secs, rate);
		fflush(p->out);
		log_line_open(false);
		return;
	}
	fprintf(p->out, ", %.0f pkts/s", rate);
	if (p->total && done) {
		put_duration(when, sizeof(when), secs * (double)(p->total - done) / (double)done);
		fprintf(p->out, ", %s left", when);
	} else if (p->total) {
		fputs(", --:-- left", p->out);
	}
	fputs("\033[K", p->out);
	fflush(p->out);
	log_line_open(p->out == stderr);
}

void progress_tick(struct progress *p, uint64_t bytes_done, uint64_t packets)
{
	if (!p)
		return;
	uint64_t now = mono_ns();
	if (now - p->last_ns < REDRAW_NS)
		return;
	p->last_ns = now;
	p->drawn = true;
	draw(p, bytes_done, packets, now, false);
}

void progress_finish(struct progress *p, uint64_t bytes_done, uint64_t packets)
{
	if (!p)
		return;
	if (p->drawn)
		draw(p, bytes_done, packets, mono_ns(), true);
	free(p);
}
