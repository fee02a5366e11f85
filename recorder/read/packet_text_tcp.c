/* SPDX-License-Identifier: MIT */
/* TCP: flags, sequence numbers, window and, from the kept bytes, options. */
#include "packet_text_parts.h"
#include "packet_text_app.h"

static void put_tcp_flags(struct sbuf *b, uint8_t f)
{
	static const struct {
		uint8_t bit;
		char c;
	} names[] = { { 0x01, 'F' }, { 0x02, 'S' }, { 0x04, 'R' }, { 0x08, 'P' },
		      { 0x10, '.' }, { 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' } };
	char s[9];
	size_t n = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].bit)
			s[n++] = names[i].c;
	s[n] = 0;
	sb_printf(b, "Flags [%s]", n ? s : "none");
}

/* Where the captured bytes of the TCP header start and how many of them
 * there are (0 when the bytes end before it, or there are none). */
static const uint8_t *tcp_header_bytes(const struct tcrec_record *r, const uint8_t *bytes,
				       size_t *have)
{
	struct l3_view v = pt_l3_bytes(r, bytes);
	*have = 0;
	if (!v.p || v.len <= r->ip_hlen)
		return NULL;
	*have = v.len - r->ip_hlen;
	return v.p + r->ip_hlen;
}

static const char *tcp_option_name(uint8_t kind)
{
	switch (kind) {
	case 0: return "eol";
	case 1: return "nop";
	case 2: return "mss";
	case 3: return "wscale";
	case 4: return "sackOK";
	case 5: return "sack";
	case 8: return "TS";
	default: return NULL;
	}
}

/* How an option's data ended: read whole, running past the options
 * ("[bad opt]") or past the captured bytes ("[|tcp]"). */
enum opt_data { OPT_DATA_OK, OPT_DATA_BAD, OPT_DATA_CUT };

/*
 * The data of one option of length olen: d is where it starts (after the
 * kind and length bytes), dhave of its bytes were captured, left bytes of
 * the options follow the kind and length bytes. *dl is set to the data
 * length the option kind has.
 */
static enum opt_data put_tcp_option_data(struct sbuf *b, uint8_t kind, size_t olen,
					    const uint8_t *d, size_t left, size_t dhave, size_t *dl)
{
	*dl = 0;
	switch (kind) {
	case 0:
	case 1:
	case 4:
		break;
	case 2:
	case 3:
	case 8:
		*dl = kind == 2 ? 2 : kind == 3 ? 1 : 8;
		if (*dl > left)
			return OPT_DATA_BAD;
		if (*dl > dhave)
			return OPT_DATA_CUT;
		if (kind == 2)
			sb_printf(b, " %u", be16(d));
		else if (kind == 3)
			sb_printf(b, " %u", d[0]);
		else
			sb_printf(b, " val %u ecr %u", be32(d), be32(d + 4));
		break;
	case 5:
		*dl = olen - 2;
		if (*dl % 8) {
			sb_printf(b, " invalid sack");
			break;
		}
		sb_printf(b, " %zu ", *dl / 8);
		for (size_t k = 0; k < *dl; k += 8) {
			if (k + 8 > left)
				return OPT_DATA_BAD;
			if (k + 8 > dhave)
				return OPT_DATA_CUT;
			sb_printf(b, "{%u:%u}", be32(d + k), be32(d + k + 4));
		}
		break;
	default:
		*dl = olen - 2;
		if (*dl)
			sb_printf(b, " 0x");
		for (size_t k = 0; k < *dl; k++) {
			if (k + 1 > left)
				return OPT_DATA_BAD;
			if (k + 1 > dhave)
				return OPT_DATA_CUT;
			sb_printf(b, "%02x", d[k]);
		}
		break;
	}
	return OPT_DATA_OK;
}

/*
 * TCP options (len bytes, have of them captured) in tcpdump's words, down to
 * its way of saying that the capture ended inside them: " [|tcp]" where it
 * could not read a kind or length byte, " [|tcp]>" (after the first option)
 * where it could not read an option's data. Returns false when the line
 * ends there, as tcpdump's does.
 */
static bool put_tcp_options(struct sbuf *b, const uint8_t *opt, size_t len, size_t have)
{
	char sep = 0;
	size_t i = 0;

	sb_printf(b, ", options [");
	while (i < len) {
		if (sep)
			sb_printf(b, "%c", sep);
		if (i >= have)
			goto cut;
		uint8_t kind = opt[i];
		size_t olen = 1, left = len - i - 1;
		if (kind > 1) {
			if (i + 1 >= have)
				goto cut;
			olen = opt[i + 1];
			if (olen < 2 || olen > len - i)
				goto bad;
			left--;
		}
		const uint8_t *d = opt + i + (kind > 1 ? 2 : 1);
		size_t dhave = have > (size_t)(d - opt) ? have - (size_t)(d - opt) : 0;
		size_t dl;
		const char *name = tcp_option_name(kind);
		if (name)
			sb_printf(b, "%s", name);
		else
			sb_printf(b, "unknown-%u", kind);
		enum opt_data e = put_tcp_option_data(b, kind, olen, d, left, dhave, &dl);
		if (e == OPT_DATA_BAD)
			goto bad;
		if (e == OPT_DATA_CUT)
			goto cut_data;
		if (dl + (kind > 1 ? 2 : 1) != olen)
			sb_printf(b, "[len %zu]", olen);
		i += olen;
		sep = ',';
		if (kind == 0)
			break;
	}
	sb_printf(b, "]");
	return true;
bad:
	sb_printf(b, "[bad opt]%s", sep ? "]" : "");
	return false;
cut_data:
	sb_printf(b, " [|tcp]%s", sep ? ">" : "");
	return false;
cut:
	sb_printf(b, " [|tcp]");
	return false;
}

/* tcpdump -v shows the data a reset carries (some stacks explain the
 * reset in it), in its way of making any byte printable. */
static void put_rst_data(struct sbuf *b, const uint8_t *d, size_t have, unsigned len)
{
	sb_printf(b, have >= len ? " [RST" : " [!RST");
	if (len > 30) {
		len = 30;
		sb_printf(b, "+");
	}
	sb_printf(b, " ");
	for (size_t i = 0; i < len && i < have; i++)
		sb_put_vis(b, d[i]);
	sb_printf(b, "]");
}

/* -v: the checksum, when the whole segment was kept and is not part of
 * a fragmented datagram. */
static void put_tcp_cksum(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
			  unsigned len)
{
	uint16_t field, sum;
	if ((r->flags & TCREC_F_FRAG) || !pt_l4_cksum(r, bytes, len, 16, true, &field, &sum))
		return;
	sb_printf(b, ", cksum 0x%04x", field);
	if (sum)
		sb_printf(b, " (incorrect -> 0x%04x)", pt_cksum_shouldbe(field, sum));
	else
		sb_printf(b, " (correct)");
}

void pt_put_tcp(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		const struct packet_text_opts *o)
{
	unsigned len = pt_ip_payload(r);
	if (r->tcp_hlen < 20) {
		/* sic: tcpdump subtracts the short header length */
		sb_printf(b, "  tcp %u [bad hdr length %u - too short, < 20]", len - r->tcp_hlen,
			  r->tcp_hlen);
		return;
	}
	if (o->quiet) {
		sb_printf(b, " tcp %u", len - r->tcp_hlen);
		if (r->tcp_hlen > len)
			sb_printf(b, " [bad hdr length %u - too long, > %u]", r->tcp_hlen, len);
		return;
	}
	sb_printf(b, " ");
	put_tcp_flags(b, r->tcp_flags);
	if (r->tcp_hlen > len) {
		sb_printf(b, " [bad hdr length %u - too long, > %u]", r->tcp_hlen, len);
		return;
	}
	if (o->verbose)
		put_tcp_cksum(b, r, bytes, len);
	len -= r->tcp_hlen;
	if (o->verbose > 1 || len > 0 || (r->tcp_flags & 0x07)) {
		sb_printf(b, ", seq %u", r->tcp_seq);
		if (len > 0)
			sb_printf(b, ":%u", (uint32_t)(r->tcp_seq + len));
	}
	if (r->tcp_flags & 0x10)
		sb_printf(b, ", ack %u", r->tcp_ack);
	sb_printf(b, ", win %u", r->tcp_win);
	size_t have;
	const uint8_t *th = tcp_header_bytes(r, bytes, &have);
	if (th && have >= 20 && (r->tcp_flags & 0x20))
		sb_printf(b, ", urg %u", be16(th + 18));
	/* The options are in the bytes only: where bytes were kept but end
	 * inside them, the line ends as tcpdump's does on those bytes. */
	if (r->tcp_hlen > 20 && r->cap_len && bytes &&
	    !put_tcp_options(b, th ? th + 20 : NULL, r->tcp_hlen - 20u, have > 20 ? have - 20 : 0))
		return;
	sb_printf(b, ", length %u", len);
	pt_put_tcp_payload(b, r, bytes, len);
	/* tcpdump stops here when the capture ended inside the header */
	if (o->verbose && len && (r->tcp_flags & 0x04) && th && have >= r->tcp_hlen) {
		size_t dhave = have - r->tcp_hlen;
		/* nothing past the IP length counts */
		put_rst_data(b, th + r->tcp_hlen, dhave < len ? dhave : len, len);
	}
}
