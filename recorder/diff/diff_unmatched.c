/* SPDX-License-Identifier: MIT */
/*
 * --write-unmatched: the packets without a twin (lost, added) and the extra
 * copies (duplicated) of both sides, in one pcapng with one interface per
 * side and an opt_comment per packet saying why it is there.
 */
#include "diff_unmatched.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/dlt.h>

#include "diff_report.h"
#include "formats/pcapng_writer.h"
#include "formats/synth.h"

struct diff_unmatched {
	struct pcapng_writer *w;
	int if_id[2];
	int linktype[2];
	uint8_t *frame; /* Ethernet frame rebuilt around non-Ethernet captures */
	int err;
};

struct diff_unmatched *diff_unmatched_open(const char *path, const char *const names[2],
					   const int linktype[2])
{
	struct diff_unmatched *u = calloc(1, sizeof(*u));
	struct pcap_out *out = NULL;

	if (!u)
		return NULL;
	u->frame = malloc(14 + DIFF_UNMATCHED_SNAP);
	out = pcap_out_create(path, PCAP_OUT_PLAIN);
	if (!u->frame || !out)
		goto fail;
	const struct pcapng_section shb = { .userappl = "tcrec diff (unmatched packets)" };
	u->w = pcapng_writer_open(out, &shb);
	out = NULL; /* the writer owns it now, even when the open failed */
	if (!u->w)
		goto fail;
	for (int i = 0; i < 2; i++) {
		char name[4096];
		snprintf(name, sizeof(name), "%c: %s", i ? 'B' : 'A', names[i]);
		const struct pcapng_iface ifc = { .name = name, .snaplen = DIFF_UNMATCHED_SNAP };
		u->if_id[i] = pcapng_writer_add_iface(u->w, &ifc);
		if (u->if_id[i] < 0) {
			errno = -u->if_id[i];
			goto fail;
		}
		u->linktype[i] = linktype[i];
	}
	return u;
fail:;
	int saved = errno;
	if (u->w)
		pcapng_writer_close(u->w);
	else if (out)
		pcap_out_close(out);
	free(u->frame);
	free(u);
	errno = saved ? saved : ENOMEM;
	return NULL;
}

/* The pcapng interfaces are Ethernet: IP captures get a header with zero
 * MACs, as tcrec does for L3 devices. */
static const uint8_t *as_ethernet(struct diff_unmatched *u, int side, const struct dm_event *ev,
				  uint32_t *caplen, uint32_t *origlen)
{
	struct tcrec_record r = { 0 };
	struct packet_l3 pl;

	*caplen = ev->cap_len;
	*origlen = ev->wire_len;
	if (u->linktype[side] == DLT_EN10MB || !ev->bytes)
		return ev->bytes;
	packet_parse(u->linktype[side], ev->bytes, ev->cap_len, &r, &pl);
	if (!pl.l3_known || pl.l3_off > ev->cap_len)
		return NULL;
	uint32_t n = ev->cap_len - pl.l3_off;
	if (n > DIFF_UNMATCHED_SNAP)
		n = DIFF_UNMATCHED_SNAP;
	memset(u->frame, 0, 12);
	u->frame[12] = (uint8_t)(r.ethertype >> 8);
	u->frame[13] = (uint8_t)r.ethertype;
	memcpy(u->frame + 14, ev->bytes + pl.l3_off, n);
	*caplen = 14 + n;
	*origlen = 14 + (ev->wire_len > pl.l3_off ? ev->wire_len - pl.l3_off : 0);
	return u->frame;
}

int diff_unmatched_write(struct diff_unmatched *u, const struct dm_event *ev)
{
	char why[160], comment[200];
	uint32_t caplen, origlen;

	if (u->err)
		return u->err;
	const uint8_t *data = as_ethernet(u, ev->side, ev, &caplen, &origlen);
	struct pcapng_packet p = {
		.if_id = (uint32_t)u->if_id[ev->side],
		.ts_ns = ev->ts_ns,
		.caplen = data ? caplen : 0,
		.origlen = origlen,
		.data = data,
		.comment = comment,
	};
	diff_event_why(ev, why, sizeof(why));
	snprintf(comment, sizeof(comment), "%s%s%s", why, ev->synthesized ? "; " : "",
		 ev->synthesized ? SYNTH_COMMENT : "");
	int err = pcapng_writer_packet(u->w, &p);
	if (err)
		u->err = err;
	return err;
}

int diff_unmatched_close(struct diff_unmatched *u)
{
	if (!u)
		return 0;
	int err = pcapng_writer_close(u->w);
	if (!err)
		err = u->err;
	free(u->frame);
	free(u);
	return err;
}
