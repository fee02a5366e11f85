#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Bit flips and cuts all over a log, through the `tcrec print` and `tcrec
stats` binaries (the reader library has its own exhaustive unit test; this
is about what a user sees): never a signal. A flip in a chunk costs that
chunk and no other: every other chunk's packets are printed, unchanged and
in order, with one warning naming the file, the offset and the records lost,
and exit 1; a flip in the file header makes the file unreadable (one error
line); a flip in the trailer or footer loses nothing but still exits 1. The
same holds for a log without a trailer, where the next chunk is found by
scanning instead of through the index. With --strict, reading stops at the
damage: every chunk wholly before it is printed, then one error line naming
the file and offset. A cut gives exit 0 with one warning.

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
# STEP (optional 5th argument): every STEP-th position of each kind only;
# the sanitizer build runs everything ten times slower.
STEP = int(sys.argv[5]) if len(sys.argv) > 5 else 1
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def run(*args):
    p = subprocess.run(args, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def layout(path):
    starts, counts = [], []
    for line in run(DUMP, path)[1].splitlines():
        m = re.match(r"chunk offset=(\d+) records=(\d+)", line)
        if m:
            starts.append(int(m.group(1)))
            counts.append(int(m.group(2)))
    return starts, counts


with tempfile.TemporaryDirectory(prefix="tcrec-du-damage.") as tmp:
    clean = os.path.join(tmp, "clean.tclog")
    subprocess.run([GEN, "--chunk", "64", "-s", "96", TRACE, clean], check=True, capture_output=True)
    data = open(clean, "rb").read()
    rc, ref, err = run(TCREC, "print", clean)
    if rc != 0 or err:
        sys.exit(f"print of the intact log: exit {rc}: {err}")
    ref_lines = ref.splitlines(keepends=True)

    starts, counts = layout(clean)
    if not starts or sum(counts) != len(ref_lines):
        sys.exit(f"index: {len(starts)} chunks, {sum(counts)} records, print {len(ref_lines)} lines")
    header_end = starts[0]
    # a chunk ends where the next begins, the last where the trailer does
    # (FORMAT.md: the 24-byte footer starts with the trailer's offset)
    trailer_off = int.from_bytes(data[-24:-16], "little")
    if not starts[-1] < trailer_off < len(data) - 24:
        sys.exit(f"footer: trailer offset {trailer_off} out of place")
    ends = starts[1:] + [trailer_off]
    first_line = [sum(counts[:k]) for k in range(len(counts))]

    def intact_before(pos):
        """records of the chunks that end at or before pos"""
        return sum(c for s, e, c in zip(starts, ends, counts) if e <= pos)

    def want_after_flip(pos):
        """the intact file's lines without those of the chunk holding pos"""
        for k, (s, e) in enumerate(zip(starts, ends)):
            if s <= pos < e:
                return ref_lines[:first_line[k]] + ref_lines[first_line[k] + counts[k]:]
        return ref_lines

    def check_output(what, out, pos):
        lines = out.splitlines(keepends=True)
        if lines != ref_lines[:len(lines)]:
            fail(f"{what}: output is not a prefix of the intact file's")
        need = intact_before(pos)
        if len(lines) < need:
            fail(f"{what}: {len(lines)} packets printed, {need} are in chunks before the damage")
        return len(lines)

    def flips_through(name, blob, flips, torn):
        """torn: the log has no trailer, which earns a warning of its own"""
        bad = os.path.join(tmp, name)
        silent = 0
        for n, p in enumerate(flips):
            b = bytearray(blob)
            b[p] ^= 1 << (p % 8)
            open(bad, "wb").write(b)
            what = f"{name}: bit {p % 8} of byte {p} flipped"
            rc, out, err = run(TCREC, "print", bad)
            if rc < 0 or rc > 1:
                fail(f"print, {what}: exit {rc} ({'signal' if rc < 0 else 'usage?'}): {err.strip()}")
                continue
            if rc == 0:
                # only a flip in bytes the format does not interpret may pass
                silent += 1
                if out != ref:
                    fail(f"print, {what}: exit 0 but the output differs")
                continue
            warns = [l for l in err.splitlines() if l.startswith("tcrec: warning")]
            errs = [l for l in err.splitlines() if not l.startswith("tcrec: warning")]
            if p < header_end:
                if out or warns or len(errs) != 1 or name not in errs[0]:
                    fail(f"print, {what}: want no output and one error naming the file, "
                         f"got {len(out.splitlines())} lines, {err.strip()}")
                rc, out, err = run(TCREC, "stats", bad)
                if rc != 1 or out or len(err.splitlines()) != 1 or name not in err:
                    fail(f"stats, {what}: exit {rc}, want 1 and one error naming the file: "
                         f"{err.strip()}")
                continue
            want = want_after_flip(p)
            if out.splitlines(keepends=True) != want:
                fail(f"print, {what}: {len(out.splitlines())} lines, want the {len(want)} of "
                     f"every other chunk")
            damage = [l for l in warns if not (torn and "no trailer" in l)]
            if errs or len(damage) != 1 or name not in damage[0] or \
                    not re.search(r"offset \d+", damage[0]) or "lost" not in damage[0]:
                fail(f"print, {what}: want one warning naming the file, offset and records "
                     f"lost, got: {err.strip()}")
            rc, out, err = run(TCREC, "stats", "--json", bad)
            st = json.loads(out) if rc in (0, 1) and out else {}
            if rc != 1 or st.get("packets") != len(want):
                fail(f"stats, {what}: exit {rc}, packets {st.get('packets')}, want {len(want)}")
            # --strict, the old contract: on every sixth flip (time, under
            # the sanitizers)
            if n % 6:
                continue
            rc, out, err = run(TCREC, "print", "--strict", bad)
            errs = [l for l in err.splitlines() if not l.startswith("tcrec: warning")]
            if rc != 1 or len(errs) != 1 or name not in errs[0] or \
                    not re.search(r"offset \d+", errs[0]):
                fail(f"print --strict, {what}: exit {rc}, want 1 and one error line naming the "
                     f"file and offset, got: {err.strip()}")
            check_output(f"print --strict, {what}", out, p)
        return silent

    # Positions: every byte of the header and of each chunk's first 48 bytes
    # (its plain header), a spread through the compressed data, the trailer
    # and the footer.
    pos = set(range(0, header_end))
    for s, e in zip(starts, ends):
        pos.update(range(s, min(s + 48, e)))
        pos.update(range(s + 48, e, max(1, (e - s) // 12)))
    pos.update(range(trailer_off, len(data)))
    flips = sorted(pos)[::STEP]
    silent = flips_through("bad.tclog", data, flips, False)
    print(f"{len(flips)} flipped bits through print and stats; {silent} left print's output unchanged")
    if silent:
        fail(f"{silent} flipped bits were accepted silently")

    # The same log as a killed recorder leaves it: no index to resume from,
    # the next chunk is found by scanning. Chunk headers and a spread
    # through the payloads.
    nt = data[:trailer_off]
    pos = set()
    for s, e in zip(starts, ends):
        pos.update(range(s, min(s + 48, e), 6))
        pos.update(range(s + 48, e, max(1, (e - s) // 3)))
    flips = sorted(pos)[::STEP]
    silent = flips_through("nt.tclog", nt, flips, True)
    print(f"{len(flips)} flipped bits in a log without trailer; {silent} left print's output unchanged")
    if silent:
        fail(f"{silent} flipped bits were accepted silently (no trailer)")

    # Cuts: around every chunk boundary and inside the trailer.
    cuts = set()
    for s in starts[1:] + [ends[-1]]:
        cuts.update((s - 1, s, s + 1))
    cuts.update(range(trailer_off, len(data), 7))
    bad = os.path.join(tmp, "bad.tclog")
    for c in sorted(x for x in cuts if header_end <= x < len(data))[::STEP]:
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
