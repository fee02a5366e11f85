/* SPDX-License-Identifier: MIT */
/*
 * TC capture programs: one record per packet into the `events` ring buffer.
 * Passive observer: the packet is only read, and the verdict is always
 * TC_ACT_UNSPEC (== TCX_NEXT) so that the next program on the hook runs.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "bpf/owner.bpf.h"
#include "bpf/parse.bpf.h"
#include "bpf/parse.h"
#include "bpf/tcrec.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* 0 = metadata only; N = up to N packet bytes (the recorder caps it at
 * TCREC_SNAP_MAX, and so does the program). */
const volatile __u32 snaplen = 0;

/* Wall clock minus CLOCK_MONOTONIC as the recorder measured it; 0 = unknown.
 * Lets an ingress packet keep the receive time the kernel stamped on it
 * (when some socket asked for timestamps): the time tcpdump reports, even
 * when the backlog was processed late. */
const volatile __s64 clock_offset_ns = 0;

/* Waking the reader on each record costs an interrupt (several us in a VM):
 * with wakeup_bytes set, the reader polls on a timer and is woken only once
 * that much is waiting. 0 = the ring buffer's default (wake the reader
 * whenever it has caught up). */
const volatile __u32 wakeup_bytes = 0;

/* Recording one interface (its slot is 0): the ifslots lookup is skipped. */
const volatile __u32 single_iface = 0;
/* Recording several namespaces: interfaces are keyed by the device's
 * namespace too. Set only where the kernel lets a tc program read its
 * sk_buff (bpf_cast_to_kern_ctx, 6.2+); the verifier never sees the call
 * otherwise. */
const volatile __u32 use_netns_cookie = 0;

/* The few kernel fields read through BTF (CO-RE: their offsets come from
 * the running kernel). bpf_get_netns_cookie will not do: for a tc program
 * it names the namespace of the packet's socket, which on a veth is the
 * sender's, not the device's. */
struct net {
	__u64 net_cookie;
} __attribute__((preserve_access_index));
typedef struct {
	struct net *net;
} possible_net_t;
struct net_device {
	possible_net_t nd_net;
} __attribute__((preserve_access_index));
struct sk_buff {
	struct net_device *dev;
} __attribute__((preserve_access_index));

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym __weak;

/* The cookie of the namespace of the device the packet is on (what
 * SO_NETNS_COOKIE says in that namespace). */
static __always_inline __u64 dev_netns_cookie(struct __sk_buff *skb)
{
	struct sk_buff *kskb = bpf_cast_to_kern_ctx(skb);

	return kskb->dev->nd_net.net->net_cookie;
}
const volatile __u32 single_iface_no_eth = 0;

/* Tie packets to their local socket (owner.bpf.c marks the sockets). */
const volatile __u32 attribute_sockets = 0;
/* record --cgroup: keep only packets of sockets marked selected. */
const volatile __u32 keep_selected_only = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

/* The backlog is checked on one record in WAKEUP_CHECK_EVERY per CPU (by
 * its counter `recorded`, so no extra state): the query reads the reader's
 * position, a cache line the reader keeps writing from the other CPU. The
 * 8 MiB ring holds 60000 metadata records, far more than 64 per CPU. */
#define WAKEUP_CHECK_EVERY 64

static __always_inline __u64 wakeup_flags(__u64 recorded)
{
	if (!wakeup_bytes)
		return 0;
	if (recorded % WAKEUP_CHECK_EVERY)
		return BPF_RB_NO_WAKEUP;
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP
									      : BPF_RB_NO_WAKEUP;
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TCREC_MAX_IFACES * 2);
	__type(key, __u32);
	__type(value, struct tcrec_counters);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCREC_MAX_IFACES);
	__type(key, struct tcrec_ifkey);
	__type(value, struct tcrec_ifslot);
} ifslots SEC(".maps");

/* Records with packet bytes have a variable size, and ringbuf_reserve
 * takes a constant one: the record is built here and copied out with
 * bpf_ringbuf_output, so that a record costs only what it carries. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tcrec_scratch);
} scratch SEC(".maps");

/* Copies the first `want` bytes of the packet as they were on the wire:
 * an offloaded VLAN tag goes back after the MAC addresses, and an L3
 * device's packet gets an Ethernet header with zero MACs in front (so that
 * every record reads as an Ethernet frame). Returns the number of valid
 * bytes in s->data. */
static __always_inline __u32 load_packet(struct __sk_buff *skb, struct tcrec_scratch *s,
					 __u64 want, int vlan_skb, int no_eth)
{
	/* the bounds below must hold on the very register passed as length */
	barrier_var(want);
	if (want == 0 || want > TCREC_SNAP_MAX)
		return 0;
	if (!vlan_skb && !no_eth) {
		if (bpf_skb_load_bytes(skb, 0, s->data, want))
			return 0;
		return want;
	}

	__u32 from, ins;

	if (no_eth) {
		__u16 proto = bpf_ntohs((__u16)skb->protocol);

		if (want < TCREC_ETH_HLEN)
			return 0;
		__builtin_memset(s->data, 0, 2 * ETH_ALEN);
		s->data[12] = proto >> 8;
		s->data[13] = proto;
		from = 0;
		ins = TCREC_ETH_HLEN;
	} else {
		__u16 tpid = bpf_ntohs((__u16)skb->vlan_proto);
		__u16 tci = skb->vlan_tci;

		if (want < 2 * ETH_ALEN + 4)
			return 0;
		if (bpf_skb_load_bytes(skb, 0, s->data, 2 * ETH_ALEN))
			return 0;
		s->data[12] = tpid >> 8;
		s->data[13] = tpid;
		s->data[14] = tci >> 8;
		s->data[15] = tci;
		from = 2 * ETH_ALEN;
		ins = 2 * ETH_ALEN + 4;
	}

	/* 64-bit so that the register checked is the register passed */
	__u64 rest = (__u64)want - ins;

	if (rest == 0)
		return want;
	if (rest > TCREC_SNAP_MAX - (2 * ETH_ALEN + 4) || ins > 2 * ETH_ALEN + 4)
		return 0;
	if (bpf_skb_load_bytes(skb, from, s->data + ins, rest))
		return ins;
	return want;
}

/* Room, in instructions, for a FILTER expression compiled to eBPF. */
#define TCREC_FILTER_ROOM 4096
#define TCREC_STR2(x) #x
#define TCREC_STR(x) TCREC_STR2(x)

/* Accepts every packet. With a FILTER expression, the recorder fills the
 * run of no-op jumps with the expression compiled to eBPF at load time
 * (recorder/filter/filter_load.c): this function must stay global, not
 * inlined, the last function of the program, and its prototype is part of
 * that contract. The verifier deletes the no-ops, so they cost nothing. */
__noinline int tcrec_filter(struct __sk_buff *skb, __u32 no_eth)
{
	int accept = 1;

	/* keep clang from folding the constant into the caller, and from
	 * passing garbage for arguments it sees unused: the verifier wants
	 * the real ctx in R1 */
	asm volatile(".rept " TCREC_STR(TCREC_FILTER_ROOM) "\n\tgoto +0\n\t.endr"
		     : "+r"(accept) : "r"(skb), "r"(no_eth));
	return accept;
}

/* The packet's time on CLOCK_MONOTONIC. On ingress skb->tstamp, when set,
 * is the wall-clock receive time (a delivery time reads as 0 there). */
static __always_inline __u64 packet_time(struct __sk_buff *skb, __u8 dir)
{
	if (dir == TCREC_DIR_IN && clock_offset_ns) {
		__u64 t = skb->tstamp;

		if (t)
			return t - clock_offset_ns;
	}
	return bpf_ktime_get_ns();
}

/* Fills r (cap_len and drops excepted) from the packet, whose first bytes
 * are copied to s->data on the way: at least the parse window, at least
 * snap. Returns how many bytes s->data holds. */
static __always_inline __u32 fill_record(struct __sk_buff *skb, struct tcrec_scratch *s,
					 struct tcrec_record *r, __u64 now, __u8 dir, __u32 slot,
					 __u32 no_eth, __u32 snap)
{
	__builtin_memset(r, 0, sizeof(*r));
	r->ts_ns = now;
	r->ifindex = slot;
	r->dir = dir;
	r->mark = skb->mark;

	/* tcpdump counts an offloaded tag in the length: so do we; on L3
	 * devices the synthesized Ethernet header counts too */
	int vlan_skb = !no_eth && skb->vlan_present;
	__u32 wire_len = skb->len + (vlan_skb ? 4 : 0) + (no_eth ? TCREC_ETH_HLEN : 0);
	__u32 want = snap > TCREC_HDR_WIN ? snap : TCREC_HDR_WIN;

	r->wire_len = wire_len;
	if (want > wire_len)
		want = wire_len;

	struct parse_ctx p = {
		.s = s,
		.avail = load_packet(skb, s, want, vlan_skb, no_eth),
		.len = wire_len,
	};

	if (p.avail < want)
		r->flags |= TCREC_F_TRUNC;
	if (no_eth)
		r->flags |= TCREC_F_NO_ETH;
	if (vlan_skb)
		r->flags |= TCREC_F_VLAN_SKB;
	parse_l3(&p, r, parse_eth(&p, r, vlan_skb));
	return p.avail;
}

#define PACKET_OTHERHOST 3
#define TCP_SYN 0x02
#define TCP_ACK 0x10
#define AF_INET 2
#define AF_INET6 10

/* Whether an ingress packet that found socket sk is really for this host.
 * A socket matched on its whole address pair is. One matched only on its
 * port (a listener, an unconnected UDP socket, bound to the wildcard
 * address) would also match a packet routed through this namespace: there
 * the routing table decides, on connection requests and datagrams only. */
static __always_inline int delivered_here(struct __sk_buff *skb, const struct tcrec_record *r,
					  const struct bpf_sock *sk)
{
	int v4 = r->flags & TCREC_F_IPV4;
	int wildcard = v4 ? !sk->src_ip4
			  : !(sk->src_ip6[0] | sk->src_ip6[1] | sk->src_ip6[2] | sk->src_ip6[3]);

	if (!wildcard)
		return 1;
	if (r->ip_proto == TCREC_IPPROTO_TCP) {
		if (sk->state != BPF_TCP_LISTEN)
			return 1;
		if ((r->tcp_flags & (TCP_SYN | TCP_ACK)) != TCP_SYN)
			return 0;
	} else if (sk->dst_port) {
		return 1;
	}

	struct bpf_fib_lookup fib;

	__builtin_memset(&fib, 0, sizeof(fib));
	fib.ifindex = skb->ingress_ifindex;
	fib.l4_protocol = r->ip_proto;
	fib.sport = bpf_htons(r->sport);
	fib.dport = bpf_htons(r->dport);
	if (v4) {
		fib.family = AF_INET;
		__builtin_memcpy(&fib.ipv4_src, r->saddr, 4);
		__builtin_memcpy(&fib.ipv4_dst, r->daddr, 4);
	} else {
		fib.family = AF_INET6;
		__builtin_memcpy(fib.ipv6_src, r->saddr, 16);
		__builtin_memcpy(fib.ipv6_dst, r->daddr, 16);
	}
	long ret = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	/* without forwarding, what is not local is dropped, never sent on */
	return ret == BPF_FIB_LKUP_RET_NOT_FWDED || ret == BPF_FIB_LKUP_RET_FWD_DISABLED;
}

/* The mark of the local socket a parsed packet belongs to, copied into
 * *out; 0 when there is none. Egress: the packet's own socket. Ingress: the
 * socket the stack will deliver it to, looked up by its addresses and
 * ports in the device's namespace (TCP and UDP only: an ICMP reply is
 * tied to its request in user space). A connection not yet accepted
 * resolves to its listener. A packet passing through gets none. */
static __always_inline int packet_sock(struct __sk_buff *skb, const struct tcrec_record *r,
				       __u8 dir, struct tcrec_sock_mark *out)
{
	struct tcrec_sock_mark *m;
	struct bpf_sock *sk;

	if (dir == TCREC_DIR_OUT) {
		sk = skb->sk;
		if (!sk)
			return 0;
		sk = bpf_sk_fullsock(sk);
		if (!sk)
			return 0;
		m = bpf_sk_storage_get(&sock_marks, sk, 0, 0);
		if (!m)
			return 0;
		*out = *m;
		return 1;
	}
	/* a frame for another host's address, crossing a bridge port */
	if (skb->pkt_type == PACKET_OTHERHOST || !(r->flags & TCREC_F_L4) ||
	    (r->flags & TCREC_F_FRAG) ||
	    (r->ip_proto != TCREC_IPPROTO_TCP && r->ip_proto != TCREC_IPPROTO_UDP))
		return 0;

	struct bpf_sock_tuple t;
	__u32 len;

	__builtin_memset(&t, 0, sizeof(t));
	if (r->flags & TCREC_F_IPV4) {
		__builtin_memcpy(&t.ipv4.saddr, r->saddr, 4);
		__builtin_memcpy(&t.ipv4.daddr, r->daddr, 4);
		t.ipv4.sport = bpf_htons(r->sport);
		t.ipv4.dport = bpf_htons(r->dport);
		len = sizeof(t.ipv4);
	} else {
		__builtin_memcpy(t.ipv6.saddr, r->saddr, 16);
		__builtin_memcpy(t.ipv6.daddr, r->daddr, 16);
		t.ipv6.sport = bpf_htons(r->sport);
		t.ipv6.dport = bpf_htons(r->dport);
		len = sizeof(t.ipv6);
	}
	if (r->ip_proto == TCREC_IPPROTO_TCP)
		sk = bpf_sk_lookup_tcp(skb, &t, len, BPF_F_CURRENT_NETNS, 0);
	else
		sk = bpf_sk_lookup_udp(skb, &t, len, BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return 0;
	m = delivered_here(skb, r, sk) ? bpf_sk_storage_get(&sock_marks, sk, 0, 0) : NULL;
	int found = 0;
	if (m) {
		*out = *m;
		found = 1;
	}
	bpf_sk_release(sk);
	return found;
}

/* Sets r->sock_cookie; 0 = drop the packet (record --cgroup). */
static __always_inline int attribute(struct __sk_buff *skb, struct tcrec_record *r, __u8 dir)
{
	struct tcrec_sock_mark m;

	if (!attribute_sockets)
		return 1;
	if (!packet_sock(skb, r, dir, &m)) {
		r->sock_cookie = 0;
		return !keep_selected_only;
	}
	r->sock_cookie = m.cookie;
	return !keep_selected_only || (m.flags & TCREC_SOCK_SELECTED);
}

/* Metadata only: the record is built in the ring itself, and a full ring
 * costs no parsing. */
static __always_inline int record_metadata(struct __sk_buff *skb, struct tcrec_counters *c,
					   struct tcrec_scratch *s, __u64 now, __u8 dir,
					   __u32 slot, __u32 no_eth)
{
	struct tcrec_record *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);

	if (!r) {
		c->dropped++;
		c->pending_drops++;
		return TC_ACT_UNSPEC;
	}
	fill_record(skb, s, r, now, dir, slot, no_eth, 0);
	if (!attribute(skb, r, dir)) {
		bpf_ringbuf_discard(r, BPF_RB_NO_WAKEUP);
		c->filtered++;
		return TC_ACT_UNSPEC;
	}
	r->drops = c->pending_drops;
	bpf_ringbuf_submit(r, wakeup_flags(c->recorded));
	c->recorded++;
	c->pending_drops = 0;
	return TC_ACT_UNSPEC;
}

static __always_inline int capture(struct __sk_buff *skb, __u8 dir)
{
	__u64 now = packet_time(skb, dir);
	__u32 zero = 0, slot = 0, no_eth = 0;

	if (single_iface) {
		no_eth = single_iface_no_eth;
	} else {
		struct tcrec_ifkey key = { .ifindex = skb->ifindex };

		if (use_netns_cookie)
			key.netns_cookie = dev_netns_cookie(skb);
		struct tcrec_ifslot *is = bpf_map_lookup_elem(&ifslots, &key);

		/* the recorder fills the map before it attaches and empties it
		 * after it detaches: a miss is a hook being taken off */
		if (!is)
			return TC_ACT_UNSPEC;
		slot = is->slot;
		no_eth = is->no_eth;
	}
	if (slot >= TCREC_MAX_IFACES)
		slot = 0;

	__u32 ci = slot * 2 + dir;
	struct tcrec_counters *c = bpf_map_lookup_elem(&counters, &ci);
	struct tcrec_scratch *s = bpf_map_lookup_elem(&scratch, &zero);

	if (!c || !s)
		return TC_ACT_UNSPEC;
	c->seen++;
	/* before anything is copied: a rejected packet costs no ring space */
	if (!tcrec_filter(skb, no_eth)) {
		c->filtered++;
		return TC_ACT_UNSPEC;
	}

	__u32 snap = snaplen > TCREC_SNAP_MAX ? TCREC_SNAP_MAX : snaplen;

	if (!snap)
		return record_metadata(skb, c, s, now, dir, slot, no_eth);

	struct tcrec_record *r = &s->rec;
	__u64 cap = fill_record(skb, s, r, now, dir, slot, no_eth, snap);

	if (!attribute(skb, r, dir)) {
		c->filtered++;
		return TC_ACT_UNSPEC;
	}

	if (cap > snap)
		cap = snap;
	/* clang knows cap is bounded and would drop a plain check; the verifier
	 * does not know it, so hide the value and check again */
	barrier_var(cap);
	if (cap > TCREC_SNAP_MAX)
		cap = TCREC_SNAP_MAX;
	r->cap_len = cap;
	r->drops = c->pending_drops;
	if (bpf_ringbuf_output(&events, r, sizeof(*r) + cap, wakeup_flags(c->recorded))) {
		c->dropped++;
		c->pending_drops++;
	} else {
		c->recorded++;
		c->pending_drops = 0;
	}
	return TC_ACT_UNSPEC;
}

SEC("tc")
int tcrec_ingress(struct __sk_buff *skb)
{
	return capture(skb, TCREC_DIR_IN);
}

SEC("tc")
int tcrec_egress(struct __sk_buff *skb)
{
	return capture(skb, TCREC_DIR_OUT);
}
