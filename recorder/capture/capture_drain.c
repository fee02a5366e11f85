/* SPDX-License-Identifier: MIT */
#include "capture_drain.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "logging.h"
#include "capture_clock.h"
#include "owner_table.h"

#define NSEC 1000000000ull
/* The kernel side wakes us only for a backlog (wakeup_bytes): this is how
 * long records may wait otherwise. */
#define POLL_MS 20
/* While records keep coming, the loop may not get back to poll: check the
 * flush deadline from the callback every so many records. */
#define FLUSH_CHECK_EVERY 4096

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void capture_install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: epoll_wait must return so that the loop sees the flag */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

struct drain {
	struct record_sink *sink;
	const struct capture *c;
	struct owner_table *owners;
	int64_t clock_off;
	uint64_t limit;
	uint64_t last_flush;
	uint64_t flush_ns;       /* --flush-ms */
	struct record_stats *st;
	bool full;
};

static int maybe_flush(struct drain *d, uint64_t now)
{
	if (now - d->last_flush < d->flush_ns)
		return 0;
	d->last_flush = now;
	int err = d->sink->flush(d->sink);
	if (err && !d->st->sink_err)
		d->st->sink_err = err;
	if (!err && d->st->metrics)
		metrics_flushed(d->st->metrics, capture_wall_ns());
	return err;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct drain *d = ctx;
	struct tcrec_record rec;

	if (d->full)
		return 0;
	if (size < sizeof(rec)) {
		d->st->malformed++;
		return 0;
	}
	/* the ring is mapped read-only: convert the time in a copy */
	memcpy(&rec, data, sizeof(rec));
	if (rec.cap_len > size - sizeof(rec)) {
		d->st->malformed++;
		return 0;
	}
	rec.ts_ns = (uint64_t)((int64_t)rec.ts_ns + d->clock_off);
	const struct tclog_sock *sock = NULL;
	if (d->owners) {
		const struct tclog_iface *ifc = rec.ifindex < capture_n_ifaces(d->c)
							? capture_iface(d->c, rec.ifindex)
							: NULL;

		sock = owner_table_resolve(d->owners, &rec, ifc ? ifc->netns_ino : 0);
	} else {
		rec.sock_cookie = 0;
	}
	int err = d->sink->write(d->sink, &rec, (const char *)data + sizeof(rec), sock);
	if (err) {
		d->st->sink_err = err;
		return err;
	}
	d->st->written++;
	if (d->st->metrics)
		metrics_count(d->st->metrics, rec.ifindex, rec.dir, rec.wire_len);
	if (d->limit && d->st->written >= d->limit)
		d->full = true;
	if (d->st->written % FLUSH_CHECK_EVERY == 0)
		return maybe_flush(d, capture_clock_ns(CLOCK_MONOTONIC));
	return 0;
}

static void status_line(const struct drain *d, const struct capture *c)
{
	struct tclog_final fin;
	uint64_t seen = 0, dropped = 0;
	uint32_t n_ifaces = capture_n_ifaces(c);

	if (capture_counters(c, &fin))
		return;
	for (uint32_t i = 0; i < n_ifaces; i++)
		for (int dir = 0; dir < 2; dir++) {
			seen += fin.c[i][dir].seen;
			dropped += fin.c[i][dir].dropped;
		}
	fprintf(stderr, "\r%llu packets captured, %llu seen, %llu dropped by the ring buffer\033[K",
		(unsigned long long)d->st->written, (unsigned long long)seen,
		(unsigned long long)dropped);
}

int capture_drain(struct capture *c, struct iface_follow *f, struct record_sink *sink,
		  const struct record_opts *o, int64_t clock_off, struct record_stats *st)
{
	uint64_t start = capture_clock_ns(CLOCK_MONOTONIC);
	struct drain d = {
		.sink = sink,
		.c = c,
		.owners = capture_owners(c),
		.clock_off = clock_off,
		.limit = o->count,
		.last_flush = start,
		.flush_ns = (o->flush_ms ? o->flush_ms : 1000) * 1000000ull,
		.st = st,
	};
	uint64_t deadline = o->duration > 0 ? start + (uint64_t)(o->duration * NSEC) : 0;
	bool status = !tcrec_quiet && isatty(STDERR_FILENO);
	uint64_t last_status = start;
	int err = 0;

	struct ring_buffer *rb = ring_buffer__new(capture_ring_fd(c), on_sample, &d, NULL);
	if (!rb) {
		err = -errno;
		pr_warn("opening the ring buffer: %s", strerror(-err));
		capture_detach(c);
		return err;
	}
	while (!stop_requested && !d.full && !st->sink_err) {
		int n = ring_buffer__poll(rb, POLL_MS);

		/* a timeout consumes nothing by itself */
		if (n >= 0 || n == -EINTR)
			n = ring_buffer__consume(rb);
		if (n < 0 && n != -EINTR) {
			if (!st->sink_err) {
				err = n;
				pr_warn("reading the ring buffer: %s", strerror(-n));
			}
			break;
		}
		uint64_t now = capture_clock_ns(CLOCK_MONOTONIC);
		maybe_flush(&d, now);
		if (st->metrics)
			metrics_tick(st->metrics, c, now);
		if (sink->tick && !st->sink_err) {
			int t = sink->tick(sink, capture_wall_ns());
			if (t < 0)
				st->sink_err = t;
			if (t)
				break;
		}
		if (deadline && now >= deadline)
			break;
		/* after the ring: records of an interface that went away are in */
		int fr = f ? iface_follow_poll(f) : 0;
		if (fr) {
			if (fr < 0)
				pr_warn("watching the interfaces: %s", strerror(-fr));
			err = fr < 0 ? fr : -ENODEV;
			break;
		}
		if (status && now - last_status >= NSEC) {
			last_status = now;
			status_line(&d, c);
		}
	}
	if (status)
		fputs("\r\033[K", stderr);
	/* No new records once detached: what is in the ring now is all. */
	capture_detach(c);
	if (!st->sink_err && !d.full)
		ring_buffer__consume(rb);
	ring_buffer__free(rb);
	if (st->sink_err == -EPIPE) {
		/* The reader of the pipe left (tcpdump -c N, head): a normal end. */
		pr_info("%s: the reader closed the pipe", o->out);
		return 0;
	}
	if (st->sink_err) {
		pr_warn("writing %s: %s", sink->name ? sink->name(sink) : o->out,
			strerror(-st->sink_err));
		return st->sink_err;
	}
	return err;
}
