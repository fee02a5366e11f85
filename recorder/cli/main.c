/* SPDX-License-Identifier: MIT */
/* tcrec: dispatch to a subcommand from a table. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "logging.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "record", cmd_record, "record packets from TC hooks into a compressed log" },
	{ "print", cmd_print, "print a log one line per packet, like tcpdump -r" },
	{ "stats", cmd_stats, "summarise a log: packets, bytes, span, interfaces, drops" },
	{ "export", cmd_export, "write logs as pcapng, pcap or pcapng.zst for Wireshark/tcpdump" },
	{ "diff", cmd_diff, "compare two captures: lost, added, reordered packets, delay" },
	{ "interfaces", cmd_interfaces, "list the interfaces tcrec could record, in every namespace" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: tcrec COMMAND [OPTIONS]\n"
		   "       tcrec -r LOG...      (same as tcrec print LOG...)\n"
		   "       tcrec -D             (same as tcrec interfaces)\n\n"
		   "Records the packets of TC hooks into compact logs, and reads, exports,\n"
		   "summarises and compares them.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'tcrec COMMAND --help' shows the options and examples of one command.\n"
		   "Wireshark runs tcrec as an extcap (tcrec --extcap-interfaces, ...): its\n"
		   "interfaces tcrec-IF are in Wireshark's list and tshark -D once installed;\n"
		   "'tcrec extcap --help' shows the options of its dialog.\n\n"
		   "Examples:\n"
		   "  tcrec record -i eth0 -w eth0.tclog\n"
		   "  tcrec -r eth0.tclog\n\n"
		   "Exit status: 0 ok, 1 runtime error, 2 bad usage.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* Wireshark runs its extcaps with protocol options only */
	if (extcap_called(argc, argv))
		return cmd_extcap(argc, argv);
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("tcrec %s\n", TCREC_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(name, "-r")) {
		/* tcpdump habit: "tcrec -r LOG" reads like "tcrec print LOG". */
		argv[1] = (char *)"print";
		return cmd_print(argc - 1, argv + 1);
	}
	if (!strcmp(name, "extcap"))
		/* not in the list of commands: Wireshark calls it, people read
		 * its --help */
		return cmd_extcap(argc - 1, argv + 1);
	if (!strcmp(name, "-D")) {
		/* tcpdump habit: "tcrec -D" lists what can be recorded */
		argv[1] = (char *)"interfaces";
		return cmd_interfaces(argc - 1, argv + 1);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "tcrec: unknown command '%s'\n", name);
	usage(stderr);
	return EXIT_USAGE;
}
