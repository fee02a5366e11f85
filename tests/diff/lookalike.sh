#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Packets that all look alike: unconnected UDP with IPv4 ID 0 (same 5-tuple,
# length and ID; same payload too). B is A exactly 100 us later.
#  - every delay is exactly 100 us, nothing lost, added or reordered, at 20k
#    and 80k packets per side (all of them inside one window);
#  - 80k packets take well under 5 s, and not much more than 20k do (the
#    matcher once walked every waiting look-alike: 1.3 s and 16 s);
#  - a crafted metadata-only log of 300k identical records with one time
#    stamp (a few hundred KB) is diffed against itself within 30 s.
#
#   lookalike.sh TCREC PCAP2TCLOG
set -euo pipefail
tcrec=$1 gen=$2
command -v python3 >/dev/null || { echo "SKIP: python3 not installed" >&2; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# write N GAP_NS SHIFT_NS OUT: N look-alike UDP packets GAP_NS apart
write() {
	python3 - "$@" <<'EOF'
import struct, sys
n, gap, shift, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
udp = struct.pack('!HHHH', 5000, 6000, 8 + 32, 0) + b'\0' * 32
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                 bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
s = sum(struct.unpack('!10H', ip))
s = (s & 0xffff) + (s >> 16)
ip = ip[:10] + struct.pack('!H', ~s & 0xffff) + ip[12:]
frame = bytes.fromhex('020000000002' '020000000001' '0800') + ip + udp
t0 = 1700000000 * 10**9 + shift
out_b = [struct.pack('<IHHiIII', 0xa1b23c4d, 2, 4, 0, 0, 262144, 1)]  # ns pcap
if gap == 0:  # one time stamp: the same record n times
    out_b += [struct.pack('<IIII', t0 // 10**9, t0 % 10**9, len(frame), len(frame)) + frame] * n
for i in range(n if gap else 0):
    t = t0 + i * gap
    out_b.append(struct.pack('<IIII', t // 10**9, t % 10**9, len(frame), len(frame)) + frame)
open(out, 'wb').write(b''.join(out_b))
EOF
}

# check JSON N: all N matched at exactly 100 us, nothing else
check() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
dl = d['delay']
bad = []
if (d['matched'], d['lost'], d['added'], d['duplicated'], d['reordered']) != (n, 0, 0, 0, 0):
    bad.append(f"matched {d['matched']} lost {d['lost']} added {d['added']} "
               f"duplicated {d['duplicated']} reordered {d['reordered']}, want {n} 0 0 0 0")
for k in ('min_ns', 'p50_ns', 'p99_ns', 'max_ns'):
    if dl[k] != 100000:
        bad.append(f'delay {k} {dl[k]}, want 100000')
for b in bad:
    print('MISMATCH', b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
}

now() { date +%s.%N; }
declare -A took
for n in 20000 80000; do
	write "$n" 10000 0 "$work/a$n.pcap"
	write "$n" 10000 100000 "$work/b$n.pcap"
	t0=$(now)
	rc=0
	timeout 60 "$tcrec" diff --json "$work/a$n.pcap" "$work/b$n.pcap" >"$work/$n.json" || rc=$?
	took[$n]=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$t0" "$(now)")
	((rc == 0)) || fail "$n look-alikes: exit $rc after ${took[$n]} s, want 0 (same packets)"
	check "$work/$n.json" "$n" || fail "$n look-alikes 100 us apart: wrong pairs"
done
echo "look-alikes: 20k in ${took[20000]} s, 80k in ${took[80000]} s" >&2
python3 - "${took[20000]}" "${took[80000]}" <<'EOF' || exit 1
import sys
t20, t80 = map(float, sys.argv[1:])
# linear would be 4x; quadratic was 12x. Generous bounds for a loaded machine.
if t80 > 5:
    sys.exit(f'FAIL: 80k look-alikes took {t80} s (> 5 s)')
if t80 > 6 * max(t20, 0.1):
    sys.exit(f'FAIL: 80k look-alikes took {t80} s, 20k {t20} s: not linear')
EOF

# The crafted log: 300k identical records, one time stamp.
write 300000 0 0 "$work/same.pcap"
"$gen" "$work/same.pcap" "$work/same.tclog" >/dev/null
rm -f "$work/same.pcap"
t0=$(now)
rc=0
timeout 30 "$tcrec" diff --json "$work/same.tclog" "$work/same.tclog" >"$work/same.json" || rc=$?
((rc != 124)) || fail "crafted log of $(stat -c %s "$work/same.tclog") bytes: no result in 30 s"
((rc == 0)) || fail "crafted log: exit $rc, want 0"
python3 - "$work/same.json" <<'EOF' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
if (d['matched'], d['lost'], d['added'], d['reordered'], d['delay']['max_ns']) != (300000, 0, 0, 0, 0):
    sys.exit(f"FAIL: crafted log against itself: matched {d['matched']} lost {d['lost']} "
             f"added {d['added']} reordered {d['reordered']} max delay {d['delay']['max_ns']}")
EOF
echo "crafted log ($(stat -c %s "$work/same.tclog") bytes, 300k identical records):" \
	"$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$t0" "$(now)") s" >&2
