#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Capture files of other kinds from an Ethernet pcap, for the tests of
reading any capture: the same packets as Linux cooked (SLL, SLL2) and raw
IP pcaps, a nanosecond pcap, and a pcapng with two sections and two
interfaces per section whose packets carry a direction (epb_flags).

  make_capture_files.py IN.pcap OUTDIR
Writes OUTDIR/{sll,sll2,raw,ns}.pcap and OUTDIR/two.pcapng.
"""
import os
import struct
import sys

from readers_log import read_frames


def read_pcap(path):
    """[(sec, usec, origlen, frame)] of an Ethernet pcap (microseconds)."""
    with open(path, 'rb') as fh:
        data = fh.read()
    order = '<' if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    nano = data[:4] in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d')
    out, pos = [], 24
    while pos + 16 <= len(data):
        sec, frac, cap, orig = struct.unpack(order + 'IIII', data[pos:pos + 16])
        out.append((sec, frac // 1000 if nano else frac, orig, data[pos + 16:pos + 16 + cap]))
        pos += 16 + cap
    return out


def ethertype_off(frame):
    """(ethertype, offset of L3) past VLAN tags, or None."""
    off = 12
    while off + 2 <= len(frame):
        et = struct.unpack('>H', frame[off:off + 2])[0]
        if et in (0x8100, 0x88a8):
            off += 4
            continue
        return et, off + 2
    return None


def pcap_header(linktype, nano=False):
    magic = 0xa1b23c4d if nano else 0xa1b2c3d4
    return struct.pack('<IHHiIII', magic, 2, 4, 0, 0, 262144, linktype)


def write_pcap(path, linktype, pkts, nano=False):
    with open(path, 'wb') as fh:
        fh.write(pcap_header(linktype, nano))
        for sec, frac, orig, b in pkts:
            fh.write(struct.pack('<IIII', sec, frac, len(b), orig) + b)


def cooked(pkts, kind):
    """Packets with the Ethernet header replaced: IP packets only."""
    out = []
    for i, (sec, usec, orig, f) in enumerate(pkts):
        e = ethertype_off(f)
        if not e or e[0] not in (0x0800, 0x86dd) or len(f) < e[1] + 1:
            continue
        et, off = e
        l3 = f[off:]
        rest = orig - off
        ptype = 4 if i % 2 else 0  # outgoing / to us
        if kind == 'sll':
            h = struct.pack('>HHH8sH', ptype, 1, 6, f[6:12] + b'\0\0', et)
        elif kind == 'sll2':
            h = struct.pack('>HHIHBB8s', et, 0, 2 + i % 2, 1, ptype, 6, f[6:12] + b'\0\0')
        else:
            h = b''
        out.append((sec, usec, rest + len(h), h + l3))
    return out


def opt(code, val):
    pad = (4 - len(val) % 4) % 4
    return struct.pack('<HH', code, len(val)) + val + b'\0' * pad


def block(btype, body):
    n = 12 + len(body)
    return struct.pack('<II', btype, n) + body + struct.pack('<I', n)


def write_pcapng(path, pkts):
    """Two sections; each: interfaces "tr0" and "tr1" (tsresol 9 in the
    first section, microseconds in the second); packet i on interface i%2,
    inbound when even, outbound when odd; every fifth packet has no
    direction."""
    half = (len(pkts) + 1) // 2
    with open(path, 'wb') as fh:
        for sect, part in enumerate((pkts[:half], pkts[half:])):
            fh.write(block(0x0a0d0d0a, struct.pack('<IHHq', 0x1a2b3c4d, 1, 0, -1) + opt(0, b'')))
            for name in (b'tr0', b'tr1'):
                o = opt(2, name)
                if sect == 0:
                    o += opt(9, b'\x09')
                fh.write(block(1, struct.pack('<HHI', 1, 0, 262144) + o + opt(0, b'')))
            for j, (sec, usec, orig, b) in enumerate(part):
                i = j + (half if sect else 0)
                ts = sec * 10**9 + usec * 1000 if sect == 0 else sec * 10**6 + usec
                o = b''
                if i % 5:
                    o = opt(2, struct.pack('<I', 2 if i % 2 else 1)) + opt(0, b'')
                pad = b'\0' * ((4 - len(b) % 4) % 4)
                fh.write(block(6, struct.pack('<IIIII', i % 2, ts >> 32, ts & 0xffffffff,
                                              len(b), orig) + b + pad + o))


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    pkts = read_pcap(src)
    write_pcap(os.path.join(out, 'sll.pcap'), 113, cooked(pkts, 'sll'))
    write_pcap(os.path.join(out, 'sll2.pcap'), 276, cooked(pkts, 'sll2'))
    write_pcap(os.path.join(out, 'raw.pcap'), 101, cooked(pkts, 'raw'))
    write_pcap(os.path.join(out, 'ns.pcap'), 1, [(s, u * 1000, o, b) for s, u, o, b in pkts], nano=True)
    write_pcapng(os.path.join(out, 'two.pcapng'), pkts)
    return 0


if __name__ == '__main__':
    sys.exit(main())
