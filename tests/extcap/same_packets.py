#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Compare what tshark captured through tcrec's extcap with tcpdump's
capture of the same interface, both read by tshark.

tcpdump runs twice, -Q in and -Q out, so each of its packets has a
direction; tcrec's pcapng says it in epb_flags. Only packets whose time is
inside --window are compared (the extcap was attached and the traffic
over). Packets are matched one for one: same direction, time within 1 ms,
same wire length, and either the same bytes as far as tcrec captured them
(--bytes) or the same addresses, IP id, ports, TCP sequence numbers and
ICMP type and sequence (metadata-only records carry only those).

Exit 0 when every packet has its match, 1 otherwise, 2 on bad input.
"""
import argparse
import json
import subprocess
import sys

TIME_TOLERANCE = 0.001
FIELDS = ["frame.time_epoch", "frame.len", "frame.cap_len", "frame.packet_flags_direction",
          "ip.src", "ip.dst", "ip.id", "ip.proto", "tcp.srcport", "tcp.dstport",
          "tcp.seq_raw", "tcp.ack_raw", "udp.srcport", "udp.dstport", "icmp.type", "icmp.seq"]
KEY_FIELDS = FIELDS[4:]


def tshark(path, dfilter, extra):
    cmd = ["tshark", "-r", path, "-n"] + (["-Y", dfilter] if dfilter else []) + extra
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"tshark -r {path}: {out.stderr.strip()}")
    return out.stdout


def packets(path, dfilter, direction, want_bytes):
    fields = []
    for e in FIELDS:
        fields += ["-e", e]
    rows = tshark(path, dfilter, ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"]
                  + fields).splitlines()
    raws = [None] * len(rows)
    if want_bytes:
        doc = json.loads(tshark(path, dfilter, ["-T", "json", "-x", "-j", "frame"]) or "[]")
        raws = [d["_source"]["layers"]["frame_raw"][0] for d in doc]
        if len(raws) != len(rows):
            sys.exit(f"{path}: tshark gave {len(rows)} rows but {len(raws)} frames")
    out = []
    for row, raw in zip(rows, raws):
        v = dict(zip(FIELDS, row.split("\t")))
        flag = int(v["frame.packet_flags_direction"] or "0", 0)
        d = direction or {1: "in", 2: "out"}.get(flag, "?")
        out.append({"t": float(v["frame.time_epoch"]), "len": int(v["frame.len"]),
                    "dir": d, "key": tuple(v[k] for k in KEY_FIELDS), "raw": raw})
    return out


def matches(exp, got, want_bytes):
    if exp["dir"] != got["dir"] or exp["len"] != got["len"]:
        return False
    if abs(exp["t"] - got["t"]) > TIME_TOLERANCE:
        return False
    if want_bytes:
        return got["raw"] and exp["raw"].startswith(got["raw"])
    return exp["key"] == got["key"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--in", dest="pin", required=True, help="tcpdump -Q in's pcap")
    ap.add_argument("--out", dest="pout", required=True, help="tcpdump -Q out's pcap")
    ap.add_argument("--got", required=True, help="the pcapng tshark wrote through tcrec")
    ap.add_argument("--window", nargs=2, type=float, required=True, metavar=("START", "END"))
    ap.add_argument("--filter", default="", help="a display filter applied to every file")
    ap.add_argument("--dirs", default="in,out", help="the directions tcrec recorded")
    ap.add_argument("--bytes", action="store_true", help="compare the captured bytes")
    ap.add_argument("--label", required=True)
    a = ap.parse_args()
    lo, hi = a.window
    inside = lambda ps: [p for p in ps if lo <= p["t"] <= hi]  # noqa: E731
    exp = []
    for d, path in (("in", a.pin), ("out", a.pout)):
        if d in a.dirs.split(","):
            exp += inside(packets(path, a.filter, d, a.bytes))
    got = inside(packets(a.got, a.filter, None, a.bytes))
    unmatched = list(got)
    missing = []
    for e in sorted(exp, key=lambda p: p["t"]):
        hit = next((g for g in unmatched if matches(e, g, a.bytes)), None)
        if hit is None:
            missing.append(e)
        else:
            unmatched.remove(hit)
    print(f"{a.label}: tcpdump {len(exp)} packets, tshark through tcrec {len(got)}, "
          f"missing {len(missing)}, extra {len(unmatched)}")
    for p in missing[:5]:
        print(f"  missing: {p['dir']} t={p['t']:.6f} len={p['len']} {p['key']}")
    for p in unmatched[:5]:
        print(f"  extra:   {p['dir']} t={p['t']:.6f} len={p['len']} {p['key']}")
    if not exp:
        print(f"{a.label}: tcpdump saw no packet in the window: nothing was compared")
        return 1
    return 1 if missing or unmatched else 0


if __name__ == "__main__":
    sys.exit(main())
