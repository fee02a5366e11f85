#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Readers' process attribution against an oracle that is not the reader.

pcap2tclog --sockets gives every TCP/UDP flow of a trace an owner and
writes the assignment (--sockets-map, JSON lines: proto, local, remote and
the owner). Every packet's expected owner is found from the map by its flow
(fields the reader prints without attribution: addresses, ports, protocol),
then each reader is checked against it:
  print    [comm:pid] at the end of exactly the lines of owned packets;
           --json's pid/tid/comm/uid/cgroup/container/sock_cookie;
           --no-process prints what a log without sockets prints
  filters  --pid, --comm (glob), --cgroup (prefix), --container (id prefix)
           select exactly the packets the map says, on print, stats, export
  stats    top processes and containers = sums over the map's packets
  export   tshark -Y 'frame.comment contains "comm=procN"' counts, and the
           whole comment of every packet
  diff     --by-process: B lost the packets of one process; A's rows say so

  process_attr.py --tcrec T --gen G --trace PCAP CASE
Exit 0 pass, 1 fail, 77 when tshark is missing (export case).
"""
import argparse
import fnmatch
import ipaddress
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

F_L4, F_FRAG = 1 << 3, 1 << 4  # bpf/tcrec.h TCREC_F_L4, TCREC_F_FRAG
FIELDS = ('pid', 'tid', 'comm', 'uid', 'cgroup', 'container', 'sock_cookie')

fails = []


def bad(msg):
    fails.append(msg)
    print('FAIL:', msg)


def run(cmd, ok=(0,)):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in ok:
        sys.exit(f'{" ".join(cmd)}: exit {p.returncode}: {p.stderr.strip()}')
    return p.stdout


def endpoint(s):
    host, port = s.rsplit(':', 1)
    return (str(ipaddress.ip_address(host.strip('[]'))), int(port))


def load_map(path):
    socks = {}
    with open(path) as f:
        for line in f:
            e = json.loads(line)
            key = ({'tcp': 6, 'udp': 17}[e['proto']],
                   frozenset([endpoint(e['local']), endpoint(e['remote'])]))
            if key in socks:
                sys.exit(f'{path}: two sockets for one flow: {line.strip()}')
            socks[key] = e
    return socks


def owner_of(pkt, socks):
    """The map's socket of a packet printed by print --json, or None."""
    if pkt['ip_proto'] not in (6, 17) or not pkt['flags'] & F_L4 or pkt['flags'] & F_FRAG:
        return None
    a = (str(ipaddress.ip_address(pkt['src'])), pkt['sport'])
    b = (str(ipaddress.ip_address(pkt['dst'])), pkt['dport'])
    return socks.get((pkt['ip_proto'], frozenset([a, b])))


def expected_fields(e):
    """What print --json must add for socket e: each field when known."""
    want = {'sock_cookie': e['cookie']}
    for k in ('pid', 'tid'):
        if e[k]:
            want[k] = e[k]
    if e['pid'] or e['uid']:
        want['uid'] = e['uid']
    for k in ('comm', 'cgroup', 'container'):
        if e[k]:
            want[k] = e[k]
    return want


class Case:
    def __init__(self, a):
        self.t, self.gen, self.trace = a.tcrec, a.gen, a.trace
        self.dir = tempfile.mkdtemp(prefix='tcrec-proc-')
        self.log = os.path.join(self.dir, 'owned.tclog')
        self.map = os.path.join(self.dir, 'owned.map')
        run([self.gen, '--sockets', '--sockets-map', self.map, self.trace, self.log])
        self.socks = load_map(self.map)
        self.pkts = [json.loads(l) for l in run([self.t, 'print', '--json', self.log]).splitlines()]
        self.owners = [owner_of(p, self.socks) for p in self.pkts]
        owned = sum(o is not None for o in self.owners)
        print(f'{len(self.pkts)} packets, {owned} of {len(self.socks)} sockets, '
              f'{len(self.pkts) - owned} without')
        if not owned or owned == len(self.pkts):
            sys.exit('the trace needs packets with and without sockets')

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def case_print(c):
    for i, (p, e) in enumerate(zip(c.pkts, c.owners)):
        got = {k: p[k] for k in FIELDS if k in p}
        want = expected_fields(e) if e else {}
        if got != want:
            bad(f'print --json packet {i + 1}: {got} != map {want}')
    lines = run([c.t, 'print', c.log]).splitlines()
    if len(lines) != len(c.pkts):
        bad(f'print: {len(lines)} lines for {len(c.pkts)} packets')
    for i, (line, e) in enumerate(zip(lines, c.owners)):
        tail = f' [{e["comm"]}:{e["pid"]}]' if e else None
        if e and not line.endswith(tail):
            bad(f'print line {i + 1} does not end with{tail}: {line}')
        if not e and line.endswith(']') and ' [' in line and ':' in line.rsplit(' [', 1)[1]:
            bad(f'print line {i + 1} names a process the map does not: {line}')
    # --no-process: the lines of the same trace in a log without sockets
    # (pcap2tclog --sockets also sets the direction, the socket's side:
    # In/Out aside, the lines must be the same)
    old = os.path.join(c.dir, 'v2.tclog')
    run([c.gen, '--v2', c.trace, old])
    plain = run([c.t, 'print', old]).splitlines()
    hidden = run([c.t, 'print', '--no-process', c.log]).splitlines()
    undir = lambda l: l.replace(' Out IP', ' In  IP', 1)
    if [undir(l) for l in plain] != [undir(l) for l in hidden]:
        bad('print --no-process differs (In/Out aside) from print of the log without sockets')
    for i, (line, e) in enumerate(zip(lines, c.owners)):
        want = hidden[i] + (f' [{e["comm"]}:{e["pid"]}]' if e else '')
        if line != want:
            bad(f'print line {i + 1}: {line!r} != --no-process line + owner {want!r}')
            break
    jold = run([c.t, 'print', '--json', old]).splitlines()
    if any(k in json.loads(l) for l in jold for k in FIELDS):
        bad('print --json of a log without sockets has process fields')


def selections(c):
    """(options, predicate on a map entry) pairs that select something."""
    by_n = {}
    for e in c.socks.values():
        by_n.setdefault(e['comm'], e)
    comms = sorted(by_n)
    e0 = by_n[comms[0]]
    cont = next((e for e in c.socks.values() if e['container']), None)
    sel = [
        (['--pid', str(e0['pid'])], lambda e, p=e0['pid']: e['pid'] == p),
        (['--pid', str(e0['pid']), '--pid', str(by_n[comms[-1]]['pid'])],
         lambda e, a=e0['pid'], b=by_n[comms[-1]]['pid']: e['pid'] in (a, b)),
        (['--comm', comms[-1]], lambda e, n=comms[-1]: e['comm'] == n),
        (['--comm', 'proc[13]'], lambda e: fnmatch.fnmatchcase(e['comm'], 'proc[13]')),
        (['--cgroup', '/tcrec.slice'], lambda e: e['cgroup'].startswith('/tcrec.slice/')),
        (['--cgroup', e0['cgroup'] + '/'], lambda e, g=e0['cgroup']: e['cgroup'] == g),
        (['--cgroup', '/tcrec'], lambda e: e['cgroup'] == '/tcrec' or e['cgroup'].startswith('/tcrec/')),
        (['--comm', comms[0], '--cgroup', '/machine.slice'],
         lambda e, n=comms[0]: e['comm'] == n and e['cgroup'].startswith('/machine.slice/')),
        (['--pid', '999999'], lambda e: False),
    ]
    if cont:
        sel.append((['--container', cont['container'][:12]],
                    lambda e, k=cont['container'][:12]: e['container'].startswith(k)))
        sel.append((['--container', cont['container']],
                    lambda e, k=cont['container']: e['container'] == k))
    return sel


def case_filters(c):
    # a bad value is a usage error: one line naming the option, exit 2
    for opts in (['--pid', 'abc'], ['--pid', '0'], ['--comm', ''], ['--cgroup', '']):
        p = subprocess.run([c.t, 'print', c.log] + opts, capture_output=True, text=True)
        lines = p.stderr.strip().splitlines()
        if p.returncode != 2 or len(lines) != 1 or opts[0] not in lines[0] or p.stdout:
            bad(f'print {" ".join(opts)}: exit {p.returncode}, stderr {p.stderr.strip()!r}')
    for opts, pred in selections(c):
        want = [i for i, e in enumerate(c.owners) if e and pred(e)]
        got = [json.loads(l) for l in run([c.t, 'print', '--json', c.log] + opts).splitlines()]
        if [p['ts_ns'] for p in got] != [c.pkts[i]['ts_ns'] for i in want]:
            bad(f'print {" ".join(opts)}: {len(got)} packets, map says {len(want)}')
        else:
            print(f'print {" ".join(opts)}: {len(got)} packets = map')
        st = json.loads(run([c.t, 'stats', '--json', c.log] + opts))
        if st['packets'] != len(want):
            bad(f'stats {" ".join(opts)}: {st["packets"]} packets, map says {len(want)}')
        # with a tcpdump filter too: both must hold (what `tcp` takes is
        # libpcap's business: the packets print takes without the options)
        tcp = {json.loads(l)['ts_ns'] for l in run([c.t, 'print', '--json', c.log, 'tcp']).splitlines()}
        both = [i for i in want if c.pkts[i]['ts_ns'] in tcp]
        n = len(run([c.t, 'print', c.log] + opts + ['tcp']).splitlines())
        if n != len(both):
            bad(f'print {" ".join(opts)} tcp: {n} packets, map says {len(both)}')
    for opts in (['--pid', '0'], ['--pid', 'x'], ['--cgroup', 'relative'], ['--comm', '']):
        p = subprocess.run([c.t, 'print', c.log] + opts, capture_output=True, text=True)
        if p.returncode != 2 or len(p.stderr.splitlines()) != 1:
            bad(f'print {" ".join(opts)}: exit {p.returncode}, stderr {p.stderr!r}')


def sums(c, key):
    out = {}
    for p, e in zip(c.pkts, c.owners):
        if e and key(e):
            k = key(e)
            n, b = out.get(k, (0, 0))
            out[k] = (n + 1, b + p['wire_len'])
    return out


def case_stats(c):
    st = json.loads(run([c.t, 'stats', '--json', '--top', '1000', c.log]))
    procs = sums(c, lambda e: (e['comm'], e['pid']))
    got = {(r['comm'], r['pid']): (r['packets'], r['bytes']) for r in st['top_processes']}
    if got != procs or st['processes'] != len(procs):
        bad(f'stats top_processes {got} != map {procs}')
    conts = sums(c, lambda e: e['container'] or None)
    got = {r['container']: (r['packets'], r['bytes']) for r in st['top_containers']}
    if got != conts or st['containers'] != len(conts):
        bad(f'stats top_containers {got} != map {conts}')
    none = sum(e is None for e in c.owners)
    if st['unattributed_packets'] != none:
        bad(f'stats unattributed_packets {st["unattributed_packets"]} != {none}')
    rows = [(r['packets'], r['bytes']) for r in st['top_processes']]
    if rows != sorted(rows, reverse=True):
        bad(f'stats top_processes not largest first: {rows}')
    top2 = json.loads(run([c.t, 'stats', '--json', '--top', '2', c.log]))
    if top2['top_processes'] != st['top_processes'][:2]:
        bad('stats --top 2: not the first two of the whole list')
    text = run([c.t, 'stats', '--top', '3', c.log])
    for r in st['top_processes'][:3]:
        if not any(l.split()[:3] == [f'{r["comm"]}:{r["pid"]}', str(r['packets']), str(r['bytes'])]
                   for l in text.splitlines()):
            bad(f'stats text: no row "{r["comm"]}:{r["pid"]} {r["packets"]} {r["bytes"]}"')
    print(f'stats: {len(procs)} processes, {len(conts)} containers, {none} unattributed = map')


def tshark_count(path, expr):
    out = run(['tshark', '-r', path, '-Y', expr, '-T', 'fields', '-e', 'frame.number'])
    return len(out.split())


def case_export(c):
    if not shutil.which('tshark'):
        print('SKIP: no tshark')
        sys.exit(77)
    out = os.path.join(c.dir, 'x.pcapng')
    run([c.t, 'export', '-q', c.log, '-o', out])
    for n in sorted({e['comm'] for e in c.socks.values()}):
        want = sum(1 for e in c.owners if e and e['comm'] == n)
        got = tshark_count(out, f'frame.comment contains "comm={n}"')
        if got != want:
            bad(f'export: frame.comment contains "comm={n}": {got} packets, map says {want}')
        else:
            print(f'export comm={n}: {got} packets = map')
    # every packet's own comment, in order
    lines = run(['tshark', '-r', out, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|',
                 '-e', 'frame.comment']).splitlines()
    if len(lines) != len(c.pkts):
        bad(f'export: {len(lines)} packets for {len(c.pkts)}')
    for i, (line, e) in enumerate(zip(lines, c.owners)):
        owner = [x for x in line.split('|') if x.startswith('pid=')]
        want = []
        if e:
            parts = [f'pid={e["pid"]}', f'tid={e["tid"]}', f'comm={e["comm"]}', f'uid={e["uid"]}']
            parts += [f'cgroup={e["cgroup"]}'] if e['cgroup'] else []
            parts += [f'container={e["container"]}'] if e['container'] else []
            want = [' '.join(parts)]
        if owner != want:
            bad(f'export packet {i + 1}: comment {owner} != {want}')
            break
    # the export filters as print does
    sub = os.path.join(c.dir, 'sub.pcapng')
    run([c.t, 'export', '-q', c.log, '-o', sub, '--comm', 'proc3'])
    want = sum(1 for e in c.owners if e and e['comm'] == 'proc3')
    got = tshark_count(sub, 'frame')
    if got != want or tshark_count(sub, 'frame.comment contains "comm=proc3"') != want:
        bad(f'export --comm proc3: {got} packets, map says {want}')


def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        sys.exit(f'{path}: not a little-endian pcap')
    recs, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack('<I', data[off + 8:off + 12])[0]
        recs.append(data[off:off + 16 + incl])
        off += 16 + incl
    return data[:24], recs


def case_diff(c):
    victim = 'proc3'
    hdr, recs = read_pcap(c.trace)
    if len(recs) != len(c.pkts):
        sys.exit(f'{c.trace}: {len(recs)} packets, the log has {len(c.pkts)}')
    nano = struct.unpack('<I', hdr[:4])[0] == 0xa1b23c4d
    for i, (r, p) in enumerate(zip(recs, c.pkts)):
        sec, frac = struct.unpack('<II', r[:8])
        if sec * 10**9 + frac * (1 if nano else 1000) != p['ts_ns']:
            sys.exit(f'{c.trace}: packet {i + 1} is not the log\'s packet {i + 1} (time order)')
    keep = [r for r, e in zip(recs, c.owners) if not (e and e['comm'] == victim)]
    cut = os.path.join(c.dir, 'cut.pcap')
    with open(cut, 'wb') as f:
        f.write(hdr + b''.join(keep))
    blog = os.path.join(c.dir, 'cut.tclog')
    run([c.gen, '--sockets', cut, blog])
    rep = json.loads(run([c.t, 'diff', c.log, blog, '--by-process', '--json'], ok=(1,)))
    rows = {r['process']: r for r in rep['by_process']}
    want = {}
    for p, e in zip(c.pkts, c.owners):
        k = f'{e["comm"]}:{e["pid"]}' if e else '-'
        w = want.setdefault(k, {'a_packets': 0, 'lost': 0})
        w['a_packets'] += 1
        w['lost'] += bool(e and e['comm'] == victim)
    got = {k: {'a_packets': r['a_packets'], 'lost': r['lost']} for k, r in rows.items()}
    if not any(p['flags'] & F_FRAG for p in c.pkts):
        if got != want:
            bad(f'diff --by-process {got} != map {want}')
    else:
        # a fragment counts for its flow's process (diff_procs.h), which the
        # map cannot say: the lost ones still are the victim's, all counted
        if {k: w['lost'] for k, w in got.items() if w['lost']} != \
           {k: w['lost'] for k, w in want.items() if w['lost']}:
            bad(f'diff --by-process lost {got} != map {want}')
        if sum(w['a_packets'] for w in got.values()) != len(c.pkts):
            bad(f'diff --by-process: A packets {got} do not sum to {len(c.pkts)}')
    for k, r in rows.items():
        if r['matched'] + r['lost'] != r['a_packets']:
            bad(f'diff --by-process {k}: matched + lost != A packets: {r}')
    if rep['lost'] != sum(w['lost'] for w in want.values()):
        bad(f'diff: lost {rep["lost"]} != {sum(w["lost"] for w in want.values())}')
    text = run([c.t, 'diff', c.log, blog, '--by-process'], ok=(1,))
    vrow = next((r for k, r in rows.items() if k.startswith(victim + ':')), None)
    if not vrow or not any(l.split()[:3] == [f'{victim}:{vrow["process"].split(":")[1]}',
                                            str(vrow['a_packets']), str(vrow['lost'])]
                           for l in text.splitlines()):
        bad(f'diff --by-process text: no row for {victim}')
    # a filter on both sides: the victim's packets are the only difference
    same = subprocess.run([c.t, 'diff', c.log, blog, '--comm', 'proc[!3]'], capture_output=True)
    if same.returncode != 0:
        bad(f'diff --comm proc[!3]: exit {same.returncode}, expected 0 (same packets)')
    # pcap inputs do not say which process: one clear line, exit 2
    p = subprocess.run([c.t, 'diff', c.trace, blog, '--by-process'], capture_output=True, text=True)
    if p.returncode != 2 or 'needs tcrec logs' not in p.stderr:
        bad(f'diff PCAP --by-process: exit {p.returncode}: {p.stderr.strip()}')
    print(f'diff --by-process: {len(rows)} rows = map, {victim} lost {vrow and vrow["lost"]}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tcrec', required=True)
    ap.add_argument('--gen', required=True)
    ap.add_argument('--trace', required=True)
    ap.add_argument('case', choices=['print', 'filters', 'stats', 'export', 'diff'])
    a = ap.parse_args()
    c = Case(a)
    try:
        globals()['case_' + a.case](c)
    finally:
        c.close()
    if fails:
        print(f'{len(fails)} failures')
        return 1
    print('ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
