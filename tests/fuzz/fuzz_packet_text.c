/* SPDX-License-Identifier: MIT */
/*
 * The byte decoder of `tcrec print` (packet_text) on any record a log can
 * hold. Besides memory safety it checks the line's contract: the returned
 * length is the line's, a short buffer holds its prefix, the summary is the
 * line's tail, the line is printable and fits print's line buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_record.h"
#include "recorder/read/packet_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PRINT_LINE 65536 /* cmd_print.c's line buffer */

static void check(int ok, const char *what, const char *line)
{
	if (ok)
		return;
	fprintf(stderr, "packet_text: %s\nline: %s\n", what, line ? line : "(none)");
	abort();
}

static void check_printable(const char *s, size_t from, size_t to, const char *line)
{
	for (size_t i = from; i < to; i++)
		check(s[i] >= 0x20 && s[i] < 0x7f, "unprintable character in the line", line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[PRINT_LINE], sum[PRINT_LINE], cut[PRINT_LINE + 1];
	struct fuzz_record fr;

	if (fuzz_record_take(data, size, &fr))
		return 0;
	struct packet_text_opts o = { .nano = fr.mode & 0x04, .link = fr.mode & 0x08 };
	/* An interface name from the log header, or none (printed as ifN). The
	 * reader does not restrict its characters, so they are not checked. */
	char ifname[16] = "";
	if (fr.mode & 0x10) {
		memcpy(ifname, &fr.rec.mark, 4);
		ifname[4] = 0;
	} else if (fr.mode & 0x20) {
		strcpy(ifname, "eth0");
	}
	const char *ifn = (fr.mode & 0x30) ? ifname : NULL;

	size_t n = packet_text_format(line, sizeof(line), &fr.rec, fr.bytes, ifn, &o);
	check(n < sizeof(line), "line longer than print's line buffer", line);
	check(strlen(line) == n, "returned length is not the line's", line);

	size_t s = packet_text_summary(sum, sizeof(sum), &fr.rec, fr.bytes, &o);
	check(strlen(sum) == s, "returned summary length is not the summary's", sum);
	check(s <= n && !strcmp(line + n - s, sum), "the summary is not the line's tail", line);
	check(s > 0, "empty summary", line);
	check_printable(sum, 0, s, line);

	char ts[64];
	size_t t = packet_text_time(ts, sizeof(ts), fr.rec.ts_ns, o.nano);
	check(t == strlen(ts) && !strncmp(line, ts, t) && line[t] == ' ',
	      "the line does not start with its time", line);
	check_printable(ts, 0, t, line);

	/* The same line into a buffer too short for it: its prefix, same length. */
	size_t k = (fr.rec.ts_ns >> 8) % (n + 2);
	memset(cut, 'X', sizeof(cut));
	size_t m = packet_text_format(k ? cut : NULL, k, &fr.rec, fr.bytes, ifn, &o);
	check(m == n, "length differs when the buffer is short", line);
	if (k) {
		size_t keep = k - 1 < n ? k - 1 : n;
		check(!memcmp(cut, line, keep) && cut[keep] == 0, "short buffer is not the prefix",
		      line);
		check(cut[k] == 'X', "wrote past the end of a short buffer", line);
	}
	return 0;
}
