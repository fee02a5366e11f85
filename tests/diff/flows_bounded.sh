#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Memory of `tcrec diff` does not grow with the number of flows: many short
# flows (one UDP packet each, 5 us apart, every one its own 5-tuple) diffed
# with a 100 ms window hold about 20k flows at a time, whether there are
# 100k or 400k of them. Checked: peak RSS of the 400k run stays within 8 MB
# of the 100k run (a table of every flow grew by ~130 bytes a flow: +40 MB),
# the flows held at once (flows.peak_held) stay near the window's packets,
# and the totals still count every flow.
#
#   flows_bounded.sh TCREC
set -euo pipefail
tcrec=$1
command -v python3 >/dev/null || { echo "SKIP: python3 not installed" >&2; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# flows N OUT: N one-packet UDP flows, 5 us apart
flows() {
	python3 - "$@" <<'EOF'
import struct, sys
n, out = int(sys.argv[1]), sys.argv[2]
t0 = 1700000000 * 10**9
parts = [struct.pack('<IHHiIII', 0xa1b23c4d, 2, 4, 0, 0, 262144, 1)]
head = bytes.fromhex('020000000002' '020000000001' '0800')
for i in range(n):
    dst = bytes([10, 1 + (i >> 16), (i >> 8) & 255, i & 255])
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 28, i & 0xffff, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), dst)
    frame = head + ip + struct.pack('!HHHH', 1024 + i % 50000, 53, 8, 0)
    t = t0 + i * 5000
    parts.append(struct.pack('<IIII', t // 10**9, t % 10**9, len(frame), len(frame)) + frame)
open(out, 'wb').write(b''.join(parts))
EOF
}

# measure N: diff the N-flow capture against itself; prints "rss_kb peak_held"
measure() {
	python3 - "$tcrec" "$work/f$1.pcap" "$work/f$1.json" "$1" <<'EOF'
import json, resource, subprocess, sys
tcrec, pcap, out, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(out, 'w') as f:
    rc = subprocess.run([tcrec, 'diff', '--json', '--window', '100', pcap, pcap], stdout=f).returncode
if rc != 0:
    sys.exit(f'FAIL: {n} flows against themselves: exit {rc}, want 0')
d = json.load(open(out))
fl = d['flows']
if (fl['total'], fl['both'], d['matched']) != (n, n, n):
    sys.exit(f"FAIL: {n} flows: total {fl['total']} both {fl['both']} matched {d['matched']}")
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(rss, fl.get('peak_held', 'absent'))
EOF
}

flows 100000 "$work/f100000.pcap"
flows 400000 "$work/f400000.pcap"
read -r rss_small held_small < <(measure 100000)
read -r rss_big held_big < <(measure 400000)
echo "peak RSS: 100k flows $((rss_small / 1024)) MB (held $held_small), 400k flows $((rss_big / 1024)) MB (held $held_big)" >&2
if ((rss_big > rss_small + 8 * 1024)); then
	echo "FAIL: 400k flows took $(((rss_big - rss_small) / 1024)) MB more than 100k: memory grows with the flows" >&2
	exit 1
fi
# 100 ms at one packet per 5 us: 20k packets in a window (and the packets of
# one more window waiting to be judged)
if [ "$held_big" = absent ] || ((held_big > 45000)); then
	echo "FAIL: $held_big flows held at once, want at most 45000 (two windows of packets)" >&2
	exit 1
fi
