/* SPDX-License-Identifier: MIT */
/* tcrec as a Wireshark extcap: which step of the protocol Wireshark asks
 * for (wireshark's extcap(4)), and its arguments. */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_extcap.h"
#include "commands.h"
#include "logging.h"

#define CMD "extcap"

enum {
	OPT_INTERFACES = 0x100, OPT_DLTS, OPT_CONFIG, OPT_CAPTURE, OPT_IFACE, OPT_FIFO,
	OPT_WIRE_FILTER, OPT_VERSION, OPT_IGNORED, OPT_IGNORED_ARG,
	OPT_SNAPLEN, OPT_DIRECTION, OPT_NETNS, OPT_CONTAINER, OPT_FILTER, OPT_LOG,
};

static const struct option long_opts[] = {
	{ "extcap-interfaces", no_argument, NULL, OPT_INTERFACES },
	{ "extcap-dlts", no_argument, NULL, OPT_DLTS },
	{ "extcap-config", no_argument, NULL, OPT_CONFIG },
	{ "capture", no_argument, NULL, OPT_CAPTURE },
	{ "extcap-interface", required_argument, NULL, OPT_IFACE },
	{ "fifo", required_argument, NULL, OPT_FIFO },
	{ "extcap-capture-filter", required_argument, NULL, OPT_WIRE_FILTER },
	{ "extcap-version", optional_argument, NULL, OPT_VERSION },
	/* asked of every extcap by some Wireshark versions; nothing to do */
	{ "debug", no_argument, NULL, OPT_IGNORED },
	{ "debug-file", required_argument, NULL, OPT_IGNORED_ARG },
	{ "extcap-reload-option", required_argument, NULL, OPT_IGNORED_ARG },
	{ "extcap-control-in", required_argument, NULL, OPT_IGNORED_ARG },
	{ "extcap-control-out", required_argument, NULL, OPT_IGNORED_ARG },
	/* the config dialog's arguments (cmd_extcap_list.c lists them) */
	{ "snaplen", required_argument, NULL, OPT_SNAPLEN },
	{ "direction", required_argument, NULL, OPT_DIRECTION },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "container", required_argument, NULL, OPT_CONTAINER },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static const char extcap_help[] =
	"Usage: tcrec --extcap-interfaces [--extcap-version=VER]\n"
	"       tcrec --extcap-dlts --extcap-interface IF\n"
	"       tcrec --extcap-config --extcap-interface IF\n"
	"       tcrec --capture --extcap-interface IF --fifo PATH\n"
	"             [--extcap-capture-filter FILTER] [DIALOG OPTIONS]\n"
	"\n"
	"Wireshark runs tcrec this way when it is installed as an extcap (a link\n"
	"named tcrec in Wireshark's extcap folder): its interfaces, tcrec-IF for\n"
	"each interface of the host's namespace and tcrec-any, appear in\n"
	"Wireshark's list and `tshark -D`. A capture records as `tcrec record -w -`\n"
	"does, into Wireshark's fifo, until Wireshark stops it (SIGTERM).\n"
	"\n"
	"Options:\n"
	"  --snaplen N         bytes kept of each packet (0: all); none: metadata\n"
	"  --direction D       in, out, inout, or auto (both; loopback: in only)\n"
	"  --netns NS          record in namespace NS (a --netns of record, or all)\n"
	"  --container C       record container C's interfaces\n"
	"  --filter EXPR       a capture filter, anded with Wireshark's own\n"
	"  --log PATH          also keep a tcrec log of the capture at PATH\n"
	"  -h, --help          this help\n"
	"\n"
	"Examples:\n"
	"  tcrec --extcap-interfaces\n"
	"  tshark -i tcrec-eth0 -a duration:3 -w eth0.pcapng\n"
	"\n"
	"Exit status: 0 ok, 1 runtime error, 2 bad usage.\n";

bool extcap_called(int argc, char **argv)
{
	if (strncmp(argv[1], "--", 2) || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "--version"))
		return false;
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--extcap-", 9) || !strcmp(argv[i], "--capture"))
			return true;
	return false;
}

/* A dialog answer or a protocol argument into a. 0 or EXIT_USAGE. */
static int take_arg(int c, const char *arg, struct extcap_args *a)
{
	static const struct { int c; size_t off; } fields[] = {
		{ OPT_IFACE, offsetof(struct extcap_args, iface) },
		{ OPT_FIFO, offsetof(struct extcap_args, fifo) },
		{ OPT_WIRE_FILTER, offsetof(struct extcap_args, wire_filter) },
		{ OPT_SNAPLEN, offsetof(struct extcap_args, snaplen) },
		{ OPT_DIRECTION, offsetof(struct extcap_args, direction) },
		{ OPT_NETNS, offsetof(struct extcap_args, netns) },
		{ OPT_CONTAINER, offsetof(struct extcap_args, container) },
		{ OPT_FILTER, offsetof(struct extcap_args, filter) },
		{ OPT_LOG, offsetof(struct extcap_args, log) },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].c == c) {
			/* Wireshark may pass a field left empty: as not given */
			*(const char **)((char *)a + fields[i].off) = *arg ? arg : NULL;
			return 0;
		}
	return c == OPT_IGNORED || c == OPT_IGNORED_ARG || c == OPT_VERSION ? 0 : EXIT_USAGE;
}

int cmd_extcap(int argc, char **argv)
{
	struct extcap_args a = { 0 };
	bool check_filter = false;
	int step = 0, c;

	optind = 1;
	while ((c = cli_next_option(CMD, argc, argv, "h", long_opts)) != -1) {
		if (c == 'h') {
			fputs(extcap_help, stdout);
			return EXIT_OK;
		}
		if (c == OPT_INTERFACES || c == OPT_DLTS || c == OPT_CONFIG || c == OPT_CAPTURE) {
			if (step && step != c)
				return usage_error(CMD, "one of --extcap-interfaces, --extcap-dlts, "
						   "--extcap-config and --capture at a time");
			step = c;
		} else if (take_arg(c, optarg, &a)) {
			return EXIT_USAGE;
		} else if (c == OPT_WIRE_FILTER) {
			check_filter = true;
		}
	}
	if (optind < argc)
		return usage_error(CMD, "unexpected argument '%s'", argv[optind]);
	if (step == OPT_INTERFACES)
		return extcap_list_interfaces();
	if (!a.iface)
		return usage_error(CMD, "no interface: give one with --extcap-interface IF");
	if (step == OPT_DLTS)
		return extcap_list_dlts(&a);
	if (step == OPT_CONFIG)
		return extcap_list_config(&a);
	if (step == OPT_CAPTURE) {
		if (!a.fifo)
			return usage_error(CMD, "--capture: no fifo: give one with --fifo PATH");
		return extcap_capture(&a);
	}
	if (check_filter)
		return extcap_check_filter(&a);
	return usage_error(CMD, "nothing asked: give --extcap-interfaces, --extcap-dlts, "
			   "--extcap-config, --capture or --extcap-capture-filter");
}
