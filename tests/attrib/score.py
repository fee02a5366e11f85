#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Scores tcrec's process attribution against the processes a test started.

    score.py [--min-rate R] RULES.json PACKETS.jsonl

PACKETS.jsonl is `tcrec print --json` of the recording. RULES.json says
who owns what, from the test's own knowledge of the processes it started:

    {"flows": [
       {"name": "udp-recv", "netns": "ns1", "proto": 17, "lport": 5301,
        "dirs": ["in"], "min": 100,
        "owner": {"pid": 123, "comm": "python3", "uid": 0,
                  "container": "0123abcd...", "cgroup_has": "0123abcd..."}},
       {"name": "router", "netns": "ns2", "owner": null}, ...]}

A packet belongs to the first flow that matches it: same namespace
("netns" of the packet), same IP protocol, and the local end of the packet
in that namespace (the source when it leaves, the destination when it
arrives) has the flow's lport / laddr, the remote end its rport / raddr;
"icmp_types" narrows ICMP flows. A packet no flow names is expected to
carry no process (ARP, packets the kernel answers itself).

Per flow and direction: packets, attributed right, missing (no process),
wrong (another pid, comm, uid, container or cgroup). A flow with an owner
passes when nothing is wrong, at least MIN packets went each way of "dirs"
and at least R (default 0.999) of them carry the right owner; a flow
without one passes when no packet has a process ("invented" = wrong).
Prints one table row per flow and direction; exit 0 when all pass, 1
otherwise, 2 on bad input.
"""
import argparse
import json
import sys
from collections import OrderedDict

OTHER = {"name": "other (kernel, ARP)", "owner": None}


def local_remote(pkt):
    """(laddr, lport, raddr, rport) of the packet's local end."""
    src = (pkt.get("src"), pkt.get("sport"))
    dst = (pkt.get("dst"), pkt.get("dport"))
    if pkt.get("dir") == "out":
        return src + dst
    return dst + src


def matches(flow, pkt):
    if "netns" in flow and pkt.get("netns") != flow["netns"]:
        return False
    if "proto" in flow and pkt.get("ip_proto") != flow["proto"]:
        return False
    if "icmp_types" in flow and pkt.get("icmp_type") not in flow["icmp_types"]:
        return False
    laddr, lport, raddr, rport = local_remote(pkt)
    for key, have in (("laddr", laddr), ("lport", lport), ("raddr", raddr), ("rport", rport)):
        if key in flow and flow[key] != have:
            return False
    return True


def verdict(owner, pkt):
    """'right', 'missing' or 'wrong: why' for one packet of an owned flow."""
    if "pid" not in pkt:
        return "missing"
    why = []
    for key in ("pid", "comm", "uid"):
        if key in owner and pkt.get(key) != owner[key]:
            why.append(f"{key} {pkt.get(key)!r} != {owner[key]!r}")
    want = owner.get("container")
    if want is not None:
        got = pkt.get("container") or ""
        if not got or not (want.startswith(got) or got.startswith(want)):
            why.append(f"container {got!r} is not a prefix of {want!r}")
    part = owner.get("cgroup_has")
    if part is not None and part not in (pkt.get("cgroup") or ""):
        why.append(f"cgroup {pkt.get('cgroup')!r} does not contain {part!r}")
    return "wrong: " + ", ".join(why) if why else "right"


def describe(pkt):
    keys = ("netns", "ifname", "dir", "src", "sport", "dst", "dport", "ip_proto",
            "icmp_type", "pid", "tid", "comm", "uid", "container", "cgroup")
    return " ".join(f"{k}={pkt[k]}" for k in keys if k in pkt)


def score(flows, packets):
    """Rows {(flow name, dir): counts} and up to 20 sample failures."""
    rows = OrderedDict()
    for flow in flows + [OTHER]:
        for d in flow.get("dirs", ["out", "in"]):
            rows[(flow["name"], d)] = {"packets": 0, "right": 0, "missing": 0, "wrong": 0}
    samples = []
    for pkt in packets:
        flow = next((f for f in flows if matches(f, pkt)), OTHER)
        row = rows.setdefault((flow["name"], pkt.get("dir")),
                              {"packets": 0, "right": 0, "missing": 0, "wrong": 0})
        row["packets"] += 1
        if flow.get("owner") is None:
            v = "wrong: invented" if "pid" in pkt else "right"
        else:
            v = verdict(flow["owner"], pkt)
        row[v.split(":")[0]] += 1
        # every kind of wrong shown first; a few missing ones as examples
        kind = v.split(":")[0]
        if kind != "right" and sum(s.startswith(kind) for s in samples) < (12 if kind == "wrong" else 4):
            samples.append(f"{kind}: {flow['name']} {pkt.get('dir')}: {v}: {describe(pkt)}")
    return rows, sorted(samples, key=lambda s: not s.startswith("wrong"))


def judge(flows, rows, min_rate):
    """(list of failures, printable table)."""
    by_name = {f["name"]: f for f in flows}
    by_name[OTHER["name"]] = OTHER
    lines = [f"{'flow':26} {'dir':3} {'owner':22} {'packets':>8} {'right':>8} "
             f"{'missing':>8} {'wrong':>6} {'rate':>8}"]
    fails = []
    for (name, d), r in rows.items():
        flow = by_name[name]
        owner = flow.get("owner")
        who = f"{owner.get('comm')}:{owner.get('pid')}" if owner else "none"
        rate = r["right"] / r["packets"] if r["packets"] else 0.0
        shown = f"{100 * rate:7.2f}%" if r["packets"] else f"{'-':>8}"
        lines.append(f"{name:26} {d:3} {who:22} {r['packets']:8} {r['right']:8} "
                     f"{r['missing']:8} {r['wrong']:6} {shown}")
        label = f"{name} {d}"
        if r["wrong"]:
            fails.append(f"{label}: {r['wrong']} packets with a wrong or invented process")
        if owner is None:
            continue
        need = flow.get("min", 1) if d in flow.get("dirs", ["out", "in"]) else 0
        if r["packets"] < need:
            fails.append(f"{label}: {r['packets']} packets, the test made at least {need}")
        elif r["packets"] and rate < min_rate:
            fails.append(f"{label}: {100 * rate:.2f}% attributed right, need {100 * min_rate:.1f}%")
    for d in ("out", "in"):
        tot = {k: sum(r[k] for (n, dd), r in rows.items() if dd == d and by_name[n].get("owner"))
               for k in ("packets", "right", "missing", "wrong")}
        if tot["packets"]:
            lines.append(f"{'ALL local sockets':26} {d:3} {'':22} {tot['packets']:8} "
                         f"{tot['right']:8} {tot['missing']:8} {tot['wrong']:6} "
                         f"{100 * tot['right'] / tot['packets']:7.2f}%")
    return fails, "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--min-rate", type=float, default=0.999)
    ap.add_argument("rules")
    ap.add_argument("packets")
    a = ap.parse_args()
    try:
        with open(a.rules) as f:
            flows = json.load(f)["flows"]
        with open(a.packets) as f:
            packets = [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError, KeyError) as e:
        print(f"score.py: bad input: {e}", file=sys.stderr)
        return 2
    rows, samples = score(flows, packets)
    fails, table = judge(flows, rows, a.min_rate)
    print(table)
    for s in samples:
        print("  " + s)
    for f in fails:
        print("FAIL: " + f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
