#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Ground truth for `tcrec diff` tests, derived from the edits a test makes.

  gt.py plan TRACE SEED DIR     choose packets to delete / duplicate / swap,
                                write DIR/del.txt (A numbers, for editcap),
                                DIR/dup.txt and DIR/swap.txt (numbers after the
                                deletion, for pcapmut) and DIR/expect.json
  gt.py check EXPECT DIFF_JSON  compare `tcrec diff --json --packets` output
                                with the expectation; exit 1 on any mismatch
  gt.py jitter TRACE SEED OUT   write per-packet offsets (us) to OUT, print the
                                expected nearest-rank p50 p90 p99 max and min (ns)

Only packets that cannot be confused with another packet of the trace are
edited: a packet is ambiguous when another one within AMBIG_S seconds has the
same identity as recorder/diff/DIFF.md defines it ("In the key", and the first
PAYLOAD_MAX bytes after the fixed L4 header): what DIFF.md leaves out (TTL,
TOS, checksums, IPv4 options, IPv6 extension header contents, VLAN tags,
bytes further on) is left out here too. Traces do hold packets that are
identical in that sense, and which copy of two of them went missing cannot be
told by anyone.
"""
import hashlib
import json
import random
import struct
import sys

AMBIG_S = 5.0
SWAP_GAP_S = 0.5


def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    if magic in (0xa1b2c3d4, 0xa1b23c4d):
        e = '<'
    else:
        e = '>'
        magic = struct.unpack('>I', data[:4])[0]
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        sys.exit(f'gt.py: {path}: not a classic pcap')
    div = 1e6 if magic == 0xa1b2c3d4 else 1e9
    linktype = struct.unpack(e + 'I', data[20:24])[0]
    if linktype != 1:
        sys.exit(f'gt.py: {path}: link type {linktype}, want Ethernet')
    off, pkts = 24, []
    while off + 16 <= len(data):
        sec, frac, cap, _ = struct.unpack(e + 'IIII', data[off:off + 16])
        pkts.append((sec + frac / div, data[off + 16:off + 16 + cap]))
        off += 16 + cap
    return pkts


PAYLOAD_MAX = 64      # DIFF.md: bytes after the fixed L4 header that count
IPV6_EXT = (0, 43, 44, 51, 60)
IPV6_EXT_MAX = 6      # the capture program follows six extension headers


def l4_key(proto, b, frag_later):
    """Fields of the L4 header DIFF.md keys on, and where the compared bytes
    start; None when the header is not there (cut short)."""
    if frag_later:
        return b'', 0
    if proto == 6:
        if len(b) < 20:
            return None
        # ports, seq, ack, data offset, flags, window: not the checksum,
        # urgent pointer or reserved bits
        return b[0:12] + bytes([b[12] >> 4, b[13]]) + b[14:16], 20
    if proto in (17, 136):
        return (b[0:6], 8) if len(b) >= 8 else None
    if proto == 132:
        return (b[0:4], 12) if len(b) >= 4 else None
    if proto in (1, 58):
        if len(b) < 4:
            return None
        echo = (proto, b[0]) in ((1, 0), (1, 8), (58, 128), (58, 129))
        if echo:
            return (b[0:2] + b[4:8], 8) if len(b) >= 8 else None
        return b[0:2], 8
    return b'', 0


def content_key(frame):
    """The packet's identity for `tcrec diff` (recorder/diff/DIFF.md), hashed."""
    off, et = 14, struct.unpack('>H', frame[12:14])[0]
    while et in (0x8100, 0x88a8) and off + 4 <= len(frame):
        et = struct.unpack('>H', frame[off + 2:off + 4])[0]
        off += 4
    b = bytes(frame[off:])
    fields = None
    if et == 0x0800 and len(b) >= 20 and b[0] >> 4 == 4:
        hlen, total = (b[0] & 15) * 4, struct.unpack('>H', b[2:4])[0]
        later = struct.unpack('>H', b[6:8])[0] & 0x1fff != 0
        # length, ID, flags+offset, protocol, addresses
        fields = b'4' + b[2:8] + b[9:10] + b[12:20]
        proto, l4, end = b[9], b[hlen:total], total - hlen
    elif et == 0x86dd and len(b) >= 40 and b[0] >> 4 == 6:
        flow = struct.unpack('>I', b[0:4])[0] & 0xfffff
        plen = struct.unpack('>H', b[4:6])[0]
        nh, pos, frag, later = b[6], 40, 0, False
        for _ in range(IPV6_EXT_MAX):
            if nh not in IPV6_EXT or pos + 8 > len(b):
                break
            if nh == 44:
                fo = struct.unpack('>H', b[pos + 2:pos + 4])[0]
                frag, later = fo & 0xfff9, fo & 0xfff8 != 0
                step = 8
            elif nh == 51:
                step = (b[pos + 1] + 2) * 4
            else:
                step = (b[pos + 1] + 1) * 8
            nh, pos = b[pos], pos + step
        # flow label, payload length, addresses, fragment field, the
        # protocol after the extension headers
        fields = b'6' + struct.pack('>IHHB', flow, plen, frag, nh) + b[8:40]
        if nh in IPV6_EXT:  # a chain longer than followed: no L4 known
            return hashlib.sha1(fields).digest()
        l4, end = b[pos:40 + plen], 40 + plen - pos
        proto = nh
    if fields is None:
        # not IP: ethertype, L2 payload length, its first bytes
        return hashlib.sha1(struct.pack('>HI', et, len(b)) + b[:PAYLOAD_MAX]).digest()
    k = l4_key(proto, l4, later)
    if k is None:
        return hashlib.sha1(fields).digest()
    hdr, start = k
    want = min(PAYLOAD_MAX, max(0, end - start))
    pay = l4[start:start + want]
    if len(pay) < want:  # not all captured: DIFF.md compares no payload then
        pay = b''
    return hashlib.sha1(fields + b'|' + hdr + b'|' + pay).digest()


def ambiguous(pkts):
    """Set of 0-based indexes that have a same-content twin nearby."""
    last, amb = {}, set()
    for i, (t, fr) in enumerate(pkts):
        k = content_key(fr)
        for j in last.get(k, []):
            if t - pkts[j][0] <= AMBIG_S:
                amb.add(i)
                amb.add(j)
        last.setdefault(k, []).append(i)
    return amb


def plan(trace, seed, outdir):
    pkts = read_pcap(trace)
    n = len(pkts)
    amb = ambiguous(pkts)
    rng = random.Random(seed)
    busy = set()  # indexes edited or next to an edit

    def free(*idx):
        return all(0 <= i < n and i not in amb and i not in busy for i in idx)

    def take(*idx):
        for i in idx:
            busy.update((i - 1, i, i + 1))

    order = list(range(n))
    rng.shuffle(order)
    want = max(1, n // 50)
    dels, dups, swaps = [], [], []
    for i in order:
        if len(dels) < want and free(i):
            dels.append(i)
            take(i)
        elif len(dups) < max(1, want // 2) and free(i):
            dups.append(i)
            take(i)
        elif (len(swaps) < max(1, want // 2) and free(i, i + 1)
              and pkts[i + 1][0] - pkts[i][0] < SWAP_GAP_S):
            swaps.append(i)
            take(i, i + 1)
    dels.sort()
    dups.sort()
    swaps.sort()

    def after_del(i):  # 1-based number once the deleted packets are gone
        return i + 1 - sum(1 for d in dels if d < i)

    with open(f'{outdir}/del.txt', 'w') as f:
        f.write(' '.join(str(i + 1) for i in dels) + '\n')
    with open(f'{outdir}/dup.txt', 'w') as f:
        f.write(','.join(str(after_del(i)) for i in dups) + '\n')
    with open(f'{outdir}/swap.txt', 'w') as f:
        f.write(','.join(str(after_del(i)) for i in swaps) + '\n')
    expect = {
        'packets_a': n,
        'packets_b': n - len(dels) + len(dups),
        'lost': [i + 1 for i in dels],
        'duplicated': [i + 1 for i in dups],
        # the earlier A packet of a swapped pair is the one that arrives late
        'reordered': [i + 1 for i in swaps],
        'matched': n - len(dels),
    }
    with open(f'{outdir}/expect.json', 'w') as f:
        json.dump(expect, f)
    print(f'{n} packets, {len(amb)} ambiguous; delete {len(dels)}, '
          f'duplicate {len(dups)}, swap {len(swaps)}')


def check(expect_path, diff_path):
    with open(expect_path) as f:
        ex = json.load(f)
    with open(diff_path) as f:
        d = json.load(f)
    got = {'lost': [], 'added': [], 'duplicated': [], 'reordered': []}
    for ev in d['packets']:
        num = ev['num'] if ev['event'] in ('lost', 'added') else ev['match_num']
        got[ev['event']].append(num)
    bad = []
    checks = [
        ('A packets', ex['packets_a'], d['inputs'][0]['packets']),
        ('B packets', ex['packets_b'], d['inputs'][1]['packets']),
        ('matched', ex['matched'], d['matched']),
        ('lost count', len(ex['lost']), d['lost']),
        ('added count', 0, d['added']),
        ('duplicated count', len(ex['duplicated']), d['duplicated']),
        ('reordered count', len(ex['reordered']), d['reordered']),
        ('lost packets (A numbers)', ex['lost'], sorted(got['lost'])),
        ('duplicated packets (A numbers)', ex['duplicated'], sorted(got['duplicated'])),
        ('reordered packets (A numbers)', ex['reordered'], sorted(got['reordered'])),
        ('result', 'different', d['result']),
    ]
    for what, want, have in checks:
        if want != have:
            bad.append(f'{what}: expected {want}, diff says {have}')
    for b in bad:
        print('MISMATCH', b, file=sys.stderr)
    print(f"lost {d['lost']}/{len(ex['lost'])} dup {d['duplicated']}/{len(ex['duplicated'])} "
          f"reordered {d['reordered']}/{len(ex['reordered'])} added {d['added']}/0 "
          f"matched {d['matched']}/{ex['matched']}")
    sys.exit(1 if bad else 0)


def nearest_rank(sorted_vals, pct):
    import math
    rank = max(1, math.ceil(len(sorted_vals) * pct / 100))
    return sorted_vals[rank - 1]


def jitter(trace, seed, out):
    pkts = read_pcap(trace)
    amb = ambiguous(pkts)
    rng = random.Random(seed)
    # identical packets keep one offset so their order, hence their pairing,
    # cannot change
    offs = [5000 if i in amb else rng.randint(1000, 9000) for i in range(len(pkts))]
    with open(out, 'w') as f:
        f.write('\n'.join(str(o) for o in offs) + '\n')
    s = sorted(offs)
    vals = [nearest_rank(s, 50), nearest_rank(s, 90), nearest_rank(s, 99), s[-1], s[0]]
    print(' '.join(str(v * 1000) for v in vals))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == 'plan':
        plan(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == 'check':
        check(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == 'jitter':
        jitter(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
