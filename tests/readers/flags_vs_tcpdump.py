#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`tcrec print FLAGS` against `tcpdump -nn -S FLAGS -r TRACE`, line for
line, for tcpdump's reading flags (-x -xx -X -XX -A, -t...-ttttt, -e, -c,
-v, -q ...).

The capture is a log pcap2tclog made of the trace (--input log, whole
packets unless --snap says otherwise), or the trace itself (--input pcap).
print's default time is tcpdump's -tttt, so without a -t flag tcpdump is
given -tttt. The interface and direction columns of a log's lines are not
tcpdump's (it reads a file that has neither) and are taken out.

Each packet is a block: its printed lines (the summary, and what -v adds)
then the dump lines of -x/-X/-A. Blocks are told apart by a second run of
each program without the dump flags (-A can print any line). Required:
  - the same number of packets;
  - every packet's time head equal to tcpdump's;
  - wherever the printed lines of a packet equal tcpdump's, its dump lines
    equal tcpdump's too;
  - with --all-dumps, every dump line equal to tcpdump's;
  - the share of all lines equal to tcpdump's at least --min-share.
Prints "flags FLAGS: N/M lines equal (P%)" per set (--flags may be
repeated: one log for them all). Exit 0 ok, 1 mismatch, 77 no tcpdump.
"""
import argparse
import os
import re
import shlex
import shutil
import struct
import sys
import tempfile

from readers_log import make_log, run

DUMP_LETTERS = 'xXA'
# short options of print and tcpdump that take a value
WITH_VALUE = 'crs'
HEADS = {
    0: r'',
    1: r'\d+\.\d+ ',
    2: r'[ -]?\d\d:\d\d:\d\d\.\d+ ',
    3: r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ ',
    4: r'[ -]?\d\d:\d\d:\d\d\.\d+ ',
}
# -t count -> head pattern key
T_HEAD = {0: 3, 1: 0, 2: 1, 3: 2, 4: 3, 5: 4}
COLUMNS = re.compile(r'\S+ +(?:In |Out) ')


def write_times_pcap(path):
    """Packets out of time order and days apart (-ttt signs and wraps the
    span as tcpdump does), payloads with CR/LF (-A), frames cut in the
    Ethernet header, a VLAN tag, the IP header, and an 802.3 LLC frame."""
    payload = b'GET / HTTP/1.1\r\nHost: a\rb\r\t z\r\r'
    udp = struct.pack('>HHHH', 1000, 2000, 8 + len(payload), 0) + payload
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + udp
    macs = bytes.fromhex('020000000002020000000001')
    frame = macs + b'\x08\x00' + ip
    llc = macs + struct.pack('>H', 38) + bytes.fromhex('424203') + bytes(35)
    stamps = [1700000000.5, 1700090000.25, 1700089000.0, 1700500000.75, 1700500001.0]
    frames = [frame] * 4 + [llc, frame[:10], macs + b'\x81\x00\x00\x05', frame[:15]]
    out = struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
    for i, f in enumerate(frames):
        t = stamps[i] if i < len(stamps) else stamps[-1] + i
        out += struct.pack('<IIII', int(t), round(t % 1 * 1e6), len(f), len(f)) + f
    with open(path, 'wb') as fh:
        fh.write(out)


def split_flags(words):
    """(flags without -x/-X/-A, count of t letters, has a dump flag)."""
    out, tcount, dump = [], 0, False
    i = 0
    while i < len(words):
        w = words[i]
        i += 1
        if not w.startswith('-') or w.startswith('--') or w == '-':
            out.append(w)
            continue
        letters = w[1:]
        cut = next((k for k, ch in enumerate(letters) if ch in WITH_VALUE), None)
        plain = letters if cut is None else letters[:cut]
        tail = '' if cut is None else letters[cut:]
        tcount += plain.count('t')
        dump = dump or any(ch in DUMP_LETTERS for ch in plain)
        kept = ''.join(ch for ch in plain if ch not in DUMP_LETTERS) + tail
        if kept:
            out.append('-' + kept)
        if tail and len(tail) == 1 and i < len(words):
            out.append(words[i])  # the option's value
            i += 1
    return out, tcount, dump


def blocks(full, nodump, head, hexdump):
    """The packets of full output: [(printed lines, dump lines)], using the
    run without dump flags to know where each packet starts (-A can print
    any line) and, for -A, how many lines it prints. With -x/-X (hexdump)
    the dump starts at the last "\t0x0000:" line: tcpdump's hex of a frame
    it cannot decode gives way to it, a decoder's own hex (RIP -vv) comes
    before it. None when the two runs do not line up."""
    starts = re.compile('^' + head) if head else re.compile(r'^\S')
    packets = []
    for line in nodump:
        if starts.match(line) or not packets:
            packets.append([line])
        else:
            packets[-1].append(line)
    out, pos = [], 0
    for k, printed in enumerate(packets):
        if pos >= len(full) or full[pos] != printed[0]:
            return None
        end = pos + 1
        nxt = packets[k + 1][0] if k + 1 < len(packets) else None
        while end < len(full) and full[end] != nxt:
            end += 1
        block = full[pos:end]
        n = len(printed)
        if hexdump:
            n = max((i for i, l in enumerate(block) if i and l.startswith('\t0x0000:')),
                    default=len(block))
        out.append((block[:n], block[n:]))
        pos = end
    return out if pos == len(full) else None


def strip_columns(line, head):
    """A log's line without its interface and direction columns."""
    m = re.match(head, line) if head else None
    at = m.end() if m else 0
    c = COLUMNS.match(line, at)
    return line[:at] + line[c.end():] if c else line


def run_both(a, capture, flags, tflags):
    rc, ours, err = run([a.tcrec, 'print'] + flags + [capture])
    if rc:
        print(f'tcrec print {" ".join(flags)}: exit {rc}, stderr: {err}', file=sys.stderr)
        return None
    rc, ref, err = run(['tcpdump', '-nn', '-S'] + tflags + flags + ['-r', a.trace])
    if rc:
        print('tcpdump failed: ' + err, file=sys.stderr)
        return None
    return ours.split('\n')[:-1], ref.split('\n')[:-1]


def time_head(head, line):
    m = re.match(head, line) if head else None
    return m.group(0) if m else None if head else ''


def compare(a, ours, ref):
    """(equal lines, tcpdump lines, problems); a.dumps gets (equal, tcpdump's)
    dump lines."""
    equal, bad = 0, []
    a.dumps = [0, sum(len(d) for _, d in ref)]
    for i, ((op, od), (rp, rd)) in enumerate(zip(ours, ref)):
        equal += sum(1 for o, r in zip(op, rp) if o == r)
        same = sum(1 for o, r in zip(od, rd) if o == r)
        equal += same
        a.dumps[0] += same
        if a.all_dumps and od != rd and op != rp:
            bad.append((i, 'dump (the lines differ too)', '\n'.join(od[:2]), '\n'.join(rd[:2])))
        if time_head(a.head_re, op[0]) != time_head(a.head_re, rp[0]):
            bad.append((i, 'time head', op[0], rp[0]))
        elif op == rp and od != rd:
            diff = next((k for k in range(max(len(od), len(rd)))
                         if k >= len(od) or k >= len(rd) or od[k] != rd[k]), 0)
            bad.append((i, f'dump line {diff + 1} (of {len(od)}/{len(rd)})',
                        od[diff] if diff < len(od) else '(none)',
                        rd[diff] if diff < len(rd) else '(none)'))
    return equal, sum(len(p) + len(d) for p, d in ref), bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--tcrec', required=True)
    ap.add_argument('--gen', required=True)
    ap.add_argument('--trace', required=True, help="a pcap, 'edge' for make_edge_pcap.py's, "
                    "'times' for one with odd times and payloads")
    ap.add_argument('--flags', action='append',
                    help='the flags given to both, e.g. "-XX -e"; repeat for more sets')
    ap.add_argument('--input', choices=('log', 'pcap'), default='log',
                    help='print a log made of the trace, or the trace itself')
    ap.add_argument('--make-as', choices=('sll', 'sll2', 'raw', 'ns'),
                    help="the trace made into another link type first (make_capture_files.py)")
    ap.add_argument('--snap', type=int, default=0, help='pcap2tclog -s N (default 0: whole packets)')
    ap.add_argument('--min-share', type=float, default=1.0)
    ap.add_argument('--no-bytes', action='store_true',
                    help='a metadata-only log: the dump flags must print no dump '
                    'and say so once on stderr')
    ap.add_argument('--all-dumps', action='store_true',
                    help='every dump line equal, also where the printed lines differ')
    argv = sys.argv[1:]
    # "--flags -v": argparse would take -v for an option of its own
    i = 0
    while i < len(argv) - 1:
        if argv[i] == '--flags':
            argv[i:i + 2] = ['--flags=' + argv[i + 1]]
        i += 1
    a = ap.parse_args(argv)
    if not shutil.which('tcpdump'):
        print('tcpdump not found: cannot run the oracle', file=sys.stderr)
        return 77
    work = tempfile.mkdtemp(prefix='tcrec-flags-')
    try:
        if a.trace == 'times':
            a.trace = os.path.join(work, 'times.pcap')
            write_times_pcap(a.trace)
        if a.make_as:
            here = os.path.dirname(os.path.abspath(__file__))
            rc, _, err = run([sys.executable, os.path.join(here, 'make_capture_files.py'),
                              a.trace, work])
            if rc:
                print('make_capture_files.py failed: ' + err, file=sys.stderr)
                return 1
            a.trace = os.path.join(work, a.make_as + '.pcap')
        made = make_log(a.gen, a.trace, None if a.no_bytes else a.snap, work)
        if not made:
            return 1
        a.trace, log = made
        capture = log if a.input == 'log' else a.trace
        print(f'{os.path.basename(a.trace)} ({a.input})')
        rc = 0
        for flags in a.flags or ['']:
            rc |= (no_bytes if a.no_bytes else one_set)(a, capture, flags)
        return rc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def no_bytes(a, log, flags):
    """A log without packet bytes: the lines of FLAGS are those without its
    dump flags, and stderr holds one note naming the log. 0 ok, 1 not."""
    words = shlex.split(flags)
    rc, ours, err = run([a.tcrec, 'print'] + words + [log])
    rc2, plain, err2 = run([a.tcrec, 'print'] + split_flags(words)[0] + [log])
    notes = err.splitlines()
    ok = not rc and not rc2 and not err2 and ours == plain and ours and len(notes) == 1 and \
        log in notes[0] and 'without -s' in notes[0]
    print(f'flags {flags} on a metadata-only log: {len(ours.splitlines())} lines, '
          f'as without the dump flags: {ours == plain}, stderr: {err.strip()!r}')
    return 0 if ok else 1


def one_set(a, capture, flags):
    """Compares one flag set; 0 ok, 1 not."""
    words = shlex.split(flags)
    nodump, tcount, dump = split_flags(words)
    hexdump = dump and any(w.startswith('-') and not w.startswith('--') and
                           ('x' in w or 'X' in w) for w in words)
    tflags = [] if tcount else ['-tttt']
    head = HEADS[T_HEAD.get(tcount, 3)]
    a.head_re = head
    full = run_both(a, capture, words, tflags)
    plain = run_both(a, capture, nodump, tflags) if dump else full
    if not full or not plain:
        return 1
    if a.input == 'log':
        full = ([strip_columns(l, head) for l in full[0]], full[1])
        plain = ([strip_columns(l, head) for l in plain[0]], plain[1])
    ours = blocks(full[0], plain[0], head, hexdump)
    ref = blocks(full[1], plain[1], head, hexdump)
    if ours is None or ref is None:
        who = 'tcrec' if ours is None else 'tcpdump'
        print(f'flags {flags}: {who}: output with and without the dump flags do not line up',
              file=sys.stderr)
        return 1
    if len(ours) != len(ref):
        print(f'flags {flags}: packets: tcrec {len(ours)}, tcpdump {len(ref)}', file=sys.stderr)
        return 1
    equal, total, bad = compare(a, ours, ref)
    share = equal / total if total else 1.0
    print(f'flags {flags}: {equal}/{total} lines equal ({100 * share:.1f}%)')
    if dump:
        print(f'dump lines: {a.dumps[0]}/{a.dumps[1]} equal')
    for i, why, o, r in bad[:8]:
        print(f'flags {flags}: packet {i + 1}: {why}\n  tcrec:   {o!r}\n  tcpdump: {r!r}',
              file=sys.stderr)
    if not total:
        print('tcpdump printed nothing: the comparison proves nothing', file=sys.stderr)
        return 1
    if share + 1e-9 < a.min_share:
        print(f'flags {flags}: share {share:.4f} below --min-share {a.min_share}', file=sys.stderr)
        return 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
