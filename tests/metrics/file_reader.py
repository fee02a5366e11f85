#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Reads a --metrics-file every 5 ms until STOP exists, as node_exporter's
textfile collector would, and checks that every read is a whole file: each
line a comment or a sample, the last one complete. A symlink at the name
(planted by the test, before tcrec's first write) is not read. Writes the
number of versions seen (inode and mtime) to VERSIONS as they come, and at
the end a JSON summary on stdout; exit 1 on a partial read.

    file_reader.py PATH STOP VERSIONS
"""
import json
import os
import re
import stat
import sys
import time

SAMPLE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [0-9.eE+-]+(Inf|NaN)?$')


def whole(text):
    if not text.endswith("\n") or "# TYPE tcrec_packets_written_total counter" not in text:
        return False
    for line in text.splitlines():
        if not line.startswith("#") and not SAMPLE.match(line):
            return False
    return True


def main():
    path, stop, versions_path = sys.argv[1:4]
    versions, reads, bad = [], 0, []
    while not os.path.exists(stop):
        try:
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                raise FileNotFoundError
            with open(path, "rb") as f:
                fst = os.fstat(f.fileno())
                text = f.read().decode()
        except FileNotFoundError:
            time.sleep(0.005)
            continue
        reads += 1
        if not whole(text):
            bad.append(text[-200:])
        key = (fst.st_ino, fst.st_mtime_ns)
        if not versions or versions[-1][0] != key:
            versions.append((key, time.monotonic()))
            with open(versions_path + ".tmp", "w") as v:
                v.write(f"{len(versions)}\n")
            os.replace(versions_path + ".tmp", versions_path)
        time.sleep(0.005)
    gaps = [round(b[1] - a[1], 2) for a, b in zip(versions, versions[1:])]
    json.dump({"reads": reads, "partial": len(bad), "versions": len(versions), "gaps_s": gaps,
               "partial_tails": bad[:3]}, sys.stdout)
    print()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
