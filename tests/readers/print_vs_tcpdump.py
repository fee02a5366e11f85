#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`tcrec print` of a log made from a trace, against `tcpdump -nn -S -tttt`
on the trace itself, line for line.

Where tcpdump prints what a record holds (TCP flags/seq/ack/win/length,
"UDP, length N", ICMP echo, fragments, ARP with bytes), the lines must be
equal once tcpdump's extras that need the payload are cut (TCP options when
no bytes were kept, application decoding after the TCP length). Where
tcpdump decodes a payload (DNS, NFS, CDP, ...) the time, protocol and
addresses/ports must still be equal. Exit 0 ok, 1 mismatch, 77 no tcpdump.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

from readers_log import make_log, run

# tcpdump summaries tcrec claims to reproduce exactly (after the cuts).
GENERIC = re.compile(r'^(Flags \[|UDP, length \d+$|ICMP echo |ip-proto-\d+$)')
COLUMNS = re.compile(r'^(\S+ \S+) (\S+) +(In|Out) +')
VLANS = re.compile(r'^(vlan \d+, p \d+(, DEI)?, (ethertype [^,]+, )?)+')
OPTIONS = re.compile(r', options \[[^\]]*\]')
URG = re.compile(r', urg \d+')
TCP_END = re.compile(r'^(.*?Flags \[.*?, length \d+)')


def split_summary(line, link):
    """(time, summary) of a tcpdump-style line; with -e the summary starts
    after the link header ("...: ")."""
    parts = line.split(' ', 2)
    rest = parts[2] if len(parts) > 2 else ''
    if link:
        m = re.match(r'^.*?, length \d+: ', rest)
        if m:
            rest = rest[m.end():]
    return parts[0] + ' ' + parts[1], rest


def endpoints(summary):
    """'IP a.p > b.p' or 'a > b' part of an IP summary, None otherwise."""
    m = re.match(r'^((?:IP6? )?(?:truncated-ip6? - \d+ bytes missing! )?\S+ > [^:]+):', summary)
    return m.group(1) if m else None


def non_ip_agrees(ours, ref, link):
    """Same protocol word (tcpdump drops it with -e) and same final length."""
    if not link and ours.split(' ')[0] != ref.split(' ')[0]:
        return False
    lo, lr = re.search(r'length \d+$', ours), re.search(r'length \d+$', ref)
    return bool(lo and lr and lo.group(0) == lr.group(0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tcrec', required=True)
    ap.add_argument('--gen', required=True)
    ap.add_argument('--trace', required=True, help="a pcap, or 'edge' for make_edge_pcap.py's")
    ap.add_argument('--snap', type=int, default=None, help='pcap2tclog -s N')
    ap.add_argument('-e', dest='link', action='store_true')
    a = ap.parse_args()
    if not shutil.which('tcpdump'):
        print('tcpdump not found: cannot run the oracle', file=sys.stderr)
        return 77
    work = tempfile.mkdtemp(prefix='tcrec-rd-')
    try:
        made = make_log(a.gen, a.trace, a.snap, work)
        if not made:
            return 1
        a.trace, log = made
        opt = ['-e'] if a.link else []
        rc, ours, err = run([a.tcrec, 'print'] + opt + [log])
        if rc or err:
            print(f'tcrec print: exit {rc}, stderr: {err}', file=sys.stderr)
            return 1
        rc, ref, err = run(['tcpdump', '-nn', '-S', '-tttt', '-r', a.trace] + opt)
        if rc:
            print('tcpdump failed: ' + err, file=sys.stderr)
            return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)

    ours = ours.splitlines()
    # tcpdump continues some decodes (CDP) on indented lines.
    # tcpdump ends an undecoded frame's line with ": " before its hex dump.
    ref = [l.rstrip(': ') for l in ref.splitlines() if not l.startswith(('\t', ' '))]
    if len(ours) != len(ref):
        print(f'line count: tcrec {len(ours)}, tcpdump {len(ref)}', file=sys.stderr)
        return 1
    # Only whole packets let tcrec print TCP options as tcpdump does.
    whole = a.snap == 0
    exact = cut = partial = 0
    bad = []
    for i, (o, r) in enumerate(zip(ours, ref)):
        m = COLUMNS.match(o)
        if not m:
            bad.append((i, 'no time/interface/direction columns', o, r))
            continue
        o = m.group(1) + ' ' + o[m.end():]
        if not a.link:
            t, s = o.split(' ', 2)[:2], o.split(' ', 2)[2]
            o = ' '.join(t) + ' ' + VLANS.sub('', s)
        if o == r:
            exact += 1
            continue
        ot, osum = split_summary(o, a.link)
        rt, rsum = split_summary(r, a.link)
        if ot != rt:
            bad.append((i, 'time', o, r))
            continue
        # Without the TCP header bytes, options and the urgent pointer are unknown.
        r2 = rsum if whole else URG.sub('', OPTIONS.sub('', rsum))
        mt = TCP_END.match(r2)
        if mt and osum == mt.group(1):
            cut += 1
            continue
        ep = endpoints(rsum)
        rest = rsum[len(ep) + 2:] if ep else rsum
        if ep and GENERIC.match(rest):
            bad.append((i, 'summary tcrec claims to match', o, r))
            continue
        if ep and endpoints(osum) != ep:
            bad.append((i, 'addresses/ports', o, r))
            continue
        if not ep and 'LLC' not in rsum and not rsum.startswith('CDP') and not non_ip_agrees(osum, rsum, a.link):
            bad.append((i, 'protocol or length', o, r))
            continue
        partial += 1
    print(f'{os.path.basename(a.trace)}: {len(ref)} lines: {exact} equal, {cut} equal '
          f'after cutting TCP options/payload decoding, {partial} with payload decoding '
          f'tcrec cannot do (time/addresses/ports equal), {len(bad)} mismatches')
    for i, why, o, r in bad[:8]:
        print(f'line {i + 1}: {why}\n  tcrec:   {o}\n  tcpdump: {r}', file=sys.stderr)
    if exact + cut == 0:
        print('no line compared in full: the comparison proves nothing', file=sys.stderr)
        return 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
