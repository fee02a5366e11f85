#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The metrics of one `tcrec record --metrics ... --metrics-file ... -v` run
against what else tells the same numbers: the summary it printed at exit
(-v: per interface and direction), tcpdump's capture of the same veth, and
the files in the output directory. Prints the figures; exit 1 on any
difference."""
import argparse
import json
import os
import re
import struct
import sys
import time

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
PER_DIR = ("seen", "recorded", "filtered", "dropped")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def parse_metrics(path):
    out = {}
    for line in open(path):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            fail(f"{path}: not a sample line: {line!r}")
            continue
        labels = frozenset(LABEL.findall(m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def per_dir(metrics, what, iface, d):
    key = (f"tcrec_packets_{what}_total", frozenset({("interface", iface), ("direction", d)}))
    return metrics.get(key)


def parse_summary(path):
    per, tot = {}, {}
    for line in open(path):
        m = re.match(r'^tcrec: (\S+) (ingress|egress): seen (\d+), recorded (\d+), '
                     r'dropped (\d+), filtered (\d+)$', line)
        if m:
            per[(m.group(1), m.group(2))] = dict(
                seen=int(m.group(3)), recorded=int(m.group(4)), dropped=int(m.group(5)),
                filtered=int(m.group(6)))
        m = re.match(r'^(\d+) packets? (captured|seen on the hooks|dropped by the ring buffer)$',
                     line)
        if m:
            tot[m.group(2)] = int(m.group(1))
    return per, tot


def pcap_packets(path):
    """(count, sum of original lengths) of a pcap file."""
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off, n, total = 24, 0, 0
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16 + incl
        n += 1
        total += orig
    return n, total


def compare_summary(name, metrics, per, tot, iface):
    for d in ("ingress", "egress"):
        want = per.get((iface, d))
        if want is None:
            fail(f"summary: no -v line for {iface} {d}")
            continue
        for what in PER_DIR:
            got = per_dir(metrics, what, iface, d)
            if got != want[what]:
                fail(f"{name}: {what} {iface} {d} = {got}, the summary says {want[what]}")
    seen = sum(per_dir(metrics, "seen", iface, d) or 0 for d in ("ingress", "egress"))
    if seen != tot.get("seen on the hooks"):
        fail(f"{name}: seen {seen}, the summary's total {tot.get('seen on the hooks')}")
    written = metrics.get(("tcrec_packets_written_total", frozenset()))
    if written != tot.get("captured"):
        fail(f"{name}: packets written {written}, the summary captured {tot.get('captured')}")
    print(f"{name}: per direction {[(d, per_dir(metrics, 'recorded', iface, d)) for d in ('ingress', 'egress')]}"
          f" recorded, seen {seen}, written {written}; summary {tot}")


def value(metrics, name):
    return metrics.get((name, frozenset()))


def check_files(final, out_dir):
    files = [os.path.join(out_dir, f) for f in os.listdir(out_dir)]
    size = sum(os.path.getsize(f) for f in files)
    written = value(final, "tcrec_files_written_total") or 0
    got = (written, value(final, "tcrec_files_rotated_total"),
           value(final, "tcrec_files_deleted_total"), value(final, "tcrec_disk_bytes"))
    # a ring of 2 (-W 2): every file but the last two was deleted
    want = (written, written - 1, written - len(files), size)
    print(f"final file: files written/rotated/deleted, disk bytes {got}; "
          f"{len(files)} files of {size} bytes in the directory")
    if got != want:
        fail(f"final file: files written/rotated/deleted, disk bytes {got}, expected {want}")
    if len(files) != 2 or written < 4:
        fail(f"{len(files)} file(s) in {out_dir}, {written} written: -G 4 -W 2 should have "
             "rotated and deleted")
    start = value(final, "tcrec_start_time_seconds") or 0
    flush = value(final, "tcrec_last_flush_timestamp_seconds") or 0
    if not start < flush <= time.time():
        fail(f"last flush {flush} not between the start {start} and now")


def check_oracle(last, oracle, iface):
    n, wire = pcap_packets(oracle)
    rec = sum(per_dir(last, "recorded", iface, d) or 0 for d in ("ingress", "egress"))
    key = lambda d: ("tcrec_bytes_recorded_total",
                     frozenset({("interface", iface), ("direction", d)}))
    nbytes = sum(last.get(key(d), 0) for d in ("ingress", "egress"))
    print(f"tcpdump: {n} packets, {wire} wire bytes; last scrape: {rec} recorded, {nbytes} bytes")
    if (rec, nbytes) != (n, wire):
        fail(f"last scrape: {rec} packets / {nbytes} bytes recorded, tcpdump {n} / {wire}")
    if n < 400:
        fail(f"tcpdump saw {n} packets, fewer than the 400 of 200 pings")


def main():
    ap = argparse.ArgumentParser()
    for a in ("summary", "iface", "oracle", "during", "last", "final", "out_dir", "reader"):
        ap.add_argument("--" + a.replace("_", "-"), required=True)
    a = ap.parse_args()
    per, tot = parse_summary(a.summary)
    last, final, during = (parse_metrics(p) for p in (a.last, a.final, a.during))
    compare_summary("last scrape", last, per, tot, a.iface)
    compare_summary("final file", final, per, tot, a.iface)
    check_oracle(last, a.oracle, a.iface)
    check_files(final, a.out_dir)
    seen_during = sum(per_dir(during, "seen", a.iface, d) or 0 for d in ("ingress", "egress"))
    seen_end = tot.get("seen on the hooks", 0)
    print(f"scrape during the traffic: seen {seen_during} (at the end {seen_end})")
    if not 0 < seen_during <= seen_end:
        fail(f"scrape during the traffic: seen {seen_during}, expected 1..{seen_end}")
    reader = json.load(open(a.reader))
    print(f"metrics file reader: {reader}")
    if reader["partial"] or reader["versions"] < 3:
        fail(f"metrics file reader: {reader['partial']} partial reads, {reader['versions']} versions")
    # the last version is the one written at exit
    if any(not 8 <= g <= 13 for g in reader["gaps_s"][:-1]):
        fail(f"metrics file rewritten at gaps {reader['gaps_s']} s, expected ~10 s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
