/* SPDX-License-Identifier: MIT */
/*
 * The interface names of a pcapng file, packet by packet. libpcap does not
 * say which interface a packet came on, so this walks the file's blocks
 * beside it: every packet block libpcap returns is the next one here, and
 * its interface's if_name comes from the section's IDBs (read/pcapng_blocks.h,
 * the one pcapng walker). Used by diff for
 * --interface on pcapng inputs.
 */
#ifndef TCREC_DIFF_PCAPNG_NAMES_H
#define TCREC_DIFF_PCAPNG_NAMES_H

#include <stddef.h>

struct pcapng_names;

/* NULL with errno. */
struct pcapng_names *pcapng_names_open(const char *path);

/* The next packet block: 1 with *name its interface's if_name (NULL when
 * the IDB has none), 0 at the end, -1 when the file cannot be walked (too
 * large or inconsistent block): then nothing more is known. */
int pcapng_names_next(struct pcapng_names *n, const char **name);

/* Every if_name met so far, over all sections. */
size_t pcapng_names_count(const struct pcapng_names *n);
const char *pcapng_names_get(const struct pcapng_names *n, size_t i);

void pcapng_names_close(struct pcapng_names *n);

#endif
