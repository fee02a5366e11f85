/* SPDX-License-Identifier: MIT */
/* The table of chunk encodings and what every encoding shares. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "tclog_codec.h"

extern const struct tclog_codec tclog_codec_fields;
extern const struct tclog_codec tclog_codec_columnar;

static const struct tclog_codec *const codecs[] = {
	&tclog_codec_fields,
	&tclog_codec_columnar,
};

const struct tclog_codec *tclog_codec_find(uint16_t id)
{
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++)
		if (codecs[i]->id == id)
			return codecs[i];
	return NULL;
}

int tclog_record_check(const struct tcrec_record *rec, char *why, size_t whylen)
{
	if (rec->cap_len > TCREC_SNAP_MAX)
		snprintf(why, whylen, "cap_len %u exceeds %u", rec->cap_len, TCREC_SNAP_MAX);
	else if (rec->vlan_count > 3)
		snprintf(why, whylen, "vlan_count %u exceeds 3", rec->vlan_count);
	else if (rec->dir > TCREC_DIR_OUT)
		snprintf(why, whylen, "direction %u is neither in (0) nor out (1)", rec->dir);
	else
		return 0;
	return -1;
}

int tclog_decoded_reserve(struct tclog_decoded *out, uint32_t n)
{
	struct tcrec_record *recs;
	const uint8_t **bytes;

	if (n <= out->cap)
		return 0;
	recs = realloc(out->recs, (size_t)n * sizeof(*recs));
	if (!recs)
		return -ENOMEM;
	out->recs = recs;
	bytes = realloc(out->bytes, (size_t)n * sizeof(*bytes));
	if (!bytes)
		return -ENOMEM;
	out->bytes = bytes;
	out->cap = n;
	return 0;
}

void tclog_decoded_free(struct tclog_decoded *out)
{
	free(out->recs);
	free(out->bytes);
	free(out->buf);
	out->recs = NULL;
	out->bytes = NULL;
	out->buf = NULL;
	out->n = out->cap = 0;
	out->buf_cap = 0;
}
