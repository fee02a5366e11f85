/* SPDX-License-Identifier: MIT */
/* tcrec interfaces (also tcrec -D): every interface tcrec could record, in
 * every namespace asked for, as a table or one JSON array. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "logging.h"
#include "capture/link_watch.h"
#include "read/json_out.h"

static const char interfaces_help[] =
	"Usage: tcrec interfaces [--netns NAME|PATH|PID|all]... [--container NAME|ID]...\n"
	"                        [--host-side] [--json]\n"
	"\n"
	"List every network interface tcrec could record: its namespace, ifindex,\n"
	"name, kind, state, veth peer and container. Without --netns or --container\n"
	"every network namespace of the host is listed (as --netns all): the own one,\n"
	"the `ip netns` names and the namespaces of every process. `tcrec -D` is the\n"
	"same as `tcrec interfaces`, as in tcpdump.\n"
	"\n"
	"Options:\n"
	"  --netns NS          only namespace NS: an `ip netns` name, a path (a bind\n"
	"                      mount, /proc/PID/ns/net), a PID, or all (repeatable)\n"
	"  --container NAME    the namespace of a container (podman or docker, by name\n"
	"                      or id; repeatable)\n"
	"  --host-side         with --container: the host-side peers of its veths\n"
	"  --json              one JSON array instead of the table\n"
	"  -h, --help          this help\n"
	"\n"
	"Columns:\n"
	"  NETNS is the namespace as --interface NS/IF names it: the container, else\n"
	"  the `ip netns` name (\"host\" for the namespace of PID 1), else ns<inode>.\n"
	"  PEER is a veth's other end (or a VLAN's lower device) as NS/IF, \"-\" when\n"
	"  there is none or its namespace is not known. STATE is up or down (IFF_UP).\n"
	"\n"
	"JSON keys:\n"
	"  netns, netns_ino, ifindex, ifname, kind (null for a plain device), state,\n"
	"  mac, mtu, peer_ifindex, peer_netns, peer_ifname (null when not known),\n"
	"  container (null when none), host_side.\n"
	"\n"
	"Examples:\n"
	"  tcrec interfaces\n"
	"  tcrec interfaces --netns blue --json | jq '.[].ifname'\n"
	"  tcrec interfaces --container web --host-side   # the pod-veth to record\n"
	"\n"
	"Exit status: 0 ok, 1 a namespace or container cannot be read, 2 bad usage.\n";

struct if_list {
	struct watched_link *v;
	size_t n, cap;
	bool problem;
};

static void on_new(void *ctx, const struct watched_link *l)
{
	struct if_list *list = ctx;

	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 64;
		struct watched_link *v = realloc(list->v, cap * sizeof(*v));
		if (!v)
			return;
		list->v = v;
		list->cap = cap;
	}
	list->v[list->n++] = *l;
}

static void on_gone(void *ctx, uint64_t ino, uint32_t ifindex)
{
	struct if_list *list = ctx;

	for (size_t i = 0; i < list->n; i++)
		if (list->v[i].netns_ino == ino && list->v[i].ifindex == ifindex)
			list->v[i--] = list->v[--list->n];
}

static void on_problem(void *ctx, const char *msg)
{
	((struct if_list *)ctx)->problem = true;
	pr_warn("%s", msg);
}

static const char *label_of(const struct watched_link *l, char *buf, size_t len)
{
	if (l->container[0])
		snprintf(buf, len, "%s", l->container);
	else if (l->ns_name[0])
		snprintf(buf, len, "%s", l->ns_name);
	else
		snprintf(buf, len, "ns%llu", (unsigned long long)l->netns_ino);
	return buf;
}

static const struct watched_link *find(const struct if_list *list, uint64_t ino, int ifindex)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->v[i].netns_ino == ino && (int)list->v[i].ifindex == ifindex)
			return &list->v[i];
	return NULL;
}

/* The own namespace first, then by label, then by ifindex. */
static uint64_t self_ino;

static int by_ns_then_index(const void *a, const void *b)
{
	const struct watched_link *x = a, *y = b;
	char lx[80], ly[80];

	if ((x->netns_ino == self_ino) != (y->netns_ino == self_ino))
		return x->netns_ino == self_ino ? -1 : 1;
	int c = strcmp(label_of(x, lx, sizeof(lx)), label_of(y, ly, sizeof(ly)));
	if (c)
		return c;
	if (x->netns_ino != y->netns_ino)
		return x->netns_ino < y->netns_ino ? -1 : 1;
	return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

static void peer_text(const struct if_list *list, const struct watched_link *l, char *buf,
		      size_t len)
{
	char ns[80];

	const struct watched_link *p = l->peer_netns_ino ? find(list, l->peer_netns_ino, l->peer_ifindex)
							 : NULL;
	if (!l->peer_ifindex || !l->peer_netns_ino)
		snprintf(buf, len, "-");
	else if (p)
		snprintf(buf, len, "%s/%s", label_of(p, ns, sizeof(ns)), p->name);
	else
		snprintf(buf, len, "ns%llu/%d", (unsigned long long)l->peer_netns_ino, l->peer_ifindex);
}

static void print_table(const struct if_list *list)
{
	char ns[80], peer[128];

	printf("%-20s %7s  %-15s %-10s %-5s  %-28s %s\n", "NETNS", "IFINDEX", "IFNAME", "KIND",
	       "STATE", "PEER", "CONTAINER");
	for (size_t i = 0; i < list->n; i++) {
		const struct watched_link *l = &list->v[i];
		peer_text(list, l, peer, sizeof(peer));
		printf("%-20s %7u  %-15s %-10s %-5s  %-28s %s\n", label_of(l, ns, sizeof(ns)),
		       l->ifindex, l->name, l->kind[0] ? l->kind : "-", l->up ? "up" : "down", peer,
		       l->container[0] ? l->container : "-");
	}
}

static void put_nullable(FILE *f, const char *s)
{
	json_put_string(f, s && *s ? s : NULL);
}

static void print_json_one(const struct if_list *list, const struct watched_link *l)
{
	char ns[80], pns[80], mac[18];
	const struct watched_link *p = l->peer_netns_ino ? find(list, l->peer_netns_ino, l->peer_ifindex)
							 : NULL;

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", l->mac[0], l->mac[1],
		 l->mac[2], l->mac[3], l->mac[4], l->mac[5]);
	fputs("{\"netns\":", stdout);
	json_put_string(stdout, label_of(l, ns, sizeof(ns)));
	printf(",\"netns_ino\":%llu,\"ifindex\":%u,\"ifname\":", (unsigned long long)l->netns_ino,
	       l->ifindex);
	json_put_string(stdout, l->name);
	fputs(",\"kind\":", stdout);
	put_nullable(stdout, l->kind);
	printf(",\"state\":\"%s\",\"mac\":", l->up ? "up" : "down");
	put_nullable(stdout, l->no_eth ? NULL : mac);
	printf(",\"mtu\":%u,\"peer_ifindex\":", l->mtu);
	if (l->peer_ifindex)
		printf("%d", l->peer_ifindex);
	else
		fputs("null", stdout);
	fputs(",\"peer_netns\":", stdout);
	if (p)
		json_put_string(stdout, label_of(p, pns, sizeof(pns)));
	else if (l->peer_ifindex && l->peer_netns_ino)
		printf("\"ns%llu\"", (unsigned long long)l->peer_netns_ino);
	else
		fputs("null", stdout);
	fputs(",\"peer_ifname\":", stdout);
	put_nullable(stdout, p ? p->name : NULL);
	fputs(",\"container\":", stdout);
	put_nullable(stdout, l->container);
	printf(",\"host_side\":%s}", l->host_side ? "true" : "false");
}

static void print_json(const struct if_list *list)
{
	fputc('[', stdout);
	for (size_t i = 0; i < list->n; i++) {
		fputs(i ? ",\n" : "\n", stdout);
		print_json_one(list, &list->v[i]);
	}
	fputs("\n]\n", stdout);
}

static int parse_args(int argc, char **argv, struct link_watch_spec *spec, bool *json)
{
	enum { OPT_NETNS = 256, OPT_CONTAINER, OPT_HOST_SIDE, OPT_JSON };
	static const struct option longopts[] = {
		{ "netns", required_argument, NULL, OPT_NETNS },
		{ "container", required_argument, NULL, OPT_CONTAINER },
		{ "host-side", no_argument, NULL, OPT_HOST_SIDE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	optind = 1;
	while ((c = cli_next_option("interfaces", argc, argv, "h", longopts)) != -1) {
		switch (c) {
		case OPT_NETNS:
			if (!strcmp(optarg, "all"))
				spec->all_netns = true;
			else if (spec->n_netns == LINK_WATCH_MAX_SPECS)
				return usage_error("interfaces", "more than %d --netns", LINK_WATCH_MAX_SPECS);
			else
				spec->netns[spec->n_netns++] = optarg;
			break;
		case OPT_CONTAINER:
			if (spec->n_containers == LINK_WATCH_MAX_SPECS)
				return usage_error("interfaces", "more than %d --container",
						   LINK_WATCH_MAX_SPECS);
			spec->containers[spec->n_containers++] = optarg;
			break;
		case OPT_HOST_SIDE:
			spec->host_side = true;
			break;
		case OPT_JSON:
			*json = true;
			break;
		case 'h':
			fputs(interfaces_help, stdout);
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return usage_error("interfaces", "unexpected argument '%s'", argv[optind]);
	if (spec->host_side && !spec->n_containers)
		return usage_error("interfaces", "--host-side needs --container");
	if (!spec->n_netns && !spec->n_containers)
		spec->all_netns = true;
	return CLI_RUN;
}

int cmd_interfaces(int argc, char **argv)
{
	struct link_watch_spec spec = { 0 };
	struct link_watch_ops ops = { on_new, on_gone, on_problem };
	struct if_list list = { 0 };
	bool json = false;
	int rc = parse_args(argc, argv, &spec, &json);

	if (rc != CLI_RUN)
		return rc;
	struct link_watch *w = link_watch_new(&spec, &ops, &list);
	if (!w)
		return EXIT_RUNTIME;
	if (link_watch_start(w) < 0) {
		link_watch_free(w);
		return EXIT_RUNTIME;
	}
	self_ino = link_watch_self_ino(w);
	link_watch_free(w);
	qsort(list.v, list.n, sizeof(*list.v), by_ns_then_index);
	if (json)
		print_json(&list);
	else
		print_table(&list);
	free(list.v);
	return list.problem ? EXIT_RUNTIME : EXIT_OK;
}
