#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`tcrec print --json` of a log made from a trace, every key of every record
against an oracle that is not tcrec:

  - the header fields (Ethernet, VLAN tags, IPv4/IPv6 and the IPv6
    extension headers, TCP/UDP/SCTP/ICMP/ICMPv6) against tshark's dissection
    of the trace (reassembly off, so that every frame is seen as it was on
    the wire). tshark says what each header holds and where the headers
    are; this script only applies what the record promises on top
    (bpf/tcrec.h): at most 3 VLAN tags and 6 IPv6 extension headers, no
    field beyond the first 256 bytes, which parse flags are set;
  - cap_len and the captured bytes against the pcap file itself, read here;
  - ifindex, ifname, dir, mark and drops against what pcap2tclog writes.

Without --snap the log is made three times: metadata only, whole packets
(-s 0) and cut at 60 bytes, so that the bytes are compared too. Also checks
the JSON Lines contract: one object per line, keys in the documented order.
Exit 0 ok, 1 mismatch, 77 no tshark.
"""
import argparse
import json
import os
import shutil
import struct
import sys
import tempfile
import time

from readers_log import make_log, run

KEYS = ['time', 'ts_ns', 'ifindex', 'ifname', 'dir', 'wire_len', 'cap_len', 'ethertype', 'vlan',
        'smac', 'dmac', 'src', 'dst', 'ip_proto', 'ip_id', 'ttl', 'tos', 'ip_len', 'ip_hlen',
        'frag_off', 'sport', 'dport', 'tcp_seq', 'tcp_ack', 'tcp_flags', 'tcp_hlen', 'tcp_win',
        'udp_len', 'icmp_type', 'icmp_code', 'icmp_id', 'icmp_seq', 'mark', 'drops', 'flags']
VLAN_KEYS = ['tpid', 'tci', 'id', 'pcp', 'offloaded']

# What pcap2tclog writes for every packet (without --two-ifaces / --drops).
GENERATOR = {'ifindex': 7, 'ifname': 'trace0', 'dir': 'in', 'mark': 0, 'drops': 0}

FIELDS = [
    'frame.time_epoch', 'frame.len', 'frame.cap_len', 'frame.protocols',
    'eth.src', 'eth.dst', 'eth.type', 'eth.len',
    'vlan.id', 'vlan.priority', 'vlan.dei', 'vlan.etype', 'vlan.len',
    'ieee8021ad.id', 'ieee8021ad.priority', 'ieee8021ad.dei', 'ieee8021ah.etype',
    'ip.version', 'ip.hdr_len', 'ip.dsfield', 'ip.len', 'ip.id', 'ip.flags.rb', 'ip.flags.df',
    'ip.flags.mf', 'ip.frag_offset', 'ip.ttl', 'ip.proto', 'ip.src', 'ip.dst',
    'ipv6.version', 'ipv6.tclass', 'ipv6.flow', 'ipv6.plen', 'ipv6.nxt', 'ipv6.hlim',
    'ipv6.src', 'ipv6.dst',
    'ipv6.hopopts.nxt', 'ipv6.hopopts.len_oct', 'ipv6.dstopts.nxt', 'ipv6.dstopts.len_oct',
    'ipv6.routing.nxt', 'ipv6.routing.len_oct', 'ipv6.fraghdr.nxt', 'ipv6.fraghdr.offset',
    'ipv6.fraghdr.more', 'ah.next_header', 'ah.length',
    'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags', 'tcp.hdr_len',
    'tcp.window_size_value', 'tcp.len',
    'udp.srcport', 'udp.dstport', 'udp.length', 'udp.checksum_coverage',
    'sctp.srcport', 'sctp.dstport',
    'icmp.type', 'icmp.code', 'icmp.ident', 'icmp.seq',
    'icmpv6.type', 'icmpv6.code', 'icmpv6.echo.identifier', 'icmpv6.echo.sequence_number',
]

# Record promises (bpf/tcrec.h, formats/packet_parse.c's header window).
HDR_WIN = 256
VLAN_MAX = 3
IPV6_EXT_MAX = 6
F_IPV4, F_IPV6, F_L4, F_FRAG, F_TRUNC, F_EXT_LIMIT, F_VLAN_MORE = 2, 4, 8, 16, 32, 64, 256
TPIDS = (0x8100, 0x88a8)
# IPv6 extension headers the record walks: tshark's protocol name and next-header field.
EXTS = {0: ('ipv6.hopopts', 'ipv6.hopopts.nxt'), 43: ('ipv6.routing', 'ipv6.routing.nxt'),
        44: ('ipv6.fraghdr', 'ipv6.fraghdr.nxt'), 51: ('ah', 'ah.next_header'),
        60: ('ipv6.dstopts', 'ipv6.dstopts.nxt')}


class Oracle(Exception):
    """tshark did not show a field the record must hold."""


class Bogus(Exception):
    """tshark stops at an IPv4 header length or total length that is too small
    for the header; args: the header's offset in the frame."""


class Packet:
    """tshark's fields of one frame; every occurrence, outermost first."""

    def __init__(self, line, names=FIELDS):
        self.f = {k: (v.split(',') if v else []) for k, v in zip(names, line.split('\t'))}
        self.used = {}
        self.alt = None  # the same frame with a sane IPv4 length, see sane_ipv4()

    def has(self, field):
        return bool(self.f[field])

    def first(self, field):
        v = self.f[field]
        if not v:
            raise Oracle(field)
        return v[0]

    def num(self, field):
        return int(self.first(field), 0)

    def nth(self, field, i):
        v = self.f[field]
        if i >= len(v):
            raise Oracle(f'{field} #{i + 1}')
        return int(v[i], 0)

    def take(self, proto):
        """Index of the next not yet used occurrence of a repeated header."""
        i = self.used.get(proto, 0)
        self.used[proto] = i + 1
        return i


def epoch_ns(s):
    sec, _, frac = s.partition('.')
    return int(sec) * 10**9 + int((frac + '000000000')[:9])


def fits(off, size, caplen):
    """The record holds a header only if it lies in the first HDR_WIN bytes
    and was captured."""
    return off <= HDR_WIN - size and off + size <= caplen


def l4(p, e, off, caplen):
    """TCP/UDP/SCTP/ICMP header at off (ip_proto already known)."""
    proto = e['ip_proto']
    size = {6: 20, 17: 8, 136: 8, 132: 4, 1: 4, 58: 4}.get(proto)
    if size is None:
        return 0
    if not fits(off, size, caplen):
        return F_TRUNC
    if proto == 6:
        e.update(sport=p.num('tcp.srcport'), dport=p.num('tcp.dstport'),
                 tcp_seq=p.num('tcp.seq_raw'), tcp_ack=p.num('tcp.ack_raw'),
                 tcp_flags=p.num('tcp.flags') & 0xff, tcp_hlen=p.num('tcp.hdr_len'),
                 tcp_win=p.num('tcp.window_size_value'))
    elif proto == 17:
        e.update(sport=p.num('udp.srcport'), dport=p.num('udp.dstport'),
                 udp_len=p.num('udp.length'))
    elif proto == 136:
        # UDP-Lite: the record keeps the field where UDP has its length.
        e.update(sport=p.num('udp.srcport'), dport=p.num('udp.dstport'),
                 udp_len=p.num('udp.checksum_coverage'))
    elif proto == 132:
        e.update(sport=p.num('sctp.srcport'), dport=p.num('sctp.dstport'))
    else:
        v6 = 'icmpv6' if proto == 58 and p.has('icmpv6.type') else 'icmp'
        t = p.num(f'{v6}.type')
        e.update(icmp_type=t, icmp_code=p.num(f'{v6}.code'))
        if (proto, t) in ((1, 0), (1, 8), (58, 128), (58, 129)):
            if not fits(off, 8, caplen):
                return F_TRUNC
            if v6 == 'icmpv6':
                e.update(icmp_id=p.num('icmpv6.echo.identifier'),
                         icmp_seq=p.num('icmpv6.echo.sequence_number'))
            else:
                e.update(icmp_id=p.num('icmp.ident'), icmp_seq=p.num('icmp.seq'))
    return F_L4


def ipv4(p, e, off, caplen):
    if not fits(off, 20, caplen):
        return F_TRUNC
    if p.num('ip.version') != 4:
        return 0
    q = p
    if p.num('ip.hdr_len') < 20 or p.num('ip.len') < p.num('ip.hdr_len'):
        if not p.alt:
            raise Bogus(off)
        q = p.alt
    frag = q.num('ip.flags.rb') << 15 | q.num('ip.flags.df') << 14 | \
        q.num('ip.flags.mf') << 13 | q.num('ip.frag_offset')
    e.update(src=q.first('ip.src'), dst=q.first('ip.dst'), ip_proto=q.num('ip.proto'),
             ip_id=q.num('ip.id'), ttl=q.num('ip.ttl'), tos=q.num('ip.dsfield'),
             ip_len=p.num('ip.len'), ip_hlen=p.num('ip.hdr_len'), frag_off=frag)
    flags = F_IPV4
    if e['ip_hlen'] < 20:
        return flags | F_TRUNC
    if frag & 0x3fff:
        flags |= F_FRAG
    if frag & 0x1fff:
        return flags
    return flags | l4(q, e, off + e['ip_hlen'], caplen)


def ipv6(p, e, off, caplen):
    if not fits(off, 40, caplen):
        return F_TRUNC
    if p.num('ipv6.version') != 6:
        return 0
    e.update(src=p.first('ipv6.src'), dst=p.first('ipv6.dst'), tos=p.num('ipv6.tclass'),
             ip_id=p.num('ipv6.flow'), ip_len=p.num('ipv6.plen'), ttl=p.num('ipv6.hlim'))
    flags = F_IPV6
    nh = p.num('ipv6.nxt')
    start, off, later_frag = off, off + 40, False
    for _ in range(IPV6_EXT_MAX):
        if nh not in EXTS:
            break
        if not fits(off, 8, caplen):
            e.update(ip_proto=nh, ip_hlen=min(off - start, 255))
            return flags | (F_TRUNC if off + 8 > caplen else F_EXT_LIMIT)
        proto, nxt = EXTS[nh]
        i = p.take(proto)
        if nh == 44:
            more, offset = p.nth('ipv6.fraghdr.more', i), p.nth('ipv6.fraghdr.offset', i)
            e['frag_off'] = offset << 3 | more
            flags |= F_FRAG
            later_frag = offset != 0
            off += 8
        elif nh == 51:
            # tshark shows AH's length field as is: (field + 2) * 4 bytes.
            off += (p.nth('ah.length', i) + 2) * 4
        else:
            off += p.nth(proto + '.len_oct', i)
        nh = p.nth(nxt, i)
    e.update(ip_proto=nh, ip_hlen=min(off - start, 255))
    if nh in EXTS:
        return flags | F_EXT_LIMIT
    if later_frag:
        return flags
    return flags | l4(p, e, off, caplen)


def expected(p):
    """What the record must hold for one frame, per tshark."""
    p.used = {}
    e = {k: 0 for k in KEYS}
    e.update(src=None, dst=None, ip_proto=None, vlan=[], smac='00:00:00:00:00:00',
             dmac='00:00:00:00:00:00')
    e['ts_ns'] = epoch_ns(p.first('frame.time_epoch'))
    e['wire_len'] = p.num('frame.len')
    caplen = p.num('frame.cap_len')
    if caplen < 14:
        e['flags'] = F_TRUNC
        return e
    e.update(smac=p.first('eth.src'), dmac=p.first('eth.dst'))
    typ = p.num('eth.type' if p.has('eth.type') else 'eth.len')
    off, flags = 14, 0
    while typ in TPIDS:
        if len(e['vlan']) == VLAN_MAX:
            flags |= F_VLAN_MORE
            break
        if not fits(off, 4, caplen):
            flags |= F_TRUNC
            break
        if typ == 0x88a8:
            i = p.take('ieee8021ad')
            vid, pcp, dei = (p.nth('ieee8021ad.' + f, i) for f in ('id', 'priority', 'dei'))
            nxt = p.nth('ieee8021ah.etype', i)
        else:
            i = p.take('vlan')
            vid, pcp, dei = (p.nth('vlan.' + f, i) for f in ('id', 'priority', 'dei'))
            # Only the last tag can be followed by an 802.3 length.
            n = len(p.f['vlan.etype'])
            nxt = p.nth('vlan.etype', i) if i < n else p.nth('vlan.len', i - n)
        tci = pcp << 13 | dei << 12 | vid
        e['vlan'].append({'tpid': typ, 'tci': tci, 'id': vid, 'pcp': pcp, 'offloaded': False})
        typ, off = nxt, off + 4
    e['ethertype'] = typ
    if not flags:
        if typ == 0x0800:
            flags = ipv4(p, e, off, caplen)
        elif typ == 0x86dd:
            flags = ipv6(p, e, off, caplen)
    e['flags'] = flags
    return e


def read_pcap(path):
    """(file header, [(record header, frame bytes)]) of a classic pcap file.
    A pcapng file's packets come back with classic headers (microseconds,
    Ethernet), enough to write them out again as a pcap."""
    with open(path, 'rb') as fh:
        data = fh.read()
    magic = data[:4]
    if magic == b'\x0a\x0d\x0d\x0a':
        return read_pcapng(data)
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        order = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        order = '>'
    else:
        raise ValueError(f'{path}: neither pcap nor pcapng')
    out, pos = [], 24
    while pos + 16 <= len(data):
        caplen = struct.unpack(order + 'I', data[pos + 8:pos + 12])[0]
        out.append((data[pos:pos + 16], data[pos + 16:pos + 16 + caplen]))
        pos += 16 + caplen
    return data[:24], out


def read_pcapng(data):
    order = '<' if data[8:12] == b'\x4d\x3c\x2b\x1a' else '>'
    out, pos = [], 0
    while pos + 12 <= len(data):
        btype, blen = struct.unpack(order + 'II', data[pos:pos + 8])
        if btype == 6:  # enhanced packet block
            caplen, origlen = struct.unpack(order + 'II', data[pos + 20:pos + 28])
            rec = struct.pack('<IIII', 0, 0, caplen, origlen)
            out.append((rec, data[pos + 28:pos + 28 + caplen]))
        pos += blen
    return struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1), out


def tshark(trace, more=(), opts=()):
    """Packet per frame, or None (said on stderr). more: fields wanted besides
    FIELDS; opts: more tshark arguments."""
    names = FIELDS + list(more)
    cmd = ['tshark', '-n', '-r', trace, '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE',
           '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,']
    cmd += list(opts)
    for f in names:
        cmd += ['-e', f]
    rc, out, err = run(cmd)
    if rc:
        print('tshark failed: ' + err, file=sys.stderr)
        return None
    return [Packet(line, names) for line in out.splitlines()]


def sane_ipv4(ref, frames, work):
    """tshark shows nothing after an IPv4 length field that is too small for
    the header, but the record holds the fields that follow. Those frames
    are dissected again with the lengths made plausible (IHL 5 at least,
    total length up to the end of the frame); only the fields after them are
    taken from that second reading. Returns False if tshark failed."""
    todo = {}
    for i, p in enumerate(ref):
        try:
            expected(p)
        except Bogus as b:
            todo[i] = b.args[0]
        except Oracle:
            pass
    if not todo:
        return True
    hdr, recs = frames
    path = os.path.join(work, 'sane.pcap')
    with open(path, 'wb') as fh:
        fh.write(hdr)
        for i, off in todo.items():
            rec, raw = recs[i]
            b = bytearray(raw)
            b[off] = 0x40 | max(b[off] & 15, 5)
            b[off + 2:off + 4] = struct.pack('!H', max(len(b) - off, (b[off] & 15) * 4))
            fh.write(rec + bytes(b))
    alt = tshark(path)
    if alt is None or len(alt) != len(todo):
        return False
    for i, q in zip(todo, alt):
        ref[i].alt = q
    return True


def compare(lines, exp, frames, snap):
    """Mismatches and the number of values compared, per oracle."""
    bad = []
    n = {'tshark': 0, 'pcap': 0, 'generator': 0}
    for i, (line, e, (_, raw)) in enumerate(zip(lines, exp, frames)):
        where = f'packet {i + 1}'
        try:
            o = json.loads(line)
        except ValueError as ex:
            bad.append(f'{where}: not JSON ({ex})')
            continue
        want_keys = KEYS + (['bytes'] if o.get('cap_len') else [])
        if list(o.keys()) != want_keys:
            bad.append(f'{where}: keys {list(o.keys())}')
            continue
        if isinstance(e, str):
            bad.append(f'{where}: {e}')
            continue
        cap = 0 if snap is None else len(raw) if snap == 0 else min(snap, len(raw))
        pcap = {'cap_len': cap}
        if cap:
            pcap['bytes'] = raw[:cap].hex()
        if any(list(v.keys()) != VLAN_KEYS for v in o['vlan']):
            bad.append(f'{where}: vlan keys {o["vlan"]}')
        for src, want in (('generator', GENERATOR), ('pcap', pcap), ('tshark', e)):
            for k, v in want.items():
                n[src] += 1
                if o[k] != v:
                    got = o[k] if k != 'bytes' else o[k][:64] + '...'
                    v = v if k != 'bytes' else v[:64] + '...'
                    bad.append(f'{where}: {k} = {got!r}, {src} says {v!r}')
    return bad, n


def expectations(ref):
    """Per frame: the expected keys tshark decides (time included), or why
    there are none."""
    out = []
    for p in ref:
        try:
            e = expected(p)
        except (Oracle, Bogus) as ex:
            out.append(f'tshark does not show {ex.args[0]}, which the record must hold')
            continue
        day = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(e['ts_ns'] // 10**9))
        e['time'] = f'{day}.{e["ts_ns"] % 10**9:09d}Z'
        for k in list(GENERATOR) + ['cap_len']:
            del e[k]
        out.append(e)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tcrec', required=True)
    ap.add_argument('--gen', required=True)
    ap.add_argument('--trace', required=True, help="a pcap, or 'edge' for make_edge_pcap.py's")
    ap.add_argument('--snap', type=int, default=None,
                    help='pcap2tclog -s N (default: metadata only, -s 0 and -s 60 in turn)')
    a = ap.parse_args()
    if not shutil.which('tshark'):
        print('tshark not found: cannot run the oracle', file=sys.stderr)
        return 77
    snaps = [a.snap] if a.snap is not None else [None, 0, 60]
    work = tempfile.mkdtemp(prefix='tcrec-rd-')
    outs = []
    try:
        for snap in snaps:
            made = make_log(a.gen, a.trace, snap, work)
            if not made:
                return 1
            trace, log = made
            rc, ours, err = run([a.tcrec, 'print', '--json', log])
            if rc or err:
                print(f'tcrec print --json (snap {snap}): exit {rc}, stderr: {err}',
                      file=sys.stderr)
                return 1
            outs.append((snap, ours.splitlines()))
        ref = tshark(trace)
        frames = read_pcap(trace)
        if ref is None or not sane_ipv4(ref, frames, work):
            return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    frames = frames[1]
    exp = expectations(ref)
    name = os.path.basename(trace)
    failed = not ref
    for snap, ours in outs:
        what = 'metadata only' if snap is None else 'whole packets' if snap == 0 else f'-s {snap}'
        if not len(ours) == len(ref) == len(frames):
            print(f'{name} ({what}): packets: tcrec {len(ours)}, tshark {len(ref)}, '
                  f'pcap {len(frames)}', file=sys.stderr)
            failed = True
            continue
        bad, n = compare(ours, exp, frames, snap)
        print(f'{name} ({what}): {len(ref)} records, {len(KEYS)} keys each: '
              f'{n["tshark"]} values against tshark, {n["pcap"]} against the pcap file, '
              f'{n["generator"]} against pcap2tclog; {len(bad)} mismatches')
        for b in bad[:10]:
            print('  ' + b, file=sys.stderr)
        failed |= bool(bad)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
