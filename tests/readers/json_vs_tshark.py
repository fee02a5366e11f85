#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`tcrec print --json` of a log made from a trace, field by field against
tshark's dissection of the trace (reassembly off, so that every frame is
seen as it was on the wire). Also checks the JSON Lines contract: one object
per line, keys in the documented order. Exit 0 ok, 1 mismatch, 77 no tshark.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from readers_log import make_log, run

KEYS = ['time', 'ts_ns', 'ifindex', 'ifname', 'dir', 'wire_len', 'cap_len', 'ethertype', 'vlan',
        'smac', 'dmac', 'src', 'dst', 'ip_proto', 'ip_id', 'ttl', 'tos', 'ip_len', 'ip_hlen',
        'frag_off', 'sport', 'dport', 'tcp_seq', 'tcp_ack', 'tcp_flags', 'tcp_hlen', 'tcp_win',
        'udp_len', 'icmp_type', 'icmp_code', 'icmp_id', 'icmp_seq', 'mark', 'drops', 'flags']

FIELDS = ['frame.time_epoch', 'frame.len', 'eth.src', 'eth.dst', 'vlan.id', 'ip.src', 'ip.dst',
          'ipv6.src', 'ipv6.dst', 'ip.proto', 'ipv6.nxt', 'ip.id', 'ip.ttl', 'ipv6.hlim',
          'ip.len', 'ip.flags.mf', 'ip.frag_offset', 'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw',
          'tcp.ack_raw', 'tcp.flags', 'tcp.window_size_value', 'tcp.hdr_len', 'udp.srcport',
          'udp.dstport', 'udp.length', 'icmp.type', 'icmp.code', 'icmp.ident', 'icmp.seq']


def num(s):
    return int(s, 0) if s else None


def epoch_ns(s):
    sec, _, frac = s.partition('.')
    return int(sec) * 10**9 + int((frac + '000000000')[:9])


def expected(t):
    """What the record must say, per tshark; None = not checked."""
    e = {'ts_ns': epoch_ns(t['frame.time_epoch']), 'wire_len': num(t['frame.len']),
         'smac': t['eth.src'], 'dmac': t['eth.dst'],
         'vlan_ids': [int(v) for v in t['vlan.id'].split(',')] if t['vlan.id'] else []}
    v4 = bool(t['ip.src'])
    v6 = bool(t['ipv6.src']) and not v4
    first_frag = True
    if v4:
        e.update(src=t['ip.src'], dst=t['ip.dst'], ip_proto=num(t['ip.proto']),
                 ip_id=num(t['ip.id']), ttl=num(t['ip.ttl']), ip_len=num(t['ip.len']))
        first_frag = not num(t['ip.frag_offset'])
    elif v6:
        e.update(src=t['ipv6.src'], dst=t['ipv6.dst'], ttl=num(t['ipv6.hlim']))
        if t['ipv6.nxt'] in ('6', '17', '58'):
            e['ip_proto'] = num(t['ipv6.nxt'])
    else:
        e.update(src=None, dst=None, ip_proto=None)
    proto = e.get('ip_proto')
    if (v4 or v6) and first_frag and proto == 6 and t['tcp.srcport']:
        e.update(sport=num(t['tcp.srcport']), dport=num(t['tcp.dstport']),
                 tcp_seq=num(t['tcp.seq_raw']), tcp_ack=num(t['tcp.ack_raw']),
                 tcp_flags=num(t['tcp.flags']) & 0xff, tcp_win=num(t['tcp.window_size_value']),
                 tcp_hlen=num(t['tcp.hdr_len']))
    if (v4 or v6) and first_frag and proto == 17 and t['udp.srcport']:
        e.update(sport=num(t['udp.srcport']), dport=num(t['udp.dstport']),
                 udp_len=num(t['udp.length']))
    if v4 and first_frag and proto == 1 and t['icmp.type']:
        e.update(icmp_type=num(t['icmp.type']), icmp_code=num(t['icmp.code']))
        if num(t['icmp.type']) in (0, 8):  # the record holds id/seq for echo only
            e.update(icmp_id=num(t['icmp.ident']), icmp_seq=num(t['icmp.seq']))
    return e


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tcrec', required=True)
    ap.add_argument('--gen', required=True)
    ap.add_argument('--trace', required=True, help="a pcap, or 'edge' for make_edge_pcap.py's")
    ap.add_argument('--snap', type=int, default=None)
    a = ap.parse_args()
    if not shutil.which('tshark'):
        print('tshark not found: cannot run the oracle', file=sys.stderr)
        return 77
    work = tempfile.mkdtemp(prefix='tcrec-rd-')
    try:
        made = make_log(a.gen, a.trace, a.snap, work)
        if not made:
            return 1
        a.trace, log = made
        rc, ours, err = run([a.tcrec, 'print', '--json', log])
        if rc or err:
            print(f'tcrec print --json: exit {rc}, stderr: {err}', file=sys.stderr)
            return 1
        cmd = ['tshark', '-r', a.trace, '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE',
               '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=f']
        for f in FIELDS:
            cmd += ['-e', f]
        rc, ref, err = run(cmd)
        # 802.1ad (QinQ) outer tags are ieee8021ad.id, not vlan.id.
        rc2, vl, _ = run(['tshark', '-r', a.trace, '-T', 'fields', '-E', 'occurrence=a',
                          '-E', 'aggregator=,', '-E', 'separator=,', '-e', 'ieee8021ad.id',
                          '-e', 'vlan.id'])
        if rc or rc2:
            print('tshark failed: ' + err, file=sys.stderr)
            return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ref = [dict(zip(FIELDS, l.split('\t'))) for l in ref.splitlines()]
    for t, v in zip(ref, vl.splitlines()):
        t['vlan.id'] = ','.join(x for x in v.split(',') if x)
    ours = ours.splitlines()
    if len(ours) != len(ref):
        print(f'packets: tcrec {len(ours)}, tshark {len(ref)}', file=sys.stderr)
        return 1
    bad, checked = [], 0
    for i, (line, t) in enumerate(zip(ours, ref)):
        o = json.loads(line)
        keys = list(o.keys())
        want_keys = KEYS + (['bytes'] if o['cap_len'] > 0 else [])
        if keys != want_keys:
            bad.append(f'packet {i + 1}: keys {keys}')
            continue
        if o['cap_len'] > 0 and len(o['bytes']) != 2 * o['cap_len']:
            bad.append(f'packet {i + 1}: bytes is not cap_len long')
        e = expected(t)
        vlan_ids = e.pop('vlan_ids')
        if [v['id'] for v in o['vlan']] != vlan_ids:
            bad.append(f'packet {i + 1}: vlan {o["vlan"]} != tshark {vlan_ids}')
        for k, want in e.items():
            checked += 1
            if o[k] != want:
                bad.append(f'packet {i + 1}: {k} = {o[k]!r}, tshark says {want!r}')
        day = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(o['ts_ns'] // 10**9))
        if o['time'] != f'{day}.{o["ts_ns"] % 10**9:09d}Z':
            bad.append(f'packet {i + 1}: time {o["time"]} does not match ts_ns')
    print(f'{os.path.basename(a.trace)}: {len(ref)} packets, {checked} field values checked '
          f'against tshark, {len(bad)} mismatches')
    for b in bad[:10]:
        print(b, file=sys.stderr)
    return 1 if bad or not checked else 0


if __name__ == '__main__':
    sys.exit(main())
