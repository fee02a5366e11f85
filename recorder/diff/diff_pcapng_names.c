/* SPDX-License-Identifier: MIT */
/* The walk beside libpcap, through the readers' one pcapng walker. */
#include "diff_pcapng_names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "read/pcapng_blocks.h"

struct pcapng_names {
	FILE *f;
	struct pcapng_blocks *w;
};

struct pcapng_names *pcapng_names_open(const char *path)
{
	struct pcapng_names *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->f = fopen(path, "rb");
	if (n->f)
		n->w = pcapng_blocks_open(n->f, false);
	if (!n->w) {
		int e = errno;
		pcapng_names_close(n);
		errno = e;
		return NULL;
	}
	return n;
}

int pcapng_names_next(struct pcapng_names *n, const char **name)
{
	struct pcapng_packet p;
	char err[256];
	int rc = pcapng_blocks_next(n->w, &p, err, sizeof(err));
	if (rc == 1)
		*name = pcapng_blocks_iface(n->w, p.iface)->name;
	return rc;
}

size_t pcapng_names_count(const struct pcapng_names *n)
{
	size_t c = 0;
	for (size_t i = 0; i < pcapng_blocks_nifaces(n->w); i++)
		c += pcapng_blocks_iface(n->w, i)->name != NULL;
	return c;
}

const char *pcapng_names_get(const struct pcapng_names *n, size_t i)
{
	for (size_t k = 0; k < pcapng_blocks_nifaces(n->w); k++) {
		const char *name = pcapng_blocks_iface(n->w, k)->name;
		if (name && !i--)
			return name;
	}
	return NULL;
}

void pcapng_names_close(struct pcapng_names *n)
{
	if (!n)
		return;
	pcapng_blocks_close(n->w);
	if (n->f)
		fclose(n->f);
	free(n);
}
