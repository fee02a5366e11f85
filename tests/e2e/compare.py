#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Compare tcrec's records with tcpdump's capture of the same interface.

The oracle is tshark's dissection of tcpdump's pcap (`-T fields`); tcrec's
side is `tcrec print --json`. Packets are compared one for one, in order:
length, MACs, VLAN IDs, time (within 1 ms), the outer IP header (addresses,
IPv4 ID or IPv6 flow label, TTL, protocol) and the L4 header that directly
follows it (ports, TCP seq/ack/flags, ICMP type/code). On receive the
outer VLAN tag must be reported as offloaded (the kernel moved it into the
skb; tcpdump shows it put back). With --snap N the packet bytes must equal
the first N bytes tcpdump captured (0: all of them).

Exit 0 when every count and field agrees, 1 otherwise, 2 on bad input.
"""
import argparse
import ipaddress
import json
import os
import struct
import subprocess
import sys

# The record's flags and parse limits, read from the contract by the BPF
# test-run oracle.
_TESTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path[:0] = [os.path.join(_TESTS, "bpf"), os.path.join(_TESTS, "readers")]
from testrun_compare import F_VLAN_MORE, IPV6_EXT_MAX, VLAN_INPKT_MAX  # noqa: E402
from readers_log import read_frames  # noqa: E402  (the oracle for --snap and VLAN tags)

TIME_TOLERANCE_NS = 1_000_000
# On egress the TC hook runs before the qdisc and tcpdump's tap after it:
# under load a packet waits in between, so tcpdump's time may be later by
# that wait (never earlier by more than the tolerance).
EGRESS_QUEUE_NS = 25_000_000
FIELDS = [
    "frame.time_epoch", "frame.len", "frame.protocols", "eth.src", "eth.dst",
    "vlan.id", "ip.src", "ip.dst", "ip.id", "ip.proto", "ip.ttl", "ip.hdr_len", "ip.len",
    "ipv6.src", "ipv6.dst", "ipv6.flow", "ipv6.hlim",
    "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags",
    "udp.srcport", "udp.dstport", "sctp.srcport", "sctp.dstport",
    "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code",
]
# Tokens of frame.protocols that may sit between Ethernet and the IP header.
LINK_TOKENS = {"eth", "ethertype", "vlan", "ieee8021ad"}
TAG_TPIDS = (0x8100, 0x88A8, 0x9100)
# Bytes of each L4 header the record's fields come from.
L4_HEADER = {"tcp": 20, "udp": 8, "sctp": 12, "icmp": 4, "icmpv6": 4}


def tshark_packets(pcap):
    cmd = ["tshark", "-r", pcap, "-n",
           "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
           "-o", "tcp.analyze_sequence_numbers:FALSE",
           "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
           "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    pkts = []
    for line in out.splitlines():
        vals = line.split("\t")
        if len(vals) != len(FIELDS):
            raise ValueError(f"tshark line with {len(vals)} fields: {line!r}")
        pkts.append({f: (v.split(",") if v else []) for f, v in zip(FIELDS, vals)})
    return pkts


def first(p, field, conv=str):
    v = p[field]
    return conv(v[0]) if v else None


def as_int(s):
    return int(s, 0)


def as_ns(s):
    sec, _, frac = s.partition(".")
    return int(sec) * 1_000_000_000 + int((frac + "000000000")[:9])


def norm_ip(s):
    return str(ipaddress.ip_address(s)) if s is not None else None


def frame_tags(raw):
    """VLAN IDs in the bytes tcpdump captured (offloaded tag put back),
    outermost first: tshark names 802.1ad and 802.1Q tags in two fields
    and loses their order."""
    tags, off = [], 12
    while off + 4 <= len(raw) and struct.unpack("!H", raw[off:off + 2])[0] in TAG_TPIDS:
        tags.append(struct.unpack("!H", raw[off + 2:off + 4])[0] & 0xFFF)
        off += 4
    return tags


def expected(p, raw, want_dir):
    """The record fields tshark's dissection implies, as tcrec names them."""
    tags = frame_tags(raw)
    # The program reads two in-packet tags; on receive the outer tag is in the
    # skb already and counts apart from those.
    room = VLAN_INPKT_MAX + (1 if want_dir == "in" and tags else 0)
    exp = {
        "wire_len": first(p, "frame.len", int),
        "smac": first(p, "eth.src", str.lower),
        "dmac": first(p, "eth.dst", str.lower),
        "vlan_ids": tags[:room],
        "vlan_more": len(tags) > room,
    }
    if exp["vlan_more"]:
        exp["src"] = exp["dst"] = None   # the record stops at the tags it cannot hold
        return exp
    protos = p["frame.protocols"][0].split(":") if p["frame.protocols"] else []
    l3 = None
    for i, tok in enumerate(protos):
        if tok in ("ip", "ipv6"):
            l3 = (i, tok)
            break
        if tok not in LINK_TOKENS:
            break
    if l3 is None:
        exp["src"] = exp["dst"] = None
        return exp
    i, tok = l3
    if tok == "ip":
        exp.update(src=norm_ip(first(p, "ip.src")), dst=norm_ip(first(p, "ip.dst")),
                   ip_id=first(p, "ip.id", as_int), ttl=first(p, "ip.ttl", int),
                   ip_proto=first(p, "ip.proto", int))
    else:
        exp.update(src=norm_ip(first(p, "ipv6.src")), dst=norm_ip(first(p, "ipv6.dst")),
                   ip_id=first(p, "ipv6.flow", as_int), ttl=first(p, "ipv6.hlim", int))
    rest = [t for t in protos[i + 1:] if not t.startswith("ipv6.")]
    l4 = rest[0] if rest else None
    # No L4 fields where the program cannot have them: an IPv4 packet (a
    # first fragment) that ends inside the L4 header, or an IPv6 extension
    # header chain longer than the program follows.
    if tok == "ip" and l4 in L4_HEADER:
        if first(p, "ip.len", int) - first(p, "ip.hdr_len", int) < L4_HEADER[l4]:
            return exp
    if tok == "ipv6" and sum(t.startswith("ipv6.") for t in protos[i + 1:]) > IPV6_EXT_MAX:
        return exp
    if l4 in ("tcp", "udp", "sctp"):
        exp["sport"] = first(p, f"{l4}.srcport", int)
        exp["dport"] = first(p, f"{l4}.dstport", int)
    if l4 == "tcp":
        exp["tcp_seq"] = first(p, "tcp.seq_raw", int)
        if p["tcp.ack_raw"]:  # only dissected when the ACK flag is set
            exp["tcp_ack"] = first(p, "tcp.ack_raw", int)
        if p["tcp.flags"]:  # absent when the packet ends inside the TCP header
            exp["tcp_flags"] = first(p, "tcp.flags", as_int) & 0xff
    if l4 in ("icmp", "icmpv6"):
        exp["icmp_type"] = first(p, f"{l4}.type", int)
        exp["icmp_code"] = first(p, f"{l4}.code", int)
    return exp


def actual(r):
    got = dict(r)
    got["vlan_ids"] = [v["id"] for v in r.get("vlan", [])]
    got["vlan_more"] = bool(r.get("flags", 0) & F_VLAN_MORE)
    got["src"] = norm_ip(r.get("src"))
    got["dst"] = norm_ip(r.get("dst"))
    return got


# Fields that identify a packet, used to re-align the two sequences when one
# side lost or added packets, so that a loss is reported as such instead of
# as every later packet differing.
IDENTITY = ("wire_len", "smac", "dmac", "src", "dst", "ip_id", "sport", "dport", "tcp_seq")
LOOKAHEAD = 256


def same_packet(exp, got):
    return all(got.get(k) == exp[k] for k in IDENTITY if k in exp)


def field_diffs(p, exp, r, got, raw, snap, want_dir):
    bad = [(k, got.get(k), v) for k, v in exp.items() if got.get(k) != v]
    t = as_ns(p["frame.time_epoch"][0])
    late = EGRESS_QUEUE_NS if r["dir"] == "out" else 0
    if not -TIME_TOLERANCE_NS <= t - r["ts_ns"] <= TIME_TOLERANCE_NS + late:
        bad.append(("time", r["ts_ns"], f"{t} (diff {r['ts_ns'] - t} ns)"))
    if want_dir and r["dir"] != want_dir:
        bad.append(("dir", r["dir"], want_dir))
    # On receive the kernel always moves the outer 802.1Q/802.1ad tag into
    # the skb before the TC hook: tcrec must say it came from there.
    vlan = r.get("vlan", [])
    if want_dir == "in" and vlan and not vlan[0].get("offloaded"):
        bad.append(("vlan_offloaded", vlan[0].get("offloaded"), True))
    if snap is not None:
        want = raw[:snap] if snap else raw
        have = bytes.fromhex(r.get("bytes", ""))
        if have != want:
            bad.append(("bytes", f"{len(have)} bytes {have[:32].hex()}...",
                        f"{len(want)} bytes {want[:32].hex()}..."))
        if r["cap_len"] != len(want):
            bad.append(("cap_len", r["cap_len"], len(want)))
    return bad


def compare(oracle, records, raw, snap, want_dir, stats):
    """Returns (matched, {field: count}, [examples], missing, extra).
    missing/extra: oracle packets tcrec lacks, tcrec records tcpdump lacks
    (lists of 0-based indexes). stats["max_dt_ns"]: largest time difference
    between paired packets."""
    exps = [expected(p, b, want_dir) for p, b in zip(oracle, raw)]
    gots = [actual(r) for r in records]
    matched, per_field, examples, missing, extra = 0, {}, [], [], []
    i = j = 0
    while i < len(oracle) and j < len(records):
        next_aligned = (i + 1 < len(oracle) and j + 1 < len(records)
                        and same_packet(exps[i + 1], gots[j + 1]))
        if not same_packet(exps[i], gots[j]) and not next_aligned:
            k = next((k for k in range(1, LOOKAHEAD)
                      if i + k < len(oracle) and same_packet(exps[i + k], gots[j])), None)
            if k is not None:
                missing += range(i, i + k)
                i += k
                continue
            k = next((k for k in range(1, LOOKAHEAD)
                      if j + k < len(records) and same_packet(exps[i], gots[j + k])), None)
            if k is not None:
                extra += range(j, j + k)
                j += k
                continue
        bad = field_diffs(oracle[i], exps[i], records[j], gots[j],
                          raw[i], snap, want_dir)
        dt = abs(records[j]["ts_ns"] - as_ns(oracle[i]["frame.time_epoch"][0]))
        stats["max_dt_ns"] = max(stats["max_dt_ns"], dt)
        if not bad:
            matched += 1
        else:
            for k, _, _ in bad:
                per_field[k] = per_field.get(k, 0) + 1
            if len(examples) < 8:
                examples.append((i, oracle[i]["frame.protocols"], bad))
        i += 1
        j += 1
    missing += range(i, len(oracle))
    extra += range(j, len(records))
    return matched, per_field, examples, missing, extra


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pcap", required=True, help="tcpdump's capture (oracle)")
    ap.add_argument("--json", required=True, help="tcrec print --json output")
    ap.add_argument("--label", required=True)
    ap.add_argument("--sent", type=int, help="packets the sender says it sent")
    ap.add_argument("--dir", choices=["in", "out"], help="only tcrec records of this direction")
    ap.add_argument("--snap", type=int, help="check the packet bytes (0 = whole packet)")
    ap.add_argument("--tcpdump-drops", type=int, default=0)
    ap.add_argument("--window", nargs=2, type=int, metavar=("START_NS", "END_NS"),
                    help="only packets in this wall-clock window, when tcrec was surely "
                         "attached (on both sides, so a packet tcpdump caught while tcrec "
                         "was starting or stopping is not counted against it)")
    ap.add_argument("--limit", type=int,
                    help="only tcpdump's first N packets (tcrec ran with -c N)")
    ap.add_argument("--summary", help="append a TSV row here")
    a = ap.parse_args()

    oracle = tshark_packets(a.pcap)
    raw = read_frames(a.pcap)
    records = []
    with open(a.json) as f:
        for n, line in enumerate(f, 1):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as e:
                print(f"{a.json}:{n}: not JSON: {e}", file=sys.stderr)
                return 2
    if a.dir:
        others = sum(1 for r in records if r["dir"] != a.dir)
        records = [r for r in records if r["dir"] == a.dir]
        if others:
            print(f"({others} tcrec records of the other direction left out)")
    if len(raw) != len(oracle):
        print(f"pcap reader saw {len(raw)} packets, tshark {len(oracle)}", file=sys.stderr)
        return 2
    if a.limit is not None:
        oracle = oracle[:a.limit]
        raw = raw[:a.limit]
    if a.window:
        lo, hi = a.window
        keep = [lo <= as_ns(p["frame.time_epoch"][0]) <= hi for p in oracle]
        n_o, n_r = len(oracle), len(records)
        oracle = [p for p, k in zip(oracle, keep) if k]
        raw = [b for b, k in zip(raw, keep) if k]
        records = [r for r in records if lo <= r["ts_ns"] <= hi]
        if n_o != len(oracle) or n_r != len(records):
            print(f"({n_o - len(oracle)} tcpdump packets and {n_r - len(records)} tcrec "
                  f"records outside the recording window left out)")

    stats = {"max_dt_ns": 0}
    matched, per_field, examples, missing, extra = compare(oracle, records, raw, a.snap, a.dir,
                                                           stats)
    drops = sum(r.get("drops", 0) for r in records)
    problems = []
    if a.sent is not None and a.sent != len(oracle):
        problems.append(f"tcpdump saw {len(oracle)} of {a.sent} sent packets")
    if a.tcpdump_drops:
        problems.append(f"tcpdump dropped {a.tcpdump_drops} (oracle incomplete)")
    if len(records) != len(oracle):
        problems.append(f"tcrec recorded {len(records)}, tcpdump saw {len(oracle)}")
    if missing:
        problems.append(f"{len(missing)} packets seen by tcpdump are missing in tcrec "
                        f"(first: #{', #'.join(str(m + 1) for m in missing[:5])})")
    if extra:
        problems.append(f"{len(extra)} tcrec records have no tcpdump packet "
                        f"(first: record #{', #'.join(str(e + 1) for e in extra[:5])})")
    if drops:
        problems.append(f"tcrec reports {drops} ring-buffer drops")
    compared = len(oracle) - len(missing)
    if matched != compared:
        fields = ", ".join(f"{k} x{v}" for k, v in sorted(per_field.items()))
        problems.append(f"{compared - matched} of {compared} paired packets differ ({fields})")

    verdict = "equal" if not problems else "DIFFERENT"
    sent = a.sent if a.sent is not None else "-"
    print(f"{a.label}: sent={sent} tcpdump={len(oracle)} tcrec={len(records)} "
          f"equal_field_by_field={matched} max_time_diff={stats['max_dt_ns'] / 1000:.1f}us "
          f"-> {verdict}")
    for pr in problems:
        print(f"  problem: {pr}")
    for i, protos, bad in examples:
        print(f"  packet #{i + 1} ({protos[0] if protos else '?'}):")
        for k, have, want in bad:
            print(f"    {k}: tcrec={have} tcpdump={want}")
    if a.summary:
        with open(a.summary, "a") as f:
            f.write(f"{a.label}\t{sent}\t{len(oracle)}\t{len(records)}\t{matched}\t{verdict}\n")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
