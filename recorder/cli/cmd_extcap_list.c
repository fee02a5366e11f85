/* SPDX-License-Identifier: MIT */
/* The extcap protocol's questions before a capture: interfaces, link
 * types and the config dialog, in the sentence grammar of extcap(4). */
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_extcap.h"
#include "logging.h"
#include "capture/netns.h"

/* A value goes between braces: one holding a brace or a line break would
 * end the sentence early. */
static bool sentence_safe(const char *s)
{
	return !strpbrk(s, "{}\r\n");
}

/* Only the host's namespace, through if_nameindex: Wireshark asks at every
 * start, so no namespace scan here (the dialog offers those). */
int extcap_list_interfaces(void)
{
	struct if_nameindex *ifs = if_nameindex();

	if (!ifs) {
		pr_warn("listing the interfaces: %m");
		return EXIT_RUNTIME;
	}
	printf("extcap {version=%s}\n", TCREC_VERSION);
	printf("interface {value=" EXTCAP_IF_PREFIX "any}{display=tcrec: any (every interface)}\n");
	for (struct if_nameindex *i = ifs; i->if_index; i++)
		if (sentence_safe(i->if_name))
			printf("interface {value=" EXTCAP_IF_PREFIX "%s}{display=tcrec: %s}\n",
			       i->if_name, i->if_name);
	if_freenameindex(ifs);
	return fflush(stdout) ? EXIT_RUNTIME : EXIT_OK;
}

const char *extcap_host_iface(const char *iface)
{
	size_t n = strlen(EXTCAP_IF_PREFIX);

	if (strncmp(iface, EXTCAP_IF_PREFIX, n) || !iface[n] || strlen(iface + n) >= IF_NAMESIZE) {
		usage_error("extcap", "--extcap-interface %s: not a tcrec interface (tcrec-IF or "
			    "tcrec-any)", iface);
		return NULL;
	}
	return iface + n;
}

/* Every record is Ethernet (L3 devices get a synthesized header), so one
 * link type for all. */
int extcap_list_dlts(const struct extcap_args *a)
{
	if (!extcap_host_iface(a->iface))
		return EXIT_USAGE;
	printf("dlt {number=1}{name=EN10MB}{display=Ethernet}\n");
	return fflush(stdout) ? EXIT_RUNTIME : EXIT_OK;
}

struct ns_values {
	int arg;
	uint64_t self_ino;
};

/* One selector value per namespace besides Wireshark's own: a
 * /run/netns name as `ip netns` calls it, else the path that opens it. */
static int ns_value(void *ctx, uint64_t ino, const char *path, const char *name)
{
	const struct ns_values *v = ctx;

	if (ino == v->self_ino || !sentence_safe(path))
		return 0;
	if (*name && sentence_safe(name))
		printf("value {arg=%d}{value=%s}{display=%s}{default=false}\n", v->arg, name, name);
	else
		printf("value {arg=%d}{value=%s}{display=ns%llu (%s)}{default=false}\n", v->arg, path,
		       (unsigned long long)ino, path);
	return 0;
}

static void config_capture_args(void)
{
	printf("arg {number=0}{call=--snaplen}{display=Snap length}{type=unsigned}"
	       "{range=0,262144}{tooltip=Bytes kept of each packet: 0 keeps the whole packet; "
	       "empty records metadata only (headers decoded in the kernel, the cheapest)}"
	       "{group=Capture}\n");
	printf("arg {number=1}{call=--direction}{display=Direction}{type=radio}"
	       "{tooltip=Which TC hooks: ingress, egress or both}{group=Capture}\n");
	printf("value {arg=1}{value=auto}{display=in+out (loopback: in only)}{default=true}\n");
	printf("value {arg=1}{value=in}{display=in}{default=false}\n");
	printf("value {arg=1}{value=out}{display=out}{default=false}\n");
	printf("value {arg=1}{value=inout}{display=in+out}{default=false}\n");
	printf("arg {number=2}{call=--filter}{display=Capture filter}{type=string}"
	       "{tooltip=pcap-filter(7) expression, run in the kernel; anded with the capture "
	       "filter field}{group=Capture}\n");
}

static void config_where_args(void)
{
	struct ns_values v = { .arg = 3, .self_ino = netns_path_ino("/proc/self/ns/net") };

	printf("arg {number=3}{call=--netns}{display=Network namespace}{type=selector}"
	       "{tooltip=The namespace whose interface is recorded (tcrec interfaces lists "
	       "them); all: the interface in every namespace}{group=Where}\n");
	printf("value {arg=3}{value=self}{display=this namespace (Wireshark's)}{default=true}\n");
	printf("value {arg=3}{value=all}{display=all namespaces}{default=false}\n");
	netns_scan(getpid(), ns_value, &v);
	printf("arg {number=4}{call=--container}{display=Container}{type=string}"
	       "{tooltip=A podman or docker container, by name or id: its interfaces}"
	       "{group=Where}\n");
}

int extcap_list_config(const struct extcap_args *a)
{
	if (!extcap_host_iface(a->iface))
		return EXIT_USAGE;
	config_capture_args();
	config_where_args();
	printf("arg {number=5}{call=--log}{display=Also keep a tcrec log at}{type=fileselect}"
	       "{mustexist=false}{tooltip=Record and watch at once: the same packets also go "
	       "to this tcrec log (tcrec print/stats/export read it)}{group=Output}\n");
	return fflush(stdout) ? EXIT_RUNTIME : EXIT_OK;
}
