#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`tcrec stats --json` of logs made from a trace against capinfos (packet
count, data size, first and last packet time) and tshark (per-flow packet
and byte counts of the directional 5-tuples). The log is split over two
interfaces and directions and written as rotated files, so the per-interface
rows, the directory input and the trailer counters are exercised too.
Exit 0 ok, 1 mismatch, 77 no capinfos/tshark.
"""
import argparse
import collections
import ipaddress
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

from readers_log import read_frames


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return r.returncode, r.stdout, r.stderr


def epoch_ns(s):
    sec, _, frac = s.strip().partition('.')
    return int(sec) * 10**9 + int((frac + '000000000')[:9])


def capinfos(trace):
    rc, out, err = run(['capinfos', '-M', '-c', '-d', '-a', '-e', '-S', trace])
    if rc:
        raise RuntimeError('capinfos: ' + err)
    v = {}
    for line in out.splitlines():
        k, _, val = line.partition(':')
        v[k.strip()] = val.strip()
    return {'packets': int(v['Number of packets']),
            'wire_bytes': int(v['Data size'].split()[0]),
            'first_ns': epoch_ns(v['First packet time']),
            'last_ns': epoch_ns(v['Last packet time'])}


# The record's flow key, from tshark's dissection of the same packet, by the
# record's rules (bpf/tcrec.h): the protocol after at most 6 IPv6 extension
# headers (past them, the extension header the parser stopped at), ports from
# a whole TCP (20 bytes), UDP (8) or SCTP (4) header of a first fragment, and
# nothing for a packet whose IP header was not captured whole.
IPV6_EXT_MAX = 6
EXT_NXT = {0: 'ipv6.hopopts.nxt', 43: 'ipv6.routing.nxt', 44: 'ipv6.fraghdr.nxt',
           51: 'ah.next_header', 60: 'ipv6.dstopts.nxt'}
# a field that tshark shows only when the transport header was captured whole
WHOLE = {6: 'tcp.urgent_pointer', 17: 'udp.checksum', 132: 'sctp.dstport'}
PORTS = {6: 'tcp', 17: 'udp', 132: 'sctp'}


def ipv6_proto(t):
    """(upper-layer protocol, later fragment) after the extension headers."""
    nh = int(t['ipv6.nxt'][0])
    used = collections.Counter()
    later = False
    for _ in range(IPV6_EXT_MAX):
        if nh not in EXT_NXT:
            break
        vals = t[EXT_NXT[nh]]
        if used[nh] >= len(vals):
            break  # not captured: the record stops there too
        if nh == 44:
            later = later or t['ipv6.fraghdr.offset'][used[nh]] != '0'
        used[nh] += 1
        nh = int(vals[used[nh] - 1])
    return nh, later


def bogus_len_key(frame):
    """The flow key of an IPv4 packet whose header length is below 20 or
    whose total length is below its header length: tshark shows nothing of
    it, the record's parser reads the header, and in the second case the
    transport header that was captured anyway. None without a whole IP
    header."""
    off = 12
    while frame[off:off + 2] in (b'\x81\x00', b'\x88\xa8'):
        off += 4
    off += 2
    h = frame[off:off + 20]
    if len(h) < 20:
        return None  # the record holds no IP header either
    hlen = (h[0] & 15) * 4
    frag = struct.unpack('!H', h[6:8])[0]
    proto, l4 = h[9], off + hlen
    sp = dp = 0
    need = {6: 20, 17: 8, 132: 4}.get(proto)
    if need and hlen >= 20 and not frag & 0x1fff and len(frame) >= l4 + need:
        sp, dp = struct.unpack('!HH', frame[l4:l4 + 4])
    return (proto, str(ipaddress.ip_address(h[12:16])), sp, str(ipaddress.ip_address(h[16:20])), dp)


def tshark_flows(trace):
    """Directional 5-tuple -> [packets, bytes], keyed as the record keys."""
    cmd = ['tshark', '-n', '-r', trace, '-o', 'ip.defragment:FALSE', '-o', 'ipv6.defragment:FALSE',
           '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,']
    fields = ['frame.len', 'ip.src', 'ip.dst', 'ip.proto', 'ipv6.src', 'ipv6.dst', 'ipv6.nxt',
              'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport', 'sctp.srcport',
              'sctp.dstport', 'ip.frag_offset', 'ipv6.fraghdr.offset', 'ip.len', 'ip.hdr_len'] + \
        sorted(set(EXT_NXT.values()) | set(WHOLE.values()))
    fields = list(dict.fromkeys(fields))
    for f in fields:
        cmd += ['-e', f]
    rc, out, err = run(cmd)
    if rc:
        raise RuntimeError('tshark: ' + err)
    flows = collections.defaultdict(lambda: [0, 0])
    frames = None
    for n, line in enumerate(out.splitlines()):
        t = {k: [x for x in v.split(',') if x] for k, v in zip(fields, line.split('\t'))}
        # the first IP header only (ICMP errors quote another)
        if t['ip.len'] and t['ip.hdr_len'] and not 20 <= int(t['ip.hdr_len'][0]) <= int(t['ip.len'][0]):
            frames = frames or read_frames(trace)
            key = bogus_len_key(frames[n])
            if key is None:
                continue
            flows[key][0] += 1
            flows[key][1] += int(t['frame.len'][0])
            continue
        if t['ip.src'] and t['ip.dst']:
            src, dst, proto = t['ip.src'][0], t['ip.dst'][0], int(t['ip.proto'][0])
            later_frag = t['ip.frag_offset'][:1] not in ([], ['0'])
        elif t['ipv6.src'] and t['ipv6.dst']:
            src, dst = t['ipv6.src'][0], t['ipv6.dst'][0]
            proto, later_frag = ipv6_proto(t)
        else:
            continue  # no IP header, or not all of it
        sp = dp = 0
        ports = PORTS.get(proto)
        if ports and not later_frag and t[WHOLE[proto]] and t[ports + '.srcport']:
            sp, dp = int(t[ports + '.srcport'][0]), int(t[ports + '.dstport'][0])
        key = (proto, str(ipaddress.ip_address(src)), sp, str(ipaddress.ip_address(dst)), dp)
        flows[key][0] += 1
        flows[key][1] += int(t['frame.len'][0])
    return flows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tcrec', required=True)
    ap.add_argument('--gen', required=True)
    ap.add_argument('--trace', required=True)
    a = ap.parse_args()
    if not shutil.which('capinfos') or not shutil.which('tshark'):
        print('capinfos/tshark not found: cannot run the oracles', file=sys.stderr)
        return 77
    work = tempfile.mkdtemp(prefix='tcrec-rd-')
    try:
        d = os.path.join(work, 'rot')
        rc, out, err = run([a.gen, '--two-ifaces', '--drops', '--rotate', '1000', a.trace, d])
        if rc:
            print('pcap2tclog failed: ' + err, file=sys.stderr)
            return 1
        nfiles = len(os.listdir(d))
        disk = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        rc, js, err = run([a.tcrec, 'stats', '--json', '--top', '1000', d])
        if rc or err:
            print(f'tcrec stats: exit {rc}, stderr: {err}', file=sys.stderr)
            return 1
        rc, table, err = run([a.tcrec, 'stats', d])
        if rc or err or 'packets:' not in table:
            print(f'tcrec stats (table): exit {rc}, stderr: {err}', file=sys.stderr)
            return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    s = json.loads(js)
    ci = capinfos(a.trace)
    bad = []
    for k, v in ci.items():
        if s[k] != v:
            bad.append(f'{k}: tcrec {s[k]}, capinfos {v}')
    if abs(s['duration_s'] - (ci['last_ns'] - ci['first_ns']) / 1e9) > 1e-9:
        bad.append(f'duration_s {s["duration_s"]}')
    if len(s['files']) != nfiles or s['disk_bytes'] != disk:
        bad.append(f'files {len(s["files"])}/{nfiles}, disk_bytes {s["disk_bytes"]}/{disk}')
    if s['captured_bytes'] != 0:
        bad.append('captured_bytes of a metadata-only log is not 0')
    # pcap2tclog: packet i on trace(i % 2), odd ones outbound, drops = i % 5;
    # per file and interface/direction: seen = recorded + 10, filtered 10, dropped 3.
    n = ci['packets']
    if s['record_drops'] != sum(i % 5 for i in range(n)):
        bad.append(f'record_drops {s["record_drops"]}')
    rows = {(r['ifname'], r['dir']): r for r in s['interfaces']}
    want = {('trace0', 'in'): (n + 1) // 2, ('trace1', 'out'): n // 2}
    if set(rows) != {k for k, v in want.items() if v}:
        bad.append(f'interface rows {sorted(rows)}')
    for k, pk in want.items():
        r = rows.get(k)
        if pk and r and (r['packets'] != pk or r['recorded'] != pk or
                         r['seen'] != pk + 10 * nfiles or r['dropped'] != 3 * nfiles):
            bad.append(f'row {k}: {r}')
    if sum(r['bytes'] for r in s['interfaces']) != ci['wire_bytes']:
        bad.append('interface bytes do not add up to the data size')
    c = s['counters']
    if c['files'] != nfiles or c['recorded'] != n or s['index_rebuilt']:
        bad.append(f'counters {c}, index_rebuilt {s["index_rebuilt"]}')
    ref = tshark_flows(a.trace)
    if s['flows'] != len(ref):
        bad.append(f'flows: tcrec {s["flows"]}, tshark {len(ref)}')
    ours = {(f['proto'], f['src'], f['sport'], f['dst'], f['dport']): [f['packets'], f['bytes']]
            for f in s['top_flows']}
    for k, v in ours.items():
        if ref.get(k) != v:
            bad.append(f'flow {k}: tcrec {v}, tshark {ref.get(k)}')
    top_ref = sorted((v for v in ref.values()), key=lambda v: (-v[0], -v[1]))[:len(ours)]
    top_ours = [[f['packets'], f['bytes']] for f in s['top_flows']]
    if top_ours != top_ref:
        bad.append('top flows are not the largest ones tshark counts')
    print(f'{os.path.basename(a.trace)}: {s["packets"]} packets in {nfiles} files, '
          f'{len(ours)} flows checked against tshark, {len(bad)} mismatches')
    for b in bad[:10]:
        print(b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
