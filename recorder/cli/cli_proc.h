/* SPDX-License-Identifier: MIT */
/*
 * --pid, --comm, --cgroup and --container as print, stats, export and diff
 * take them (read/proc_select.h), with the help text they share.
 */
#ifndef TCREC_CLI_PROC_H
#define TCREC_CLI_PROC_H

struct proc_select;

/* getopt_long values of the four options: above every command's own. */
enum { CLI_OPT_PID = 1000, CLI_OPT_COMM, CLI_OPT_CGROUP, CLI_OPT_CONTAINER };

/* The four entries of a command's struct option table. */
#define CLI_PROC_LONGOPTS                                              \
	{ "pid", required_argument, NULL, CLI_OPT_PID },               \
	{ "comm", required_argument, NULL, CLI_OPT_COMM },             \
	{ "cgroup", required_argument, NULL, CLI_OPT_CGROUP },         \
	{ "container", required_argument, NULL, CLI_OPT_CONTAINER }

/* Option c with value arg: 1 when it was one of the four (added to *sel,
 * made on first use), 0 when it is not one of them, -1 after one usage
 * error naming the value (out of memory is said as such). */
int cli_proc_option(const char *cmd, int c, const char *arg, struct proc_select **sel);

/* The four options in the Options: section (two-space indent, 80 columns). */
#define CLI_PROC_HELP_OPTIONS                                                             \
	"  --pid N         only packets of sockets of process N (thread group id, as\n"     \
	"                  the host sees it); repeat for more\n"                             \
	"  --comm NAME     only packets of sockets of processes named NAME (comm, at\n"     \
	"                  most 15 characters); a shell glob ('curl*') works\n"              \
	"  --cgroup PATH   only packets of sockets in cgroup v2 PATH or below it\n"         \
	"                  (/system.slice/nginx.service)\n"                                 \
	"  --container ID  only packets of sockets in the container whose id starts\n"     \
	"                  with ID (podman, docker, containerd; pod<UID> for pods)\n"

/* The section saying what is attributed and what never is. */
#define CLI_PROC_HELP_SECTION                                                             \
	"Processes:\n"                                                                      \
	"A packet of a local socket names its owner (pid, thread, comm, uid, cgroup,\n"     \
	"container) when tcrec record knew the socket: created or accepted while it\n"      \
	"ran, or open when it started. Not attributed, so never taken by --pid,\n"         \
	"--comm, --cgroup or --container: forwarded and bridged packets (no local\n"       \
	"socket), packets the kernel answers itself (ICMP echo replies and errors,\n"      \
	"resets to closed ports), raw-socket traffic the kernel does not tie to its\n"     \
	"socket, packets sent before their socket was known, ARP and other non-IP\n"       \
	"frames, and every packet of logs recorded with --no-process or before tcrec\n"   \
	"kept sockets. Options of one kind are alternatives (--pid 1 --pid 2); options\n" \
	"of different kinds must all hold.\n"

#endif
