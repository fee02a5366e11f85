#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a small pcap of the cases the shared traces lack (IPv6 fragments
and extension headers, ICMPv6, QinQ and DEI, odd IP protocols, ICMP errors,
TCP URG/ECN flags, lengths that disagree, truncated IP, captures cut short
inside a header, unknown ethertypes), so that print_vs_tcpdump.py can hold
`tcrec print` to tcpdump's wording on them too. Checksums are left zero:
tcpdump does not check them without -v.
    make_edge_pcap.py OUT.pcap
"""
import ipaddress
import struct
import sys

SRC_MAC = bytes.fromhex('020000000001')
DST_MAC = bytes.fromhex('020000000002')


def eth(ethertype, payload, tags=()):
    """tags: (tpid, tci) outermost first."""
    h = DST_MAC + SRC_MAC
    for tpid, tci in tags:
        h += struct.pack('!HH', tpid, tci)
    return h + struct.pack('!H', ethertype) + payload


def ipv4(proto, payload, frag=0x4000, ident=0x1234, total=None, src='10.1.0.1', dst='10.1.0.2',
         options=b''):
    ihl = (20 + len(options)) // 4
    total = total if total is not None else 20 + len(options) + len(payload)
    a = bytes(map(int, src.split('.')))
    b = bytes(map(int, dst.split('.')))
    return struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, total, ident, frag, 64, proto, 0, a, b) \
        + options + payload


def ipv6(nh, payload, src='2001:db8::1', dst='2001:db8::2', flow=0x12345):
    return struct.pack('!IHBB', 0x60000000 | flow, len(payload), nh, 64) + \
        ipaddress.ip_address(src).packed + ipaddress.ip_address(dst).packed + payload


def tcp(sport, dport, seq, ack, flags, win=1000, urg=0, data=b'', opts=b''):
    off = (20 + len(opts)) // 4
    return struct.pack('!HHIIBBHHH', sport, dport, seq, ack, off << 4, flags, win, 0, urg) + opts + data


def udp(sport, dport, data, length=None):
    return struct.pack('!HHHH', sport, dport, length if length is not None else 8 + len(data), 0) + data


def icmp(t, c, rest, data=b''):
    return struct.pack('!BBH', t, c, 0) + rest + data


def frames():
    f = []
    # TCP: URG with its pointer, ECN flags, options incl. SACK and unknown kind
    f.append(eth(0x0800, ipv4(6, tcp(1234, 80, 100, 200, 0x20 | 0x10 | 0x08, urg=7, data=b'x' * 10))))
    f.append(eth(0x0800, ipv4(6, tcp(1234, 80, 4000000000, 5, 0x02 | 0x40 | 0x80,
                                     opts=bytes([2, 4, 5, 180, 1, 3, 3, 7, 4, 2, 0, 0])))))
    f.append(eth(0x0800, ipv4(6, tcp(1234, 80, 1, 2, 0x10,
                                     opts=bytes([1, 1, 5, 10]) + struct.pack('!II', 10, 20) + bytes([1, 1])))))
    f.append(eth(0x0800, ipv4(6, tcp(1234, 80, 1, 2, 0x04))))
    f.append(eth(0x0800, ipv4(6, tcp(1234, 80, 1, 2, 0x00))))
    # IPv4 fragments of one UDP datagram, and an odd protocol
    dgram = udp(5000, 6000, b'y' * 2000)
    f.append(eth(0x0800, ipv4(17, dgram[:1480], frag=0x2000)))
    f.append(eth(0x0800, ipv4(17, dgram[1480:], frag=1480 // 8)))
    f.append(eth(0x0800, ipv4(253, b'z' * 30)))
    # IPv4 header with options
    f.append(eth(0x0800, ipv4(17, udp(53, 53, b'q' * 4), options=bytes([1, 1, 1, 0]))))
    # ICMP: echo, time exceeded, reassembly time exceeded, unreachables, timestamp, unknown type
    f.append(eth(0x0800, ipv4(1, icmp(8, 0, struct.pack('!HH', 77, 3), b'p' * 56))))
    inner = ipv4(17, udp(4444, 33434, b'')[:8])
    f.append(eth(0x0800, ipv4(1, icmp(11, 0, b'\0' * 4, inner))))
    f.append(eth(0x0800, ipv4(1, icmp(11, 1, b'\0' * 4, inner))))
    f.append(eth(0x0800, ipv4(1, icmp(3, 3, b'\0' * 4, inner))))
    f.append(eth(0x0800, ipv4(1, icmp(3, 1, b'\0' * 4, inner))))
    f.append(eth(0x0800, ipv4(1, icmp(3, 2, b'\0' * 4, ipv4(47, b'\0' * 8)))))
    f.append(eth(0x0800, ipv4(1, icmp(13, 0, struct.pack('!HH', 1, 2), b'\0' * 12))))
    f.append(eth(0x0800, ipv4(1, icmp(42, 0, b'\0' * 4))))
    # IPv6: TCP, UDP, ICMPv6 echo and neighbour discovery, fragments
    f.append(eth(0x86dd, ipv6(6, tcp(443, 5555, 9, 10, 0x18, data=b'd' * 20))))
    f.append(eth(0x86dd, ipv6(17, udp(1000, 2000, b'u' * 12))))
    f.append(eth(0x86dd, ipv6(58, icmp(128, 0, struct.pack('!HH', 9, 1), b'e' * 16))))
    f.append(eth(0x86dd, ipv6(58, icmp(129, 0, struct.pack('!HH', 9, 1), b'e' * 16))))
    tgt = ipaddress.ip_address('2001:db8::2').packed
    f.append(eth(0x86dd, ipv6(58, icmp(135, 0, b'\0' * 4, tgt))))
    f.append(eth(0x86dd, ipv6(58, icmp(136, 0, b'\x60\0\0\0', tgt))))
    f.append(eth(0x86dd, ipv6(58, icmp(133, 0, b'\0' * 4))))
    d6 = udp(40000, 40001, b'w' * 1600)
    fr1 = struct.pack('!BBHI', 17, 0, 0x0001, 0xabcd) + d6[:1232]
    fr2 = struct.pack('!BBHI', 17, 0, (1232 // 8) << 3, 0xabcd) + d6[1232:]
    f.append(eth(0x86dd, ipv6(44, fr1)))
    f.append(eth(0x86dd, ipv6(44, fr2)))
    # VLANs: QinQ, DEI and priority, VLAN then IPv6
    f.append(eth(0x0800, ipv4(17, udp(1, 2, b'v' * 8)), tags=[(0x88a8, 0x2000 | 300), (0x8100, 0x1000 | 20)]))
    f.append(eth(0x86dd, ipv6(17, udp(1, 2, b'v' * 8)), tags=[(0x8100, 0xa000 | 5)]))
    # ARP, an unknown ethertype, LLDP, an 802.3 frame
    arp = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + SRC_MAC + bytes([10, 1, 0, 1]) + b'\0' * 6 + bytes([10, 1, 0, 2])
    f.append(eth(0x0806, arp + b'\0' * 18))
    f.append(eth(0x88b5, b'\0' * 46))
    f.append(eth(0x88cc, b'\0' * 46))
    # IPv6 extension headers tcpdump names from the bytes: hop-by-hop, routing
    # type 2, authentication, destination options with no next header, a
    # fragment header after hop-by-hop
    hbh = bytes([0, 0, 1, 4, 0, 0, 0, 0])
    rt2 = bytes([0, 2, 2, 1, 0, 0, 0, 0]) + ipaddress.ip_address('2001:db8::9').packed
    ah = bytes([0, 4, 0, 0]) + struct.pack('!II', 0x1234, 7) + b'\xaa' * 12
    f.append(eth(0x86dd, ipv6(0, bytes([43]) + hbh[1:] + bytes([17]) + rt2[1:] + udp(3000, 4000, b'r' * 6))))
    f.append(eth(0x86dd, ipv6(51, bytes([6]) + ah[1:] + tcp(80, 3000, 1, 2, 0x10))))
    f.append(eth(0x86dd, ipv6(60, bytes([59]) + hbh[1:])))
    f.append(eth(0x86dd, ipv6(0, bytes([44]) + hbh[1:] + struct.pack('!BBHI', 58, 0, 1, 5) +
                              icmp(128, 0, struct.pack('!HH', 4, 4), b'f' * 8))))
    # lengths that disagree: UDP longer than the IP payload, a TCP header
    # longer than the IP payload
    f.append(eth(0x0800, ipv4(17, udp(7, 9, b'l' * 4, length=40))))
    t = bytearray(tcp(1234, 80, 1, 2, 0x10))
    t[12] = 0xf0
    f.append(eth(0x0800, ipv4(6, bytes(t))))
    return f


def cut_frames():
    """Frames whose capture ends inside a header: (frame, bytes captured)."""
    syn = eth(0x0800, ipv4(6, tcp(1234, 80, 9, 0, 0x02, opts=bytes([2, 4, 5, 180, 4, 2, 1, 3, 3, 7]) +
                                                                  b'\x01\x01')))
    hbh = bytes([17, 0, 1, 4, 0, 0, 0, 0])
    v6 = eth(0x86dd, ipv6(0, hbh + udp(3000, 4000, b'c' * 8)))
    tagged = eth(0x0800, ipv4(17, udp(1, 2, b'q' * 8)), tags=[(0x88a8, 5), (0x8100, 6)])
    return [(syn, 14 + 20 + 20), (syn, 14 + 20 + 23), (v6, 14 + 40 + 4), (v6, 14 + 40 + 8 + 2),
            (tagged, 14 + 2), (tagged, 14 + 4 + 2), (eth(0x0800, ipv4(17, udp(1, 2, b''))), 14 + 1)]


def main():
    out = sys.argv[1]
    with open(out, 'wb') as fh:
        fh.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames()):
            fh.write(struct.pack('<IIII', 1700000000 + i, 1000 * i, len(fr), len(fr)))
            fh.write(fr)
        # A frame whose IPv4 length claims more than the frame carried.
        fr = eth(0x0800, ipv4(17, udp(9, 9, b'r' * 8), total=400))
        fh.write(struct.pack('<IIII', 1700000100, 0, len(fr), len(fr)))
        fh.write(fr)
        for i, (fr, cap) in enumerate(cut_frames()):
            fh.write(struct.pack('<IIII', 1700000200 + i, 0, cap, len(fr)))
            fh.write(fr[:cap])


if __name__ == '__main__':
    main()
