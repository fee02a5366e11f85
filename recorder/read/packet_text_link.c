/* SPDX-License-Identifier: MIT */
/* The link layer of a packet line: MACs, VLAN tags, ethertypes, ARP and
 * what is said of a frame whose IP header could not be read. */
#include "packet_text_parts.h"

#include <arpa/inet.h>
#include <string.h>

/* tcpdump's names for the ethertypes a capture commonly meets. */
static const char *ethertype_name(uint16_t et)
{
	switch (et) {
	case TCREC_ETH_P_IP: return "IPv4";
	case TCREC_ETH_P_ARP: return "ARP";
	case 0x8035: return "Reverse ARP";
	case TCREC_ETH_P_IPV6: return "IPv6";
	case TCREC_ETH_P_8021Q: return "802.1Q";
	case TCREC_ETH_P_8021AD: return "802.1Q-QinQ";
	case 0x9100: return "802.1Q-9100";
	case 0x8847: return "MPLS unicast";
	case 0x8848: return "MPLS multicast";
	case 0x8863: return "PPPoE D";
	case 0x8864: return "PPPoE S";
	case 0x888e: return "EAPOL";
	case 0x88cc: return "LLDP";
	case 0x8809: return "Slow Protocols";
	case 0x88f7: return "PTP";
	case 0x8906: return "FCoE";
	case 0x9000: return "Loopback";
	default: return "Unknown";
	}
}

/* "ethertype NAME (0xXXXX)", or as tcpdump -q words it, the name alone */
static void put_ethertype(struct sbuf *b, uint16_t et, const struct packet_text_opts *o)
{
	const char *name = ethertype_name(et);
	if (!o->quiet)
		sb_printf(b, "ethertype %s (0x%04x)", name, et);
	else if (strcmp(name, "Unknown"))
		sb_printf(b, "%s", name);
	else
		sb_printf(b, "Unknown Ethertype (0x%04x)", et);
}

static void put_mac(struct sbuf *b, const uint8_t *m)
{
	sb_printf(b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

struct l3_view pt_l3_bytes(const struct tcrec_record *r, const uint8_t *bytes)
{
	struct l3_view v = { NULL, 0 };
	if (!bytes || r->cap_len < TCREC_ETH_HLEN)
		return v;
	size_t off = 12;
	uint16_t et = (uint16_t)(bytes[off] << 8 | bytes[off + 1]);
	/* Tags are bounded by what the record can hold plus the skb tag. */
	for (int i = 0; i < 4 && (et == TCREC_ETH_P_8021Q || et == TCREC_ETH_P_8021AD); i++) {
		off += 4;
		if (off + 2 > r->cap_len)
			return v;
		et = (uint16_t)(bytes[off] << 8 | bytes[off + 1]);
	}
	off += 2;
	v.p = bytes + off;
	v.len = r->cap_len - off;
	return v;
}

/* Bytes of the frame after the link headers, as tcpdump's "length" for
 * protocols it measures by the frame (ARP, LLC). */
static unsigned frame_payload(const struct tcrec_record *r)
{
	unsigned hdr = TCREC_ETH_HLEN + 4u * r->vlan_count;
	return r->wire_len > hdr ? r->wire_len - hdr : 0;
}

static void put_arp(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
		    const struct packet_text_opts *o)
{
	struct l3_view v = pt_l3_bytes(r, bytes);
	unsigned len = frame_payload(r);
	if (!o->link)
		sb_printf(b, "ARP, ");
	/* Ethernet/IPv4 ARP only: the only kind tcpdump words this way. */
	if (v.p && v.len >= 28 && be16(v.p) == 1 && be16(v.p + 2) == TCREC_ETH_P_IP && v.p[4] == 6 &&
	    v.p[5] == 4) {
		char spa[INET_ADDRSTRLEN], tpa[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, v.p + 14, spa, sizeof(spa));
		inet_ntop(AF_INET, v.p + 24, tpa, sizeof(tpa));
		uint16_t op = be16(v.p + 6);
		if (o->verbose)
			sb_printf(b, "Ethernet (len 6), IPv4 (len 4), ");
		if (op == 1) {
			sb_printf(b, "Request who-has %s tell %s, ", tpa, spa);
		} else if (op == 2) {
			sb_printf(b, "Reply %s is-at ", spa);
			put_mac(b, v.p + 8);
			sb_printf(b, ", ");
		} else {
			sb_printf(b, "op %u, ", op);
		}
	}
	sb_printf(b, "length %u", len);
}

/* The tags, each followed by what it carries; where the capture ended
 * inside a tag (the record's ethertype is then that tag's TPID), tcpdump
 * names nothing after the last whole one. */
static void put_vlans(struct sbuf *b, const struct tcrec_record *r, const struct packet_text_opts *o,
		      bool cut)
{
	unsigned n = r->vlan_count < 3 ? r->vlan_count : 3;
	for (unsigned i = 0; i < n; i++) {
		uint16_t tci = r->vlan_tci[i];
		uint16_t next = i + 1 < n ? r->vlan_tpid[i + 1] : r->ethertype;
		sb_printf(b, "vlan %u, p %u%s, ", tci & 0x0fffu, tci >> 13, (tci & 0x1000) ? ", DEI" : "");
		if (cut && i + 1 == n)
			continue;
		if (next < 0x0600) {
			/* an 802.3 length: tcpdump -e says so, sic without a space
			 * before the LLC part */
			sb_printf(b, "%s", o->link ? "802.3" : "");
			continue;
		}
		if (o->link) {
			put_ethertype(b, next, o);
			sb_printf(b, ", ");
		} else
			sb_printf(b, "ethertype %s, ", ethertype_name(next));
	}
}

/* "smac > dmac, ethertype NAME (0xXXXX), length N", as tcpdump -e. */
static void put_link(struct sbuf *b, const struct tcrec_record *r, const struct packet_text_opts *o)
{
	uint16_t outer = r->vlan_count ? r->vlan_tpid[0] : r->ethertype;
	put_mac(b, r->smac);
	sb_printf(b, " > ");
	put_mac(b, r->dmac);
	if (outer < 0x0600) {
		/* tcpdump gives an 802.3 frame the length its header says,
		 * unless the frame is shorter */
		unsigned rest = r->wire_len > TCREC_ETH_HLEN ? r->wire_len - TCREC_ETH_HLEN : 0;
		sb_printf(b, ", 802.3, length %u", outer < rest ? outer : rest);
		return;
	}
	sb_printf(b, ", ");
	put_ethertype(b, outer, o);
	sb_printf(b, ", length %u", r->wire_len);
}

static bool known_ethertype(uint16_t et)
{
	return et < 0x0600 || et == TCREC_ETH_P_IP || et == TCREC_ETH_P_IPV6 || et == TCREC_ETH_P_ARP || et == 0x88cc;
}

/* The packet ended inside the Ethernet header: the record has no link
 * header at all (its parser stops before setting any field). */
static bool ether_cut(const struct tcrec_record *r)
{
	return (r->flags & TCREC_F_TRUNC) && !(r->flags & (TCREC_F_IPV4 | TCREC_F_IPV6 | TCREC_F_NO_ETH)) &&
	       !r->ethertype && !r->vlan_count;
}

/* An IP ethertype whose header the record could not read: cut short, or of
 * another IP version. tcpdump reads an IPv4 header's version before it says
 * "IP", an IPv6 header's only once all of it is there. */
static void put_ip_unparsed(struct sbuf *b, const struct tcrec_record *r, const uint8_t *bytes,
			    const struct packet_text_opts *o)
{
	struct l3_view v = pt_l3_bytes(r, bytes);
	int ver = v.p && v.len ? v.p[0] >> 4 : -1;
	if (r->ethertype == TCREC_ETH_P_IPV6) {
		if (r->flags & TCREC_F_TRUNC)
			sb_printf(b, " [|ip6]");
		else if (ver >= 0)
			sb_printf(b, "%sversion error: %d != 6", o->link ? "" : "IP6 ", ver);
		else
			sb_printf(b, "%sversion error", o->link ? "" : "IP6 ");
		return;
	}
	if (ver == 6)
		sb_printf(b, "IP6, wrong link-layer encapsulation (invalid)");
	else if (ver >= 0 && ver != 4)
		sb_printf(b, "IP%d (invalid)", ver);
	else if (!(r->flags & TCREC_F_TRUNC))
		sb_printf(b, "IP (invalid)"); /* another version; the record does not say which */
	else if (ver >= 0)
		sb_printf(b, "%s [|ip]", o->link ? "" : "IP ");
	else
		/* no byte of the header, or none kept: what tcpdump says of a
		 * frame that ends where the IP header starts */
		sb_printf(b, " [|ip]");
}

size_t packet_text_summary(char *buf, size_t len, const struct tcrec_record *r,
			   const uint8_t *bytes, const struct packet_text_opts *o)
{
	struct sbuf b = { buf, len, 0 };
	if (len)
		buf[0] = 0;
	uint16_t et = r->ethertype;
	if (ether_cut(r)) {
		/* tcpdump prints nothing of a link header it could not read whole. */
		sb_printf(&b, " [|ether]");
		return b.len;
	}
	bool vlan_cut = (r->flags & TCREC_F_TRUNC) && !(r->flags & TCREC_F_VLAN_MORE) &&
			(et == TCREC_ETH_P_8021Q || et == TCREC_ETH_P_8021AD || et == 0x9100);
	if (vlan_cut && !r->vlan_count) {
		/* the first tag is cut: tcpdump -e stops before the ethertype */
		if (o->link) {
			put_mac(&b, r->smac);
			sb_printf(&b, " > ");
			put_mac(&b, r->dmac);
			sb_printf(&b, ", ");
		}
		sb_printf(&b, " [|vlan]");
		return b.len;
	}
	if (!known_ethertype(et) && !r->vlan_count) {
		/* Nothing to decode: tcpdump shows the link header, -e or not. */
		put_link(&b, r, o);
		return b.len;
	}
	if (o->link) {
		put_link(&b, r, o);
		sb_printf(&b, ": ");
	}
	/* tcpdump names tags with -e only; print's columned lines always do,
	 * a bare line (a capture file without names) reads as tcpdump's */
	if (!o->bare || o->link)
		put_vlans(&b, r, o, vlan_cut);
	if (vlan_cut) {
		sb_printf(&b, " [|vlan]");
	} else if ((r->flags & TCREC_F_IPV4) && et == TCREC_ETH_P_IP) {
		if (!o->link)
			sb_printf(&b, "IP ");
		pt_put_ipv4(&b, r, bytes, o);
	} else if ((r->flags & TCREC_F_IPV6) && et == TCREC_ETH_P_IPV6) {
		if (!o->link)
			sb_printf(&b, "IP6 ");
		pt_put_ipv6(&b, r, bytes, o);
	} else if (et == TCREC_ETH_P_ARP) {
		put_arp(&b, r, bytes, o);
	} else if (et < 0x0600) {
		sb_printf(&b, "LLC, length %u", frame_payload(r));
	} else if (et == TCREC_ETH_P_IP || et == TCREC_ETH_P_IPV6) {
		put_ip_unparsed(&b, r, bytes, o);
	} else if (et == 0x88cc) {
		sb_printf(&b, "LLDP, length %u", frame_payload(r));
	} else {
		/* Unknown protocol inside VLAN tags: the tags said it all. */
		sb_printf(&b, "length %u", frame_payload(r));
	}
	return b.len;
}
