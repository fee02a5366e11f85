/* SPDX-License-Identifier: MIT */
#include "diff_pcapng_names.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	BT_SHB = 0x0a0d0d0a,
	BT_IDB = 1,
	BT_PB = 2, /* obsolete packet block */
	BT_SPB = 3,
	BT_EPB = 6,
	OPT_IF_NAME = 2,
	BLOCK_MAX = 16u << 20, /* libpcap's own cap on a block */
};

struct pcapng_names {
	FILE *f;
	bool swap;
	char **sect;     /* if_name by interface id in this section (NULL: none) */
	size_t nsect;
	char **all;      /* every if_name met, owned here */
	size_t nall;
	uint8_t *buf;
};

static uint32_t u32(const struct pcapng_names *n, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return n->swap ? __builtin_bswap32(v) : v;
}

static uint16_t u16(const struct pcapng_names *n, const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return n->swap ? __builtin_bswap16(v) : v;
}

struct pcapng_names *pcapng_names_open(const char *path)
{
	struct pcapng_names *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->buf = malloc(BLOCK_MAX);
	n->f = fopen(path, "rb");
	if (!n->buf || !n->f) {
		int e = errno;
		pcapng_names_close(n);
		errno = e;
		return NULL;
	}
	return n;
}

/* The if_name option of an IDB body, NULL when it has none. */
static char *idb_name(const struct pcapng_names *n, const uint8_t *b, uint32_t len)
{
	for (uint32_t off = 8; off + 4 <= len;) {
		uint16_t code = u16(n, b + off), olen = u16(n, b + off + 2);
		if (!code || off + 4 + olen > len)
			break;
		if (code == OPT_IF_NAME)
			return strndup((const char *)b + off + 4, olen);
		off += 4 + ((olen + 3u) & ~3u);
	}
	return NULL;
}

static int add_idb(struct pcapng_names *n, const uint8_t *b, uint32_t len)
{
	char **v = realloc(n->sect, (n->nsect + 1) * sizeof(*v));
	if (!v)
		return -1;
	n->sect = v;
	char *name = idb_name(n, b, len);
	n->sect[n->nsect++] = name;
	if (!name)
		return 0;
	char **a = realloc(n->all, (n->nall + 1) * sizeof(*a));
	if (!a)
		return -1;
	n->all = a;
	n->all[n->nall++] = name;
	return 0;
}

/* One block: its type and body in n->buf. 1, 0 at the end, -1. */
static int read_block(struct pcapng_names *n, uint32_t *type, uint32_t *blen)
{
	uint8_t h[8];
	size_t got = fread(h, 1, 8, n->f);
	if (got == 0)
		return 0;
	if (got < 8)
		return -1;
	memcpy(type, h, 4);
	if (*type == BT_SHB) {
		uint8_t magic[4];
		if (fread(magic, 1, 4, n->f) != 4)
			return -1;
		uint32_t m;
		memcpy(&m, magic, 4);
		n->swap = m != 0x1a2b3c4d; /* the section's byte order */
		n->nsect = 0; /* interface ids restart with each section */
		if (fseek(n->f, -4, SEEK_CUR))
			return -1;
	} else {
		*type = u32(n, h);
	}
	uint32_t total = u32(n, h + 4);
	if (total < 12 || total > BLOCK_MAX || total % 4)
		return -1;
	*blen = total - 12;
	if (fread(n->buf, 1, total - 8, n->f) != total - 8)
		return -1;
	return 1;
}

int pcapng_names_next(struct pcapng_names *n, const char **name)
{
	uint32_t type, len;
	int rc;
	while ((rc = read_block(n, &type, &len)) > 0) {
		uint32_t id;
		if (type == BT_IDB) {
			if (add_idb(n, n->buf, len))
				return -1;
			continue;
		}
		if (type == BT_EPB && len >= 4)
			id = u32(n, n->buf);
		else if (type == BT_PB && len >= 2)
			id = u16(n, n->buf);
		else if (type == BT_SPB)
			id = 0;
		else
			continue;
		*name = id < n->nsect ? n->sect[id] : NULL;
		return 1;
	}
	return rc;
}

size_t pcapng_names_count(const struct pcapng_names *n)
{
	return n->nall;
}

const char *pcapng_names_get(const struct pcapng_names *n, size_t i)
{
	return n->all[i];
}

void pcapng_names_close(struct pcapng_names *n)
{
	if (!n)
		return;
	if (n->f)
		fclose(n->f);
	for (size_t i = 0; i < n->nall; i++)
		free(n->all[i]);
	free(n->all);
	free(n->sect);
	free(n->buf);
	free(n);
}
