#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What a tcrec record holds of each packet of a pcap/pcapng file, as tshark
reads the packet: one line per packet, so that two files compare line by
line.

A metadata-only export rebuilds exactly the headers a record holds
(formats/EXPORT.md), so this is what an export must read the same as the
original; it is not all tshark shows. tests/readers/json_vs_tshark.py says
what a record holds and where tshark shows it (the same oracle `tcrec print
--json` is held to): not the header an ICMP error quotes, not an L4 header
cut short before its fixed part, nothing after the sixth IPv6 extension
header or the 256th byte.

The parse-state flags TRUNC and EXT_LIMIT are left out: they say where the
walk stopped, and a synthesized frame ends right after the headers the
record holds, so an export reads "cut short" where the original read "too
many extension headers". Whether the L4 header is there (F_L4) still counts.

    record_view.py [--no-time] FILE...
--no-time leaves out the timestamps (two captures of one packet stamp it
apart). Several FILEs are read by one tshark, concatenated by mergecap
(tshark's start costs more than most files here); each line then starts
with the number of its FILE (from 1) and a tab.

    record_view.py --index ORIG SUBSET
The numbers (from 1) of ORIG's packets that SUBSET holds (tcpdump -w with a
filter), one a line: SUBSET's packets matched in order by their bytes and
original length. A filter decides on those alone, so of packets equal in
both it takes all or none, and the first match is the right one.

Exit 0, or 1 when tshark fails, shows a packet without a field the record
must hold, or a SUBSET packet is not in ORIG (said on stderr).
"""
import os
import shutil
import struct
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'readers'))
from json_vs_tshark import (F_EXT_LIMIT, F_TRUNC, expectations, read_pcap,  # noqa: E402
                            sane_ipv4, tshark)
from readers_log import run  # noqa: E402

TIME_KEYS = ('time', 'ts_ns')


def view(e, with_time):
    e = dict(e)
    e['flags'] &= ~(F_TRUNC | F_EXT_LIMIT)
    if not with_time:
        for k in TIME_KEYS:
            e.pop(k, None)
    return '\t'.join(f'{k}={e[k]}' for k in sorted(e))


def frames(path):
    """(original length, bytes) of each packet. read_pcap gives a pcapng
    file's packets a little-endian classic header, and says so in the file
    header it makes up."""
    hdr, recs = read_pcap(path)
    order = '<' if hdr[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    return [(struct.unpack(order + 'I', h[12:16])[0], raw) for h, raw in recs]


def index(orig, subset):
    a, b = frames(orig), frames(subset)
    out, j = [], 0
    for k, f in enumerate(b):
        while j < len(a) and a[j] != f:
            j += 1
        if j == len(a):
            print(f'{subset}: packet {k + 1} is not in {orig} (after the ones before it)',
                  file=sys.stderr)
            return 1
        j += 1
        out.append(f'{j}\n')
    sys.stdout.write(''.join(out))
    return 0


def views(path, with_time):
    """The lines of one file, or None (said on stderr)."""
    ref = tshark(path)
    if ref is None:
        return None
    work = tempfile.mkdtemp(prefix='tcrec-view-')
    try:
        if not sane_ipv4(ref, read_pcap(path), work):
            return None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out, bad = [], 0
    for i, e in enumerate(expectations(ref)):
        if isinstance(e, str):
            print(f'{path}: packet {i + 1}: {e}', file=sys.stderr)
            bad += 1
            continue
        out.append(view(e, with_time))
    return None if bad else out


def main():
    args = sys.argv[1:]
    if args[:1] == ['--index']:
        if len(args) != 3:
            print('usage: record_view.py --index ORIG SUBSET', file=sys.stderr)
            return 2
        return index(args[1], args[2])
    with_time = True
    if args[:1] == ['--no-time']:
        with_time, args = False, args[1:]
    if not args:
        print('usage: record_view.py [--no-time] FILE...', file=sys.stderr)
        return 2
    if len(args) == 1:
        out = views(args[0], with_time)
        if out is None:
            return 1
        sys.stdout.write(''.join(line + '\n' for line in out))
        return 0
    counts = [len(read_pcap(f)[1]) for f in args]
    work = tempfile.mkdtemp(prefix='tcrec-view-')
    try:
        both = os.path.join(work, 'all.pcapng')
        rc, _, err = run(['mergecap', '-a', '-w', both] + args)
        if rc:
            print('mergecap failed: ' + err, file=sys.stderr)
            return 1
        out = views(both, with_time)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if out is None:
        return 1
    if len(out) != sum(counts):
        print(f'tshark read {len(out)} packets from the {len(args)} files, which hold '
              f'{sum(counts)}', file=sys.stderr)
        return 1
    lines, at = [], 0
    for n, c in enumerate(counts, 1):
        lines += [f'{n}\t{line}\n' for line in out[at:at + c]]
        at += c
    sys.stdout.write(''.join(lines))
    return 0


if __name__ == '__main__':
    sys.exit(main())
