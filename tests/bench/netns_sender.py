#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Sends one Ethernet frame every millisecond on interfaces that do not exist
yet: for I in 0..N-1, on PREFIX+I from the moment it can be sent on until it
goes away again, then on to the next one. Run inside the namespace where the
benchmark creates the interfaces.

    netns_sender.py PREFIX N

Prints, per interface, the wall-clock ns of its first frame sent.
"""
import socket
import sys
import time

ETH_TYPE = b"\x88\xb5"  # local experimental


def main():
    prefix, n = sys.argv[1], int(sys.argv[2])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    for i in range(n):
        name = f"{prefix}{i}"
        first = None
        seq = 0
        while True:
            frame = (b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + ETH_TYPE
                     + i.to_bytes(4, "big") + seq.to_bytes(4, "big") + bytes(38))
            try:
                s.sendto(frame, (name, 0))
                if first is None:
                    first = time.time_ns()
                seq += 1
            except OSError:
                if first is not None:
                    break  # it went away: on to the next one
            time.sleep(0.001)
        print(f"{i} {first}", flush=True)


if __name__ == "__main__":
    main()
