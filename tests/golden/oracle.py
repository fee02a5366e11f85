#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Accounts for every line of `tcrec print` on a metadata-only log made from
a trace (UTC), in full, or says which lines it cannot account for.

A line is accounted for when its time equals tcpdump's, its interface and
direction columns are what pcap2tclog wrote, its VLAN tags read as in
`tcpdump -e`, and the rest of it is one of:

  tcpdump          tcpdump -nn -S -tttt's summary, as is
  tcpdump -q       the same with -q (no payload decoding: "UDP, length N")
  tcpdump, cut     tcpdump's summary without what needs bytes a metadata
                   record does not keep: TCP options and urgent pointer,
                   and any payload decoding between the headers and the
                   final "length N" (ARP, ICMPv6 neighbour discovery)
  tcpdump, normalized
                   tcpdump's summary with its decoding of the bytes a record
                   does not keep taken out, by a rule named in the report:
                   IPv6 extension header names (the record keeps their total
                   length only), the packet quoted in an ICMP error, SCTP
                   chunks, TCP options cut short by the capture (the length
                   then comes from tshark)
  tcpdump, cut frame
                   for a frame whose capture ended inside a header, tcpdump
                   on the frame cut at the start of that header: the record
                   holds none of it, so tcrec can say only what tcpdump
                   says of the headers before it
  tcpdump -e       "LLC, length N" for an 802.3 frame, N as tcpdump -e says
  tshark           lines tcpdump's output cannot be compared with: 802.3
                   frames inside VLAN tags ("LLC, length N", N the length
                   field), IP protocols tcrec does not decode and IPv6
                   chains longer than the record walks ("  ip-proto-N LEN",
                   tcpdump's words for a protocol it does not know): every
                   value in the line against tshark's fields

    oracle.py --tcrec TCREC --gen PCAP2TCLOG --trace PCAP [--write GOLDEN]

Prints how many lines each oracle accounted for. With --write, writes the
output to GOLDEN only when every line is accounted for. Exit 0 all lines
accounted for, 1 otherwise, 77 when tcpdump or tshark is missing.
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'readers'))
from json_vs_tshark import (F_IPV4, F_IPV6, F_L4, F_TRUNC, Bogus, Oracle,  # noqa: E402
                            expected, read_pcap, sane_ipv4, tshark)
from readers_log import make_log  # noqa: E402

IFNAME, DIR = 'trace0', 'In'  # what pcap2tclog writes
UTC = dict(os.environ, TZ='UTC')

VLANS = re.compile(r'^(?:vlan \d+, p \d+(?:, DEI)?, (?:ethertype [^,]+, )?)+')
VLANS_E = re.compile(r'^(?:vlan \d+, p \d+(?:, DEI)?, (?:ethertype [^,]+ \(0x[0-9a-f]{4}\), )?)+')
HEX = re.compile(r' \(0x[0-9a-f]{4}\)')
LINK_E = re.compile(r'^\S+ > \S+, (?:802\.3|ethertype [^,]+ \(0x[0-9a-f]{4}\)), length \d+: ')
LLC_E = re.compile(r'^\S+ > \S+, 802\.3, length (\d+): LLC')
OPTIONS = re.compile(r', options \[[^\]]*\]')
URG = re.compile(r', urg \d+')
TCP_END = re.compile(r'^(.*?Flags \[.*?, length \d+)')
FINAL_LENGTH = re.compile(r'length \d+$')

# tcpdump's names for IPv6 extension headers, with the details it prints.
EXT_NAME = r'(?:HBH|DSTOPT|RT6 \([^)]*\)|AH\([^)]*\)|MOBILITY)'
EXTS = re.compile(r'^(IP6 \S+ > \S+): (?:' + EXT_NAME + r' )+')
PORTS = re.compile(r'^(IP6 )(\S+) > (\S+): (\d+) > (\d+): ')
# The packet an ICMP error quotes, in tcpdump's unreachable messages.
QUOTED = [(re.compile(r'ICMP \S+ (?:udp|tcp) port \S+ unreachable'), 'ICMP port unreachable'),
          (re.compile(r'ICMP \S+ protocol \d+ unreachable'), 'ICMP protocol unreachable'),
          (re.compile(r'ICMP (net|host) \S+ unreachable'), r'ICMP \1 unreachable')]
SCTP = re.compile(r': sctp( \(\d+\) .*)?$')
TCP_OPTS_CUT = re.compile(r'^(.*Flags \[[^\]]*\].*?), options \[.*\[\|tcp\]$')


def tcpdump(trace, extra):
    """Summary lines (continuation lines dropped), as (time, rest)."""
    r = subprocess.run(['tcpdump', '-nn', '-S', '-tttt', '-r', trace] + extra, env=UTC,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode:
        raise RuntimeError('tcpdump failed: ' + r.stderr)
    out = []
    for line in r.stdout.splitlines():
        if line.startswith(('\t', ' ')):
            continue
        line = line.rstrip()
        # An undecoded frame's line ends in ": " before a hex dump that -x would add.
        if line.endswith(':'):
            line = line[:-1]
        parts = line.split(' ', 2)
        out.append((parts[0] + ' ' + parts[1], parts[2] if len(parts) > 2 else ''))
    return out


def cut(s):
    """tcpdump's TCP summary without options, urgent pointer and payload decoding."""
    m = TCP_END.match(URG.sub('', OPTIONS.sub('', s)))
    return m.group(1) if m else None


def head_tail(ours, ref):
    """ours is ref with a middle part taken out: the decoding of payload
    between the headers and the final "length N"."""
    m = FINAL_LENGTH.search(ours)
    if not m:
        return False
    head, tail = ours[:m.start()], m.group(0)
    return head.endswith(', ') and len(ref) > len(ours) and ref.startswith(head) \
        and ref.endswith(', ' + tail)


def normalized(d, p):
    """(rule, tcpdump's summary with that rule applied) candidates."""
    out = []
    m = EXTS.match(d)
    if m:
        s = m.group(1) + ': ' + d[m.end():]
        out.append(('IPv6 extension header names dropped', s))
        # Without extension headers tcpdump puts the ports after the addresses.
        out.append(('IPv6 extension header names dropped', PORTS.sub(r'\1\2.\4 > \3.\5: ', s)))
    for rx, repl in QUOTED:
        if rx.search(d):
            out.append(('packet quoted in the ICMP error dropped', rx.sub(repl, d)))
    if SCTP.search(d):
        out.append(('SCTP chunks dropped', SCTP.sub(': sctp', d)))
    m = TCP_OPTS_CUT.match(d)
    if m and p is not None and p.f['tcp.len']:
        out.append(('TCP options cut short by the capture dropped, length per tshark',
                    f'{m.group(1)}, length {int(p.f["tcp.len"][0])}'))
    return out


def l2_len(e):
    return 14 + 4 * len(e['vlan'])


def from_tshark(p, e):
    """The summary tcpdump's wording gives to what tshark shows, for the
    packets tcpdump itself cannot be compared on; None for other packets."""
    if p is None or e is None:
        return None
    ip = e['flags'] & (F_IPV4 | F_IPV6)
    et = e['ethertype']
    if not ip:
        if et < 0x0600 and not e['flags'] & F_TRUNC:
            # An 802.3 frame: the length field (tshark's eth.len or vlan.len).
            return f'LLC, length {et}'
        return None
    v = 'IP' if e['flags'] & F_IPV4 else 'IP6'
    hdr = f'{v} {e["src"]} > {e["dst"]}: '
    proto = e['ip_proto']
    if e['flags'] & (F_L4 | F_TRUNC):
        return None
    # A protocol tcrec does not decode (or an IPv6 chain longer than the
    # record walks): tcpdump's words for a protocol it does not know,
    # "  ip-proto-N LEN", where tcpdump itself may decode the payload.
    if proto not in (1, 6, 17, 58, 132, 136):
        rest = e['ip_len'] - (e['ip_hlen'] if v == 'IP' else e['ip_hlen'] - 40)
        return f'{hdr} ip-proto-{proto} {rest}'
    return None


def record_end(e):
    """Where the record stopped reading a frame whose capture ended inside a
    header: the start of that header. None for other frames."""
    if e is None or not e['flags'] & F_TRUNC or e['wire_len'] < 14:
        return None
    l3 = l2_len(e)
    if not e['flags'] & (F_IPV4 | F_IPV6):
        return l3 if e['ethertype'] in (0x0800, 0x86dd) and len(e['vlan']) < 3 else None
    if e['flags'] & F_L4 or e['ip_hlen'] < 20:
        return None
    return l3 + e['ip_hlen']


def cut_trace(trace, models, path):
    """Writes the trace with each frame cut at record_end(); returns the
    indexes of the frames cut."""
    hdr, recs = read_pcap(trace)
    order = '<' if hdr[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    done = []
    with open(path, 'wb') as fh:
        fh.write(hdr)
        for i, ((rec, raw), e) in enumerate(zip(recs, models)):
            end = record_end(e)
            if end is not None and end < len(raw):
                sec, frac, _, orig = struct.unpack(order + 'IIII', rec)
                rec, raw = struct.pack(order + 'IIII', sec, frac, end, orig), raw[:end]
                done.append(i)
            fh.write(rec + raw)
    return done


class Checker:
    def __init__(self, trace, ours, work):
        self.ours = ours
        self.d = tcpdump(trace, [])
        self.q = tcpdump(trace, ['-q'])
        self.e = tcpdump(trace, ['-e'])
        ref = tshark(trace)
        if ref is None or not sane_ipv4(ref, read_pcap(trace), work):
            raise RuntimeError('tshark failed')
        self.ref = ref
        self.models = [self.model(p) for p in ref]
        path = os.path.join(work, 'cut.pcap')
        self.cut = dict.fromkeys(cut_trace(trace, self.models, path))
        if self.cut:
            lines = tcpdump(path, [])
            for i in self.cut:
                self.cut[i] = lines[i][1] if len(lines) == len(ref) else None
        self.counts = {}
        self.bad = []

    @staticmethod
    def model(p):
        try:
            return expected(p)
        except (Oracle, Bogus):
            return None

    def vlan_prefix(self, i):
        """The tags as tcpdump -e shows them, in tcrec's wording (no hex)."""
        m = LINK_E.match(self.e[i][1])
        rest = self.e[i][1][m.end():] if m else ''
        v = VLANS_E.match(rest)
        return HEX.sub('', v.group(0)) if v else ''

    def summary(self, i, s):
        """Name of the oracle that accounts for summary s of line i, or None."""
        d, q = self.d[i][1], self.q[i][1]
        if s == d:
            return 'tcpdump'
        if s == q:
            return 'tcpdump -q'
        if s == cut(d):
            return 'tcpdump, cut: TCP options, urgent pointer, payload decoding'
        if head_tail(s, d):
            return 'tcpdump, cut: payload decoding'
        if self.cut.get(i) is not None and s == self.cut[i]:
            return 'tcpdump, cut frame'
        p = self.ref[i]
        for rule, n in normalized(d, p) + normalized(q, p):
            if s in (n, cut(n)) or head_tail(s, n):
                return 'tcpdump, normalized: ' + rule
        m = LLC_E.match(self.e[i][1])
        if m and s == f'LLC, length {m.group(1)}':
            return 'tcpdump -e: 802.3 length'
        if s == from_tshark(p, self.models[i]):
            return 'tshark'
        return None

    def run(self):
        if not len(self.ours) == len(self.d) == len(self.q) == len(self.e) == len(self.ref):
            self.bad.append(f'line count: tcrec {len(self.ours)}, tcpdump {len(self.d)}, '
                            f'tcpdump -q {len(self.q)}, tcpdump -e {len(self.e)}, '
                            f'tshark {len(self.ref)}')
            return
        for i, line in enumerate(self.ours):
            # Time as tcpdump's, interface and direction as pcap2tclog wrote them.
            cols = f'{self.d[i][0]} {IFNAME:<5} {DIR:<3} '
            why = None
            if not line.startswith(cols):
                why = f'columns differ from "{cols}"'
            else:
                s = line[len(cols):]
                v = VLANS.match(s)
                tags = v.group(0) if v else ''
                if tags != self.vlan_prefix(i):
                    why = f'VLAN tags "{tags}", tcpdump -e says "{self.vlan_prefix(i)}"'
                else:
                    name = self.summary(i, s[len(tags):])
                    if name:
                        self.counts[name] = self.counts.get(name, 0) + 1
                        continue
                    why = 'no oracle accounts for it'
            self.bad.append(f'line {i + 1}: {why}\n  tcrec:      {line}\n'
                            f'  tcpdump:    {" ".join(self.d[i])}\n'
                            f'  tcpdump -q: {" ".join(self.q[i])}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tcrec', required=True)
    ap.add_argument('--gen', required=True)
    ap.add_argument('--trace', required=True)
    ap.add_argument('--write', help='golden file to write when every line is accounted for')
    a = ap.parse_args()
    for tool in ('tcpdump', 'tshark'):
        if not shutil.which(tool):
            print(f'{tool} not found: cannot run the oracle', file=sys.stderr)
            return 77
    work = tempfile.mkdtemp(prefix='tcrec-golden-')
    try:
        made = make_log(a.gen, a.trace, None, work)
        if not made:
            return 1
        r = subprocess.run([a.tcrec, 'print', made[1]], env=UTC, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        if r.returncode or r.stderr:
            print(f'tcrec print: exit {r.returncode}, stderr: {r.stderr}', file=sys.stderr)
            return 1
        c = Checker(a.trace, r.stdout.splitlines(), work)
        c.run()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    name = os.path.basename(a.trace)
    n = len(c.ours)
    print(f'{name}: {n} lines, {n - len(c.bad)} accounted for in full, {len(c.bad)} not')
    for oracle, k in sorted(c.counts.items(), key=lambda x: -x[1]):
        print(f'  {k:6d}  {oracle}')
    for b in c.bad[:20]:
        print(b, file=sys.stderr)
    if c.bad or not n:
        if a.write:
            print(f'{name}: golden file not written', file=sys.stderr)
        return 1
    if a.write:
        with open(a.write, 'w') as fh:
            fh.write(r.stdout)
    return 0


if __name__ == '__main__':
    sys.exit(main())
