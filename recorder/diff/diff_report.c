/* SPDX-License-Identifier: MIT */
#include "diff_report.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *proto_name(uint8_t family, uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 136:
		return "udplite";
	case 132:
		return "sctp";
	case 1:
		return "icmp";
	case 58:
		return family == 6 ? "icmp6" : "ipv6-icmp";
	default:
		snprintf(buf, len, "proto-%u", proto);
		return buf;
	}
}

void diff_flow_format(const struct diff_flowkey *k, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], pb[16];
	int af = k->family == 6 ? AF_INET6 : AF_INET;

	if (!k->family) {
		snprintf(buf, len, "ether type 0x%04x", k->ethertype);
		return;
	}
	inet_ntop(af, k->saddr, s, sizeof(s));
	inet_ntop(af, k->daddr, d, sizeof(d));
	const char *pn = proto_name(k->family, k->proto, pb, sizeof(pb));
	if (k->proto == 1 || k->proto == 58)
		snprintf(buf, len, "%s %s > %s type %u id %u", pn, s, d, k->dport, k->sport);
	else if (k->proto == 6 || k->proto == 17 || k->proto == 132 || k->proto == 136)
		snprintf(buf, len, "%s %s.%u > %s.%u", pn, s, k->sport, d, k->dport);
	else
		snprintf(buf, len, "%s %s > %s", pn, s, d);
}

static void fmt_time(uint64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char day[32];

	gmtime_r(&sec, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06" PRIu64, day, (uint64_t)(ns % 1000000000u / 1000));
}

/* Milliseconds with three decimals: the histogram resolution is 1 us. */
static void fmt_ms(int64_t ns, char *buf, size_t len)
{
	uint64_t a = ns < 0 ? (uint64_t)-(ns + 1) + 1 : (uint64_t)ns;
	uint64_t us = a / 1000;

	snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64 " ms", ns < 0 ? "-" : "", us / 1000, us % 1000);
}

static void print_side(FILE *f, char name, const struct diff_side *s)
{
	char a[48], b[48];

	fprintf(f, "%c: %s (%s): %" PRIu64 " packets, %" PRIu64 " IP bytes", name, s->path,
		diff_src_kind_name(s->kind), s->packets, s->bytes);
	if (s->packets) {
		fmt_time(s->first_ns, a, sizeof(a));
		fmt_time(s->last_ns, b, sizeof(b));
		fprintf(f, ", %s .. %s UTC", a, b);
	}
	fputc('\n', f);
	if (s->backwards)
		fprintf(f, "   warning: time goes back by more than the window %" PRIu64
			   " time(s) in this input: sort it first (reordercap)\n",
			s->backwards);
	if (s->damaged)
		fprintf(f, "   warning: this input is incomplete (cut short, damaged or not closed"
			   " cleanly: see above); only what could be read is compared\n");
	if (s->capture_drops)
		fprintf(f, "   warning: the capture itself dropped %" PRIu64
			   " packets (ring buffer full); they may show as differences\n",
			s->capture_drops);
}

static void print_delay(FILE *f, const struct diff_hist *h)
{
	static const unsigned pct[] = { 50, 90, 99 };
	int64_t q[3];
	char b[5][40];

	if (!h->count) {
		fprintf(f, "delay B-A: no matched packets\n");
		return;
	}
	diff_hist_percentiles(h, pct, q, 3);
	fmt_ms(h->min_ns, b[0], sizeof(b[0]));
	fmt_ms(q[0], b[1], sizeof(b[1]));
	fmt_ms(q[1], b[2], sizeof(b[2]));
	fmt_ms(q[2], b[3], sizeof(b[3]));
	fmt_ms(h->max_ns, b[4], sizeof(b[4]));
	fprintf(f, "delay B-A (%" PRIu64 " matched): min %s  p50 %s  p90 %s  p99 %s  max %s\n",
		h->count, b[0], b[1], b[2], b[3], b[4]);

	uint64_t most = 1;
	for (int i = 0; i < DIFF_HIST_LOG_BUCKETS; i++) {
		if (h->pos_log[i] > most)
			most = h->pos_log[i];
		if (h->neg_log[i] > most)
			most = h->neg_log[i];
	}
	for (int neg = 1; neg >= 0; neg--) {
		const uint64_t *c = neg ? h->neg_log : h->pos_log;
		for (int k = 0; k < DIFF_HIST_LOG_BUCKETS; k++) {
			int i = neg ? DIFF_HIST_LOG_BUCKETS - 1 - k : k;
			if (!c[i])
				continue;
			int64_t lo, hi;
			char l[40], r[40], bar[41];
			diff_hist_log_bounds(i, &lo, &hi);
			if (neg) {
				fmt_ms(-hi, l, sizeof(l));
				fmt_ms(-lo, r, sizeof(r));
			} else {
				fmt_ms(lo, l, sizeof(l));
				fmt_ms(hi, r, sizeof(r));
			}
			int w = (int)((c[i] * 40 + most - 1) / most);
			memset(bar, '#', (size_t)w);
			bar[w] = 0;
			fprintf(f, "  %c%14s, %14s%c %10" PRIu64 " %s\n", neg ? '(' : '[', l, r,
				neg ? ']' : ')', c[i], bar);
		}
	}
}

static void print_flows(FILE *f, const struct diff_result *r)
{
	const struct diff_flows *fl = r->flows;
	unsigned shown = 0;

	fprintf(f, "flows: %" PRIu64 " (%" PRIu64 " on both sides, %" PRIu64 " only in A, %" PRIu64
		   " only in B), %" PRIu64 " differ\n",
		fl->total, fl->both, fl->only[0], fl->only[1], fl->differ);
	if (!fl->differ)
		return;
	fprintf(f, "  %-52s %9s %9s %7s %7s %6s %6s %11s %11s\n", "flow (largest differences first)",
		"A pkts", "B pkts", "lost", "added", "dup", "reord", "A bytes", "B bytes");
	for (size_t i = 1; i < fl->n; i++) {
		const struct diff_flow *x = &fl->v[i];
		if (!diff_flow_differs(x))
			continue;
		if (r->top && shown == r->top)
			break;
		char name[160];
		diff_flow_format(&x->key, name, sizeof(name));
		const char *only = !x->pkts[1] ? " [only A]" : !x->pkts[0] ? " [only B]" : "";
		char label[200];
		snprintf(label, sizeof(label), "%s%s", name, only);
		fprintf(f, "  %-52s %9" PRIu64 " %9" PRIu64 " %7" PRIu64 " %7" PRIu64 " %6" PRIu64
			   " %6" PRIu64 " %11" PRIu64 " %11" PRIu64 "\n",
			label, x->pkts[0], x->pkts[1], x->lost, x->added, x->dup, x->reordered,
			x->bytes[0], x->bytes[1]);
		shown++;
	}
	if (fl->differ > shown)
		fprintf(f, "  ... %" PRIu64 " more (--top 0 lists all)\n", fl->differ - shown);
}

/* --by-process: one row per process of A's packets, most lost first. */
static void print_procs(FILE *f, const struct diff_procs *p)
{
	if (!p)
		return;
	fprintf(f, "by process (owner of A's packets; - for none):\n");
	fprintf(f, "  %-28s %10s %10s %10s %12s %12s\n", "process", "A packets", "lost", "matched",
		"delay mean", "delay max");
	for (size_t i = 0; i < p->n; i++) {
		const struct diff_proc_row *x = &p->v[i];
		char mean[32] = "-", max[32] = "-";
		if (x->matched) {
			fmt_ms(x->delay_sum_ns / (int64_t)x->matched, mean, sizeof(mean));
			fmt_ms(x->delay_max_ns, max, sizeof(max));
		}
		fprintf(f, "  %-28s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %12s %12s\n", x->label,
			x->packets, x->lost, x->matched, mean, max);
	}
}

void diff_report_text(FILE *f, const struct diff_result *r)
{
	const struct dm_stats *st = r->st;

	print_side(f, 'A', &r->side[0]);
	print_side(f, 'B', &r->side[1]);
	fprintf(f, "window %" PRIu64 " ms, B clock offset %+.6f ms%s%s\n", r->window_ns / 1000000,
		(double)r->offset_ns / 1e6, r->filter ? ", filter: " : "", r->filter ? r->filter : "");
	fprintf(f, "matched     %12" PRIu64 "\n", st->matched);
	fprintf(f, "lost        %12" PRIu64 "  in A, not in B\n", st->lost);
	fprintf(f, "added       %12" PRIu64 "  in B, not in A\n", st->added);
	fprintf(f, "duplicated  %12" PRIu64 "  extra copies in B\n", st->dup);
	fprintf(f, "reordered   %12" PRIu64 "  matched, but arrived in B out of A's order\n",
		st->reordered);
	print_delay(f, r->hist);
	print_flows(f, r);
	print_procs(f, r->procs);
	fprintf(f, "result: %s\n", r->same ? "same packets" : "captures differ");
}

const char *diff_event_why(const struct dm_event *ev, char *buf, size_t len)
{
	switch (ev->kind) {
	case DM_LOST:
		snprintf(buf, len, "lost: in A not in B (A #%" PRIu64 ")", ev->num);
		break;
	case DM_ADDED:
		snprintf(buf, len, "added: in B not in A (B #%" PRIu64 ")", ev->num);
		break;
	case DM_DUP:
		snprintf(buf, len, "duplicated: extra copy in B (B #%" PRIu64 ") of A #%" PRIu64, ev->num,
			 ev->other_num);
		break;
	case DM_REORDERED:
		snprintf(buf, len, "reordered: B #%" PRIu64 " (A #%" PRIu64 ") arrived after a later A packet",
			 ev->num, ev->other_num);
		break;
	}
	return buf;
}

static const char *kind_name(enum dm_kind k)
{
	static const char *names[] = { "lost", "added", "duplicated", "reordered" };
	return names[k];
}

void diff_event_text(FILE *f, const struct dm_event *ev, const struct diff_flows *flows)
{
	char t[48], name[160];

	fmt_time(ev->ts_ns, t, sizeof(t));
	diff_flow_format(&flows->v[ev->flow].key, name, sizeof(name));
	fprintf(f, "%-10s %c#%-8" PRIu64, kind_name(ev->kind), ev->side ? 'B' : 'A', ev->num);
	if (ev->kind == DM_DUP || ev->kind == DM_REORDERED)
		fprintf(f, " (A#%" PRIu64 ")", ev->other_num);
	fprintf(f, " %s %s length %u\n", t, name, ev->wire_len);
}
