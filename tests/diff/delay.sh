#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One-way delay by construction. Case 1: B = TRACE with every timestamp
# 20 ms later (editcap -t 0.020): min = p50 = p90 = p99 = max = 20 ms.
# Case 2: B = TRACE with a per-packet offset of 1..9 ms chosen by the test
# (pcapmut --offsets, B re-sorted by time): the reported quantiles equal the
# nearest-rank quantiles of the offsets the test wrote (gt.py jitter).
# Case 3: B's clock 5 s ahead (editcap -t 5): beyond the 2 s window the
# packets do not match (exit 1, lost and added); with --clock-offset 4990
# every delay is exactly 10 ms.
#
#   delay.sh TCREC PCAPMUT TRACE
set -euo pipefail
tcrec=$1 pcapmut=$2 trace=$3
here=$(cd "$(dirname "$0")" && pwd)

for t in editcap python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed" >&2; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
name=$(basename "$trace")
npkts=$(capinfos -M -c -T "$trace" | awk -F'\t' 'NR==2 {print $2}')

# check JSON WANT: WANT = "min p50 p90 p99 max" in ns
check() {
	python3 - "$1" "$2" "$npkts" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
want = [int(x) for x in sys.argv[2].split()]
n = int(sys.argv[3])
dl = d['delay']
have = [dl['min_ns'], dl['p50_ns'], dl['p90_ns'], dl['p99_ns'], dl['max_ns']]
names = ['min', 'p50', 'p90', 'p99', 'max']
bad = [f'{k}: expected {w} ns, diff says {h}' for k, w, h in zip(names, want, have) if w != h]
if d['matched'] != n or dl['count'] != n:
    bad.append(f"matched {d['matched']} (delays {dl['count']}), expected all {n}")
if d['lost'] or d['added'] or d['duplicated']:
    bad.append(f"lost {d['lost']} added {d['added']} duplicated {d['duplicated']}, expected 0")
for b in bad:
    print('MISMATCH', b, file=sys.stderr)
print(' '.join(f'{k} {h / 1e6:.3f} ms' for k, h in zip(names, have)))
sys.exit(1 if bad else 0)
EOF
}

editcap -F pcap -t 0.020 "$trace" "$work/shift.pcap"
rc=0
"$tcrec" diff --json "$trace" "$work/shift.pcap" >"$work/shift.json" || rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: $name: +20 ms shift exited $rc, want 0" >&2; exit 1; }
echo -n "$name shift 20 ms: " >&2
check "$work/shift.json" "20000000 20000000 20000000 20000000 20000000" >&2

seed=$(printf '%s' "$name" | cksum | cut -d' ' -f1)
# gt.py prints p50 p90 p99 max min
read -r p50 p90 p99 max min < <(python3 "$here/gt.py" jitter "$trace" "$seed" "$work/offsets.txt")
"$pcapmut" --offsets "$work/offsets.txt" "$trace" "$work/jitter.pcap"
rc=0
"$tcrec" diff --json "$trace" "$work/jitter.pcap" >"$work/jitter.json" || rc=$?
# jitter may reorder packets (exit 1); anything else is trouble
[ "$rc" -le 1 ] || { echo "FAIL: $name: jitter diff exited $rc" >&2; exit 1; }
echo -n "$name jitter: " >&2
check "$work/jitter.json" "$min $p50 $p90 $p99 $max" >&2

editcap -F pcap -t 5 "$trace" "$work/clock.pcap"
rc=0
"$tcrec" diff --json "$trace" "$work/clock.pcap" >"$work/clock0.json" || rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL: $name: B 5 s ahead without --clock-offset exited $rc, want 1" >&2; exit 1; }
python3 - "$work/clock0.json" "$npkts" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
# a packet repeated about 5 s later in the trace may still find a look-alike
if d['matched'] * 2 > n or d['lost'] != n - d['matched'] or d['added'] != n - d['matched']:
    sys.exit(f"FAIL: 5 s apart, no offset: matched {d['matched']} lost {d['lost']} added {d['added']} of {n}")
EOF
rc=0
"$tcrec" diff --json --clock-offset 4990 "$trace" "$work/clock.pcap" >"$work/clock.json" || rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: $name: --clock-offset 4990 exited $rc, want 0" >&2; exit 1; }
echo -n "$name B clock +5 s, --clock-offset 4990: " >&2
check "$work/clock.json" "10000000 10000000 10000000 10000000 10000000" >&2
