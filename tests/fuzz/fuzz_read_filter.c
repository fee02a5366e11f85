/* SPDX-License-Identifier: MIT */
/*
 * Filters on reading (print, stats, export FILTER): an expression, then one
 * record as a log reader hands it out. Input: the expression up to the
 * first newline, then the record layout of fuzz_record.h. On records with
 * bytes the filter runs on them; on metadata-only ones on rebuilt headers,
 * probed for reads of bytes the record does not keep.
 *
 * read_filter.h promises that on rebuilt headers the header fields select
 * exactly, and that a verdict resting on anything else is warned about. So
 * for a metadata-only record made by the capture parser from the whole
 * packet (as the kernel makes it), without a warning, the verdict must be
 * libpcap's on the original packet.
 */
#define _GNU_SOURCE /* dprintf, open_memstream, RTLD_NEXT */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_record.h"
#include "recorder/filter/filter.h"
#include "recorder/filter/read_filter.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EXPR_MAX 512
#define PARSE_WINDOW 256 /* the capture parser reads no further (packet_parse.h) */

/* libpcap looks host names in an expression up, in DNS: a name the
 * fuzzer made up would wait seconds for a resolver, and ask the network.
 * Here no host name resolves; numeric addresses and service names (local
 * files) still do. */
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
		struct addrinfo **res)
{
	static int (*real)(const char *, const char *, const struct addrinfo *,
			   struct addrinfo **);
	uint8_t addr[16];

	if (node && !(hints && (hints->ai_flags & AI_NUMERICHOST)) &&
	    inet_pton(AF_INET, node, addr) != 1 && inet_pton(AF_INET6, node, addr) != 1)
		return EAI_NONAME;
	if (!real)
		real = (int (*)(const char *, const char *, const struct addrinfo *,
				struct addrinfo **))dlsym(RTLD_NEXT, "getaddrinfo");
	return real ? real(node, service, hints, res) : EAI_FAIL;
}

struct hostent *gethostbyname(const char *name)
{
	(void)name;
	h_errno = HOST_NOT_FOUND;
	return NULL;
}

/* What the code under test writes on stderr: bad expressions on most
 * inputs, and the probe's warning, which the check below needs to see.
 * Sanitizers and libFuzzer write to fd 2 themselves. */
static FILE *said;
static char *said_buf;
static size_t said_len;

static void listen_stderr(void)
{
	if (said) {
		fclose(said);
		free(said_buf);
		said_buf = NULL;
	}
	said = open_memstream(&said_buf, &said_len);
	if (!said)
		abort();
	stderr = said;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	listen_stderr();
	return 0;
}

static void fail(const char *expr, const char *what)
{
	dprintf(STDERR_FILENO, "read_filter: '%s': %s\n", expr, what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size < EXPR_MAX ? size : EXPR_MAX);
	char expr[EXPR_MAX + 1];
	struct fuzz_record fr;
	struct read_filter *f;

	if (!nl)
		return 0;
	size_t elen = (size_t)(nl - data);
	memcpy(expr, data, elen);
	expr[elen] = 0;
	if (strlen(expr) != elen)
		return 0; /* argv cannot hold a NUL */
	if (fuzz_record_take(nl + 1, size - elen - 1, &fr))
		return 0;
	if (said_len > (1u << 20))
		listen_stderr();
	char err[512];
	if (read_filter_open(expr, "print", &f, err, sizeof(err)))
		return 0;
	if (strcmp(read_filter_expr(f), expr))
		fail(expr, "the expression did not come back as given");
	struct log_packet p = { .rec = &fr.rec, .bytes = fr.bytes };
	fflush(said);
	size_t before = said_len;
	/* the first call may probe and warn, the second may not: same verdict */
	bool verdict = read_filter_accepts(f, &p);
	fflush(said);
	bool warned = said_len != before;
	if (read_filter_accepts(f, &p) != verdict)
		fail(expr, "the verdict changed on the same record");
	read_filter_close(f);

	uint8_t meta = FUZZ_REC_PARSED | FUZZ_REC_META;
	if ((fr.mode & meta) != meta || warned ||
	    (fr.rec.wire_len != fr.pkt_len && fr.pkt_len < PARSE_WINDOW))
		return 0;
	struct cbpf_insn *prog;
	size_t n;
	if (filter_compile(expr, &prog, &n, err, sizeof(err)))
		fail(expr, "compiles for the reader but not again");
	bool orig = filter_run(prog, fr.pkt, fr.rec.wire_len, (unsigned)fr.pkt_len) != 0;
	free(prog);
	if (orig != verdict)
		fail(expr, verdict ? "rebuilt headers accepted, without a warning, a packet the "
				     "filter rejects"
				   : "rebuilt headers rejected, without a warning, a packet the "
				     "filter accepts");
	return 0;
}
