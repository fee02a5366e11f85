#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""print, stats and export reading capture files directly (no log), each
case against an oracle that is not tcrec:

  names    a two-section pcapng with two interfaces per section and
           epb_flags: print's interface and In/Out columns against tshark's
           frame.interface_name and frame.packet_flags_direction
  stats    stats --json on the pcap: packets and bytes against capinfos,
           and equal to stats on the log pcap2tclog makes of the pcap
  export   export -F tcrec of the pcap, then print -e of that log: the
           lines of print -e on the pcap (after the columns a log always has);
           export -o X.pcap of the pcap: tcpdump reads the same lines;
           print of that log and that pcap together: merged by time
  damaged  a pcap cut inside a record, a pcapng with a bad block length, a
           cut .pcapng.zst: the packets before the damage, one warning
           naming the file, exit 1; a pcap of a link type tcrec does not
           read: one error line, exit 1

  capture_files.py --tcrec T --gen G --trace X.pcap CASE
Exit 0 ok, 1 failure, 77 when an oracle tool is missing.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

from readers_log import run

HERE = os.path.dirname(os.path.abspath(__file__))
COLUMNS = re.compile(r'^(\S+ \S+) (\S+) +(In |Out) ')


def fail(msg):
    print(msg, file=sys.stderr)
    return 1


def make_files(trace, work):
    rc, _, err = run([sys.executable, os.path.join(HERE, 'make_capture_files.py'), trace, work])
    if rc:
        raise RuntimeError('make_capture_files.py: ' + err)


def case_names(a, work):
    make_files(a.trace, work)
    ng = os.path.join(work, 'two.pcapng')
    rc, ours, err = run([a.tcrec, 'print', ng])
    if rc or err:
        return fail(f'print: exit {rc}: {err}')
    rc, ref, err = run(['tshark', '-r', ng, '-T', 'fields', '-e', 'frame.interface_name',
                        '-e', 'frame.packet_flags_direction'])
    if rc:
        return fail('tshark: ' + err)
    ours, ref = ours.splitlines(), ref.splitlines()
    if len(ours) != len(ref):
        return fail(f'line count: tcrec {len(ours)}, tshark {len(ref)}')
    bad = 0
    for i, (o, r) in enumerate(zip(ours, ref)):
        name, _, d = r.partition('\t')
        m = COLUMNS.match(o)
        want = {'0x00000001': 'In ', '0x00000002': 'Out'}.get(d.strip())
        if not m or m.group(2) != name or (want and m.group(3) != want):
            bad += 1
            if bad <= 5:
                print(f'line {i + 1}: tcrec {o!r}, tshark {r!r}', file=sys.stderr)
    print(f'{len(ours)} packets, {len(ours) - bad} with tshark\'s interface and direction')
    sel = run([a.tcrec, 'print', '--interface', 'tr1', ng])[1].splitlines()
    want = sum(1 for r in ref if r.startswith('tr1\t'))
    if len(sel) != want:
        return fail(f'--interface tr1: {len(sel)} lines, tshark counts {want}')
    return 1 if bad else 0


def case_stats(a, work):
    if not shutil.which('capinfos'):
        print('capinfos not found', file=sys.stderr)
        return 77
    rc, out, err = run([a.tcrec, 'stats', '--json', a.trace])
    if rc:
        return fail(f'stats: exit {rc}: {err}')
    ours = json.loads(out)
    rc, cap, err = run(['capinfos', '-M', '-T', '-c', '-d', a.trace])
    if rc:
        return fail('capinfos: ' + err)
    row = cap.splitlines()[1].split('\t')
    if ours['packets'] != int(row[1]) or ours['wire_bytes'] != int(row[2]):
        return fail(f'stats: {ours["packets"]} packets {ours["wire_bytes"]} bytes, '
                    f'capinfos: {row[1]} packets {row[2]} bytes')
    log = os.path.join(work, 'trace.tclog')
    rc, _, err = run([a.gen, '-s', '0', a.trace, log])
    if rc:
        return fail('pcap2tclog: ' + err)
    ref = json.loads(run([a.tcrec, 'stats', '--json', log])[1])
    for k in ('packets', 'wire_bytes', 'captured_bytes', 'first_ns', 'last_ns', 'flows'):
        if ours.get(k) != ref.get(k):
            return fail(f'stats {k}: pcap {ours.get(k)!r}, its log {ref.get(k)!r}')
    print(f'{ours["packets"]} packets, {ours["wire_bytes"]} bytes: capinfos and the log agree')
    return 0


def strip_columns(lines):
    return [COLUMNS.sub(r'\1 ', l) for l in lines]


def case_export(a, work):
    log = os.path.join(work, 'out.tclog')
    rc, _, err = run([a.tcrec, 'export', '-q', '-F', 'tcrec', '-o', log, a.trace])
    if rc:
        return fail(f'export -F tcrec: exit {rc}: {err}')
    # -e: a log's lines name VLAN tags always, a bare line (tcpdump's) with -e only
    direct = run([a.tcrec, 'print', '-e', a.trace])[1].splitlines()
    via = strip_columns(run([a.tcrec, 'print', '-e', log])[1].splitlines())
    if direct != via or not direct:
        return fail(f'print of the exported log differs from print of the pcap '
                    f'({len(via)} and {len(direct)} lines)')
    pcap = os.path.join(work, 'out.pcap')
    rc, _, err = run([a.tcrec, 'export', '-q', '-o', pcap, a.trace])
    if rc:
        return fail(f'export -o X.pcap: exit {rc}: {err}')
    t1 = run(['tcpdump', '-nn', '-S', '-tttt', '-r', a.trace])[1]
    t2 = run(['tcpdump', '-nn', '-S', '-tttt', '-r', pcap])[1]
    if t1 != t2:
        return fail('tcpdump reads the exported pcap otherwise than the trace')
    # a log and a capture file merge by time
    both = run([a.tcrec, 'print', log, pcap])[1].splitlines()
    times = [' '.join(l.split(' ', 2)[:2]) for l in both]
    if len(both) != 2 * len(direct) or times != sorted(times):
        return fail(f'print LOG PCAP: {len(both)} lines, not {2 * len(direct)} in time order')
    print(f'{len(direct)} packets: the exported log and pcap print as the trace, and merge')
    return 0


def expect_damage(a, path, want_lines, what):
    rc, out, err = run([a.tcrec, 'print', path])
    lines = out.splitlines()
    warns = [l for l in err.splitlines() if l.strip()]
    name = os.path.basename(path)
    if rc != 1 or len(warns) != 1 or name not in warns[0]:
        return fail(f'{what}: exit {rc}, stderr {err!r} (want exit 1, one line naming {name})')
    if want_lines is not None and len(lines) != want_lines:
        return fail(f'{what}: {len(lines)} packets printed, {want_lines} before the damage')
    print(f'{what}: {len(lines)} packets, then: {warns[0]}')
    return 0


def case_damaged(a, work):
    make_files(a.trace, work)
    with open(a.trace, 'rb') as fh:
        data = fh.read()
    n = len(run(['tcpdump', '-nn', '-r', a.trace])[1].splitlines())
    cut = os.path.join(work, 'cut.pcap')
    with open(cut, 'wb') as fh:
        fh.write(data[:len(data) - 7])
    rc = expect_damage(a, cut, n - 1, 'pcap cut inside its last record')
    ng = os.path.join(work, 'two.pcapng')
    with open(ng, 'rb') as fh:
        d = bytearray(fh.read())
    # the 11th block gets a length that is not a multiple of 4
    pos, k = 0, 0
    while k < 10:
        pos += struct.unpack('<I', d[pos + 4:pos + 8])[0]
        k += 1
    d[pos + 4:pos + 8] = struct.pack('<I', 0x7fffff01)
    bad = os.path.join(work, 'bad.pcapng')
    with open(bad, 'wb') as fh:
        fh.write(d)
    rc |= expect_damage(a, bad, 10 - 3, 'pcapng with a bad block length')
    if shutil.which('zstd'):
        z = os.path.join(work, 'two.pcapng.zst')
        run(['zstd', '-q', '-f', ng, '-o', z])
        with open(z, 'rb') as fh:
            zd = fh.read()
        zc = os.path.join(work, 'cut.pcapng.zst')
        with open(zc, 'wb') as fh:
            fh.write(zd[:len(zd) // 2])
        rc |= expect_damage(a, zc, None, '.pcapng.zst cut in half')
    other = os.path.join(work, 'other.pcap')
    with open(other, 'wb') as fh:
        fh.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 105) + data[24:])
    r, out, err = run([a.tcrec, 'print', other])
    if r != 1 or out or len(err.splitlines()) != 1 or 'link type 105' not in err:
        rc |= fail(f'pcap of link type 105: exit {r}, stderr {err!r}')
    return rc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tcrec', required=True)
    ap.add_argument('--gen', required=True)
    ap.add_argument('--trace', required=True)
    ap.add_argument('case', choices=['names', 'stats', 'export', 'damaged'])
    a = ap.parse_args()
    need = {'names': 'tshark', 'stats': 'capinfos', 'export': 'tcpdump', 'damaged': 'tcpdump'}[a.case]
    if not shutil.which(need):
        print(f'{need} not found: cannot run the oracle', file=sys.stderr)
        return 77
    work = tempfile.mkdtemp(prefix='tcrec-cap-')
    try:
        return globals()['case_' + a.case](a, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
