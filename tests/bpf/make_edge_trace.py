#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a pcap of packets the shared traces do not contain, for the
parser paths they leave unexercised (802.1ad, three tags, IPv4 options,
IPv6 extension headers and fragments, truncated headers, ICMPv6 echo, ...).

Not here: IPv4/IPv6 packets shorter than their IP header, which
BPF_PROG_TEST_RUN refuses (EINVAL) before the program runs.

Only the bytes are made here. What each record must say comes, as for the
real traces, from tshark's dissection of this file (testrun_compare.py).

usage: make_edge_trace.py OUT.pcap
"""
import struct
import sys

SRC_MAC = bytes.fromhex("020000000001")
DST_MAC = bytes.fromhex("020000000002")
V4_SRC, V4_DST = bytes([192, 0, 2, 1]), bytes([198, 51, 100, 7])
V6_SRC = bytes.fromhex("20010db8000000000000000000000001")
V6_DST = bytes.fromhex("20010db8000000010000000000000abc")


def eth(ethertype, payload, tags=()):
    """tags: (tpid, tci) pairs, outermost first."""
    hdr = DST_MAC + SRC_MAC
    for tpid, tci in tags:
        hdr += struct.pack("!HH", tpid, tci)
    return hdr + struct.pack("!H", ethertype) + payload


def ipv4(proto, payload, ident=0x1234, ttl=64, tos=0, flags=0, frag=0, options=b"",
         total=None):
    ihl = 5 + len(options) // 4
    length = total if total is not None else 4 * ihl + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, tos, length, ident,
                      flags << 13 | frag, ttl, proto, 0, V4_SRC, V4_DST)
    return hdr + options + payload


def ipv6(nxt, payload, flow=0, tclass=0, hlim=64, plen=None):
    first = 6 << 28 | tclass << 20 | flow
    length = plen if plen is not None else len(payload)
    return struct.pack("!IHBB", first, length, nxt, hlim) + V6_SRC + V6_DST + payload


def ext(nxt, body_len8):
    """Hop-by-hop / destination options / routing-like header of
    (body_len8 + 1) * 8 bytes, filled with PadN."""
    size = (body_len8 + 1) * 8
    pad = size - 2
    return struct.pack("!BB", nxt, body_len8) + struct.pack("!BB", 1, pad - 2) + bytes(pad - 2)


def routing(nxt):
    # type 253 (experimental), segments left 0: skipped by every parser
    return struct.pack("!BBBB", nxt, 1, 253, 0) + bytes(12)


def frag6(nxt, offset8, more, ident=0x01020304):
    return struct.pack("!BBHI", nxt, 0, offset8 << 3 | more, ident)


def tcp(sport=40000, dport=443, seq=0x89abcdef, ack=0x01234567, flags=0x18, win=501,
        options=b"", ns=0, payload=b""):
    doff = 5 + len(options) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4 | ns, flags,
                       win, 0, 0) + options + payload


def udp(sport=5353, dport=53, payload=b"x" * 12, length=None):
    ln = length if length is not None else 8 + len(payload)
    return struct.pack("!HHHH", sport, dport, ln, 0) + payload


def icmp(typ, code, ident=0, seq=0, payload=b"ping" * 4):
    return struct.pack("!BBHHH", typ, code, 0, ident, seq) + payload


def sctp(sport=2905, dport=2944):
    return struct.pack("!HHII", sport, dport, 0xdeadbeef, 0) + bytes([3, 0, 0, 4])


def packets():
    tcp_opts = bytes([2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2, 1, 1])  # MSS, NOP, WS, SACK-perm, NOP NOP
    ip_opts = bytes([0x94, 4, 0, 0]) + bytes([7, 7, 4]) + bytes(4) + bytes([1])  # RA, RR, NOP
    yield eth(0x0800, ipv4(17, udp()), tags=[(0x88A8, 0x2064), (0x8100, 0x000A)])
    yield eth(0x0800, ipv4(17, udp()), tags=[(0x8100, 0x0005), (0x8100, 0xE006), (0x8100, 7)])
    yield eth(0x0800, ipv4(6, tcp(flags=0xC2, options=tcp_opts, ns=1), options=ip_opts, tos=0xB8))
    yield eth(0x0800, ipv4(6, tcp(flags=0x11, payload=b"bye"), flags=2, ttl=1))
    yield eth(0x0800, ipv4(17, udp(payload=bytes(64), length=1480), flags=1, frag=0, total=92))
    yield eth(0x0800, ipv4(17, udp(payload=bytes(64)), flags=0, frag=185))
    yield eth(0x0800, ipv4(1, icmp(8, 0, 0x4d2, 9), flags=2, tos=0x10))
    yield eth(0x0800, ipv4(1, icmp(13, 0, 0x77, 3)))                    # timestamp: no id/seq
    yield eth(0x0800, ipv4(1, icmp(3, 3, 0, 0, ipv4(17, udp()))))      # error quoting UDP
    yield eth(0x0800, ipv4(132, sctp()))
    yield eth(0x0800, ipv4(47, bytes(8)))                               # GRE: no L4 fields
    yield eth(0x0800, ipv4(6, tcp()[:10], total=50))                    # TCP cut short
    yield eth(0x0800, ipv4(1, icmp(0, 0)[:6], total=46))                # echo reply cut short
    yield eth(0x8100, b"\x00")[:15]                                     # VLAN tag cut short
    yield eth(0x86DD, ipv6(58, icmp(128, 0, 0xBEEF, 0x102), flow=0xABCDE, tclass=0x2E))
    yield eth(0x86DD, ipv6(0, ext(60, 0) + ext(6, 1) + tcp(flags=0x02, ack=0), hlim=255))
    yield eth(0x86DD, ipv6(43, routing(17) + udp()))
    yield eth(0x86DD, ipv6(44, frag6(17, 0, 1) + udp(length=2000)))
    yield eth(0x86DD, ipv6(44, frag6(17, 100, 0) + udp()))
    yield eth(0x86DD, ipv6(0, ext(58, 0) + icmp(143, 0, 0, 1, bytes(20))))  # MLDv2 report
    yield eth(0x86DD, ipv6(60, b"".join(ext(60, 0) for _ in range(6)) + ext(6, 0) + tcp()))
    yield eth(0x86DD, ipv6(60, ext(6, 0) + tcp()[:12], plen=40))         # TCP cut short
    yield eth(0x86DD, ipv6(0, ext(6, 24) + tcp(payload=bytes(40))))     # TCP beyond 256 bytes
    yield eth(0x0806, bytes.fromhex("0001080006040001") + SRC_MAC + V4_SRC + bytes(6) + V4_DST)
    llc = bytes([0xAA, 0xAA, 0x03, 0, 0, 0x0C, 0x20, 0x00]) + bytes(30)
    yield eth(len(llc), llc)                                             # 802.3 length field
    yield eth(len(llc), llc, tags=[(0x8100, 0x0077)])


def write_pcap(path, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(pkts):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(p), len(p)))
            f.write(p)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    write_pcap(sys.argv[1], list(packets()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
