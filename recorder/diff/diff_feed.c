/* SPDX-License-Identifier: MIT */
#include "diff_feed.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Batches amortise the lock; a few in flight let the reader run ahead. */
#define BATCH 512
#define NBATCH 8

struct batch {
	struct diff_pkt p[BATCH];
	int n;
	int status; /* after the n packets: 1 more follow, 0 end, -1 error */
	char err[512];
};

struct diff_feed {
	struct diff_src *src;
	bool threaded;
	struct diff_pkt cur;        /* unthreaded */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *ring;
	unsigned long head, tail;   /* batches consumed / produced */
	bool stop;
	struct batch *cb;           /* batch being consumed */
	int ci;
};

static void *reader(void *arg)
{
	struct diff_feed *f = arg;

	for (;;) {
		pthread_mutex_lock(&f->mu);
		while (f->tail - f->head == NBATCH && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		bool stop = f->stop;
		struct batch *b = &f->ring[f->tail % NBATCH];
		pthread_mutex_unlock(&f->mu);
		if (stop)
			return NULL;
		b->n = 0;
		b->status = 1;
		while (b->n < BATCH) {
			int r = diff_src_next(f->src, &b->p[b->n], b->err, sizeof(b->err));
			if (r <= 0) {
				b->status = r;
				break;
			}
			b->p[b->n].bytes = NULL;
			b->p[b->n].cap_len = 0;
			b->n++;
		}
		pthread_mutex_lock(&f->mu);
		f->tail++;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		if (b->status != 1)
			return NULL;
	}
}

struct diff_feed *diff_feed_new(struct diff_src *src, bool threaded)
{
	struct diff_feed *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->src = src;
	f->threaded = threaded;
	if (!threaded)
		return f;
	f->ring = calloc(NBATCH, sizeof(*f->ring));
	if (!f->ring)
		goto fail;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	int err = pthread_create(&f->th, NULL, reader, f);
	if (err) {
		pthread_cond_destroy(&f->cv);
		pthread_mutex_destroy(&f->mu);
		errno = err;
		goto fail;
	}
	return f;
fail:;
	int saved = errno;
	free(f->ring);
	free(f);
	errno = saved;
	return NULL;
}

int diff_feed_next(struct diff_feed *f, const struct diff_pkt **p, char *err, size_t errlen)
{
	if (!f->threaded) {
		int r = diff_src_next(f->src, &f->cur, err, errlen);
		*p = &f->cur;
		return r;
	}
	if (f->cb && f->ci < f->cb->n) {
		*p = &f->cb->p[f->ci++];
		return 1;
	}
	if (f->cb) {
		if (f->cb->status != 1) {
			if (f->cb->status < 0)
				snprintf(err, errlen, "%s", f->cb->err);
			return f->cb->status;
		}
		pthread_mutex_lock(&f->mu);
		f->head++;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
	}
	pthread_mutex_lock(&f->mu);
	while (f->tail == f->head)
		pthread_cond_wait(&f->cv, &f->mu);
	f->cb = &f->ring[f->head % NBATCH];
	pthread_mutex_unlock(&f->mu);
	f->ci = 0;
	return diff_feed_next(f, p, err, errlen);
}

const struct diff_pkt *diff_feed_peek(const struct diff_feed *f, int k)
{
	if (!f->threaded || !f->cb || f->ci - 1 + k >= f->cb->n)
		return NULL;
	return &f->cb->p[f->ci - 1 + k];
}

void diff_feed_free(struct diff_feed *f)
{
	if (!f)
		return;
	if (f->threaded) {
		pthread_mutex_lock(&f->mu);
		f->stop = true;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		pthread_join(f->th, NULL);
		pthread_cond_destroy(&f->cv);
		pthread_mutex_destroy(&f->mu);
		free(f->ring);
	}
	diff_src_close(f->src);
	free(f);
}
