#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Hostile packet bytes: TRACE with random bytes of its packets' headers
# overwritten and some captures cut short (fixed seeds). `tcrec diff` must
# read every packet (as many as capinfos counts), write valid JSON and exit
# 0 or 1, never crash or call the input damaged. Run it in a sanitizer build
# to catch a bad read.
#
#   robust.sh TCREC TRACE
set -euo pipefail
tcrec=$1 trace=$2
for t in python3 capinfos; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed" >&2; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for seed in 1 2; do
	python3 - "$trace" "$work/c.pcap" "$seed" <<'EOF'
import random, struct, sys
src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(seed)
d = bytearray(open(src, 'rb').read())
if struct.unpack('<I', d[:4])[0] not in (0xa1b2c3d4, 0xa1b23c4d):
    sys.exit('robust.sh: wants a little-endian classic pcap')
off = 24
while off + 16 <= len(d):
    cap = struct.unpack('<I', d[off + 8:off + 12])[0]
    for _ in range(rng.randint(0, 8)):
        if cap:
            d[off + 16 + rng.randrange(min(cap, 96))] = rng.randrange(256)
    if rng.random() < 0.05:
        new = rng.randrange(cap + 1)
        d[off + 8:off + 12] = struct.pack('<I', new)
        del d[off + 16 + new:off + 16 + cap]
        cap = new
    off += 16 + cap
open(dst, 'wb').write(d)
EOF
	want=$(capinfos -M -c -T "$work/c.pcap" | awk -F'\t' 'NR==2 {print $2}')
	for order in "$trace $work/c.pcap" "$work/c.pcap $trace"; do
		rc=0
		# shellcheck disable=SC2086 # two paths
		"$tcrec" diff --json --packets --write-unmatched "$work/u.pcapng" $order \
			>"$work/out.json" 2>"$work/err" || rc=$?
		if ((rc > 1)); then
			cat "$work/err" >&2
			echo "FAIL: seed $seed: exit $rc on corrupted packet bytes" >&2
			exit 1
		fi
		python3 - "$work/out.json" "$want" "$order" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
counts = [i['packets'] for i in d['inputs']]
want = int(sys.argv[2])
corrupted = 1 if sys.argv[3].split()[1].endswith('/c.pcap') else 0
if counts[corrupted] != want:
    sys.exit(f'FAIL: read {counts[corrupted]} packets of the corrupted trace, capinfos says {want}')
EOF
	done
done
echo "$(basename "$trace"): corrupted packet bytes read without trouble" >&2
