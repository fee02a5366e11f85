#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turns the benchmark's results.tsv (written by run.sh) into bench.json
and a markdown table on stdout, with the issue's targets marked met or not.

usage: report.py RESULTS.tsv OUT.json MODE"""
import json
import statistics
import sys


def main(tsv, out_json, mode):
    r = {}
    for line in open(tsv):
        k, v = line.rstrip("\n").split("\t", 1)
        r[k] = v
    j = {"mode": mode}
    rows = []

    def target(ok):
        return "met" if ok else "NOT met"

    # (1) ingest
    ing = {}
    for label in ("meta", "s128"):
        runs = [json.loads(v) for k, v in r.items() if k.startswith(f"ingest.{label}.")]
        clean = [x for x in runs if x["target"] and x["dropped"] == 0 and
                 x["runs_per_s"] >= 0.95 * x["target"]]
        sat = [x for x in runs if x["target"] == 0]
        ing[label] = {
            "runs": runs,
            "zero_drop_max_target": max((x["target"] for x in clean), default=0),
            "saturation_recorded_per_s": sat[0]["recorded_per_s"] if sat else 0,
            "saturation_offered_per_s": sat[0]["runs_per_s"] if sat else 0,
        }
    j["ingest"] = ing
    m = ing["meta"]
    rows.append(("Ingest, metadata only: highest zero-drop rate tried",
                 f"{m['zero_drop_max_target'] / 1e6:.2f} M rec/s",
                 "zero drops at 2 M/s: " + target(m["zero_drop_max_target"] >= 2e6)))
    rows.append(("Ingest, metadata only: recorded at saturation",
                 f"{m['saturation_recorded_per_s'] / 1e6:.2f} M rec/s "
                 f"(offered {m['saturation_offered_per_s'] / 1e6:.2f} M)",
                 ">= 5 M/s: " + target(m["saturation_recorded_per_s"] >= 5e6)))
    s = ing["s128"]
    rows.append(("Ingest, -s 128: zero-drop / saturation",
                 f"{s['zero_drop_max_target'] / 1e6:.2f} / "
                 f"{s['saturation_recorded_per_s'] / 1e6:.2f} M rec/s", ""))

    # (2) capture tax
    tax = {}
    for m_ in ("none", "tcrec_meta", "tcrec_s128", "tcpdump_s128"):
        v = [list(map(float, x.split())) for k, x in r.items() if k.startswith(f"tax.{m_}.")]
        tax[m_] = {
            "runs": v,
            "gbps": statistics.median(x[0] for x in v),
            "cpu_pct": statistics.median(x[1] for x in v),
            "captured": statistics.median(x[2] for x in v),
            "dropped": statistics.median(x[3] for x in v),
        }
    base = tax["none"]["gbps"]
    for m_ in tax:
        tax[m_]["tax_pct"] = (1 - tax[m_]["gbps"] / base) * 100 if base else 0
    j["capture_tax"] = tax
    for m_ in ("none", "tcrec_meta", "tcrec_s128", "tcpdump_s128"):
        t = tax[m_]
        note = ""
        if m_ == "tcrec_meta":
            note = ("tax <= 1/3 of tcpdump's: " +
                    target(t["tax_pct"] <= max(tax["tcpdump_s128"]["tax_pct"], 0) / 3) +
                    "; >= 95% of no capture: " + target(t["gbps"] >= 0.95 * base))
        rows.append((f"iperf3 over veth, {m_} (median of {len(t['runs'])})",
                     f"{t['gbps']:.2f} Gbit/s, tax {t['tax_pct']:.1f}%, CPU {t['cpu_pct']:.0f}%, "
                     f"captured {t['captured']:.0f}, dropped {t['dropped']:.0f}", note))

    # (3) small packets
    fl = {}
    for m_ in ("tcrec_meta", "tcpdump_s128"):
        sent, cap, drop = map(int, r[f"flood.{m_}"].split())
        fl[m_] = {"offered": sent, "captured": cap, "dropped": drop}
        rows.append((f"60-byte UDP flood, {m_}",
                     f"offered {sent}, captured {cap} ({100 * cap / max(sent, 1):.1f}%), dropped {drop}",
                     ""))
    j["small_packets"] = fl

    # (4) size
    size, tot = {}, {}
    names = sorted({k.split(".")[1] for k in r if k.startswith("size.")})
    for n in names:
        pk = int(r[f"size.{n}.packets"])
        size[n] = {"packets": pk}
        for kind in ("tcrec_meta", "tcrec_s128", "pcap_s128", "pcap_s128_zstd3",
                     "pcap_s128_zstd19"):
            b = int(r[f"size.{n}.{kind}"])
            size[n][kind] = b / pk
            tot[kind] = tot.get(kind, 0) + b
        tot["packets"] = tot.get("packets", 0) + pk
    allp = tot["packets"]
    size["all"] = {k: v / allp for k, v in tot.items() if k != "packets"}
    size["all"]["packets"] = allp
    j["size_bytes_per_packet"] = size
    for n in names + ["all"]:
        z = size[n]
        rows.append((f"Bytes/packet, {n} ({z['packets']} packets)",
                     f"tcrec meta {z['tcrec_meta']:.1f}, tcrec -s 128 {z['tcrec_s128']:.1f}, "
                     f"pcap -s 128 {z['pcap_s128']:.1f}, +zstd -3 {z['pcap_s128_zstd3']:.1f}, "
                     f"+zstd -19 {z['pcap_s128_zstd19']:.1f}",
                     "" if n != "all" else
                     "meta <= 8: " + target(z["tcrec_meta"] <= 8) + "; -s 128 <= pcap+zstd -3: " +
                     target(z["tcrec_s128"] <= z["pcap_s128_zstd3"])))

    # (5) export / print
    pk = int(r["export.packets"])
    ex = {"packets": pk, "export_pps": pk / float(r["export.seconds"]),
          "print_pps": pk / float(r["print.seconds"])}
    j["export_print"] = ex
    rows.append((f"Export to pcapng / print ({pk} packets)",
                 f"{ex['export_pps'] / 1e6:.2f} M / {ex['print_pps'] / 1e6:.2f} M packets/s", ""))

    # (6) BPF cost
    bp = {}
    for s_ in ("s0", "s128"):
        ns = [(int(r[f"bpf.{n}.{s_}.packets"]), float(r[f"bpf.{n}.{s_}.avg_ns"])) for n in names]
        bp[s_] = sum(p * v for p, v in ns) / sum(p for p, _ in ns)
    t_ns, cnt = map(int, r["bpfstats.meta"].split())
    bp["live_meta_run_time_ns_per_run"] = t_ns / cnt if cnt else None
    j["bpf_ns_per_packet"] = bp
    rows.append(("BPF program, test run avg (metadata / -s 128)",
                 f"{bp['s0']:.0f} / {bp['s128']:.0f} ns per packet",
                 "<= 100 ns: " + target(bp["s0"] <= 100)))
    if cnt:
        rows.append(("BPF program, live (bpf_stats run_time_ns / run_cnt, metadata)",
                     f"{t_ns / cnt:.0f} ns per packet ({cnt} runs)",
                     "<= 100 ns: " + target(t_ns / cnt <= 100)))

    json.dump(j, open(out_json, "w"), indent=1)
    print(f"| measure ({mode} run) | result | target |")
    print("|---|---|---|")
    for a, b, c in rows:
        print(f"| {a} | {b} | {c} |")
    print(f"\nJSON: {out_json}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: report.py RESULTS.tsv OUT.json MODE")
    main(*sys.argv[1:])
