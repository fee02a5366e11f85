/* SPDX-License-Identifier: MIT */
#include "pcap_writer.h"

#include <errno.h>
#include <stdlib.h>

#define PCAP_MAGIC_NSEC 0xa1b23c4du
#define LINKTYPE_ETHERNET 1u
#define NSEC_PER_SEC 1000000000ull

struct pcap_writer {
	struct pcap_out *out;
	uint32_t snaplen;
	int err;
	uint64_t packets;
};

struct pcap_writer *pcap_writer_open(struct pcap_out *out, uint32_t snaplen)
{
	struct pcap_writer *w = calloc(1, sizeof(*w));
	if (!w) {
		pcap_out_close(out);
		errno = ENOMEM;
		return NULL;
	}
	w->out = out;
	/* libpcap refuses a zero snaplen; 0 means "whole packets" to us. */
	w->snaplen = snaplen ? snaplen : 262144;
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t thiszone;
		uint32_t sigfigs, snaplen, linktype;
	} hdr = { PCAP_MAGIC_NSEC, 2, 4, 0, 0, w->snaplen, LINKTYPE_ETHERNET };
	int err = pcap_out_write(out, &hdr, sizeof(hdr));
	if (err) {
		pcap_writer_close(w);
		errno = -err;
		return NULL;
	}
	return w;
}

int pcap_writer_packet(struct pcap_writer *w, uint64_t ts_ns, const void *data, uint32_t caplen,
		       uint32_t origlen)
{
	if (w->err)
		return w->err;
	if (caplen > w->snaplen)
		caplen = w->snaplen;
	uint32_t rec[4] = { (uint32_t)(ts_ns / NSEC_PER_SEC), (uint32_t)(ts_ns % NSEC_PER_SEC), caplen,
			    origlen };
	struct iovec iov[2] = { { rec, sizeof(rec) }, { (void *)data, caplen } };
	int err = pcap_out_writev(w->out, iov, 2);
	if (err)
		return w->err = err;
	w->packets++;
	return 0;
}

int pcap_writer_flush(struct pcap_writer *w)
{
	if (w->err)
		return w->err;
	int err = pcap_out_flush(w->out);
	if (err)
		w->err = err;
	return err;
}

uint64_t pcap_writer_packets(const struct pcap_writer *w)
{
	return w->packets;
}

int pcap_writer_close(struct pcap_writer *w)
{
	if (!w)
		return 0;
	int err = pcap_out_close(w->out);
	if (!w->err)
		w->err = err;
	err = w->err;
	free(w);
	return err;
}
