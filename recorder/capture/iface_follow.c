/* SPDX-License-Identifier: MIT */
#include "iface_follow.h"

#include <errno.h>
#include <fnmatch.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logging.h"
#include "link_watch.h"

/* Links found before the programs are loaded wait here. */
#define PENDING_MAX TCREC_MAX_IFACES

struct live_slot {
	uint64_t netns_ino;
	uint32_t ifindex;
	uint32_t slot;
	int spec;            /* the -i that matched, -1 for a pattern or any */
};

struct iface_follow {
	const struct record_opts *o;
	struct link_watch *w;
	struct capture *c;
	struct record_sink *sink;
	bool show_ns;        /* labels are NS/IF: more than the own namespace */
	bool started;        /* attach at once, else keep in pending */
	bool stop;
	bool found[TCREC_MAX_IFACES]; /* per -i: matched a link at some point */
	struct watched_link *pending;
	int n_pending;
	struct live_slot live[TCREC_MAX_IFACES];
	int n_live;
	uint64_t next_due_ns;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool is_pattern(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static bool is_exact(const char *s)
{
	return strcmp(s, "any") && !is_pattern(s);
}


/* The -i that selects l: its index, -1 for a pattern or "any", -2 none.
 * Without -i every link of the namespaces asked for is recorded. */
static int match_spec(const struct record_opts *o, const struct watched_link *l)
{
	if (o->host_side != l->host_side)
		return -2;
	if (!o->n_ifaces)
		return -1;
	for (int i = 0; i < o->n_ifaces; i++) {
		const char *s = o->ifnames[i];

		if (!strcmp(s, "any") || (is_pattern(s) && !fnmatch(s, l->name, 0)))
			return -1;
		if (!strcmp(s, l->name))
			return i;
	}
	return -2;
}

static void link_to_iface(const struct watched_link *l, struct tclog_iface *ifc)
{
	memset(ifc, 0, sizeof(*ifc));
	ifc->ifindex = l->ifindex;
	ifc->mtu = l->mtu;
	if (!l->no_eth)
		memcpy(ifc->mac, l->mac, sizeof(ifc->mac));
	ifc->link_flags = (l->no_eth ? TCLOG_IF_NO_ETH : 0) | (l->host_side ? TCLOG_IF_HOST_SIDE : 0);
	snprintf(ifc->name, sizeof(ifc->name), "%s", l->name);
	ifc->netns_ino = l->netns_ino;
	snprintf(ifc->ns_name, sizeof(ifc->ns_name), "%s", l->ns_name);
	snprintf(ifc->container, sizeof(ifc->container), "%s", l->container);
}

static const char *label_of(const struct iface_follow *f, const struct tclog_iface *ifc, char *buf,
			    size_t len)
{
	char ns[80];

	if (!f->show_ns)
		snprintf(buf, len, "%s", ifc->name);
	else
		snprintf(buf, len, "%s/%s", tclog_iface_ns_label(ifc, ns, sizeof(ns)), ifc->name);
	return buf;
}

static const char *dirs_name(unsigned dirs)
{
	return dirs == (RECORD_DIR_IN | RECORD_DIR_OUT) ? "in+out" : dirs == RECORD_DIR_IN ? "in"
											    : "out";
}

/* The slot, or -errno after one line. */
static int add_link(struct iface_follow *f, const struct watched_link *l, int spec)
{
	struct tclog_iface ifc;
	char label[128];
	unsigned dirs = f->o->dirs ? f->o->dirs
				   : l->loopback ? RECORD_DIR_IN : RECORD_DIR_IN | RECORD_DIR_OUT;

	link_to_iface(l, &ifc);
	label_of(f, &ifc, label, sizeof(label));
	uint32_t next = capture_n_ifaces(f->c);
	int slot = capture_add_iface(f->c, &ifc, l->netns_cookie, dirs, label);
	/* a slot taken stays in the table even when attaching failed: the
	 * output's table must keep the same numbering */
	if (capture_n_ifaces(f->c) > next && f->sink && f->sink->add_iface) {
		int err = f->sink->add_iface(f->sink, next, &ifc);
		if (err)
			pr_warn("%s: cannot add slot %u to the interface table of %s: %s", label,
				next, f->sink->name(f->sink), strerror(-err));
	}
	if (slot < 0)
		return slot;
	f->live[f->n_live++] = (struct live_slot){ .netns_ino = l->netns_ino,
						   .ifindex = l->ifindex,
						   .slot = (uint32_t)slot,
						   .spec = spec };
	pr_info("recording %s (ifindex %u, %s)", label, l->ifindex, dirs_name(dirs));
	return slot;
}

static void on_link_new(void *ctx, const struct watched_link *l)
{
	struct iface_follow *f = ctx;
	int spec = match_spec(f->o, l);

	if (spec == -2)
		return;
	if (spec >= 0)
		f->found[spec] = true;
	for (int i = 0; i < f->n_live; i++)
		if (f->live[i].netns_ino == l->netns_ino && f->live[i].ifindex == l->ifindex)
			return; /* reported again: already recorded */
	if (f->started) {
		if (f->n_live < TCREC_MAX_IFACES)
			(void)add_link(f, l, spec); /* a failure was said; the rest goes on */
		return;
	}
	if (f->n_pending < PENDING_MAX)
		f->pending[f->n_pending++] = *l;
}

static void on_link_gone(void *ctx, uint64_t netns_ino, uint32_t ifindex)
{
	struct iface_follow *f = ctx;

	for (int i = 0; i < f->n_pending; i++)
		if (f->pending[i].netns_ino == netns_ino && f->pending[i].ifindex == ifindex)
			f->pending[i] = f->pending[--f->n_pending];
	for (int i = 0; i < f->n_live; i++) {
		struct live_slot ls = f->live[i];
		char label[128];

		if (ls.netns_ino != netns_ino || ls.ifindex != ifindex)
			continue;
		f->live[i--] = f->live[--f->n_live];
		/* the device may still exist (a namespace let go): take tcrec's
		 * hooks off inside it; when it is gone this only closes links */
		capture_remove_iface(f->c, ls.slot, false);
		label_of(f, capture_iface(f->c, ls.slot), label, sizeof(label));
		/* with --netns all or a container, namespaces come and go */
		if (ls.spec >= 0 && !f->o->follow && !f->o->all_netns && !f->o->n_containers) {
			pr_warn("%s went away; recording stops (--follow waits for it instead)", label);
			f->stop = true;
		} else {
			pr_info("%s went away; its counters stay in the trailer", label);
		}
	}
}

static void on_problem(void *ctx, const char *msg)
{
	(void)ctx;
	pr_warn("%s", msg);
}

static const struct link_watch_ops watch_ops = {
	.link_new = on_link_new,
	.link_gone = on_link_gone,
	.problem = on_problem,
};

/* The own namespace's hooks need no switch; the others go through the
 * watcher, which holds their descriptors. */
static int run_in_netns(void *ctx, uint64_t netns_ino, int (*fn)(void *), void *arg)
{
	struct link_watch *w = ctx;

	if (netns_ino == link_watch_self_ino(w))
		return fn(arg);
	return link_watch_in_netns(w, netns_ino, fn, arg);
}

static void fill_spec(const struct record_opts *o, struct link_watch_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	for (int i = 0; i < o->n_netns && i < LINK_WATCH_MAX_SPECS; i++)
		spec->netns[spec->n_netns++] = o->netns[i];
	for (int i = 0; i < o->n_containers && i < LINK_WATCH_MAX_SPECS; i++)
		spec->containers[spec->n_containers++] = o->containers[i];
	spec->all_netns = o->all_netns;
	spec->host_side = o->host_side;
}

struct iface_follow *iface_follow_open(const struct record_opts *o)
{
	struct iface_follow *f = calloc(1, sizeof(*f));
	struct link_watch_spec spec;

	if (!f || !(f->pending = calloc(PENDING_MAX, sizeof(*f->pending)))) {
		pr_warn("out of memory");
		free(f);
		errno = ENOMEM;
		return NULL;
	}
	f->o = o;
	f->show_ns = o->n_netns || o->all_netns || (o->n_containers && !o->host_side);
	fill_spec(o, &spec);
	f->w = link_watch_new(&spec, &watch_ops, f);
	if (!f->w || link_watch_start(f->w)) {
		int err = errno ? errno : EINVAL;

		iface_follow_close(f);
		errno = err;
		return NULL;
	}
	return f;
}

/* Namespaces the links found so far belong to, up to 2 (that is enough). */
static int count_netns(const struct iface_follow *f)
{
	uint64_t first = 0;

	for (int i = 0; i < f->n_pending; i++) {
		if (!first)
			first = f->pending[i].netns_ino;
		else if (f->pending[i].netns_ino != first)
			return 2;
	}
	return first ? 1 : 0;
}

int iface_follow_check(struct iface_follow *f, struct capture_shape *shape)
{
	const struct record_opts *o = f->o;
	bool exact_only = o->n_ifaces > 0;

	for (int i = 0; i < o->n_ifaces; i++) {
		if (!is_exact(o->ifnames[i])) {
			exact_only = false;
			continue;
		}
		if (!f->found[i] && !o->follow) {
			pr_warn("%s: no such interface%s", o->ifnames[i],
				f->show_ns ? " in the namespaces asked for" : "");
			return -ENODEV;
		}
	}
	if (!f->n_pending)
		pr_info("no interface matches yet; waiting for one to appear");
	memset(shape, 0, sizeof(*shape));
	/* namespaces come later with --netns all, and a container that
	 * restarts may overlap its old namespace for a moment */
	shape->multi_ns_needed = o->all_netns || count_netns(f) > 1 ||
				 o->n_netns + (o->host_side ? 0 : o->n_containers) > 1;
	shape->multi_ns = shape->multi_ns_needed || o->n_netns || o->n_containers;
	shape->single = exact_only && !o->follow && f->n_pending == 1 && !o->all_netns &&
			!o->n_containers && o->n_netns <= 1;
	if (shape->single)
		shape->single_no_eth = f->pending[0].no_eth;
	return 0;
}

int iface_follow_attach(struct iface_follow *f, struct capture *c)
{
	struct capture_ns_runner runner = { .run = run_in_netns, .ctx = f->w };

	f->c = c;
	capture_set_ns_runner(c, &runner);
	f->started = true;
	int err = 0;
	for (int i = 0; i < f->n_pending; i++) {
		int spec = match_spec(f->o, &f->pending[i]);

		/* an interface asked for by name must be recorded from the start */
		if (add_link(f, &f->pending[i], spec) < 0 && spec >= 0 && !f->o->follow)
			err = -ENODEV;
	}
	f->n_pending = 0;
	return err;
}

void iface_follow_set_sink(struct iface_follow *f, struct record_sink *sink)
{
	f->sink = sink;
}

int iface_follow_poll(struct iface_follow *f)
{
	struct pollfd p = { .fd = link_watch_fd(f->w), .events = POLLIN };
	uint64_t now = mono_ns();

	if (poll(&p, 1, 0) > 0 || (f->next_due_ns && now >= f->next_due_ns)) {
		int err = link_watch_process(f->w);

		if (err)
			return err;
		int ms = link_watch_timeout_ms(f->w);
		f->next_due_ns = ms < 0 ? 0 : mono_ns() + (uint64_t)ms * 1000000ull;
	} else if (!f->next_due_ns) {
		int ms = link_watch_timeout_ms(f->w);
		f->next_due_ns = ms < 0 ? 0 : now + (uint64_t)ms * 1000000ull;
	}
	return f->stop ? 1 : 0;
}

void iface_follow_close(struct iface_follow *f)
{
	if (!f)
		return;
	link_watch_free(f->w);
	free(f->pending);
	free(f);
}
