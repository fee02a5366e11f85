/* SPDX-License-Identifier: MIT */
#include "diff_engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff_feed.h"
#include "diff_json.h"
#include "diff_report.h"
#include "diff_timeline.h"
#include "diff_unmatched.h"

struct diff_engine {
	struct diff_engine_cfg cfg;
	struct diff_src *src[2];   /* owned by feed[i] once it exists */
	struct diff_feed *feed[2];
	struct diff_flows flows;
	struct diff_unmatched *um;
	struct dm *m;
	struct diff_procs procs;   /* cfg.by_process */
	bool first_event;
	int um_err;                /* first write error of the unmatched file */
};

static void on_event(void *ctx, const struct dm_event *ev)
{
	struct diff_engine *e = ctx;
	struct diff_flow *f = &e->flows.v[ev->flow];

	switch (ev->kind) {
	case DM_LOST:
		f->lost++;
		if (e->cfg.by_process)
			diff_procs_lost(&e->procs, f->owner);
		break;
	case DM_ADDED:
		f->added++;
		break;
	case DM_DUP:
		f->dup++;
		break;
	case DM_REORDERED:
		f->reordered++;
		break;
	}
	if (e->cfg.listing) {
		if (e->cfg.listing_json)
			diff_event_json(e->cfg.listing, ev, &e->flows, e->first_event);
		else
			diff_event_text(e->cfg.listing, ev, &e->flows);
		e->first_event = false;
	}
	if (e->cfg.timeline)
		diff_timeline_event(e->cfg.timeline, ev);
	if (e->um && ev->kind != DM_REORDERED && !e->um_err)
		e->um_err = diff_unmatched_write(e->um, ev);
}

static void on_match(void *ctx, uint32_t flow, int64_t delay_ns)
{
	struct diff_engine *e = ctx;

	diff_procs_matched(&e->procs, e->flows.v[flow].owner, delay_ns);
}

static const char *owner_label(const void *ctx, uint32_t owner)
{
	return diff_src_owner_label(ctx, owner);
}

/* A's packet p of flow: the flow's process, if it has none yet. */
static int count_owner(struct diff_engine *e, const struct diff_pkt *p, uint32_t flow)
{
	struct diff_flow *f = &e->flows.v[flow];
	if (f->owner || !p->owner)
		return 0;
	f->owner = p->owner;
	return diff_procs_owner(&e->procs, p->owner);
}

static void on_retire(void *ctx, const struct diff_flow *x)
{
	struct diff_engine *e = ctx;

	diff_procs_packets(&e->procs, x->owner, x->pkts[0]);
}

static void on_release(void *ctx, uint32_t flow)
{
	struct diff_engine *e = ctx;

	diff_flows_release(&e->flows, flow);
}

static void count_side(struct diff_side *s, const struct diff_pkt *p, uint64_t window_ns)
{
	/* the matcher tolerates small inversions only: say when an input is
	 * not in time order, or its packets are judged before their twins come */
	if (s->packets && p->ts_ns + window_ns < s->prev_ns)
		s->backwards++;
	s->prev_ns = p->ts_ns;
	if (!s->packets || p->ts_ns < s->first_ns)
		s->first_ns = p->ts_ns;
	if (p->ts_ns > s->last_ns)
		s->last_ns = p->ts_ns;
	s->packets++;
	s->bytes += p->l3_bytes;
}

static int open_unmatched(struct diff_engine *e, char *err, size_t errlen)
{
	const char *const names[2] = { diff_src_path(e->src[0]), diff_src_path(e->src[1]) };
	const int lt[2] = { diff_src_linktype(e->src[0]), diff_src_linktype(e->src[1]) };

	e->um = diff_unmatched_open(e->cfg.unmatched, names, lt);
	if (!e->um) {
		int saved = errno;
		snprintf(err, errlen, "%s: %s", e->cfg.unmatched, strerror(saved));
		errno = saved;
		return -1;
	}
	return 0;
}

static int start_readers(struct diff_engine *e, char *err, size_t errlen)
{
	for (int i = 0; i < 2; i++) {
		/* unmatched packets are written with their bytes: read in line */
		e->feed[i] = diff_feed_new(e->src[i], e->cfg.unmatched == NULL);
		if (!e->feed[i]) {
			int saved = errno;
			snprintf(err, errlen, "cannot start a reader: %s", strerror(saved));
			errno = saved;
			return -1;
		}
	}
	return 0;
}

struct diff_engine *diff_engine_new(struct diff_src *const src[2], const struct diff_engine_cfg *cfg,
				    char *err, size_t errlen)
{
	struct diff_engine *e = calloc(1, sizeof(*e));

	if (!e) {
		diff_src_close(src[0]);
		diff_src_close(src[1]);
		goto nomem;
	}
	e->cfg = *cfg;
	e->src[0] = src[0];
	e->src[1] = src[1];
	e->first_event = true;
	/* what only the bytes tell is used when both sides have them */
	bool bytes = diff_src_has_bytes(src[0]) && diff_src_has_bytes(src[1]);
	for (int i = 0; i < 2; i++)
		diff_src_past_tags(src[i], bytes);
	if (diff_flows_init(&e->flows, cfg->top) < 0)
		goto nomem;
	if (cfg->by_process) {
		e->flows.on_retire = on_retire;
		e->flows.retire_ctx = e;
		if (diff_procs_owner(&e->procs, 0) < 0) /* "-": no process */
			goto nomem;
	}
	if (cfg->unmatched && open_unmatched(e, err, errlen) < 0)
		goto fail;
	if (cfg->by_process && diff_src_track_owners(src[0], err, errlen) < 0)
		goto fail;
	const struct dm_cfg mcfg = {
		.window_ns = cfg->window_ns,
		.offset_ns = cfg->offset_ns,
		.keep_bytes = cfg->unmatched != NULL,
		.on_event = on_event,
		.on_release = on_release,
		.on_match = cfg->by_process ? on_match : NULL,
		.ctx = e,
	};
	e->m = dm_new(&mcfg);
	if (!e->m)
		goto nomem;
	if (start_readers(e, err, errlen) < 0)
		goto fail;
	return e;
nomem:
	snprintf(err, errlen, "out of memory");
	errno = ENOMEM;
fail:;
	int saved = errno;
	diff_engine_free(e);
	errno = saved;
	return NULL;
}

/* Look-ahead distances (packets of one side) of the two prefetch stages. */
#define PREFETCH_FAR 12
#define PREFETCH_NEAR 6

/* The table is far bigger than the caches: load what the packets a few
 * places ahead of side i will touch, bucket first, then its chain; next is
 * the side's next packet (NULL at its end). */
static void prefetch(const struct diff_engine *e, int i, const struct diff_pkt *next)
{
	const struct diff_pkt *ahead = diff_feed_peek(e->feed[i], PREFETCH_FAR);

	if (ahead)
		dm_prefetch(e->m, ahead);
	ahead = diff_feed_peek(e->feed[i], PREFETCH_NEAR);
	if (ahead)
		dm_prefetch_chain(e->m, ahead);
	else if (next)
		dm_prefetch(e->m, next);
}

/* The merge: both inputs in one stream ordered by time on A's clock. */
static int merge(struct diff_engine *e, struct diff_result *res, char *err, size_t errlen)
{
	const struct diff_pkt *pkt[2] = { NULL, NULL };
	const uint64_t window_ns = e->cfg.window_ns;
	int more[2];
	int64_t now = INT64_MIN;

	for (int i = 0; i < 2; i++)
		if ((more[i] = diff_feed_next(e->feed[i], &pkt[i], err, errlen)) < 0)
			return -EIO;
	while (more[0] > 0 || more[1] > 0) {
		int64_t t0 = more[0] > 0 ? (int64_t)pkt[0]->ts_ns : 0;
		int64_t t1 = more[1] > 0 ? (int64_t)pkt[1]->ts_ns - e->cfg.offset_ns : 0;
		int i = more[0] > 0 && (more[1] <= 0 || t0 <= t1) ? 0 : 1;
		int64_t t = i ? t1 : t0;
		uint32_t flow = diff_flows_add(&e->flows, i, pkt[i], t);
		if (t > now)
			now = t;
		/* flows retire once their packets have left the matcher */
		if (!flow || (!i && e->cfg.by_process && count_owner(e, pkt[i], flow) < 0) ||
		    dm_push(e->m, i, pkt[i], t, flow) < 0 ||
		    diff_flows_expire(&e->flows, now, window_ns) < 0) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		count_side(&res->side[i], pkt[i], window_ns);
		if (e->um_err) {
			snprintf(err, errlen, "%s: %s", e->cfg.unmatched, strerror(-e->um_err));
			return e->um_err;
		}
		if ((more[i] = diff_feed_next(e->feed[i], &pkt[i], err, errlen)) < 0)
			return -EIO;
		prefetch(e, i, more[i] > 0 ? pkt[i] : NULL);
	}
	dm_finish(e->m);
	if (diff_flows_finish(&e->flows) < 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int diff_engine_run(struct diff_engine *e, struct diff_result *res, char *err, size_t errlen)
{
	for (int i = 0; i < 2; i++) {
		res->side[i].path = diff_src_path(e->src[i]);
		res->side[i].kind = diff_src_kind(e->src[i]);
	}
	int rc = merge(e, res, err, errlen);
	if (rc)
		return rc;
	if (e->um) {
		rc = diff_unmatched_close(e->um);
		e->um = NULL;
		if (rc) {
			snprintf(err, errlen, "%s: %s", e->cfg.unmatched, strerror(-rc));
			return rc;
		}
	}
	for (int i = 0; i < 2; i++) {
		res->side[i].capture_drops = diff_src_capture_drops(e->src[i]);
		res->side[i].damaged = diff_src_damaged(e->src[i]);
	}
	res->window_ns = e->cfg.window_ns;
	res->offset_ns = e->cfg.offset_ns;
	res->st = dm_stats(e->m);
	res->hist = dm_delays(e->m);
	res->flows = &e->flows;
	res->top = (unsigned)e->cfg.top;
	if (e->cfg.by_process) {
		diff_procs_finish(&e->procs, owner_label, e->src[0]);
		res->procs = &e->procs;
	}
	res->same = !res->st->lost && !res->st->added && !res->st->dup && !res->st->reordered;
	return 0;
}

void diff_engine_free(struct diff_engine *e)
{
	if (!e)
		return;
	diff_unmatched_close(e->um);
	dm_free(e->m);
	diff_flows_free(&e->flows);
	diff_procs_free(&e->procs);
	for (int i = 0; i < 2; i++) {
		if (e->feed[i])
			diff_feed_free(e->feed[i]); /* closes src[i] */
		else
			diff_src_close(e->src[i]);
	}
	free(e);
}
