/* SPDX-License-Identifier: MIT */
#include "packets.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

int packets_add(struct packet_set *s, const uint8_t *data, uint32_t caplen, uint32_t len,
		const char *trace)
{
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		struct packet *np = realloc(s->p, ncap * sizeof(*np));
		if (!np)
			return -1;
		s->p = np;
		s->cap = ncap;
	}
	uint8_t *d = malloc(caplen ? caplen : 1);
	if (!d)
		return -1;
	memcpy(d, data, caplen);
	s->p[s->n++] = (struct packet){ .data = d, .caplen = caplen, .len = len, .trace = trace };
	return 0;
}

static int load_file(struct packet_set *s, const char *path, const char *name)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	int r;

	pcap_t *p = pcap_open_offline(path, errbuf);
	if (!p) {
		fprintf(stderr, "%s: %s\n", path, errbuf);
		return -1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		fprintf(stderr, "%s: not Ethernet, skipped\n", path);
		pcap_close(p);
		return 0;
	}
	while ((r = pcap_next_ex(p, &h, &data)) == 1)
		if (packets_add(s, data, h->caplen, h->len, name)) {
			pcap_close(p);
			return -1;
		}
	if (r == -1)
		fprintf(stderr, "%s: %s\n", path, pcap_geterr(p));
	pcap_close(p);
	return r == -1 ? -1 : 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_pcap(const struct dirent *d)
{
	size_t l = strlen(d->d_name);
	return l > 5 && !strcmp(d->d_name + l - 5, ".pcap");
}

int packets_load_dir(struct packet_set *s, const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, is_pcap, by_name), ret = 0;

	if (n < 0) {
		perror(dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		/* the name outlives the dirent: it is kept with the packets */
		char *name = strdup(ents[i]->d_name);
		char **nn = realloc(s->names, (s->nnames + 1) * sizeof(*nn));
		if (nn) {
			s->names = nn;
			s->names[s->nnames++] = name;
		} else {
			free(name);
			name = NULL;
		}
		if (!ret && (!name || load_file(s, path, name)))
			ret = -1;
		free(ents[i]);
	}
	free(ents);
	return ret;
}

void packets_free(struct packet_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->p[i].data);
	free(s->p);
	for (size_t i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	*s = (struct packet_set){ 0 };
}
