/* SPDX-License-Identifier: MIT */
#include "diff_json.h"

#include <arpa/inet.h>
#include <inttypes.h>

#include "diff_report.h"
#include "bpf/parse.h"
#include "read/json_out.h"

static const char *side_name(int side)
{
	return side ? "B" : "A";
}

static void put_addr(FILE *f, uint8_t family, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];

	if (!family) {
		fputs("null", f);
		return;
	}
	inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
	json_put_string(f, s);
}

static void put_side(FILE *f, int i, const struct diff_side *s)
{
	fprintf(f, "{\"side\":\"%s\",\"path\":", side_name(i));
	json_put_string(f, s->path);
	fprintf(f, ",\"format\":\"%s\",\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
		   ",\"capture_drops\":%" PRIu64 ",\"out_of_order\":%" PRIu64 ",\"damaged\":%s"
		   ",\"first\":",
		diff_src_kind_name(s->kind), s->packets, s->bytes, s->capture_drops, s->backwards,
		s->damaged ? "true" : "false");
	if (s->packets)
		json_put_time(f, s->first_ns);
	else
		fputs("null", f);
	fputs(",\"last\":", f);
	if (s->packets)
		json_put_time(f, s->last_ns);
	else
		fputs("null", f);
	fputc('}', f);
}

static void put_delay(FILE *f, const struct diff_hist *h)
{
	static const unsigned pct[] = { 50, 90, 99 };
	int64_t q[3];

	fprintf(f, "\"delay\":{\"count\":%" PRIu64 ",\"resolution_ns\":%" PRId64, h->count, h->res_ns);
	if (!h->count) {
		fputs(",\"min_ns\":null,\"p50_ns\":null,\"p90_ns\":null,\"p99_ns\":null,\"max_ns\":null,"
		      "\"mean_ns\":null,\"histogram\":[]}",
		      f);
		return;
	}
	diff_hist_percentiles(h, pct, q, 3);
	fprintf(f, ",\"min_ns\":%" PRId64 ",\"p50_ns\":%" PRId64 ",\"p90_ns\":%" PRId64
		   ",\"p99_ns\":%" PRId64 ",\"max_ns\":%" PRId64 ",\"mean_ns\":%" PRId64 ",\"histogram\":[",
		h->min_ns, q[0], q[1], q[2], h->max_ns, (int64_t)(h->sum_ns / (__int128)h->count));
	bool first = true;
	for (int k = 0; k < 2 * DIFF_HIST_LOG_BUCKETS; k++) {
		bool neg = k < DIFF_HIST_LOG_BUCKETS;
		int i = neg ? DIFF_HIST_LOG_BUCKETS - 1 - k : k - DIFF_HIST_LOG_BUCKETS;
		uint64_t c = neg ? h->neg_log[i] : h->pos_log[i];
		int64_t lo, hi;
		if (!c)
			continue;
		diff_hist_log_bounds(i, &lo, &hi);
		if (neg) {
			int64_t t = lo;
			lo = -hi;
			hi = -t;
		}
		fprintf(f, "%s{\"lo_ns\":%" PRId64 ",\"hi_ns\":%" PRId64 ",\"count\":%" PRIu64 "}",
			first ? "" : ",", lo, hi, c);
		first = false;
	}
	fputs("]}", f);
}

static void put_flowkey(FILE *f, const struct diff_flowkey *k)
{
	char name[160];

	diff_flow_format(k, name, sizeof(name));
	fputs("\"flow\":", f);
	json_put_string(f, name);
	fprintf(f, ",\"family\":%u,\"proto\":", k->family);
	if (k->family)
		fprintf(f, "%u", k->proto);
	else
		fputs("null", f);
	fputs(",\"src\":", f);
	put_addr(f, k->family, k->saddr);
	fputs(",\"dst\":", f);
	put_addr(f, k->family, k->daddr);
	fprintf(f, ",\"sport\":%u,\"dport\":%u,\"ethertype\":%u", k->sport, k->dport,
		k->family ? (k->family == 6 ? TCREC_ETH_P_IPV6 : TCREC_ETH_P_IP) : k->ethertype);
}

static void put_flows(FILE *f, const struct diff_result *r)
{
	const struct diff_flows *fl = r->flows;
	unsigned shown = 0;

	fprintf(f, "\"flows\":{\"total\":%" PRIu64 ",\"both\":%" PRIu64 ",\"only_a\":%" PRIu64
		   ",\"only_b\":%" PRIu64 ",\"differ\":%" PRIu64 ",\"peak_held\":%" PRIu64
		   ",\"listed\":[",
		fl->total, fl->both, fl->only[0], fl->only[1], fl->differ, fl->peak_held);
	for (size_t i = 1; i < fl->n && (!r->top || shown < r->top); i++) {
		const struct diff_flow *x = &fl->v[i];
		if (!diff_flow_differs(x))
			continue;
		fputs(shown ? ",{" : "{", f);
		put_flowkey(f, &x->key);
		fprintf(f, ",\"a_packets\":%" PRIu64 ",\"b_packets\":%" PRIu64 ",\"a_bytes\":%" PRIu64
			   ",\"b_bytes\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"added\":%" PRIu64
			   ",\"duplicated\":%" PRIu64 ",\"reordered\":%" PRIu64 ",\"only_in\":%s}",
			x->pkts[0], x->pkts[1], x->bytes[0], x->bytes[1], x->lost, x->added, x->dup,
			x->reordered, !x->pkts[1] ? "\"A\"" : !x->pkts[0] ? "\"B\"" : "null");
		shown++;
	}
	fputs("]}", f);
}

static void put_procs(FILE *f, const struct diff_procs *p)
{
	fputs(",\"by_process\":[", f);
	for (size_t i = 0; i < p->n; i++) {
		const struct diff_proc_row *x = &p->v[i];
		fputs(i ? ",{\"process\":" : "{\"process\":", f);
		json_put_string(f, x->label);
		fprintf(f, ",\"a_packets\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"matched\":%" PRIu64, x->packets,
			x->lost, x->matched);
		if (x->matched)
			fprintf(f, ",\"delay_mean_ns\":%" PRId64 ",\"delay_max_ns\":%" PRId64 "}",
				x->delay_sum_ns / (int64_t)x->matched, x->delay_max_ns);
		else
			fputs(",\"delay_mean_ns\":null,\"delay_max_ns\":null}", f);
	}
	fputc(']', f);
}

void diff_report_json(FILE *f, const struct diff_result *r)
{
	const struct dm_stats *st = r->st;

	fputs("\"inputs\":[", f);
	put_side(f, 0, &r->side[0]);
	fputc(',', f);
	put_side(f, 1, &r->side[1]);
	fprintf(f, "],\"window_ms\":%" PRIu64 ",\"clock_offset_ns\":%" PRId64 ",\"filter\":",
		r->window_ns / 1000000, r->offset_ns);
	json_put_string(f, r->filter);
	fprintf(f, ",\"result\":\"%s\",\"matched\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"added\":%" PRIu64
		   ",\"duplicated\":%" PRIu64 ",\"reordered\":%" PRIu64 ",\"peak_window_packets\":%" PRIu64
		   ",",
		r->same ? "same" : "different", st->matched, st->lost, st->added, st->dup, st->reordered,
		st->peak_entries);
	put_delay(f, r->hist);
	fputc(',', f);
	put_flows(f, r);
	if (r->procs)
		put_procs(f, r->procs);
	fputs("}\n", f);
}

void diff_event_json(FILE *f, const struct dm_event *ev, const struct diff_flows *flows, bool first)
{
	static const char *names[] = { "lost", "added", "duplicated", "reordered" };

	fprintf(f, "%s\n{\"event\":\"%s\",\"side\":\"%s\",\"num\":%" PRIu64 ",\"match_num\":",
		first ? "" : ",", names[ev->kind], side_name(ev->side), ev->num);
	if (ev->kind == DM_DUP || ev->kind == DM_REORDERED)
		fprintf(f, "%" PRIu64, ev->other_num);
	else
		fputs("null", f);
	fputs(",\"time\":", f);
	json_put_time(f, ev->ts_ns);
	fprintf(f, ",\"ts_ns\":%" PRIu64 ",\"wire_len\":%u,", ev->ts_ns, ev->wire_len);
	put_flowkey(f, &flows->v[ev->flow].key);
	fputc('}', f);
}
