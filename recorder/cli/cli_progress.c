/* SPDX-License-Identifier: MIT */
#include "cli_progress.h"

#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "diff/diff_source.h"
#include "read/log_input.h"
#include "read/progress.h"

int cli_progress_option(int c, enum cli_progress_mode *mode)
{
	if (c == CLI_OPT_PROGRESS)
		*mode = CLI_PROGRESS_ON;
	else if (c == CLI_OPT_NO_PROGRESS)
		*mode = CLI_PROGRESS_OFF;
	else
		return 0;
	return 1;
}

bool cli_progress_wanted(enum cli_progress_mode mode, bool streams)
{
	if (mode != CLI_PROGRESS_AUTO)
		return mode == CLI_PROGRESS_ON;
	return isatty(STDERR_FILENO) && !streams;
}

void cli_progress_begin(struct cli_progress *cp, bool on, const char *label, struct log_input *in)
{
	uint64_t done, total;

	*cp = (struct cli_progress){ .in = in };
	if (!on)
		return;
	log_input_bytes(in, &done, &total);
	cp->meter = progress_start(stderr, label, total);
}

void cli_progress_redraw(struct cli_progress *cp)
{
	uint64_t done, total;

	if (!progress_due(cp->meter))
		return;
	log_input_bytes(cp->in, &done, &total);
	progress_tick(cp->meter, done, cp->packets);
}

void cli_progress_end(struct cli_progress *cp)
{
	uint64_t done, total;

	if (!cp->meter)
		return;
	log_input_bytes(cp->in, &done, &total);
	progress_finish(cp->meter, done, cp->packets);
	cp->meter = NULL;
}

/* ---- diff ---- */

struct cli_progress_diff {
	struct progress *meter;
	struct diff_src *src[2]; /* not owned: the engine's */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
};

/* Both sides summed: one line for the whole comparison. */
static void diff_sample(const struct cli_progress_diff *d, uint64_t *done, uint64_t *total,
			uint64_t *packets)
{
	*done = *total = *packets = 0;
	bool known = true;
	for (int i = 0; i < 2; i++) {
		uint64_t dn, t, n;
		diff_src_progress(d->src[i], &dn, &t, &n);
		known = known && t;
		*done += dn;
		*total += t;
		*packets += n;
	}
	if (!known)
		*total = 0;
}

static void *diff_ticker(void *arg)
{
	struct cli_progress_diff *d = arg;
	struct timespec at;

	pthread_mutex_lock(&d->mu);
	while (!d->stop) {
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_nsec += 100000000; /* the meter itself keeps to four a second */
		if (at.tv_nsec >= 1000000000) {
			at.tv_sec++;
			at.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&d->cv, &d->mu, &at);
		if (d->stop)
			break;
		uint64_t done, total, packets;
		diff_sample(d, &done, &total, &packets);
		progress_tick(d->meter, done, packets);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

struct cli_progress_diff *cli_progress_diff_begin(bool on, struct diff_src *const src[2])
{
	uint64_t done, total, packets;
	pthread_condattr_t ca;

	if (!on)
		return NULL;
	struct cli_progress_diff *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->src[0] = src[0];
	d->src[1] = src[1];
	diff_sample(d, &done, &total, &packets);
	d->meter = progress_start(stderr, "tcrec diff", total);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&d->mu, NULL);
	if (!d->meter || pthread_create(&d->th, NULL, diff_ticker, d)) {
		pthread_cond_destroy(&d->cv);
		pthread_mutex_destroy(&d->mu);
		progress_finish(d->meter, 0, 0); /* nothing drawn: only freed */
		free(d);
		return NULL;
	}
	return d;
}

void cli_progress_diff_end(struct cli_progress_diff *d)
{
	uint64_t done, total, packets;

	if (!d)
		return;
	pthread_mutex_lock(&d->mu);
	d->stop = true;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	pthread_join(d->th, NULL);
	diff_sample(d, &done, &total, &packets);
	progress_finish(d->meter, done, packets);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d);
}
