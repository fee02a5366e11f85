#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""B side of a diff plot test, from a microsecond pcap A: every K-th packet
left out (lost), every other packet later by 2^(i % 11) us (1 us .. 1 ms,
so the delay histogram has eleven buckets), B sorted by time as a capture
would be. Writes B and the times in ns of the packets left out, one a line.

    make_diff_pair.py A.pcap K B.pcap LOST.txt
"""
import struct
import sys


def main():
    src, k, dst, lost_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    data = open(src, 'rb').read()
    if data[:4] != b'\xd4\xc3\xb2\xa1':
        sys.exit(f'{src}: not a little-endian microsecond pcap')
    pos, pkts, lost = 24, [], []
    i = 0
    while pos + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack('<IIII', data[pos:pos + 16])
        body = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        t = sec * 1000000 + usec
        if i % k == k - 1:
            lost.append(t * 1000)
        else:
            pkts.append((t + (1 << (i % 11)), i, orig, body))
        i += 1
    pkts.sort(key=lambda p: (p[0], p[1]))
    with open(dst, 'wb') as f:
        f.write(data[:24])
        for t, _, orig, body in pkts:
            f.write(struct.pack('<IIII', t // 1000000, t % 1000000, len(body), orig) + body)
    with open(lost_path, 'w') as f:
        f.write(''.join(f'{t}\n' for t in lost))


if __name__ == '__main__':
    main()
