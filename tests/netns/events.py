#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The netns tests' two views of one namespace's links, as sorted
"IFINDEX NAME KIND" lines:

    events.py live EVENTS NS_INO    what watch_driver's events say is there
    events.py ip [NSNAME|pid:PID]   what `ip -j -d [-n NSNAME] link` says
    events.py count EVENTS WORD NS_INO IFINDEX   how many WORD events
"""
import json
import subprocess
import sys


def live(path, ino):
    links = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) >= 4 and w[0] == "new" and w[1] == ino:
                kind = w[4].split("=", 1)[1]
                links[int(w[2])] = (w[3], "" if kind == "-" else kind)
            elif len(w) == 3 and w[0] == "gone" and w[1] == ino:
                links.pop(int(w[2]), None)
    return links


def ip_links(ns):
    cmd = ["ip", "-j", "-d"] + (["-n", ns] if ns and not ns.startswith("pid:") else []) + ["link"]
    if ns and ns.startswith("pid:"):
        cmd = ["nsenter", "-t", ns[4:], "-n"] + cmd
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return {l["ifindex"]: (l["ifname"], l.get("linkinfo", {}).get("info_kind", ""))
            for l in json.loads(out)}


def show(links):
    for i in sorted(links):
        print(i, links[i][0], links[i][1] or "-")


def main():
    if sys.argv[1] == "live":
        show(live(sys.argv[2], sys.argv[3]))
    elif sys.argv[1] == "ip":
        show(ip_links(sys.argv[2] if len(sys.argv) > 2 else None))
    elif sys.argv[1] == "count":
        _, _, path, word, ino, idx = sys.argv
        n = 0
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) >= 3 and w[0] == word and w[1] == ino and w[2] == idx:
                    n += 1
        print(n)


main()
