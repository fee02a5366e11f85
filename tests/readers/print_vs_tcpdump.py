#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`tcrec print` of a log made from a trace, against `tcpdump -nn -S -tttt`
on the trace itself, line for line.

Where tcpdump prints what a record holds (TCP flags/seq/ack/win/length,
"UDP, length N", ICMP echo, fragments, ARP with bytes), the lines must be
equal once tcpdump's extras that need the payload are cut (TCP options and
IPv6 extension header names when no bytes were kept, application decoding
after the TCP length). Where tcpdump decodes a payload (DNS, NFS, CDP, STP
...) the time, protocol and addresses/ports must still be equal. With -e
the link header (MACs, ethertypes, VLAN tags, frame length) must be equal.

With --direct, print reads the trace itself (no log): as it is, or made
into another kind of capture (--as: Linux cooked SLL or SLL2, raw IP, a
nanosecond pcap, a two-interface pcapng, zstd-compressed, on stdin), and
tcpdump reads the same file. A capture with neither interface names nor
directions prints lines as tcpdump's: time then summary.

A capture cut short inside a header ("[|tcp]"): with the bytes kept the line
must be tcpdump's; a metadata-only record holds only the headers its parser
read whole, so its line must say the capture was cut in the same header,
in tcpdump's words but for the ports, which the record has only from a
whole transport header.
Exit 0 ok, 1 mismatch, 77 no tcpdump.
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
GENERIC = re.compile(r'^(Flags \[|UDP, (bad )?length [\d> ]+$|truncated-udp(length)? \d+$|ICMP echo |'
                     r'ip-proto-\d+$)')
# print's columns: time, interface name padded to 5, direction padded to 3,
# one space; a summary may itself start with a space (" [|ether]").
COLUMNS = re.compile(r'^(\S+ \S+) (\S+) +(In |Out) ')
VLANS = re.compile(r'^(vlan \d+, p \d+(, DEI)?, (ethertype [^,]+, )?)+')
# TCP options, also a list the capture cut short ("options [mss 1460, [|tcp]")
OPTIONS = re.compile(r', options \[[^\]]*\]>?')
URG = re.compile(r', urg \d+')
TCP_END = re.compile(r'^(.*?Flags \[.*?, length \d+)')
# IPv6 extension headers as tcpdump names them from their bytes
EXT6 = re.compile(r'(?<=: )((HBH|DSTOPT|RT6 \([^)]*\)|AH\([^)]*\):) )+')
# Where tcrec's line reaches the payload that tcpdump may go on to decode.
PAYLOAD_AT = re.compile(r'(UDP, (bad )?length [\d> ]+|sctp)$')
# tcpdump's "the capture ended inside this header"
CUT = re.compile(r'\[\|(ether|vlan|ip|ip6|tcp|udp|sctp|icmp|icmp6|hbhopt|dstopt|rt6|frag6|ah)\]>?$')


def split_summary(line, link):
    """(time, link header, summary) of a tcpdump-style line; with -e the
    link header is everything up to "length N: " and the VLAN tags after it
    (tcpdump prints tags with -e only; print prints them always)."""
    parts = line.split(' ', 2)
    rest = parts[2] if len(parts) > 2 else ''
    head = ''
    if link:
        m = re.match(r'^.*?, length \d+: ', rest)
        if m:
            head, rest = rest[:m.end()], rest[m.end():]
    v = VLANS.match(rest)
    if v:
        head, rest = head + v.group(0), rest[v.end():]
    return parts[0] + ' ' + parts[1], head, rest


def endpoints(summary):
    """'IP a.p > b.p' or 'a > b' part of an IP summary, None otherwise."""
    m = re.match(r'^((?:IP6? )?(?:truncated-ip6? - \d+ bytes missing! ?)?\S+ > \S+):(?: |$)', summary)
    return m.group(1) if m else None


def cut_agrees(ours, ref):
    """A metadata-only record of a packet the capture cut inside a header:
    tcrec says it was cut in the same header, with tcpdump's words before
    that, but the ports where the record has none (its parser wants the
    whole transport header) and the spacing that goes with them."""
    if ours == ref:
        return True
    co, cr = CUT.search(ours), CUT.search(ref)
    if not co or co.group(0) != cr.group(0):
        return False
    if not ours[:co.start()].strip() and ref[:cr.start()].strip() in ('', 'IP'):
        # the IP header cut: tcpdump says "IP" once it could read the
        # version, the record holds none of the header
        return True
    eo, er = endpoints(ours), endpoints(ref)
    if eo and er and eo != er:
        ref = ref.replace(er, ' > '.join(re.sub(r'\.\d+$', '', x) for x in er.split(' > ')), 1)
    return ' '.join(ours.split()) == ' '.join(ref.split())


def non_ip_agrees(ours, ref, link):
    """Same protocol word (tcpdump drops it with -e) and same final length."""
    if not link and ours.split(' ')[0] != ref.split(' ')[0]:
        return False
    lo, lr = re.search(r'length \d+$', ours), re.search(r'length \d+$', ref)
    return bool(lo and lr and lo.group(0) == lr.group(0))


def direct_input(trace, kind, work):
    """(file tcpdump reads, CAPTURE argument of print, file for print's
    stdin or None)."""
    here = os.path.dirname(os.path.abspath(__file__))
    if kind in ('sll', 'sll2', 'raw', 'ns', 'pcapng'):
        rc, _, err = run([sys.executable, os.path.join(here, 'make_capture_files.py'), trace, work])
        if rc:
            print('make_capture_files.py failed: ' + err, file=sys.stderr)
            return None
        name = 'two.pcapng' if kind == 'pcapng' else kind + '.pcap'
        path = os.path.join(work, name)
        return path, path, None
    if kind in ('zst', 'stdin-zst'):
        # the two-interface pcapng, as .pcapng.zst
        made = direct_input(trace, 'pcapng', work)
        if not made or not shutil.which('zstd'):
            print('zstd not found or no pcapng made', file=sys.stderr)
            return None
        z = made[0] + '.zst'
        rc, _, err = run(['zstd', '-q', '-f', made[0], '-o', z])
        if rc:
            print('zstd failed: ' + err, file=sys.stderr)
            return None
        return (made[0], z, None) if kind == 'zst' else (made[0], '-', z)
    if kind == 'stdin':
        return trace, '-', trace
    return trace, trace, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tcrec', required=True)
    ap.add_argument('--gen', required=True)
    ap.add_argument('--trace', required=True, help="a pcap, or 'edge' for make_edge_pcap.py's")
    ap.add_argument('--snap', type=int, default=None, help='pcap2tclog -s N')
    ap.add_argument('-e', dest='link', action='store_true')
    ap.add_argument('--direct', action='store_true', help='print the trace, not a log of it')
    ap.add_argument('--as', dest='kind', default='pcap',
                    choices=['pcap', 'sll', 'sll2', 'raw', 'ns', 'pcapng', 'zst', 'stdin', 'stdin-zst'])
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
        stdin = None
        if a.direct:
            made = direct_input(a.trace, a.kind, work)
            if not made:
                return 1
            a.trace, log, stdin = made
            a.snap = 0  # the bytes are all there
        if stdin:
            with open(stdin, 'rb') as fh:
                rc, ours, err = run([a.tcrec, 'print'] + opt + ['-'], stdin=fh)
        else:
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
    # Only whole packets let tcrec print TCP options and IPv6 extension
    # headers as tcpdump does.
    whole = a.snap == 0
    exact = cut = partial = 0
    bad = []
    for i, (o, r) in enumerate(zip(ours, ref)):
        m = COLUMNS.match(o)
        if a.direct:
            # columns only where the capture has names or directions;
            # tcpdump shows SLL2's (its interface name is this host's)
            mr = COLUMNS.match(r)
            if a.kind == 'sll2' and not (m and mr and m.group(3) == mr.group(3)):
                bad.append((i, 'direction of a cooked v2 header', o, r))
                continue
            if m and a.kind in ('pcap', 'sll', 'raw', 'ns', 'stdin'):
                bad.append((i, 'columns where the capture has no names or directions', o, r))
                continue
            if mr:
                r = mr.group(1) + ' ' + r[mr.end():]
            if m:
                o = m.group(1) + ' ' + o[m.end():]
        elif not m:
            bad.append((i, 'no time/interface/direction columns', o, r))
            continue
        else:
            o = m.group(1) + ' ' + o[m.end():]
        ot, ohead, osum = split_summary(o, a.link)
        rt, rhead, rsum = split_summary(r, a.link)
        if not a.link:
            o = ot + ' ' + osum
        if o == r:
            exact += 1
            continue
        if ot != rt:
            bad.append((i, 'time', o, r))
            continue
        if a.link and ohead != rhead:
            bad.append((i, 'link header', o, r))
            continue
        # Without the bytes, TCP options, the urgent pointer and the names of
        # IPv6 extension headers are unknown.
        r2 = rsum if whole else EXT6.sub('', URG.sub('', OPTIONS.sub('', rsum)))
        mt = TCP_END.match(r2)
        if osum == r2 or (mt and osum == mt.group(1)):
            cut += 1
            continue
        if not whole and CUT.search(rsum) and not CUT.search(r2) and 'Flags [' in r2 and \
                osum.startswith(r2 + ', length '):
            # tcpdump stopped in TCP options the capture cut; the record has
            # the header before them, and the length
            cut += 1
            continue
        if CUT.search(r2):
            # with the bytes kept, the line must be tcpdump's
            if not whole and cut_agrees(osum, r2):
                cut += 1
            else:
                bad.append((i, 'capture cut inside a header', o, r))
            continue
        ep = endpoints(rsum)
        rest = rsum[len(ep) + 2:] if ep else rsum
        if ep and GENERIC.match(rest):
            bad.append((i, 'summary tcrec claims to match', o, r))
            continue
        if ep and endpoints(osum) != ep:
            bad.append((i, 'addresses/ports', o, r))
            continue
        t = PAYLOAD_AT.search(osum)
        if t and (not r2.startswith(osum[:t.start()]) or GENERIC.match(r2[t.start():])):
            # all before the payload (fragments, extension headers, ports)
            # is tcpdump's, and so is the rest unless tcpdump decodes it
            bad.append((i, 'headers before the payload', o, r))
            continue
        llc = re.match(r'^(802\.3)?LLC, length ', osum)
        if not ep and llc and not re.match(r'(IP6? |ARP|LLDP)', rsum) and \
                (not a.link or rsum.startswith((llc.group(1) or '') + 'LLC')):
            # an 802.3 frame (-e shows the link header to agree): tcpdump
            # decodes what the LLC header carries (CDP, STP, ...)
            partial += 1
            continue
        if not ep and not non_ip_agrees(osum, rsum, a.link):
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
