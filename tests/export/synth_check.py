#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A trace and its export with synthesized headers, both read by tshark:

  - every field a record holds (tests/readers/json_vs_tshark.py says which
    and where tshark shows them) must read the same in both, for every
    packet;
  - every header field tshark shows, every occurrence, must read the same
    in the export, or be missing from it when a metadata-only record cannot
    hold it: headers quoted inside ICMP errors, payload decodes, headers
    the capture cut short. Nothing may read differently. The packets that
    lack something are counted;
  - every IPv4 header in the export must carry a checksum that tshark finds
    good (-o ip.check_checksum:TRUE). tshark checks no header whose length
    fields are too small for it; such a header is checked once its lengths
    are made plausible, with the checksum updated for that change as RFC
    1624 says (which keeps a wrong checksum wrong);
  - every exported packet carries the comment that says it was synthesized,
    and is no longer than the original.

    synth_check.py ORIG.pcap SYNTH.pcap[ng]
Exit 0 ok, 1 mismatch.
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'readers'))
from json_vs_tshark import (FIELDS, Bogus, Oracle, expectations, expected,  # noqa: E402
                            read_pcap, sane_ipv4, tshark)

COMMENT = 'tcrec: synthesized headers'  # formats/synth.h SYNTH_COMMENT
# tshark's ip.checksum.status: 0 bad, 1 good, 2 not checked.
GOOD = '1'
# Parse states, not header values: where the original capture or the IPv6
# extension header walk stopped. The export ends after the headers the
# record holds and rebuilds extension headers as one, so these may differ.
STATE = 32 | 64
# Fields the export writes differently by design (formats/synth.h): it ends
# after the headers, and rebuilds IPv6 extension headers as one
# destination-options header (plus the fragment header).
REBUILT = {'frame.cap_len', 'frame.protocols', 'ipv6.nxt', 'ipv6.hopopts.nxt',
           'ipv6.hopopts.len_oct', 'ipv6.dstopts.nxt', 'ipv6.dstopts.len_oct', 'ipv6.routing.nxt',
           'ipv6.routing.len_oct', 'ah.next_header', 'ah.length'}
SYNTH_FIELDS = ['frame.comment', 'ip.version', 'ip.checksum', 'ip.checksum.status']


def bogus_ipv4(ref):
    """{frame index: offset} of the IPv4 headers tshark calls bogus."""
    out = {}
    for i, p in enumerate(ref):
        try:
            expected(p)
        except Bogus as b:
            out[i] = b.args[0]
        except Oracle:
            pass
    return out


def ones_add(a, b):
    s = a + b
    return (s & 0xffff) + (s >> 16)


def plausible(raw, off):
    """The frame with IHL 5 at least and the total length up to the frame's
    end, the header checksum updated for both words (RFC 1624: HC' = ~(~HC +
    ~m + m'))."""
    b = bytearray(raw)
    hc = int.from_bytes(b[off + 10:off + 12], 'big')
    acc = ~hc & 0xffff
    for at, new in ((off, bytes([0x40 | max(b[off] & 15, 5), b[off + 1]])),
                    (off + 2, max(len(b) - off, 20).to_bytes(2, 'big'))):
        m = int.from_bytes(b[at:at + 2], 'big')
        acc = ones_add(ones_add(acc, ~m & 0xffff), int.from_bytes(new, 'big'))
        b[at:at + 2] = new
    b[off + 10:off + 12] = (~acc & 0xffff).to_bytes(2, 'big')
    return bytes(b)


def own(p, field):
    """The packet's own header's value: the first occurrence."""
    v = p.f[field]
    return v[0] if v else ''


def checksums(path, got, bogus, work):
    """(IPv4 headers checked, first bad ones) of the export. tcrec writes a
    packet's own header only: the first ip.* occurrence."""
    st = [(own(p, 'ip.version'), own(p, 'ip.checksum'), own(p, 'ip.checksum.status'))
          for p in got]
    redo = [i for i in bogus if st[i][0] == '4' and st[i][2] != GOOD]
    if redo:
        hdr, recs = read_pcap(path)
        again = os.path.join(work, 'plausible.pcap')
        with open(again, 'wb') as fh:
            fh.write(hdr)
            for i in redo:
                fh.write(recs[i][0] + plausible(recs[i][1], bogus[i]))
        st2 = tshark(again, SYNTH_FIELDS, ['-o', 'ip.check_checksum:TRUE'])
        if st2 is None or len(st2) != len(redo):
            return 0, ['tshark failed on the headers made plausible']
        for i, p in zip(redo, st2):
            st[i] = (own(p, 'ip.version'), own(p, 'ip.checksum'), own(p, 'ip.checksum.status'))
    n, bad = 0, []
    for i, (version, csum, status) in enumerate(st):
        if version != '4':
            continue
        n += 1
        if status != GOOD:
            bad.append(f'packet {i + 1}: IPv4 checksum {csum}, tshark status {status or "none"}')
    return n, bad


def occurrences(orig, synth):
    """(packets with every occurrence equal, packets whose export lacks
    trailing occurrences only, first other differences)."""
    same = fewer = 0
    bad = []
    for i, (a, b) in enumerate(zip(orig, synth)):
        lacks = False
        for f in FIELDS:
            if f in REBUILT:
                continue
            u, v = a.f[f], b.f[f]
            if v != u[:len(v)]:
                bad.append(f'packet {i + 1}: {f} reads {v} in the export, {u} originally')
                break
            lacks |= len(v) < len(u)
        else:
            if lacks:
                fewer += 1
            else:
                same += 1
    return same, fewer, bad


def main():
    orig, synth = sys.argv[1:3]
    work = tempfile.mkdtemp(prefix='tcrec-synth-')
    try:
        ref = tshark(orig)
        got = tshark(synth, SYNTH_FIELDS, ['-o', 'ip.check_checksum:TRUE'])
        if ref is None or got is None:
            return 1
        bogus = bogus_ipv4(got)
        if not sane_ipv4(ref, read_pcap(orig), work) or not sane_ipv4(got, read_pcap(synth), work):
            return 1
        n_ip, bad_csum = checksums(synth, got, bogus, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    name = os.path.basename(orig)
    if len(ref) != len(got):
        print(f'{name}: {len(ref)} packets, export {len(got)}', file=sys.stderr)
        return 1
    want, have = expectations(ref), expectations(got)
    bad, values = [], 0
    for i, (w, g) in enumerate(zip(want, have)):
        if isinstance(w, str) or isinstance(g, str):
            bad.append(f'packet {i + 1}: original: {w if isinstance(w, str) else "ok"}; '
                       f'export: {g if isinstance(g, str) else "ok"}')
            continue
        values += len(w)
        w['flags'] &= ~STATE
        g['flags'] &= ~STATE
        diff = [f'{k} {w[k]!r} -> {g[k]!r}' for k in w if w[k] != g[k]]
        if diff:
            bad.append(f'packet {i + 1}: ' + ', '.join(diff))
    print(f'{name}: {len(want) - len(bad)}/{len(want)} packets read the same from the export '
          f'({values} record values compared); {n_ip - len(bad_csum)}/{n_ip} IPv4 checksums '
          f'good per tshark')
    same, fewer, bad_occ = occurrences(ref, got)
    print(f'{name}: tshark fields, every occurrence: {same}/{len(ref)} packets equal, {fewer} '
          f'lacking only what a record does not hold, {len(bad_occ)} different')
    unmarked = [i for i, (p, q) in enumerate(zip(got, ref))
                if own(p, 'frame.comment') != COMMENT or
                int(own(p, 'frame.len')) != int(own(q, 'frame.len')) or
                int(own(p, 'frame.cap_len')) > int(own(p, 'frame.len'))]
    print(f'{name}: {len(got) - len(unmarked)}/{len(got)} packets marked synthesized, '
          f'no longer than the original')
    bad += bad_occ + bad_csum + [f'packet {i + 1}: comment {own(got[i], "frame.comment")!r}, '
                                 f'length {own(got[i], "frame.cap_len")}/{own(got[i], "frame.len")}'
                                 for i in unmarked]
    for b in bad[:10]:
        print('  ' + b, file=sys.stderr)
    return 1 if bad or not want else 0


if __name__ == '__main__':
    sys.exit(main())
