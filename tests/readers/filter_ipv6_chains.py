#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Read filters on IPv6 packets with extension header chains, held to tcpdump.

A metadata-only record keeps the chain's total length and the protocol after
it, not which headers the chain held. tcpdump's `tcp` looks at the IPv6 next
header (and a fragment header's), so on rebuilt headers a filter may only
select without a warning where every chain of that length would give the
same verdict. This writes packets with chains of every kind the parser
walks (hop-by-hop, routing, destination options, AH of 4-byte units,
fragments first and last, a chain longer than ip_hlen holds), then for each
filter:
  - on a log of whole packets (-s 0): the same packets as tcpdump, no warning;
  - on a metadata-only log: either tcrec warns that it cannot see the bytes,
    or it selects the same packets as tcpdump;
  - filters on the protocol (tcp, udp, icmp6, ports) must not warn: every
    chain gives them the same answer;
  - filters on which header starts the chain (`ip6 proto 0`) must warn.
    filter_ipv6_chains.py --tcrec TCREC --gen PCAP2TCLOG
Exit 0 ok, 1 a mismatch, 77 no tcpdump.
"""
import argparse
import ipaddress
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HOP, ROUTING, FRAG, AH, DEST = 0, 43, 44, 51, 60
TCP, UDP, ICMP6 = 6, 17, 58

QUIET = ['tcp', 'udp', 'icmp6', 'ip6', 'tcp port 80', 'udp port 53', 'not (tcp or udp)',
         'ip6 and not tcp', 'tcp[tcpflags] & tcp-syn != 0', 'icmp6 or udp']
ANY = ['ip6 proto 44', 'ip6 proto 51', 'ip6 protochain 6', 'ip6[40] == 6', 'ip6 proto 43']
MUST_WARN = ['ip6 proto 0', 'ip6[6] == 0', 'ip6 proto 60']


def ext(kind, size=8):
    """An extension header of size bytes, its next header filled in later."""
    if kind == FRAG:
        return bytes([0, 0, 0, 0]) + b'\x11\x22\x33\x44'  # offset 0, last fragment
    if kind == AH:
        return bytes([0, size // 4 - 2]) + bytes(size - 2)
    return bytes([0, size // 8 - 1, 1, size - 4]) + bytes(size - 4)  # PadN


def l4(proto, n):
    if proto == TCP:
        return struct.pack('!HHIIBBHHH', 40000 + n, 80, 1000 + n, 0, 0x50, 0x02, 1024, 0, 0)
    if proto == UDP:
        return struct.pack('!HHHH', 40000 + n, 53, 12, 0) + b'abcd'
    return struct.pack('!BBHHH', 128, 0, 0, 7, n)  # echo request


def frame(chain, proto, n):
    """chain: (kind, size) in order."""
    kinds = [k for k, _ in chain] + [proto]
    body = b''
    for i, (kind, size) in enumerate(chain):
        h = ext(kind, size)
        body += bytes([kinds[i + 1]]) + h[1:]
    body += l4(proto, n)
    src = ipaddress.ip_address('2001:db8::1').packed
    dst = ipaddress.ip_address('2001:db8::2').packed
    ip6 = struct.pack('!IHBB', 6 << 28, len(body), kinds[0], 64) + src + dst + body
    return bytes.fromhex('020000000002020000000001') + b'\x86\xdd' + ip6


CHAINS = [
    [], [(HOP, 8)], [(DEST, 8)], [(ROUTING, 24)], [(AH, 12)], [(AH, 16)], [(FRAG, 8)],
    [(DEST, 8), (FRAG, 8)], [(FRAG, 8), (DEST, 8)], [(FRAG, 8), (AH, 12)],
    [(HOP, 8), (DEST, 16), (ROUTING, 24)], [(HOP, 8), (AH, 20), (FRAG, 8)],
    [(HOP, 224)],  # longer than a record's ip_hlen can say
]


def write_pcap(path):
    frames = []
    n = 0
    for chain in CHAINS:
        for proto in (TCP, UDP, ICMP6):
            frames.append(frame(chain, proto, n))
            n += 1
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack('<IIII', 1700000000 + i, 0, len(fr), len(fr)))
            f.write(fr)
    return len(frames)


def tcpdump_times(pcap, expr):
    out = subprocess.run(['tcpdump', '-nn', '-tt', '-r', pcap, expr], capture_output=True,
                         text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines() if line and not line[0].isspace()]


def tcrec_times(tcrec, log, expr):
    r = subprocess.run([tcrec, 'print', '-tt', log, expr], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"tcrec print '{expr}' failed ({r.returncode}): {r.stderr}")
    times = [line.split()[0] for line in r.stdout.splitlines() if line and not line[0].isspace()]
    return times, 'do not keep' in r.stderr, r.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tcrec', required=True)
    ap.add_argument('--gen', required=True)
    a = ap.parse_args()
    if not shutil.which('tcpdump'):
        print('tcpdump not found: no oracle', file=sys.stderr)
        return 77
    fails = 0
    with tempfile.TemporaryDirectory(prefix='tcrec-ip6chains.') as work:
        pcap = os.path.join(work, 'chains.pcap')
        count = write_pcap(pcap)
        meta, whole = os.path.join(work, 'meta.tclog'), os.path.join(work, 'whole.tclog')
        subprocess.run([a.gen, pcap, meta], check=True, capture_output=True)
        subprocess.run([a.gen, '-s', '0', pcap, whole], check=True, capture_output=True)
        if len(tcpdump_times(pcap, 'ip6')) != count:
            print('tcpdump does not read the written pcap whole', file=sys.stderr)
            return 1
        warned_any = 0
        for expr in QUIET + ANY + MUST_WARN:
            ref = tcpdump_times(pcap, expr)
            got, warned, err = tcrec_times(a.tcrec, whole, expr)
            if got != ref or warned:
                print(f"FAIL: '{expr}' on whole packets: tcrec {len(got)}, tcpdump {len(ref)};"
                      f' stderr: {err.strip()}', file=sys.stderr)
                fails += 1
            got, warned, err = tcrec_times(a.tcrec, meta, expr)
            if warned:
                warned_any += 1
                if expr in QUIET:
                    print(f"FAIL: '{expr}' reads the protocol only, yet tcrec warned",
                          file=sys.stderr)
                    fails += 1
                else:
                    print(f"ok: '{expr}': warned (tcpdump selects {len(ref)})")
                continue
            if expr in MUST_WARN:
                print(f"FAIL: '{expr}' depends on which header starts the chain, and tcrec"
                      f' did not warn (tcrec {len(got)}, tcpdump {len(ref)})', file=sys.stderr)
                fails += 1
            elif got != ref:
                print(f"FAIL: '{expr}' without a warning: tcrec {len(got)}, tcpdump {len(ref)}"
                      ' packets', file=sys.stderr)
                fails += 1
            else:
                print(f"ok: '{expr}': {len(got)} of {count} packets, same as tcpdump")
        if not warned_any:
            print('FAIL: no filter drew a warning', file=sys.stderr)
            fails += 1
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
