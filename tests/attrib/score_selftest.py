#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""score.py on made-up packets, no kernel: a perfect recording passes, and
each way of being wrong fails it (a wrong pid, a wrong container, an
invented owner on a forwarded packet, too many missing, a flow with no
packets one way). The ground-truth tests trust score.py only because this
shows that it can fail."""
import copy
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CID = "0123456789ab" + "cd" * 26
OWNER_S = {"pid": 200, "comm": "iperf3", "uid": 0}
OWNER_C = {"pid": 100, "comm": "python3", "uid": 0, "container": CID,
           "cgroup_has": CID}
FLOWS = [
    {"name": "server", "netns": "S", "proto": 6, "lport": 5201, "min": 10, "owner": OWNER_S},
    {"name": "client", "netns": "C", "proto": 6, "rport": 5201, "min": 10, "owner": OWNER_C},
    {"name": "router", "netns": "R", "owner": None},
]


def pkt(ns, d, sport, dport, owner=None):
    src, dst = ("10.0.1.2", "10.0.2.2") if sport != 5201 else ("10.0.2.2", "10.0.1.2")
    p = {"netns": ns, "dir": d, "src": src, "dst": dst, "sport": sport, "dport": dport,
         "ip_proto": 6}
    if owner:
        p.update({k: v for k, v in owner.items() if k != "cgroup_has"})
        if "container" in owner:
            p["container"] = owner["container"][:12]
            p["cgroup"] = f"/machine.slice/libpod-{owner['container']}.scope"
    return p


def perfect():
    out = []
    for _ in range(2000):
        out += [pkt("C", "out", 40000, 5201, OWNER_C), pkt("R", "in", 40000, 5201),
                pkt("R", "out", 40000, 5201), pkt("S", "in", 40000, 5201, OWNER_S),
                pkt("S", "out", 5201, 40000, OWNER_S), pkt("R", "in", 5201, 40000),
                pkt("R", "out", 5201, 40000), pkt("C", "in", 5201, 40000, OWNER_C)]
    out.append({"netns": "S", "dir": "in", "ethertype": 2054})  # ARP: nobody's
    return out


def run(packets):
    with tempfile.TemporaryDirectory() as d:
        rules, data = os.path.join(d, "rules.json"), os.path.join(d, "p.jsonl")
        with open(rules, "w") as f:
            json.dump({"flows": FLOWS}, f)
        with open(data, "w") as f:
            f.writelines(json.dumps(p) + "\n" for p in packets)
        r = subprocess.run([sys.executable, os.path.join(HERE, "score.py"), rules, data],
                           capture_output=True, text=True)
        return r.returncode, r.stdout + r.stderr


def first(packets, ns, d):
    return next(p for p in packets if p["netns"] == ns and p["dir"] == d)


def main():
    cases = []
    cases.append(("perfect", perfect(), 0))
    p = perfect()
    first(p, "S", "in")["pid"] = 201
    cases.append(("one wrong pid", p, 1))
    p = perfect()
    first(p, "C", "out")["comm"] = "python"
    cases.append(("one wrong comm", p, 1))
    p = perfect()
    first(p, "C", "in")["container"] = "ffffffffffff"
    cases.append(("one wrong container", p, 1))
    p = perfect()
    first(p, "R", "out").update({"pid": 100, "comm": "python3"})
    cases.append(("owner invented on a forwarded packet", p, 1))
    p = perfect()
    del first(p, "S", "out")["pid"]
    cases.append(("one missing of 2000 (0.05%)", p, 0))
    p = perfect()
    for q in [x for x in p if x["netns"] == "S" and x["dir"] == "out"][:3]:
        del q["pid"]
    cases.append(("three missing of 2000 (0.15%)", p, 1))
    p = [x for x in perfect() if not (x["netns"] == "C" and x["dir"] == "in")]
    cases.append(("no packets in one direction", p, 1))
    p = copy.deepcopy(perfect())
    first(p, "S", "in")["netns"] = "X"
    cases.append(("a packet of a namespace nobody named, with a process", p, 1))
    bad = 0
    for name, packets, want in cases:
        rc, out = run(packets)
        ok = rc == want
        print(f"{'ok ' if ok else 'BAD'} {name}: exit {rc}, expected {want}")
        if not ok:
            print(out)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
