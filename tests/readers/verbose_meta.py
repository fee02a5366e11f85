#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`tcrec print -v` (or -vv) of a metadata-only log against `tcpdump -nn -S
-tttt -v` on the trace, packet for packet, once tcpdump's output is cut of
what only the packet bytes hold, the list print --help gives under
"Differences from tcpdump:":
  - checksums (IP "bad cksum", TCP "cksum 0x... (correct)", UDP and ICMPv6
    "[... sum ok]", ICMP "wrong icmp cksum");
  - IP options, TCP options and the urgent pointer;
  - IPv6 extension header names, their options, the fragment identification
    and the first next header when extension headers came first;
  - the IP packet an ICMP error quotes, neighbor discovery targets, flags
    and options, router advertisement fields (tcpdump's tab-indented lines);
  - application payloads (DNS, HTTP, ...): the line ends with the transport
    summary ("UDP, length N", the TCP length).
What remains must be equal: the IP header fields -v adds (tos, ECN, ttl, id,
offset, flags, protocol, length; class, flow label, hop limit, payload
length), addresses, ports and the transport summary. Every IPv4 and IPv6
packet's -v header must be equal; the share of equal packets must be at
least --min-share. Prints "verbose FLAG metadata-only: N/M packets equal
(P%), K IP headers equal". Exit 0 ok, 1 mismatch, 77 no tcpdump.
"""
import argparse
import re
import shlex
import shutil
import sys
import tempfile

from print_vs_tcpdump import cut_agrees
from readers_log import make_log, run

COLUMNS = re.compile(r'^(\S+ \S+) \S+ +(?:In |Out) ')
VLANS = re.compile(r'^(vlan \d+, p \d+(, DEI)?, (ethertype [^,]+, )?)+')
# what only the bytes hold, as tcpdump words it
BYTES_ONLY = [
    re.compile(r', cksum 0x[0-9a-f]{4} \((correct|incorrect -> 0x[0-9a-f]{4})\)'),
    re.compile(r'\[(udp sum ok|icmp6 sum ok|no cksum|bad (udp|icmp6) cksum 0x[0-9a-f]+ -> 0x[0-9a-f]+!)\] '),
    re.compile(r' \(wrong icmp cksum [0-9a-f]+ \(->[0-9a-f]+\)!\)'),
    re.compile(r', bad cksum [0-9a-f]+ \(->[0-9a-f]+\)!'),
    re.compile(r', options \((?:[^()]|\([^()]*\))*\)'),
    re.compile(r', options \[[^\]]*\]>?'),
    re.compile(r', options \[[^\]]*\[\|tcp\]>?$'),
    re.compile(r', urg \d+'),
    re.compile(r', (who has|tgt is) \S+'),
    re.compile(r'(?<=neighbor advertisement, length \d\d), Flags \[[^\]]*\]'),
    re.compile(r'(?<=neighbor advertisement, length \d), Flags \[[^\]]*\]'),
    re.compile(r'(?<=frag \()0x[0-9a-f]{8}:'),
]
# IPv6 extension headers, with what -v adds to them
EXT6 = re.compile(r'(?<=: )(?:(?:HBH|DSTOPT)(?: \((?:[^()]|\([^()]*\))*\))*(?: |$)|RT6 \([^)]*\) |AH\([^)]*\): )+')
TRANSPORT_END = re.compile(r'^(.*?(UDP, (bad )?length [\d> ]+|Flags \[.*?, length \d+|sctp))', re.S)
IP_HEAD = re.compile(r'^\S+ \S+ (IP \(tos .*?\)\n    |IP6 \(.*?payload length: \d+\) )', re.S)


def packets(lines, ours, whole):
    """Each packet as one string: its line and the 4-space continuation
    tcpdump -v makes; without the bytes, tab-indented lines (what only the
    bytes hold) are left out, and so is everything after them."""
    out, tabbed = [], False
    for line in lines:
        if line.startswith('\t') and whole and out:
            out[-1] += '\n' + line
        elif line.startswith('\t'):
            tabbed = True
        elif line.startswith('    ') and out:
            if not tabbed:
                out[-1] += '\n' + line
        elif line:
            if ours:
                m = COLUMNS.match(line)
                line = m.group(1) + ' ' + VLANS.sub('', line[m.end():]) if m else line
            out.append(line.rstrip(': '))
            tabbed = False
    return out


def reduce_ref(ref, ours, whole):
    if not whole:
        for rx in BYTES_ONLY:
            ref = rx.sub('', ref)
        ref = EXT6.sub('', ref)
        if 'next-header' in ref and 'next-header' not in ours:
            ref = re.sub(r'next-header \S+ \(\d+\) ', '', ref)
    mo = TRANSPORT_END.match(ours)
    if mo and ref != ours and ref.startswith(ours[:mo.start(2)]):
        # an application payload tcpdump decodes from the bytes, after the
        # transport summary or in its place
        mr = TRANSPORT_END.match(ref)
        if (mr and mr.group(1) == mo.group(1)) or \
                (not mr and not re.match(r'(UDP|Flags|sctp)', ref[mo.start(2):])):
            ref = ours
    elif not whole and not IP_HEAD.match(ref) and ours.split(' ')[:3] == ref.split(' ')[:3] and \
            re.search(r'length \d+$', ours) and \
            re.search(r'length \d+$', ours).group(0) == (re.search(r'length \d+$', ref) or [''])[0]:
        # a protocol beside IP (ARP, LLDP): only the bytes say more than
        # its name and length
        ref = ours
    return ref


def summary(packet):
    """What follows the time and the -v header."""
    m = IP_HEAD.match(packet)
    return packet[m.end():] if m else packet.split(' ', 2)[-1]


def compare(ours, ref, whole):
    """(equal packets, IP headers equal, IP headers, problems)."""
    equal = heads = head_total = 0
    bad = []
    for i, (o, r) in enumerate(zip(ours, ref)):
        r = reduce_ref(r, o, whole)
        if o != r and not whole and re.fullmatch(re.escape(r) + r', length \d+', o):
            # tcpdump stopped in TCP options the capture cut; the record
            # has the header before them, and the length
            r = o
        if o != r and not whole and cut_agrees(summary(o), summary(r)):
            # cut inside a header: the record has no ports from a header
            # its parser could not read whole (as print without -v)
            r = o
        equal += o == r
        hr = IP_HEAD.match(r)
        if hr:
            head_total += 1
            ho = IP_HEAD.match(o)
            if ho and ho.group(1) == hr.group(1):
                heads += 1
            else:
                bad.insert(0, (i, 'IP header', o, r))
        if o != r and len(bad) < 20:
            bad.append((i, 'after the IP header' if hr else 'not IP', o, r))
    return equal, heads, head_total, bad


def check(a, trace, log, flags):
    """One flag set: 0 ok, 1 not."""
    words = shlex.split(flags)
    rc, ours, err = run([a.tcrec, 'print'] + words + [log])
    if rc:
        print(f'tcrec print {flags}: exit {rc}, stderr: {err}', file=sys.stderr)
        return 1
    rc, ref, err = run(['tcpdump', '-nn', '-S', '-tttt'] + words + ['-r', trace])
    if rc:
        print('tcpdump failed: ' + err, file=sys.stderr)
        return 1
    whole = a.snap == 0
    ours, ref = packets(ours.split('\n'), True, whole), packets(ref.split('\n'), False, whole)
    if len(ours) != len(ref):
        print(f'{flags}: packets: tcrec {len(ours)}, tcpdump {len(ref)}', file=sys.stderr)
        return 1
    if not ref:
        print('tcpdump printed nothing: the comparison proves nothing', file=sys.stderr)
        return 1
    equal, heads, head_total, bad = compare(ours, ref, whole)
    share = equal / len(ref)
    kind = 'whole packets' if whole else 'metadata-only'
    print(f'verbose {flags} {kind}: {equal}/{len(ref)} packets equal ({100 * share:.1f}%), '
          f'{heads}/{head_total} IP headers equal')
    for i, why, o, r in bad[:6]:
        print(f'packet {i + 1}: {why}\n  tcrec:   {o!r}\n  tcpdump: {r!r}', file=sys.stderr)
    if heads != head_total:
        return 1
    if share + 1e-9 < a.min_share:
        print(f'{flags}: share {share:.4f} below --min-share {a.min_share}', file=sys.stderr)
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tcrec', required=True)
    ap.add_argument('--gen', required=True)
    ap.add_argument('--trace', required=True)
    ap.add_argument('--flags', action='append',
                    help='a flag set given to both, e.g. "-q -v"; may be repeated (default -v)')
    ap.add_argument('--min-share', type=float, default=1.0)
    ap.add_argument('--snap', type=int, default=None,
                    help='pcap2tclog -s N; 0 (whole packets): nothing is cut but the payloads')
    argv = sys.argv[1:]
    # "--flags -v": argparse would take -v for an option of its own
    for i in range(len(argv) - 1):
        if argv[i] == '--flags':
            argv[i:i + 2] = ['--flags=' + argv[i + 1], '']
    a = ap.parse_args([w for w in argv if w != ''])
    if not shutil.which('tcpdump'):
        print('tcpdump not found: cannot run the oracle', file=sys.stderr)
        return 77
    with tempfile.TemporaryDirectory(prefix='tcrec-vmeta-') as work:
        made = make_log(a.gen, a.trace, a.snap, work)
        if not made:
            return 1
        trace, log = made
        rc = 0
        for flags in a.flags or ['-v']:
            rc |= check(a, trace, log, flags)
    return rc


if __name__ == '__main__':
    sys.exit(main())
