/* SPDX-License-Identifier: MIT */
/* tcrec as a Wireshark extcap: the protocol's calls, as cmd_extcap.c
 * parsed them, and the steps that answer them (one cmd_extcap_*.c each). */
#ifndef TCREC_CMD_EXTCAP_H
#define TCREC_CMD_EXTCAP_H

/* Every interface Wireshark sees is "tcrec-" and a host interface name,
 * or tcrec-any. */
#define EXTCAP_IF_PREFIX "tcrec-"

struct extcap_args {
	const char *iface;          /* --extcap-interface, NULL = none */
	const char *fifo;           /* --fifo */
	const char *wire_filter;    /* --extcap-capture-filter: Wireshark's own field */
	/* the config dialog's answers, NULL when not given */
	const char *snaplen;
	const char *direction;
	const char *netns;
	const char *container;
	const char *filter;
	const char *log;
};

/* --extcap-interfaces: the extcap line and one interface line each. */
int extcap_list_interfaces(void);

/* --extcap-dlts: the one link type of every tcrec interface. */
int extcap_list_dlts(const struct extcap_args *a);

/* --extcap-config: the dialog's arguments and their values. */
int extcap_list_config(const struct extcap_args *a);

/* --extcap-capture-filter without --capture: nothing on stdout when the
 * filter compiles, else the reason on one line. */
int extcap_check_filter(const struct extcap_args *a);

/* --capture: records into the fifo until Wireshark stops us. */
int extcap_capture(const struct extcap_args *a);

/* The host interface behind an extcap interface name ("any" for
 * tcrec-any), NULL (after one line) when it is not one of ours. */
const char *extcap_host_iface(const char *iface);

#endif
