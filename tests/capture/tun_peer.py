# SPDX-License-Identifier: MIT
"""Holds a tun device open and makes traffic on it: UDP datagrams sent to the
far end (egress) and UDP datagrams written into the tun (ingress), each with
a distinct IP ID. Waits for GO (a path) before sending, and for DONE before
closing the device.

    tun_peer.py IFNAME LOCAL_IP PEER_IP COUNT GO DONE
"""
import fcntl
import os
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def checksum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def inbound(src, dst, ip_id, payload):
    udp = struct.pack("!HHHH", 5555, 7777, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ip_id, 0, 33, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + udp


def wait_path(path):
    for _ in range(400):
        if os.path.exists(path):
            return True
        time.sleep(0.05)
    return False


def main():
    ifname, local, peer, count, go, done = sys.argv[1:7]
    count = int(count)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", ifname.encode(), IFF_TUN | IFF_NO_PI))
    if os.system("ip addr add %s/24 dev %s && ip link set %s up" % (local, ifname, ifname)):
        sys.exit("cannot configure " + ifname)
    print("ready", flush=True)
    if not wait_path(go):
        sys.exit("no go")
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(count):
        out.sendto(b"out%03d" % i + b"x" * i, (peer, 9999))
        os.write(fd, inbound(peer, local, 0x4000 + i, b"in%03d" % i + b"y" * i))
        time.sleep(0.002)
    wait_path(done)
    os.close(fd)


main()
