#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Every packet tcpdump saw on an interface must be in tcrec's log, on that
interface.

    oracle_match.py [--log EXPORT.pcapng] [--tolerance-ms MS] [--min N] CASE...

CASE is ORACLE.pcap=TARGET: tcpdump's capture of one interface, and where
tcrec's packets of it are: `iface:NAME` (the packets of EXPORT.pcapng whose
interface name is NAME, tshark's frame.interface_name) or a pcapng path (a
selection exported with `tcrec export --interface`). Packets are matched by
what survives a metadata-only record (MACs, ethertype, addresses, IPv4
protocol, IPv4 ID / IPv6 flow label, ports, TCP seq, ICMP type/seq; not
IPv6's first next header, which a record may give past the extension
headers, as in an MLD report's hop-by-hop option), each tcrec packet
used once, the nearest in time within the tolerance. Packets tcrec has and
tcpdump has not are counted, not failed: tcpdump may drop, and the hooks see
packets a moment before and after tcpdump listens.

One line per case (oracle packets, matched, missing, worst time gap);
exit 0 when none is missing, 1 otherwise, 2 on bad input.
"""
import argparse
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

KEY_FIELDS = ["eth.src", "eth.dst", "eth.type", "ip.src", "ip.dst", "ip.proto", "ip.id",
              "ipv6.src", "ipv6.dst", "ipv6.flow", "tcp.srcport", "tcp.dstport",
              "tcp.seq_raw", "udp.srcport", "udp.dstport", "icmp.type", "icmp.seq"]


def tshark(path, with_iface, iface_field="frame.interface_name"):
    fields = ([iface_field] if with_iface else []) + ["frame.time_epoch"] + KEY_FIELDS
    cmd = ["tshark", "-r", path, "-n", "-o", "ip.defragment:FALSE",
           "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"]
    for f in fields:
        cmd += ["-e", f]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        sys.exit(f"oracle_match: tshark cannot read {path}: {res.stderr.strip()}")
    out = []
    for line in res.stdout.splitlines():
        v = line.split("\t")
        if len(v) != len(fields):
            continue
        iface = v.pop(0) if with_iface else ""
        key = v[1:]
        if key[KEY_FIELDS.index("icmp.type")]:
            # The ports tshark finds in an ICMP error are the quoted packet's.
            for f in ("tcp.srcport", "tcp.dstport", "tcp.seq_raw", "udp.srcport", "udp.dstport"):
                key[KEY_FIELDS.index(f)] = ""
        out.append((iface, int(v[0].replace(".", "").ljust(20, "0")[:19]), tuple(key)))
    return out


def oracles(paths):
    """Every oracle pcap dissected by one tshark run (tshark's start-up
    dominates with many small files): merged by mergecap, one interface per
    input file, in order."""
    if len(paths) == 1:
        return {paths[0]: tshark(paths[0], False)}
    with tempfile.TemporaryDirectory() as d:
        merged = os.path.join(d, "oracles.pcapng")
        res = subprocess.run(["mergecap", "-a", "-I", "none", "-w", merged] + paths,
                             stderr=subprocess.PIPE, text=True)
        if res.returncode != 0:
            sys.exit(f"oracle_match: mergecap failed: {res.stderr.strip()}")
        out = {p: [] for p in paths}
        for pkt in tshark(merged, True, "frame.interface_id"):
            out[paths[int(pkt[0])]].append(pkt)
        return out


def match(oracle, target, tol_ns):
    by_key = defaultdict(list)
    for _, t, k in target:
        by_key[k].append(t)
    for times in by_key.values():
        times.sort()
    used = set()
    missing, worst = [], 0
    for _, t, k in sorted(oracle, key=lambda p: p[1]):
        best = None
        for i, tt in enumerate(by_key.get(k, ())):
            if (k, i) in used or abs(tt - t) > tol_ns:
                continue
            if best is None or abs(tt - t) < abs(by_key[k][best] - t):
                best = i
        if best is None:
            missing.append((t, k))
            continue
        used.add((k, best))
        worst = max(worst, abs(by_key[k][best] - t))
    return missing, worst


def describe(k):
    named = [f"{n}={v}" for n, v in zip(KEY_FIELDS, k) if v]
    return " ".join(named)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log", help="tcrec's log exported to pcapng")
    ap.add_argument("--tolerance-ms", type=float, default=50.0)
    ap.add_argument("--min", type=int, default=1, help="fewest oracle packets per case")
    ap.add_argument("cases", nargs="+")
    a = ap.parse_args()
    tol = int(a.tolerance_ms * 1e6)
    log = None
    if any("=iface:" in c for c in a.cases):
        if not a.log:
            print("oracle_match: iface: cases need --log", file=sys.stderr)
            return 2
        log = defaultdict(list)
        for p in tshark(a.log, True):
            log[p[0]].append(p)
    bad = 0
    if any("=" not in c for c in a.cases):
        print("oracle_match: a case is not ORACLE=TARGET", file=sys.stderr)
        return 2
    oracle_of = oracles([c.partition("=")[0] for c in a.cases])
    for case in a.cases:
        oracle_path, _, target = case.partition("=")
        oracle = oracle_of[oracle_path]
        if target.startswith("iface:"):
            got = log.get(target[6:], [])
        else:
            got = tshark(target, False)
        missing, worst = match(oracle, got, tol)
        status = "ok"
        if missing or len(oracle) < a.min:
            status = "FAIL"
            bad += 1
        print(f"{status} {target}: tcpdump {len(oracle)}, in log {len(oracle) - len(missing)}"
              f" (log has {len(got)} on it), missing {len(missing)},"
              f" worst time gap {worst / 1000:.0f} us")
        if len(oracle) < a.min:
            print(f"  tcpdump saw {len(oracle)} packets, fewer than {a.min}: no test",
                  file=sys.stderr)
        for t, k in missing[:5]:
            print(f"  missing t={t / 1e9:.6f} {describe(k)}", file=sys.stderr)
        if target.startswith("iface:") and not got:
            names = sorted(n for n in log if n)
            print(f"  no packet under '{target[6:]}'; the log's interfaces: "
                  f"{' '.join(names[:40])}{' ...' if len(names) > 40 else ''}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
