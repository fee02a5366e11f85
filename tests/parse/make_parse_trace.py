#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a pcap of packets whose headers meet the end of the parse window
(TCREC_HDR_WIN, the first 256 bytes of the frame) or the end of the packet
near it: where the two packet parsers must choose between TRUNC (the packet
ended first) and EXT_LIMIT (the window ended first) by the same rule.

usage: make_parse_trace.py OUT.pcap
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bpf"))
from make_edge_trace import eth, ext, icmp, ipv6, tcp, udp, write_pcap  # noqa: E402

HOP, DST = 0, 60
TCP, UDP, ICMPV6 = 6, 17, 58


def packets():
    # Offsets: Ethernet 14, IPv6 40, so the first extension header starts
    # at 54 (58 behind one VLAN tag); ext(nxt, n) is (n + 1) * 8 bytes.
    # TCP at 246: starts inside the window, ends past it, the packet goes on
    yield eth(0x86DD, ipv6(HOP, ext(TCP, 23) + tcp(payload=bytes(20))))
    # UDP at 254, the same behind one VLAN tag (the window counts from the frame)
    yield eth(0x86DD, ipv6(HOP, ext(UDP, 24) + udp()))
    yield eth(0x86DD, ipv6(HOP, ext(UDP, 23) + udp()), tags=[(0x8100, 0x0064)])
    # ICMPv6 echo at 250: type and code inside the window, id and seq past it
    yield eth(0x86DD, ipv6(HOP, ext(ICMPV6, 23) + icmp(128, 0, 0x1234, 7)),
              tags=[(0x8100, 0x0065)])
    # an extension header at 254, past the window; the packet goes on
    yield eth(0x86DD, ipv6(HOP, ext(DST, 24) + ext(TCP, 0) + tcp()))
    # ... and the packet ending inside that header
    yield eth(0x86DD, ipv6(HOP, ext(DST, 24) + bytes(4), plen=220))
    # TCP at 246, the packet ending inside it
    yield eth(0x86DD, ipv6(HOP, ext(TCP, 23) + tcp()[:12], plen=212))
    # TCP past the window entirely, after a chain that fits in it
    yield eth(0x86DD, ipv6(HOP, ext(DST, 23) + ext(TCP, 1) + tcp()))
    # the same header ends, well inside the window: ordinary cuts
    yield eth(0x86DD, ipv6(HOP, ext(TCP, 0) + tcp()[:10], plen=18))
    yield eth(0x86DD, ipv6(HOP, ext(DST, 0)[:5], plen=5))


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    write_pcap(sys.argv[1], list(packets()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
