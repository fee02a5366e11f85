#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turns attrib_bench.sh's results.tsv into attrib.json and one markdown
table on stdout: tcrec with attribution, tcrec --no-process, tcpdump -s 128
and no capture side by side, the cost of attribution and the goals.

usage: attrib_report.py RESULTS.tsv OUT.json"""
import json
import os
import sys

GOAL_BYTES = 0.3  # bytes per packet on disk that attribution may add


def target(ok):
    return "met" if ok else "NOT met"


def load(tsv):
    r = {}
    for line in open(tsv):
        k, v = line.rstrip("\n").split("\t", 1)
        r[k] = v
    return r


def ints(v):
    return [int(x) for x in v.split()]


def live_rows(r, j, rows):
    """Bytes per packet and drops of the live runs (both runs summed)."""
    for traffic in ("iperf3", "http", "httpclient"):
        tot = {w: [0, 0, 0, 0] for w in ("attr", "noproc", "tcpdump")}
        owned = [0, 0]
        for run in ("0", "1"):
            for w in tot:
                tot[w] = [a + b for a, b in zip(tot[w], ints(r[f"live.{traffic}.{run}.{w}"]))]
            owned = [a + b for a, b in zip(owned, ints(r[f"live.{traffic}.{run}.owned"]))]
        bpp = {w: t[1] / t[0] if t[0] else 0 for w, t in tot.items()}
        inc = bpp["attr"] - bpp["noproc"]
        pk = tot["attr"][0]
        reqs = sum(int(v) for k, v in r.items() if k.startswith(f"{traffic}.requests."))
        what = {"iperf3": "iperf3 TCP, server's end",
                "http": f"HTTP ({reqs} requests), server's end",
                "httpclient": f"HTTP ({reqs} requests), client's end"}[traffic]
        j[f"live_{traffic}"] = {"bytes_per_packet": bpp, "increase": inc, "packets": pk,
                                "attributed": owned[0], "sockets": owned[1],
                                "totals": tot}
        rows.append((f"Bytes/packet on disk, live {what}: {pk} packets, "
                     f"{100 * owned[0] / max(pk, 1):.1f}% attributed, {owned[1]} sockets",
                     f"{bpp['attr']:.3f}", f"{bpp['noproc']:.3f}", f"{bpp['tcpdump']:.1f}", "-",
                     f"{inc:+.3f} B/packet ({(tot['attr'][1] - tot['noproc'][1]) / max(owned[1], 1):.1f} "
                     f"B/socket); <= {GOAL_BYTES}: {target(inc <= GOAL_BYTES)}"))
        rows.append((f"Live {what}: packets captured / dropped",
                     f"{tot['attr'][2]} / {tot['attr'][3]}",
                     f"{tot['noproc'][2]} / {tot['noproc'][3]}",
                     f"{tot['tcpdump'][2]} / {tot['tcpdump'][3]}", "-",
                     "zero drops: " + target(tot["attr"][3] == 0)))


def corpus_rows(r, j, rows):
    names = sorted(k.split(".", 1)[1] for k in r if k.startswith("corpus."))
    all_ = [0, 0, 0, 0]
    j["corpus"] = {}
    for n in names + ["all"]:
        if n == "all":
            pk, socks, plain, nsock = all_
        else:
            pk, socks, plain, nsock = ints(r[f"corpus.{n}"])
            all_ = [a + b for a, b in zip(all_, (pk, socks, plain, nsock))]
        inc = (socks - plain) / pk
        j["corpus"][n] = {"packets": pk, "with": socks / pk, "without": plain / pk,
                          "increase": inc, "sockets": nsock}
        rows.append((f"Bytes/packet on disk, corpus {n} ({pk} packets, {nsock} sockets; "
                     "pcap2tclog --sockets vs without)",
                     f"{socks / pk:.3f}", f"{plain / pk:.3f}", "-", "-",
                     f"{inc:+.3f} B/packet ({(socks - plain) / max(nsock, 1):.1f} B/socket); "
                     f"<= {GOAL_BYTES}: {target(inc <= GOAL_BYTES)}"))


def bpf_rows(r, j, rows):
    j["bpf_ns_per_packet"] = {}
    for traffic in ("iperf3", "http", "httpclient"):
        for prog, side in (("tcrec_ingress", "ingress"), ("tcrec_egress", "egress")):
            ns = {}
            for w in ("attr", "noproc"):
                t = c = 0
                for run in ("0", "1"):
                    tt, cc = ints(r.get(f"bpf.{traffic}.{run}.{w}.{prog}", "0 0"))
                    t, c = t + tt, c + cc
                ns[w] = (t / c if c else None, c)
            j["bpf_ns_per_packet"][f"{traffic}.{side}"] = ns
            a, b = ns["attr"][0], ns["noproc"][0]
            rows.append((f"BPF {side} ns/packet, live {traffic} (bpf_stats)",
                         f"{a:.0f} ({ns['attr'][1]} runs)" if a is not None else "n/a",
                         f"{b:.0f} ({ns['noproc'][1]} runs)" if b is not None else "n/a",
                         "-", "-",
                         f"{a - b:+.0f} ns/packet" if a is not None and b is not None else ""))
    # per socket, not per packet: the attribution's other programs
    other = {}
    for k, v in r.items():
        if k.startswith("bpf.") and k.split(".")[3] == "attr":
            name = k.split(".", 4)[4]
            if name not in ("tcrec_ingress", "tcrec_egress"):
                t, c = ints(v)
                o = other.setdefault(name, [0, 0])
                o[0], o[1] = o[0] + t, o[1] + c
    j["bpf_other_programs"] = other
    if other:
        rows.append(("BPF, attribution's per-socket programs (ns/run, runs; all live runs)",
                     ", ".join(f"{n} {t / c:.0f} ({c})" if c else f"{n} - (0)"
                               for n, (t, c) in sorted(other.items())),
                     "-", "-", "-", "once per socket or per start, not per packet"))


def ingest_rows(r, j, rows):
    runs = {w: {} for w in ("attr", "noproc")}
    for k, v in r.items():
        if k.startswith("ingest."):
            _, w, rate = k.split(".")
            runs[w][int(rate)] = json.loads(v)
    j["ingest"] = runs
    clean = {}
    for w, by in runs.items():
        ok = [x["target"] for x in by.values()
              if x["target"] and x["dropped"] == 0 and x["runs_per_s"] >= 0.95 * x["target"]]
        clean[w] = max(ok, default=0)
    for rate in sorted(runs["attr"], key=lambda x: x or 1 << 62):
        cell = {}
        for w in runs:
            x = runs[w].get(rate)
            cell[w] = (f"{x['dropped']} dropped (offered {x['runs_per_s'] / 1e6:.2f}, "
                       f"recorded {x['recorded_per_s'] / 1e6:.2f} M/s)" if x else "-")
        a, b = runs["attr"].get(rate), runs["noproc"].get(rate)
        verdict = ""
        if a and b:
            verdict = ("zero drops" if a["dropped"] == 0 else
                       "both drop" if b["dropped"] else "drops with attribution only")
        label = f"{rate / 1e6:g} M/s" if rate else "as fast as possible"
        rows.append((f"Ingest (bench_ingest test run) at {label}: drops",
                     cell["attr"], cell["noproc"], "n/a (test-run packets bypass it)", "-",
                     verdict))
    only = [rate for rate, a in runs["attr"].items() if a["dropped"] and
            rate in runs["noproc"] and runs["noproc"][rate]["dropped"] == 0]
    j["ingest_drops_with_attribution_only"] = only
    rows.append(("Ingest: highest rate offered in full (95%) with zero drops",
                 f"{clean['attr'] / 1e6:g} M/s", f"{clean['noproc'] / 1e6:g} M/s", "-", "-",
                 "rates where only attribution dropped: " +
                 (", ".join(f"{x / 1e6:g} M/s" if x else "max" for x in sorted(only)) or "none") +
                 "; zero drops where the baseline has none: " + target(not only)))


def flood_rows(r, j, rows):
    cells, j["flood"] = {}, {}
    for w in ("attr", "noproc", "tcpdump", "none"):
        sent, usec, cap, drop = ints(r[f"flood.{w}"])
        pps = sent / (usec / 1e6) if usec else 0
        j["flood"][w] = {"sent": sent, "pps": pps, "captured": cap, "dropped": drop}
        cells[w] = (f"{pps / 1e3:.0f} k/s sent" if w == "none" else
                    f"{cap} captured, {drop} dropped ({pps / 1e3:.0f} k/s sent)")
    rows.append(("60-byte UDP flood over the veth, each capturer alone",
                 cells["attr"], cells["noproc"], cells["tcpdump"], cells["none"],
                 "drops not above the baseline's: " +
                 target(j["flood"]["attr"]["dropped"] <= j["flood"]["noproc"]["dropped"])))


def main(tsv, out_json):
    r = load(tsv)
    j, rows = {}, []
    live_rows(r, j, rows)
    corpus_rows(r, j, rows)
    bpf_rows(r, j, rows)
    ingest_rows(r, j, rows)
    flood_rows(r, j, rows)
    j["load_average"] = {"start": r.get("load.start"), "end": r.get("load.end")}
    json.dump(j, open(out_json, "w"), indent=1)
    print(f"Process attribution, cost side by side (load average {r.get('load.start')} at the "
          f"start, {r.get('load.end')} at the end; {os.cpu_count()} CPUs)\n")
    print("| measure | tcrec (attribution) | tcrec --no-process | tcpdump -s 128 | no capture "
          "| attribution's cost; goal |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nJSON: {out_json}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: attrib_report.py RESULTS.tsv OUT.json")
    main(*sys.argv[1:])
