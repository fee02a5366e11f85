/* SPDX-License-Identifier: MIT */
/* The log reader on hostile bytes: header, chunks, records and their
 * sockets (v3 socket tables), trailer, index, resync after damage. */
#include "fuzz_util.h" /* first: it sets _GNU_SOURCE */

#include <string.h>

#include "formats/tclog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

static void touch_sock(const struct tcrec_record *rec, const struct tclog_sock *s)
{
	if (!s) {
		sink += rec->sock_cookie; /* 0 */
		return;
	}
	/* the socket is the record's, and its strings are terminated */
	if (s->cookie != rec->sock_cookie || !s->cookie)
		__builtin_trap();
	sink += s->pid + s->tid + s->uid + s->cgroup_id + s->lport + s->laddr[15] + s->raddr[15] +
		strlen(s->comm) + strlen(s->cgroup) + strlen(s->container);
}

static void drain(struct tclog_reader *r, char *err, size_t errlen)
{
	const struct tcrec_record *rec;
	const uint8_t *bytes;
	struct tclog_resync rs;
	int rc, resyncs = 0;

	for (;;) {
		while ((rc = tclog_reader_next(r, &rec, &bytes, err, errlen)) == 1) {
			/* touch every byte the reader claims is there */
			sink += rec->ts_ns + rec->cap_len;
			for (uint32_t i = 0; i < rec->cap_len; i++)
				sink += bytes[i];
			touch_sock(rec, tclog_reader_sock(r));
		}
		if (rc == 0 || ++resyncs > 8 || tclog_reader_resync(r, &rs, err, errlen) || rs.at_end)
			break;
		if (tclog_reader_sock(r))
			__builtin_trap(); /* no record since the damage */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	struct tclog_reader *r = tclog_reader_open(path, err, sizeof(err));
	if (r) {
		const struct tclog_header *h = tclog_reader_header(r);
		sink += h->n_ifaces + strlen(h->filter) + strlen(h->host);
		drain(r, err, sizeof(err));
		const struct tclog_final *fin = tclog_reader_final(r);
		if (fin)
			sink += fin->c[0][0].seen;
		const char *w = tclog_reader_warning(r);
		if (w)
			sink += strlen(w);

		const struct tclog_chunk_info *chunks;
		size_t n;
		if (!tclog_reader_index(r, &chunks, &n, err, sizeof(err))) {
			for (size_t i = 0; i < n && i < 64; i++) {
				sink += chunks[i].records;
				/* seek from the end backwards: the index must not lie */
				if (!tclog_reader_seek_chunk(r, n - 1 - i, err, sizeof(err)))
					drain(r, err, sizeof(err));
			}
		}
		tclog_reader_close(r);
	}
	close(fd);
	return 0;
}
