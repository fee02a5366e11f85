#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Creates the TUN device NAME (an L3 device: no Ethernet header), waits
for the file GO, writes IPv4 packets into it (UDP to port 53 or 54, TCP SYN
or ACK, to an address that is not local so that nothing answers), writes
the same packets to ORACLE.pcap with the Ethernet header tcrec synthesizes
for L3 devices (zero MACs, IPv4 ethertype), then keeps the device a moment.

Usage: tun_inject.py NAME GO ORACLE.pcap"""
import fcntl
import os
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ipv4(proto, payload, ident):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0, 64, proto, 0,
                    bytes([10, 99, 0, 2]), bytes([10, 99, 0, 3]))
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:] + payload


def main():
    name, go, oracle = sys.argv[1:4]
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    subprocess.call(["sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % name])
    subprocess.check_call(["ip", "addr", "add", "10.99.0.1/24", "dev", name])
    subprocess.check_call(["ip", "link", "set", name, "up"])
    pkts = []
    for i in range(20):
        udp = struct.pack("!HHHH", 1000 + i, 53 if i % 3 == 0 else 54, 18, 0) + b"x" * 10
        pkts.append(ipv4(17, udp, i))
        tcp = struct.pack("!HHIIBBHHH", 2000 + i, 80, 1, 0, 0x50, 0x02 if i % 4 == 0 else 0x10,
                          1000, 0, 0)
        pkts.append(ipv4(6, tcp, 100 + i))
    deadline = time.time() + 60
    while not os.path.exists(go):
        if time.time() > deadline:
            sys.exit("nobody said go")
        time.sleep(0.05)
    for p in pkts:
        os.write(fd, p)
    with open(oracle, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for p in pkts:
            e = b"\0" * 12 + b"\x08\x00" + p
            f.write(struct.pack("<IIII", 0, 0, len(e), len(e)) + e)
    time.sleep(1)


main()
