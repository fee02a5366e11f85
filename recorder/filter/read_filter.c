/* SPDX-License-Identifier: MIT */
#include "read_filter.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cbpf_taint.h"
#include "logging.h"
#include "filter.h"
#include "formats/synth.h"

/* How far past the rebuilt headers a probe looks for reads of bytes the
 * record does not keep. Loads further out than this are very rare in
 * tcpdump expressions; a record's wire length bounds it anyway. */
#define PROBE_SPAN 2048

struct read_filter {
	char *who;
	char *expr;
	struct cbpf_insn *prog;
	size_t n;
	bool warned;
	uint8_t probe[SYNTH_MAX + PROBE_SPAN];
	uint8_t probe_ones[SYNTH_MAX];
	uint8_t unknown[SYNTH_MAX + PROBE_SPAN];
};

int read_filter_open(const char *expr, const char *who, struct read_filter **out, char *err,
		     size_t errlen)
{
	struct read_filter *f = calloc(1, sizeof(*f));

	*out = NULL;
	if (!f || !(f->expr = strdup(expr)) || !(f->who = strdup(who))) {
		read_filter_close(f);
		return -ENOMEM;
	}
	int rc = filter_compile(f->expr, &f->prog, &f->n, err, errlen);
	if (rc) {
		read_filter_close(f);
		return rc;
	}
	*out = f;
	return 0;
}

const char *read_filter_expr(const struct read_filter *f)
{
	return f ? f->expr : NULL;
}

/* Marks what the record does not know about the packet (what differs
 * between headers rebuilt with two fillers, and everything after them up to
 * the wire length) and runs the program over it, with the IPv6 extension
 * headers' start as guess says (NULL: synth's guess). True when the
 * program read any. */
static bool reads_unknown_bytes(struct read_filter *f, const struct tcrec_record *r,
				const struct synth_chain_guess *guess)
{
	/* Two fillers that differ in every bit of every byte the record does
	 * not know, neither of them 0: with 0 the IPv4 checksum is computed,
	 * and a computed byte can equal the other filler by chance. */
	size_t n = synth_headers_guess(r, f->probe, 0x01, guess);
	synth_headers_guess(r, f->probe_ones, 0xfe, guess);
	size_t len = r->wire_len < sizeof(f->probe) ? r->wire_len : sizeof(f->probe);
	if (len < n)
		len = n;
	for (size_t i = 0; i < n; i++)
		f->unknown[i] = f->probe[i] != f->probe_ones[i];
	memset(f->probe + n, 0, len - n);
	memset(f->unknown + n, 1, len - n);
	return cbpf_reads_unknown(f->prog, f->n, f->probe, f->unknown, r->wire_len, (uint32_t)len);
}

/* Whether the verdict on rebuilt headers may not be the one on the
 * original packet. The start of an IPv6 extension header chain is one of a
 * few values, not unknown bytes: the program runs with each guess, and
 * must read nothing else unknown and agree on them all (so `tcp` stays
 * quiet on a hop-by-hop header, `ip6 proto 0` does not). */
static bool verdict_in_doubt(struct read_filter *f, const struct tcrec_record *r)
{
	struct synth_chain_guess guesses[SYNTH_CHAIN_GUESSES];
	size_t n_guesses = synth_ipv6_chain_guesses(r, guesses);
	if (!n_guesses)
		return reads_unknown_bytes(f, r, NULL);
	uint8_t hdrs[SYNTH_MAX];
	bool first = false;
	for (size_t i = 0; i < n_guesses; i++) {
		if (reads_unknown_bytes(f, r, &guesses[i]))
			return true;
		size_t n = synth_headers_guess(r, hdrs, 0, &guesses[i]);
		bool v = filter_run(f->prog, hdrs, r->wire_len, (unsigned)n) != 0;
		if (i && v != first)
			return true;
		first = v;
	}
	return false;
}

static void probe_unknown_bytes(struct read_filter *f, const struct tcrec_record *r)
{
	if (!verdict_in_doubt(f, r))
		return;
	f->warned = true;
	pr_warn("%s: filter '%s' reads bytes that metadata-only records do not keep (payload, "
		"options, IPv6 extension headers, checksums, ARP bodies); on those records it "
		"sees rebuilt headers only and can select differently from tcpdump on the "
		"original packets. Record with -s to filter on real bytes.",
		f->who, f->expr);
}

bool read_filter_accepts(struct read_filter *f, const struct log_packet *p)
{
	if (!f)
		return true;
	const struct tcrec_record *r = p->rec;
	if (r->cap_len)
		return filter_run(f->prog, p->bytes, r->wire_len, r->cap_len) != 0;
	uint8_t hdrs[SYNTH_MAX];
	size_t n = synth_headers(r, hdrs);
	unsigned verdict = filter_run(f->prog, hdrs, r->wire_len, (unsigned)n);
	if (!f->warned)
		probe_unknown_bytes(f, r);
	return verdict != 0;
}

void read_filter_close(struct read_filter *f)
{
	if (!f)
		return;
	free(f->prog);
	free(f->expr);
	free(f->who);
	free(f);
}
