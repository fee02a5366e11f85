/* SPDX-License-Identifier: MIT */
/* The metrics' state: what the drain loop counts, and the snapshot it
 * publishes for the server and the file writer. */
#include "metrics.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "capture_clock.h"
#include "metrics_state.h"

struct metrics *metrics_new(uint64_t start_ns)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	pthread_mutex_init(&m->lock, NULL);
	m->start_ns = start_ns;
	m->cons = m->prod = MAP_FAILED;
	return m;
}

struct sink_stats *metrics_sink_stats(struct metrics *m)
{
	return &m->sink;
}

void metrics_count(struct metrics *m, uint32_t slot, uint8_t dir, uint32_t wire_len)
{
	if (slot >= TCREC_MAX_IFACES || dir > 1)
		return;
	m->work.bytes[slot][dir] += wire_len;
	m->work.written++;
}

void metrics_flushed(struct metrics *m, uint64_t wall_ns)
{
	m->work.last_flush_ns = wall_ns;
}

/* The ring buffer's consumer and producer positions, mapped read-only
 * (the kernel's layout: a consumer page, then a producer page). Without
 * them the fill is not shown. */
static void map_ring(struct metrics *m, int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	m->ring_tried = true;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || info.type != BPF_MAP_TYPE_RINGBUF)
		return;
	m->page = (size_t)sysconf(_SC_PAGESIZE);
	m->cons = mmap(NULL, m->page, PROT_READ, MAP_SHARED, fd, 0);
	m->prod = mmap(NULL, m->page, PROT_READ, MAP_SHARED, fd, (off_t)m->page);
	m->ring_size = info.max_entries;
}

static void read_ring(struct metrics *m, struct metrics_snap *s)
{
	if (m->cons == MAP_FAILED || m->prod == MAP_FAILED)
		return;
	uint64_t cons = __atomic_load_n((const uint64_t *)m->cons, __ATOMIC_ACQUIRE);
	uint64_t prod = __atomic_load_n((const uint64_t *)m->prod, __ATOMIC_ACQUIRE);
	s->ring_known = true;
	s->ring_size = m->ring_size;
	s->ring_used = prod >= cons ? prod - cons : 0;
}

/* What the snapshot holds besides the drain's own counts. */
static void gather(struct metrics *m, const struct capture *c)
{
	struct metrics_snap *w = &m->work;
	uint32_t n = capture_n_ifaces(c);

	w->n_ifaces = n > TCREC_MAX_IFACES ? TCREC_MAX_IFACES : n;
	for (uint32_t i = 0; i < w->n_ifaces; i++)
		w->ifaces[i] = *capture_iface(c, i);
	w->counters_ok = !capture_counters(c, &w->fin);
	w->out = m->sink;
	if (!m->ring_tried)
		map_ring(m, capture_ring_fd(c));
	read_ring(m, w);
}

/* Only the live part of the arrays: a snapshot is large. */
static void snap_copy(struct metrics_snap *d, const struct metrics_snap *s)
{
	uint32_t n = s->n_ifaces;

	memcpy(d->ifaces, s->ifaces, n * sizeof(s->ifaces[0]));
	memcpy(d->fin.c, s->fin.c, n * sizeof(s->fin.c[0]));
	memcpy(d->bytes, s->bytes, n * sizeof(s->bytes[0]));
	d->n_ifaces = n;
	d->counters_ok = s->counters_ok;
	d->written = s->written;
	d->ring_known = s->ring_known;
	d->ring_used = s->ring_used;
	d->ring_size = s->ring_size;
	d->out = s->out;
	d->last_flush_ns = s->last_flush_ns;
	d->published = true;
}

void metrics_tick(struct metrics *m, const struct capture *c, uint64_t now)
{
	if (m->last_publish && now - m->last_publish < METRICS_PUBLISH_MS * 1000000ull)
		return;
	/* the lock is held only while a reader renders: try again next turn */
	if (pthread_mutex_trylock(&m->lock))
		return;
	m->last_publish = now;
	gather(m, c);
	snap_copy(&m->pub, &m->work);
	pthread_mutex_unlock(&m->lock);
}

void metrics_final(struct metrics *m, const struct capture *c, const struct tclog_final *fin,
		   uint64_t stored)
{
	pthread_mutex_lock(&m->lock);
	gather(m, c);
	if (fin) {
		m->work.fin = *fin;
		m->work.counters_ok = true;
	}
	m->work.written = stored;
	/* closing flushed the last records */
	if (m->sink.known)
		m->work.last_flush_ns = capture_wall_ns();
	snap_copy(&m->pub, &m->work);
	pthread_mutex_unlock(&m->lock);
	if (m->file)
		metrics_file_stop(m->file, m);
	m->file = NULL;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	metrics_http_stop(m->http);
	if (m->file)
		metrics_file_stop(m->file, m);
	if (m->cons != MAP_FAILED)
		munmap(m->cons, m->page);
	if (m->prod != MAP_FAILED)
		munmap(m->prod, m->page);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
