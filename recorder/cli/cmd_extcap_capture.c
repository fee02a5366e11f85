/* SPDX-License-Identifier: MIT */
/* The extcap protocol's capture step: the dialog's answers into the
 * options of `tcrec record -w -`, standard output onto Wireshark's fifo,
 * and record's own run; and the capture filter check Wireshark asks for. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_extcap.h"
#include "commands.h"
#include "logging.h"
#include "record_args.h"
#include "filter/filter.h"
#include "capture/output_prepare.h"
#include "capture/record_opts.h"

#define CMD "extcap"
#define SNAP_WHOLE 262144u /* -s 0, as record_args.c spells it */
#define EXTCAP_FLUSH_MS 100

/* extcap(4): an empty answer means the filter is valid, else its first
 * line says why not. Wireshark reads the answer of a run that exits 0. */
int extcap_check_filter(const struct extcap_args *a)
{
	struct cbpf_insn *prog = NULL;
	size_t n;
	char err[512];

	if (!extcap_host_iface(a->iface))
		return EXIT_USAGE;
	if (a->wire_filter && filter_compile(a->wire_filter, &prog, &n, err, sizeof(err)))
		printf("%s\n", err);
	free(prog);
	return fflush(stdout) ? EXIT_RUNTIME : EXIT_OK;
}

/* Wireshark's filter field and the dialog's, both applied. NULL with
 * *rc set when out of memory. */
static char *joined_filter(const struct extcap_args *a, int *rc)
{
	const char *x = a->wire_filter, *y = a->filter;
	char *f = NULL;

	*rc = 0;
	if (x && y) {
		size_t len = strlen(x) + strlen(y) + sizeof("() and ()");
		if ((f = malloc(len)))
			snprintf(f, len, "(%s) and (%s)", x, y);
	} else if (x || y) {
		f = strdup(x ? x : y);
	} else {
		return NULL;
	}
	if (!f) {
		pr_warn("out of memory");
		*rc = EXIT_RUNTIME;
	}
	return f;
}

/* --snaplen, --direction, --netns, --container: what record's -s, -Q,
 * --netns and --container would set. 0 or EXIT_USAGE. */
static int dialog_opts(const struct extcap_args *a, const char *ifname, struct record_opts *o)
{
	uint64_t v;

	if (a->snaplen) {
		if (parse_u64(CMD, "--snaplen", a->snaplen, 0, SNAP_WHOLE, &v))
			return EXIT_USAGE;
		o->snap_set = true;
		o->snaplen = v ? (uint32_t)v : SNAP_WHOLE;
	}
	o->snap_eff = o->snaplen > TCREC_SNAP_MAX ? TCREC_SNAP_MAX : o->snaplen;
	o->dirs = RECORD_DIRS_DEFAULT;
	if (a->direction && strcmp(a->direction, "auto") &&
	    record_parse_dirs(CMD, "--direction", a->direction, &o->dirs))
		return EXIT_USAGE;
	if (a->netns && !strcmp(a->netns, "all"))
		o->all_netns = true;
	else if (a->netns && strcmp(a->netns, "self"))
		o->netns[o->n_netns++] = a->netns;
	if (a->container)
		o->containers[o->n_containers++] = a->container;
	/* a container's interfaces, unless one of them is named */
	if (!a->container || strcmp(ifname, "any"))
		o->ifnames[o->n_ifaces++] = ifname;
	return 0;
}

/* The log beside the fifo is checked as record checks -w, before the
 * kernel is touched. 0 or EXIT_RUNTIME. */
static int check_log(const struct record_opts *o)
{
	struct record_opts lo = *o;

	lo.out = o->tee_log;
	lo.format = RECORD_TCREC;
	return output_prepare(&lo) ? EXIT_RUNTIME : 0;
}

/* Standard output becomes the fifo: record's "-w -" writes there. Opening
 * waits for Wireshark to open the other end. 0 or EXIT_RUNTIME. */
static int onto_fifo(const char *fifo)
{
	int fd = open(fifo, O_WRONLY | O_CLOEXEC);

	if (fd < 0) {
		pr_warn("--fifo %s: cannot open for writing: %s", fifo, strerror(errno));
		return EXIT_RUNTIME;
	}
	if (dup2(fd, STDOUT_FILENO) < 0) {
		pr_warn("--fifo %s: %s", fifo, strerror(errno));
		close(fd);
		return EXIT_RUNTIME;
	}
	close(fd);
	return 0;
}

int extcap_capture(const struct extcap_args *a)
{
	struct record_opts o = { 0 };
	const char *ifname = extcap_host_iface(a->iface);
	int rc;

	if (!ifname)
		return EXIT_USAGE;
	/* Wireshark shows what an extcap says on stderr as an error: only
	 * warnings, no summary */
	tcrec_quiet = true;
	if ((rc = dialog_opts(a, ifname, &o)))
		return rc;
	o.out = "-";
	o.format = RECORD_PCAPNG;
	o.attach = ATTACH_AUTO;
	/* Wireshark shows packets as they come, and stops the capture by
	 * closing the fifo: little may wait in our buffer */
	o.flush_ms = EXTCAP_FLUSH_MS;
	o.tee_log = a->log;
	if (o.tee_log && (rc = check_log(&o)))
		return rc;
	o.filter = joined_filter(a, &rc);
	if (rc)
		return rc;
	if ((rc = onto_fifo(a->fifo))) {
		free(o.filter);
		return rc;
	}
	return record_execute(&o);
}
