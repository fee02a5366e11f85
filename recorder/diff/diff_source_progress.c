/* SPDX-License-Identifier: MIT */
#include "diff_source_progress.h"

#include <stdio.h>
#include <sys/stat.h>

#include "read/log_input.h"

void diff_src_meter_init(struct diff_src_meter *m, const char *path, struct log_input *li)
{
	uint64_t done;
	struct stat st;

	m->total = 0;
	if (li)
		log_input_bytes(li, &done, &m->total);
	else if (!stat(path, &st) && S_ISREG(st.st_mode))
		m->total = (uint64_t)st.st_size;
	atomic_init(&m->done, 0);
	atomic_init(&m->packets, 0);
}

void diff_src_meter_note(struct diff_src_meter *m, struct log_input *li, pcap_t *pc,
			 uint64_t packets, bool last)
{
	/* ftello is a system call: not per packet */
	if (!last && (packets & 1023))
		return;
	uint64_t done = 0, total;
	if (li) {
		log_input_bytes(li, &done, &total);
	} else if (pc) {
		off_t at = ftello(pcap_file(pc));
		done = at > 0 ? (uint64_t)at : 0;
	}
	atomic_store_explicit(&m->done, done, memory_order_relaxed);
	atomic_store_explicit(&m->packets, packets, memory_order_relaxed);
}
