#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What `tcrec print`, `stats` and `export` do with logs that are damaged,
or mixed with files that are not logs at all: they read everything that can
be read, say once per problem what was lost, and exit 1 (--strict stops at
the first problem instead). Logs come from a corpus trace through
pcap2tclog; the expected lines from `tcrec print` of the intact log, which
the other readers tests check against tcpdump.

usage: damaged_logs.py CASE --tcrec TCREC --gen PCAP2TCLOG --dump TCLOG_DUMP --trace PCAP
CASE: bad_files | resync | sparse_tail | messages
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("case")
ap.add_argument("--tcrec", required=True)
ap.add_argument("--gen", required=True)
ap.add_argument("--dump", required=True)
ap.add_argument("--trace", required=True)
ap.add_argument("--sparse-gib", type=int, default=20)
args = ap.parse_args()
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg, file=sys.stderr)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def run(*cmd, timeout=120):
    p = subprocess.run([args.tcrec, *cmd], capture_output=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def gen(out, *opts):
    subprocess.run([args.gen, *opts, args.trace, out], check=True, capture_output=True)


def chunks(path):
    """(offset, records) of every chunk, from the log's own index"""
    out = subprocess.run([args.dump, path], capture_output=True, text=True).stdout
    return [(int(a), int(b)) for a, b in re.findall(r"chunk offset=(\d+) records=(\d+)", out)]


def lines(b):
    return b.decode(errors="replace").splitlines()


def warnings(err):
    return [l for l in err.splitlines() if l.startswith("tcrec: warning:")]


def errors(err):
    return [l for l in err.splitlines() if l and not l.startswith("tcrec: warning:")]


def pcap_count(path):
    """packets in a classic pcap file"""
    data = open(path, "rb").read()
    pos, n = 24, 0
    while pos + 16 <= len(data):
        incl = struct.unpack_from("<I", data, pos + 8)[0]
        pos += 16 + incl
        n += 1
    return n if pos == len(data) else -1


def flip(src, dst, pos):
    b = bytearray(open(src, "rb").read())
    b[pos] ^= 0x10
    open(dst, "wb").write(b)


def without(ref, idx, k):
    """ref lines without those of chunk k (idx from chunks())"""
    start = sum(c for _, c in idx[:k])
    return ref[:start] + ref[start + idx[k][1]:]


# ---- one bad file among rotated logs ----
def case_bad_files(tmp):
    d = os.path.join(tmp, "rot")
    gen(d, "--rotate", "200", "-s", "96")
    rc, out, err = run("print", d)
    if rc or err:
        sys.exit(f"print of the intact directory: exit {rc}: {err}")
    ref = lines(out)
    logs = sorted(os.listdir(d))
    open(os.path.join(d, "empty.tclog"), "wb").close()
    open(os.path.join(d, "README"), "w").write("rotated captures of eth0, see the runbook\n")
    first = open(os.path.join(d, logs[0]), "rb").read()
    open(os.path.join(d, "cap.torn.tclog"), "wb").write(first[:40])
    bad = ("empty.tclog", "README", "cap.torn.tclog")

    def one_warning_per_bad_file(what, err):
        w = warnings(err)
        check(len(w) == 3 and all(any(b in l and "skipped" in l for l in w) for b in bad),
              f"{what}: want one 'skipped' warning naming each of {bad}, got: {err.strip()}")
        check(not errors(err), f"{what}: unexpected error lines: {errors(err)}")

    rc, out, err = run("print", d)
    check(rc == 1, f"print DIR: exit {rc}, want 1")
    check(lines(out) == ref, f"print DIR: {len(lines(out))} lines, want the {len(ref)} of the good files")
    one_warning_per_bad_file("print DIR", err)
    print(f"print DIR: {len(lines(out))} of {len(ref)} packets, exit {rc}, {len(warnings(err))} warnings")

    rc, out, err = run("stats", "--json", d)
    check(rc == 1, f"stats DIR: exit {rc}, want 1")
    st = json.loads(out) if out else {}
    check(st.get("packets") == len(ref) and len(st.get("files", [])) == len(logs),
          f"stats DIR: packets {st.get('packets')}, files {len(st.get('files', []))}; "
          f"want {len(ref)}, {len(logs)}")
    one_warning_per_bad_file("stats DIR", err)

    pcap = os.path.join(tmp, "out.pcap")
    rc, out, err = run("export", "-q", d, "-o", pcap)
    check(rc == 1, f"export DIR: exit {rc}, want 1")
    n = pcap_count(pcap) if os.path.exists(pcap) else None
    check(n == len(ref), f"export DIR: {n} packets in the output, want {len(ref)}")
    one_warning_per_bad_file("export DIR", err)

    # Files named one by one, as a shell glob gives them: the same.
    rc, out, err = run("print", *sorted(os.path.join(d, f) for f in os.listdir(d)))
    check(rc == 1 and lines(out) == ref, f"print FILES: exit {rc}, {len(lines(out))} lines")

    rc, out, err = run("print", "--strict", d)
    check(rc == 1 and not out and len(errors(err)) == 1 and not warnings(err),
          f"print --strict DIR: exit {rc}, {len(lines(out))} lines, stderr: {err.strip()}")
    # Alone, an unreadable file is the error itself.
    rc, out, err = run("print", os.path.join(d, "README"))
    check(rc == 1 and not out and len(errors(err)) == 1 and "README" in err and "skipped" not in err,
          f"print README: exit {rc}, stderr: {err.strip()}")
    rc, out, err = run("print", os.path.join(d, "README"), os.path.join(d, "empty.tclog"))
    check(rc == 1 and not out and "none of the 2 files" in err,
          f"print README empty.tclog: exit {rc}, stderr: {err.strip()}")


# ---- one damaged chunk ----
def case_resync(tmp):
    clean = os.path.join(tmp, "clean.tclog")
    gen(clean, "-s", "96")
    rc, out, err = run("print", clean)
    if rc or err:
        sys.exit(f"print of the intact log: exit {rc}: {err}")
    ref = lines(out)
    idx = chunks(clean)
    if len(idx) < 6 or sum(c for _, c in idx) != len(ref):
        sys.exit(f"index: {len(idx)} chunks for {len(ref)} packets")
    bad = os.path.join(tmp, "bad.tclog")

    def expect(what, path, want, nwarn, lost=None, since=None, torn=False):
        """torn: the file has no trailer, which is worth its own warning"""
        extra = ["--since", since] if since else []
        rc, out, err = run("print", path, *extra)
        got = lines(out)
        w = warnings(err)
        if torn:
            check(sum("no trailer" in l for l in w) == 1, f"{what}: no 'no trailer' warning: {w}")
            w = [l for l in w if "no trailer" not in l]
        ok = check(rc == 1, f"{what}: print exit {rc}, want 1")
        ok &= check(got == want, f"{what}: print gave {len(got)} lines, want {len(want)} "
                                 f"(every chunk but the damaged ones)")
        ok &= check(len(w) == nwarn and all("bad.tclog" in l and re.search(r"offset \d+", l) for l in w)
                    and not errors(err),
                    f"{what}: want {nwarn} warnings naming the file and offset, got: {err.strip()}")
        if lost is not None:
            check(all(f"{lost} records lost" in l for l in w), f"{what}: want '{lost} records lost' in {w}")
        print(f"{what}: print {len(got)} of {len(ref)} packets, exit {rc}, {len(w)} warnings"
              + (f": {w[0]}" if w else ""))
        return ok

    # Bit flip in chunk 0's payload: the index says what was lost.
    flip(clean, bad, idx[0][0] + 60)
    expect("flip in chunk 0", bad, without(ref, idx, 0), 1, lost=idx[0][1])
    rc, out, err = run("stats", "--json", bad)
    st = json.loads(out) if out else {}
    check(rc == 1 and st.get("packets") == len(ref) - idx[0][1],
          f"stats, flip in chunk 0: exit {rc}, packets {st.get('packets')}, want {len(ref) - idx[0][1]}")
    print(f"stats, flip in chunk 0: exit {rc}, packets {st.get('packets')} of {len(ref)}")
    rc, out, err = run("print", "--strict", bad)
    check(rc == 1 and not out and len(errors(err)) == 1 and "offset" in err,
          f"print --strict, flip in chunk 0: exit {rc}, {len(lines(out))} lines, {err.strip()}")
    rc, out, err = run("stats", "--strict", bad)
    check(rc == 1 and not out, f"stats --strict, flip in chunk 0: exit {rc}, output {out[:80]}")

    # Flip late in the file: export keeps what it wrote and goes on.
    k = len(idx) - 2
    flip(clean, bad, idx[k][0] + 60)
    pcap = os.path.join(tmp, "out.pcap")
    rc, out, err = run("export", "-q", bad, "-o", pcap)
    n = pcap_count(pcap) if os.path.exists(pcap) else None
    check(rc == 1 and n == len(ref) - idx[k][1],
          f"export, flip in chunk {k}: exit {rc}, {n} packets in the output, want {len(ref) - idx[k][1]}")
    print(f"export, flip in chunk {k}: exit {rc}, {n} packets in the output of {len(ref)}")
    os.unlink(pcap) if os.path.exists(pcap) else None
    rc, out, err = run("export", "-q", "--strict", bad, "-o", pcap)
    n = pcap_count(pcap) if os.path.exists(pcap) else None
    before = sum(c for _, c in idx[:k])
    check(rc == 1 and n == before,
          f"export --strict, flip in chunk {k}: exit {rc}, {n} packets kept, want the {before} before it")
    rc, out, err = run("print", "--strict", bad)
    check(rc == 1 and lines(out) == ref[:before],
          f"print --strict, flip in chunk {k}: exit {rc}, {len(lines(out))} lines, want {before}")

    # No trailer, damaged chunk header: found again by scanning for the next
    # header that checks out.
    nt = os.path.join(tmp, "nt.tclog")
    gen(nt, "-s", "96", "--no-trailer")
    idx_nt = chunks(nt)
    flip(nt, bad, idx_nt[2][0] + 10)
    expect("no trailer, flip in chunk 2's header", bad, without(ref, idx_nt, 2), 1, torn=True)
    flip(nt, bad, idx_nt[3][0] + 100)
    expect("no trailer, flip in chunk 3's payload", bad, without(ref, idx_nt, 3), 1, lost=idx_nt[3][1],
           torn=True)

    # Two damaged regions: two warnings.
    b = bytearray(open(clean, "rb").read())
    b[idx[1][0] + 5] ^= 1
    b[idx[4][0] + 70] ^= 1
    open(bad, "wb").write(b)
    expect("flips in chunks 1 and 4", bad, without(without(ref, idx, 4), idx, 1), 2)

    # --since reads chunk by chunk through the index: the same.
    flip(clean, bad, idx[3][0] + 60)
    t0 = subprocess.run([args.dump, clean], capture_output=True, text=True).stdout
    start_ns = int(re.search(r"start_ns=(\d+)", t0).group(1))
    first_ns = int(re.findall(r"first=(\d+)", t0)[1])
    since = "+%.9fs" % ((first_ns - start_ns) / 1e9)
    expect("flip in chunk 3, --since chunk 1", bad, without(ref, idx, 3)[idx[0][1]:], 1, since=since)


# ---- a zero-filled (sparse) tail ----
def case_sparse_tail(tmp):
    size = args.sparse_gib << 30
    clean = os.path.join(tmp, "clean.tclog")
    nt = os.path.join(tmp, "nt.tclog")
    gen(clean, "-s", "96")
    gen(nt, "-s", "96", "--no-trailer")
    rc, out, err = run("print", clean)
    ref = lines(out)
    limit = 5.0
    for src, what in ((clean, "closed log"), (nt, "log without trailer")):
        sp = os.path.join(tmp, "sparse.tclog")
        open(sp, "wb").write(open(src, "rb").read())
        os.truncate(sp, size)
        for cmd in ("print", "stats"):
            t = time.monotonic()
            try:
                rc, out, err = run(cmd, sp, timeout=60)
            except subprocess.TimeoutExpired:
                fail(f"{cmd}, {what} + {args.sparse_gib} GiB of zeros: still running after 60 s")
                continue
            secs = time.monotonic() - t
            print(f"{cmd}, {what} + {args.sparse_gib} GiB of zeros: {secs:.2f} s, exit {rc}")
            check(secs < limit, f"{cmd}, {what} + zeros: {secs:.2f} s (limit {limit} s)")
            check(rc == 0 and len(warnings(err)) == 1 and not errors(err),
                  f"{cmd}, {what} + zeros: exit {rc}, want 0 and one warning: {err.strip()}")
            if cmd == "print":
                check(lines(out) == ref, f"print, {what} + zeros: {len(lines(out))} lines, want {len(ref)}")
        os.unlink(sp)

    # Damage, then a hole of several GiB, then good chunks: the scan for
    # the next chunk steps over the hole instead of reading it.
    data = open(nt, "rb").read()
    idx = chunks(nt)
    body = data[idx[0][0]:]
    sp = os.path.join(tmp, "gap.tclog")
    with open(sp, "wb") as f:
        f.write(data + b"\xa5" * 100)
        f.seek(size, os.SEEK_CUR)
        f.write(body)
    t = time.monotonic()
    try:
        rc, out, err = run("print", sp, timeout=60)
    except subprocess.TimeoutExpired:
        fail("print, damage + hole + chunks: still running after 60 s")
        return
    secs = time.monotonic() - t
    print(f"print, damage + {args.sparse_gib} GiB hole + chunks: {secs:.2f} s, exit {rc}, "
          f"{len(lines(out))} lines")
    check(secs < limit, f"print, damage + hole + chunks: {secs:.2f} s (limit {limit} s)")
    check(rc == 1 and lines(out) == ref + ref,
          f"print, damage + hole + chunks: exit {rc}, {len(lines(out))} lines, want {2 * len(ref)}")
    w = [l for l in warnings(err) if "no trailer" not in l]
    check(len(w) == 1 and "gap.tclog" in w[0] and "resumes at offset" in w[0],
          f"print, damage + hole + chunks: want one warning saying where reading resumed: {err.strip()}")


# ---- messages ----
CRC_TABLE = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    CRC_TABLE.append(c)


def crc32c(b):
    c = 0xFFFFFFFF
    for x in b:
        c = CRC_TABLE[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def doctor_index(src, dst, entry, field_off, change):
    """rewrite one u64 field of one trailer index entry, trailer CRC
    recomputed (FORMAT.md: the footer gives T; entries of 32 bytes from
    trailer offset 32). change(value, T) gives the new value."""
    b = bytearray(open(src, "rb").read())
    t_off, t_len = struct.unpack_from("<QI", b, len(b) - 24)
    at = t_off + 32 + 32 * entry + field_off
    struct.pack_into("<Q", b, at, change(struct.unpack_from("<Q", b, at)[0], t_off))
    struct.pack_into("<I", b, t_off + t_len - 4, crc32c(b[t_off:t_off + t_len - 4]))
    open(dst, "wb").write(b)


def case_messages(tmp):
    clean = os.path.join(tmp, "clean.tclog")
    gen(clean, "-s", "96")
    rc, out, err = run("print", clean)
    ref = lines(out)
    idx = chunks(clean)
    bad = os.path.join(tmp, "bad.tclog")

    # An index entry that points outside the file is not "footer damaged".
    last = len(idx) - 1
    doctor_index(clean, bad, last, 0, lambda v, t: t + 8)
    rc, out, err = run("print", bad)
    print(f"index entry {last} past the chunks: exit {rc}, {len(lines(out))} lines: {err.strip()}")
    check("footer damaged" not in err and f"index entry {last}" in err and "outside" in err
          and "scanning" in err, f"index entry out of the file: message {err.strip()}")
    check(rc == 1 and lines(out) == ref, f"index entry out of the file: exit {rc}, "
                                         f"{len(lines(out))} lines, want every packet")
    # An entry that disagrees with its chunk: said so, then read by scanning.
    doctor_index(clean, bad, 3, 16, lambda v, t: v + 1)
    rc, out, err = run("print", bad)
    print(f"index entry 3 disagrees: exit {rc}, {len(lines(out))} lines: {err.strip()}")
    check("index entry 3" in err and "disagrees" in err and "scanning" in err,
          f"index entry disagrees: message {err.strip()}")
    check(rc == 1 and lines(out) == ref, f"index entry disagrees: exit {rc}, "
                                         f"{len(lines(out))} lines, want every packet")

    # A filter too big to run names its size and the limit.
    # (libpcap's optimizer takes minutes on big "host" lists: byte tests
    # compile fast and keep one test each)
    expr = " or ".join(f"ip[{i}] = 1" for i in range(2000))
    try:
        rc, out, err = run("print", clean, expr, timeout=60)
    except subprocess.TimeoutExpired:
        rc, err = None, "timed out after 60 s"
    print(f"filter of 2000 byte tests: exit {rc}: {err.strip()[-160:]}")
    check(rc != 0 and "Argument list too long" not in err and "4096" in err
          and re.search(r"compiles to \d+ BPF instructions", err),
          f"big filter: exit {rc}, message {err.strip()[-300:]}")

    # Interface names from the header: terminal-safe text, valid JSON.
    name = b"e\x1b[31m\nX\xff\xc3\xa9"
    esc = os.path.join(tmp, "esc.tclog")
    subprocess.run([args.gen, "--ifname", name, args.trace, esc], check=True, capture_output=True)
    rc, out, err = run("print", esc)
    check(rc == 0 and b"\x1b" not in out and b"\xff" not in out and len(out.splitlines()) == len(ref)
          and b"e\\x1b[31m\\x0aX\\xff\\xc3\\xa9 " in out.splitlines()[0],
          f"print: name not escaped: {out[:120]!r}")
    rc, out, err = run("stats", esc)
    check(rc == 0 and b"\x1b" not in out and b"\xff" not in out and b"e\\x1b[31m\\x0aX" in out,
          f"stats: name not escaped: {out!r}")
    for cmd in (("print", "--json"), ("stats", "--json")):
        rc, out, err = run(*cmd, esc)
        try:
            docs = [json.loads(l) for l in out.decode("utf-8").splitlines()]
        except (UnicodeDecodeError, ValueError) as e:
            fail(f"{' '.join(cmd)}: not valid UTF-8 JSON: {e}")
            continue
        names = [d["ifname"] for d in docs] if cmd[0] == "print" else \
            [i["ifname"] for i in docs[0]["interfaces"]]
        check(rc == 0 and names and all(n == "e\x1b[31m\nX\ufffd\u00e9" for n in names),
              f"{' '.join(cmd)}: ifname {names[:1]!r}")
    print("names: text escaped, JSON valid")


with tempfile.TemporaryDirectory(prefix="tcrec-rd-damage.") as tmp:
    {"bad_files": case_bad_files, "resync": case_resync, "sparse_tail": case_sparse_tail,
     "messages": case_messages}[args.case](tmp)

if failures:
    print(f"{len(failures)} failures", file=sys.stderr)
    sys.exit(1)
print("PASS")
