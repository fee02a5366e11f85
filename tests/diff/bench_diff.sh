#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of `tcrec diff`: speed (packets/s per side) and peak RSS on two
# captures of N packets each (default 1 million), as pcap and as tcrec logs.
# A = TRACE repeated at 100k packets/s (pcapmut --loop: every copy gets its
# own IPv4 ID / flow label), B = A without every 1000th packet and 3 ms later.
# The diff must find exactly those losses; RSS must not grow with N (the
# window, 2 s = 200k packets, bounds it): a run on N/4 packets is compared.
# Reported: best wall time of three runs, CPU seconds of that run (all
# threads: one reader per side and the matcher), packets per second per
# side by wall time and per CPU second, peak RSS.
#
#   bench_diff.sh TCREC PCAPMUT PCAP2TCLOG TRACE [N]
# Not part of the default ctest run except as a small smoke run (N=20000).
set -euo pipefail
tcrec=$1 pcapmut=$2 gen=$3 trace=$4 n=${5:-1000000}
pps=100000 every=1000
[ -x /usr/bin/time ] || { echo "SKIP: /usr/bin/time (GNU time) not installed" >&2; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed" >&2; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/tcrec-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

make_inputs() { # N PREFIX
	"$pcapmut" --loop "$1" --pps "$pps" "$trace" "$2a.pcap"
	"$pcapmut" --loop "$1" --pps "$pps" --drop-every "$every" --delay-us 3000 "$trace" "$2b.pcap"
	# chunks of 8192 records, about what the recorder writes at this rate
	"$gen" --chunk 8192 "$2a.pcap" "$2a.tclog" >/dev/null
	"$gen" --chunk 8192 "$2b.pcap" "$2b.tclog" >/dev/null
}

# run N PREFIX FORMAT -> prints "wall user sys rss_kb"
run() {
	local rc=0
	/usr/bin/time -o "$work/time" -f "%e %U %S %M" \
		"$tcrec" diff --json "$2a.$3" "$2b.$3" >"$work/out.json" || rc=$?
	[ "$rc" -eq 1 ] || { echo "FAIL: diff exited $rc, want 1" >&2; exit 1; }
	python3 - "$work/out.json" "$1" "$every" <<'EOF' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
n, every = int(sys.argv[2]), int(sys.argv[3])
lost = n // every
want = dict(lost=lost, matched=n - lost, added=0, duplicated=0, reordered=0)
bad = {k: d[k] for k in want if d[k] != want[k]}
if bad:
    sys.exit(f'FAIL: diff says {bad}, expected {want}')
if (d['delay']['p50_ns'], d['delay']['max_ns']) != (3000000, 3000000):
    sys.exit(f"FAIL: delay p50 {d['delay']['p50_ns']} max {d['delay']['max_ns']}, expected 3 ms")
EOF
	tail -n 1 "$work/time" # GNU time first says the exit status was not 0
}

make_inputs "$n" "$work/"
small=$((n / 4))
make_inputs "$small" "$work/s"
echo "inputs: $n packets per side at $pps packets/s of $(basename "$trace"); window 2000 ms" >&2
printf '%-6s %10s %8s %8s %14s %14s %10s %12s\n' format packets wall_s cpu_s "pps/side" "pps/side/cpu-s" rss_MB "rss_MB(N/4)" >&2
for fmt in pcap tclog; do
	# best wall time of three: other load on the machine only ever slows it
	best=""
	for _ in 1 2 3; do
		read -r w u s r < <(run "$n" "$work/" "$fmt")
		if [ -z "$best" ] || python3 -c 'import sys; sys.exit(float(sys.argv[1]) >= float(sys.argv[2]))' "$w" "$wall"; then
			best=1 wall=$w user=$u sys=$s rss=$r
		fi
	done
	read -r _ _ _ rss_small < <(run "$small" "$work/s" "$fmt")
	python3 - "$fmt" "$n" "$wall" "$user" "$sys" "$rss" "$rss_small" <<'EOF' >&2
import sys
fmt, n, wall, user, sys_, rss, rss_small = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
cpu = user + sys_
print(f'{fmt:<6} {n:>10} {wall:>8.2f} {cpu:>8.2f} {n / max(wall, 1e-3):>14,.0f} '
      f'{n / max(cpu, 1e-3):>14,.0f} {rss / 1024:>10.1f} {rss_small / 1024:>12.1f}')
EOF
done
