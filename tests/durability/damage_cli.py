#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Bit flips and cuts all over a log, through the `tcrec print` and `tcrec
stats` binaries (the reader library has its own exhaustive unit test; this
is about what a user sees): never a signal, exit 1 with one line naming the
file and an offset for a flip, exit 0 with one warning for a cut, and every
chunk that lies wholly before the damage still printed, unchanged.

The chunk boundaries come from the log's own index (tclog_dump), the
expected lines from `tcrec print` of the intact file, which tests/readers
checks against tcpdump.

usage: damage_cli.py TCREC PCAP2TCLOG TCLOG_DUMP TRACE
"""
import json
import os
import re
import subprocess
import sys
import tempfile

TCREC, GEN, DUMP, TRACE = sys.argv[1:5]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def run(*args):
    p = subprocess.run(args, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


with tempfile.TemporaryDirectory(prefix="tcrec-du-damage.") as tmp:
    clean = os.path.join(tmp, "clean.tclog")
    subprocess.run([GEN, "--chunk", "64", "-s", "96", TRACE, clean], check=True, capture_output=True)
    data = open(clean, "rb").read()
    rc, ref, err = run(TCREC, "print", clean)
    if rc != 0 or err:
        sys.exit(f"print of the intact log: exit {rc}: {err}")
    ref_lines = ref.splitlines(keepends=True)

    starts, counts = [], []
    for line in run(DUMP, clean)[1].splitlines():
        m = re.match(r"chunk offset=(\d+) records=(\d+)", line)
        if m:
            starts.append(int(m.group(1)))
            counts.append(int(m.group(2)))
    if not starts or sum(counts) != len(ref_lines):
        sys.exit(f"index: {len(starts)} chunks, {sum(counts)} records, print {len(ref_lines)} lines")
    header_end = starts[0]
    # a chunk ends where the next begins, the last where the trailer does
    # (FORMAT.md: the 24-byte footer starts with the trailer's offset)
    trailer_off = int.from_bytes(data[-24:-16], "little")
    if not starts[-1] < trailer_off < len(data) - 24:
        sys.exit(f"footer: trailer offset {trailer_off} out of place")
    ends = starts[1:] + [trailer_off]

    def intact_before(pos):
        """records of the chunks that end at or before pos"""
        return sum(c for s, e, c in zip(starts, ends, counts) if e <= pos)

    def check_output(what, out, pos):
        lines = out.splitlines(keepends=True)
        if lines != ref_lines[:len(lines)]:
            fail(f"{what}: output is not a prefix of the intact file's")
        need = intact_before(pos)
        if len(lines) < need:
            fail(f"{what}: {len(lines)} packets printed, {need} are in chunks before the damage")
        return len(lines)

    # Positions: every byte of the header and of each chunk's first 48 bytes
    # (its plain header), a spread through the compressed data, the trailer
    # and the footer.
    pos = set(range(0, header_end))
    for s, e in zip(starts, ends):
        pos.update(range(s, min(s + 48, e)))
        pos.update(range(s + 48, e, max(1, (e - s) // 12)))
    pos.update(range(trailer_off, len(data)))
    flips = sorted(pos)
    bad = os.path.join(tmp, "bad.tclog")
    silent = 0
    for p in flips:
        b = bytearray(data)
        b[p] ^= 1 << (p % 8)
        open(bad, "wb").write(b)
        for cmd in ("print", "stats"):
            rc, out, err = run(TCREC, cmd, bad)
            what = f"{cmd}, bit {p % 8} of byte {p} flipped"
            if rc < 0 or rc > 1:
                fail(f"{what}: exit {rc} ({'signal' if rc < 0 else 'usage?'}): {err.strip()}")
                continue
            if rc == 0:
                # only a flip in bytes the format does not interpret may pass
                silent += cmd == "print"
                if cmd == "print" and out != ref:
                    fail(f"{what}: exit 0 but the output differs")
                continue
            msgs = [l for l in err.splitlines() if not l.startswith("tcrec: warning")]
            if len(msgs) != 1 or "bad.tclog" not in msgs[0]:
                fail(f"{what}: want one error line naming the file, got: {err.strip()}")
            elif p >= header_end and not re.search(r"offset \d+", msgs[0]):
                fail(f"{what}: the error does not name an offset: {msgs[0]}")
            if cmd == "print":
                check_output(what, out, p)
    print(f"{len(flips)} flipped bits through print and stats; {silent} left print's output unchanged")
    if silent:
        fail(f"{silent} flipped bits were accepted silently")

    # Cuts: around every chunk boundary and inside the trailer.
    cuts = set()
    for s in starts[1:] + [ends[-1]]:
        cuts.update((s - 1, s, s + 1))
    cuts.update(range(trailer_off, len(data), 7))
    for c in sorted(x for x in cuts if header_end <= x < len(data)):
        open(bad, "wb").write(data[:c])
        rc, out, err = run(TCREC, "print", bad)
        what = f"print, cut at {c}"
        if rc != 0:
            fail(f"{what}: exit {rc}: {err.strip()}")
            continue
        n = check_output(what, out, c)
        if len(err.splitlines()) != 1 or "bad.tclog" not in err or not re.search(r"offset \d+", err):
            fail(f"{what}: want one warning naming the file and offset, got: {err.strip()}")
        rc, out, err = run(TCREC, "stats", "--json", bad)
        if rc != 0:
            fail(f"stats, cut at {c}: exit {rc}: {err.strip()}")
            continue
        st = json.loads(out)
        if st.get("packets") != n or not st["files"][0].get("index_rebuilt"):
            fail(f"stats, cut at {c}: packets {st.get('packets')} (print: {n}), "
                 f"index_rebuilt {st['files'][0].get('index_rebuilt')}")
    print(f"{len(cuts)} cuts through print and stats")

if failures:
    print(f"{len(failures)} failures", file=sys.stderr)
    sys.exit(1)
print("PASS")
