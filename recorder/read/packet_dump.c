/* SPDX-License-Identifier: MIT */
/* Hex and ASCII dumps in tcpdump's layout (see packet_dump.h). */
#include "packet_dump.h"

#include "bpf/parse.h"
#include "formats/packet_parse.h"

#define DUMP_LINE_BYTES 16
/* Width of the hex column of -X: eight groups of " hhhh". */
#define DUMP_HEX_WIDTH 40

static bool is_vlan_tpid(uint16_t t)
{
	/* 802.1Q, 802.1ad, and the pre-standard QinQ types tcpdump walks too */
	return t == 0x8100 || t == 0x88a8 || t == 0x9100 || t == 0x9200;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* tcpdump counts an 802.3 frame's LLC header (and its SNAP header) as
 * link header too. */
static uint32_t with_llc(const uint8_t *b, uint32_t caplen, uint32_t off)
{
	if (caplen < off + 3)
		return caplen;
	uint8_t dsap = b[off], ssap = b[off + 1], control = b[off + 2];
	if (dsap == 0xff && ssap == 0xff)
		return off; /* Novell raw 802.3: IPX right after the length */
	uint32_t len = (control & 3) == 3 ? 3 : 4; /* U format: one control byte */
	if ((dsap & 0xfe) == 0xaa && (ssap & 0xfe) == 0xaa && control == 0x03)
		len = 8;
	return caplen < off + len ? caplen : off + len;
}

/* The header of off bytes, then the VLAN tags after it whose type field
 * sits at type_at; *last is the type after them (0 when cut). */
static uint32_t with_tags(const uint8_t *b, uint32_t caplen, uint32_t off, uint32_t type_at,
			  uint16_t *last)
{
	*last = 0;
	if (caplen < off)
		return caplen;
	uint16_t type = rd16(b + type_at);
	while (is_vlan_tpid(type)) {
		if (caplen < off + 4)
			return caplen;
		type = rd16(b + off + 2);
		off += 4;
	}
	*last = type;
	return off;
}

/* tcpdump gives up on some cut packets by jumping out of its printer, and
 * then dumps from the first byte as if -xx: an IPv4 ethertype with no byte
 * after the link header, TCP options that the capture cut. */
static bool printer_gives_up(int linktype, const uint8_t *b, uint32_t caplen)
{
	struct tcrec_record r = { 0 };
	struct packet_l3 l3;

	if (packet_parse(linktype, b, caplen, &r, &l3) || !l3.l3_known)
		return false;
	if (r.ethertype == TCREC_ETH_P_IP && l3.l3_off == caplen)
		return true;
	if (r.ip_proto != TCREC_IPPROTO_TCP || !(r.flags & TCREC_F_L4))
		return false;
	uint32_t l4 = l3.l3_off + r.ip_hlen;
	return l4 + TCREC_TCP_HLEN_MIN <= caplen && l4 + r.tcp_hlen > caplen;
}

uint32_t packet_dump_link_len(int linktype, const uint8_t *b, uint32_t caplen)
{
	if (printer_gives_up(linktype, b, caplen))
		return 0;
	uint16_t type;
	uint32_t off;

	switch (linktype) {
	case PACKET_DLT_EN10MB:
		off = with_tags(b, caplen, 14, 12, &type);
		/* a type field up to 1500 is an 802.3 length: LLC follows */
		return type && type <= 1500 ? with_llc(b, caplen, off) : off;
	case PACKET_DLT_LINUX_SLL:
		return with_tags(b, caplen, 16, 14, &type);
	case PACKET_DLT_LINUX_SLL2:
		return caplen < 20 ? caplen : 20;
	default:
		return 0;
	}
}

static bool is_graph(uint8_t c)
{
	return c > 0x20 && c <= 0x7e;
}

static void dump_hex(FILE *out, const uint8_t *b, uint32_t n, bool ascii)
{
	for (uint32_t off = 0; off < n; off += DUMP_LINE_BYTES) {
		uint32_t end = n - off < DUMP_LINE_BYTES ? n : off + DUMP_LINE_BYTES;
		char hex[DUMP_HEX_WIDTH + 1], text[DUMP_LINE_BYTES + 1];
		int h = 0, t = 0;

		for (uint32_t i = off; i < end; i += 2) {
			if (i + 1 < end)
				h += snprintf(hex + h, sizeof(hex) - (size_t)h, " %02x%02x", b[i], b[i + 1]);
			else
				h += snprintf(hex + h, sizeof(hex) - (size_t)h, " %02x", b[i]);
		}
		for (uint32_t i = off; i < end; i++)
			text[t++] = is_graph(b[i]) ? (char)b[i] : '.';
		text[t] = '\0';
		if (ascii)
			fprintf(out, "\t0x%04x: %-*s  %s\n", off & 0xffff, DUMP_HEX_WIDTH, hex, text);
		else
			fprintf(out, "\t0x%04x: %s\n", off & 0xffff, hex);
	}
}

/* tcpdump -A: text as it comes, a CR dropped before a LF and near the end,
 * other non-printables as '.'. */
static void dump_ascii(FILE *out, const uint8_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = b[i];
		uint32_t left = n - i - 1;

		if (c == '\r') {
			if (left > 1 && b[i + 1] != '\n')
				putc('.', out);
		} else if (is_graph(c) || c == '\t' || c == ' ' || c == '\n') {
			putc(c, out);
		} else {
			putc('.', out);
		}
	}
	putc('\n', out);
}

void packet_dump(FILE *out, const uint8_t *b, uint32_t caplen, int linktype,
		 const struct packet_dump_opts *o)
{
	uint32_t skip = o->link ? 0 : packet_dump_link_len(linktype, b, caplen);

	if (o->mode == PACKET_DUMP_NONE || !b || caplen <= skip)
		return;
	if (o->mode == PACKET_DUMP_ASCII)
		dump_ascii(out, b + skip, caplen - skip);
	else
		dump_hex(out, b + skip, caplen - skip, o->mode == PACKET_DUMP_HEX_ASCII);
}
