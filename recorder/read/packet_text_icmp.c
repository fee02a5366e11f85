/* SPDX-License-Identifier: MIT */
/* ICMP and ICMPv6 messages in tcpdump's words. */
#include "packet_text_parts.h"

#include <arpa/inet.h>

static const char *icmp_unreach_name(uint8_t code)
{
	static const char *const names[] = {
		"net unreachable", "host unreachable", "protocol unreachable",
		"port unreachable", "unreachable - need to frag", "source route failed",
		"net unknown", "host unknown", "host isolated", "net prohibited",
		"host prohibited", "net unreachable for tos", "host unreachable for tos",
		"unreachable - admin prohibited filter", "host precedence violation",
		"precedence cutoff",
	};
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "unreachable";
}

/* With the inner header captured, tcpdump names the address and port that
 * were unreachable; say the same when the bytes allow it. */
static bool put_icmp_unreach_inner(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes)
{
	const uint8_t *ih = pt_l4_bytes(r, bytes, 8 + 20);
	if (!ih || r->icmp_code > 3)
		return false;
	ih += 8;
	char dst[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, ih + 16, dst, sizeof(dst));
	unsigned proto = ih[9], ihl = (ih[0] & 0x0fu) * 4u;
	switch (r->icmp_code) {
	case 0:
		sb_printf(b, " net %s unreachable", dst);
		return true;
	case 1:
		sb_printf(b, " host %s unreachable", dst);
		return true;
	case 2:
		sb_printf(b, " %s protocol %u unreachable", dst, proto);
		return true;
	default:
		break;
	}
	const uint8_t *ports = pt_l4_bytes(r, bytes, 8 + ihl + 4);
	if (!ports || ihl < 20)
		return false;
	unsigned dport = be16(ports + 8 + ihl + 2);
	if (proto == TCREC_IPPROTO_UDP)
		sb_printf(b, " %s udp port %u unreachable", dst, dport);
	else if (proto == TCREC_IPPROTO_TCP)
		sb_printf(b, " %s tcp port %u unreachable", dst, dport);
	else
		sb_printf(b, " %s protocol %u port %u unreachable", dst, proto, dport);
	return true;
}

/* Whether the bytes hold what tcpdump reads of the packet an error quotes
 * before it prints the message: the quoted IP header of an unreachable,
 * redirect or time exceeded, and for a port unreachable its port. */
static bool quote_kept(const struct tcrec_record *r, const uint8_t *bytes)
{
	uint8_t t = r->icmp_type;
	if (t != 3 && t != 5 && t != 11)
		return true;
	const uint8_t *ih = pt_l4_bytes(r, bytes, 8 + 20);
	if (!ih)
		return false;
	return t != 3 || r->icmp_code != 3 || pt_l4_bytes(r, bytes, 8 + (ih[8] & 0x0fu) * 4u + 4);
}

void pt_put_icmp(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		 const struct packet_text_opts *o)
{
	unsigned len = pt_ip_payload(r);
	if (r->cap_len && bytes && pt_l3_bytes(r, bytes).p && !quote_kept(r, bytes)) {
		/* tcpdump reads the quoted header before it prints anything:
		 * where the kept bytes end before it, so does its line */
		sb_printf(b, "  [|icmp]");
		return;
	}
	sb_printf(b, " ICMP");
	switch (r->icmp_type) {
	case 0:
	case 8:
		sb_printf(b, " echo %s, id %u, seq %u", r->icmp_type ? "request" : "reply",
			  r->icmp_id, r->icmp_seq);
		break;
	case 3:
		if (!put_icmp_unreach_inner(b, r, bytes))
			sb_printf(b, " %s", icmp_unreach_name(r->icmp_code));
		break;
	case 4: sb_printf(b, " source quench"); break;
	case 5: sb_printf(b, " redirect"); break;
	case 9: sb_printf(b, " router advertisement"); break;
	case 10: sb_printf(b, " router solicitation"); break;
	case 11:
		sb_printf(b, r->icmp_code ? " ip reassembly time exceeded" : " time exceeded in-transit");
		break;
	case 12: sb_printf(b, " parameter problem"); break;
	case 13: {
		const uint8_t *ih = pt_l4_bytes(r, bytes, 8);
		sb_printf(b, " time stamp query");
		if (ih)
			sb_printf(b, " id %u seq %u", be16(ih + 4), be16(ih + 6));
		break;
	}
	case 14: sb_printf(b, " time stamp reply"); break;
	case 15: sb_printf(b, " information request"); break;
	case 16: sb_printf(b, " information reply"); break;
	case 17: sb_printf(b, " address mask request"); break;
	case 18: sb_printf(b, " address mask reply"); break;
	default: sb_printf(b, " type-#%u", r->icmp_type); break;
	}
	sb_printf(b, ", length %u", len);
	uint16_t field, sum;
	if (o->verbose && !(r->flags & TCREC_F_FRAG) &&
	    pt_l4_cksum(r, bytes, len, 2, false, &field, &sum) && sum)
		sb_printf(b, " (wrong icmp cksum %x (->%x)!)", field, pt_cksum_shouldbe(field, sum));
	pt_put_icmp_quote(b, r, bytes, o);
}

const char *pt_icmp6_name(uint8_t type)
{
	switch (type) {
	case 1: return "destination unreachable";
	case 2: return "packet too big";
	case 3: return "time exceeded in-transit";
	case 4: return "parameter problem";
	case 128: return "echo request";
	case 129: return "echo reply";
	case 130: return "multicast listener query";
	case 131: return "multicast listener report";
	case 132: return "multicast listener done";
	case 133: return "router solicitation";
	case 134: return "router advertisement";
	case 135: return "neighbor solicitation";
	case 136: return "neighbor advertisement";
	case 137: return "redirect";
	case 143: return "multicast listener report v2";
	default: return NULL;
	}
}

static bool icmp6_is_nd(uint8_t type)
{
	return type >= 133 && type <= 137;
}

void pt_put_icmp6(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		  const struct packet_text_opts *o)
{
	unsigned len = pt_ip_payload(r);
	uint16_t field, sum;
	if (o->verbose && !(r->flags & TCREC_F_FRAG) &&
	    pt_l4_cksum(r, bytes, len, 2, true, &field, &sum)) {
		if (sum)
			sb_printf(b, " [bad icmp6 cksum 0x%04x -> 0x%04x!]", field,
				  pt_cksum_shouldbe(field, sum));
		else
			sb_printf(b, " [icmp6 sum ok]");
	}
	const char *name = pt_icmp6_name(r->icmp_type);
	if (name)
		sb_printf(b, " ICMP6, %s", name);
	else
		sb_printf(b, " ICMP6, unknown icmp6 type (%u)", r->icmp_type);
	/* -v moves the length of neighbor discovery messages before their
	 * options, and leaves it out of the others tcpdump decodes */
	if (o->verbose && icmp6_is_nd(r->icmp_type))
		sb_printf(b, ", length %u", len);
	if (r->icmp_type == 128 || r->icmp_type == 129)
		sb_printf(b, ", id %u, seq %u", r->icmp_id, r->icmp_seq);
	const uint8_t *ih = pt_l4_bytes(r, bytes, 8 + 16);
	if (!ih && r->cap_len && bytes && (r->icmp_type == 135 || r->icmp_type == 136)) {
		/* the kept bytes end before the target tcpdump reads next */
		sb_printf(b, " [|icmp6]");
		return;
	}
	if (ih && (r->icmp_type == 135 || r->icmp_type == 136)) {
		char tgt[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, ih + 8, tgt, sizeof(tgt));
		sb_printf(b, r->icmp_type == 135 ? ", who has %s" : ", tgt is %s", tgt);
	}
	if (o->verbose && icmp6_is_nd(r->icmp_type))
		pt_put_icmp6_nd_verbose(b, r, bytes, len, o->verbose);
	if (!o->verbose || !name)
		sb_printf(b, ", length %u", len);
}
