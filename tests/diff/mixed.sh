#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Mixed inputs, offline: TRACE made into tcrec logs (metadata only, and with
# whole packets; pcap2tclog writes them without the kernel) must be "same" as
# the pcap in both orders, and as the trace converted to pcapng by editcap.
# And TRACE with a VLAN tag pushed on every frame (a stack of three becomes
# more than a record holds): as pcap and as a log with whole packets "same"
# as TRACE; as a metadata-only log "same" as its own pcap.
#
#   mixed.sh TCREC PCAP2TCLOG TRACE
set -euo pipefail
tcrec=$1 gen=$2 trace=$3
for t in editcap capinfos python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed" >&2; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
name=$(basename "$trace")

"$gen" "$trace" "$work/meta.tclog" >/dev/null
"$gen" -s 0 "$trace" "$work/full.tclog" >/dev/null
mkdir "$work/rotated"
"$gen" --rotate 100 "$trace" "$work/rotated" >/dev/null
editcap -F pcapng "$trace" "$work/trace.pcapng"

python3 - "$trace" "$work/pushed.pcap" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
e = '<' if struct.unpack('<I', d[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else '>'
if struct.unpack(e + 'I', d[20:24])[0] != 1:
    sys.exit('mixed.sh: wants an Ethernet pcap')
out, off = [d[:24]], 24
while off + 16 <= len(d):
    sec, frac, cap, orig = struct.unpack(e + 'IIII', d[off:off + 16])
    fr, n = d[off + 16:off + 16 + cap], cap
    if cap >= 12:  # 802.1Q, VLAN 20, outside whatever tags were there
        fr, cap, orig = fr[:12] + b'\x81\x00\x00\x14' + fr[12:], cap + 4, orig + 4
    out.append(struct.pack(e + 'IIII', sec, frac, cap, orig) + fr)
    off += 16 + n
open(sys.argv[2], 'wb').write(b''.join(out))
EOF
"$gen" "$work/pushed.pcap" "$work/pushed-meta.tclog" >/dev/null
# whole packets under the snap length `tcrec record -s 0` writes in the
# header (pcap2tclog -s 0 writes 0 there, which FORMAT.md reads as metadata
# only, and diff keys frames past a full tag stack only when both sides
# have bytes)
"$gen" -s 262144 "$work/pushed.pcap" "$work/pushed-full.tclog" >/dev/null

same() {
	local rc=0
	"$tcrec" diff "$1" "$2" >"$work/out.txt" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		cat "$work/out.txt" >&2
		echo "FAIL: $name: $(basename "$1") vs $(basename "$2") exited $rc, want 0 (same)" >&2
		exit 1
	fi
	grep -q "^matched *$(capinfos -M -c -T "$trace" | awk -F'\t' 'NR==2 {print $2}')\$" \
		"$work/out.txt" || { cat "$work/out.txt" >&2; echo "FAIL: not every packet matched" >&2; exit 1; }
}
same "$work/meta.tclog" "$trace"
same "$trace" "$work/meta.tclog"
same "$work/full.tclog" "$trace"
same "$work/trace.pcapng" "$work/full.tclog"
same "$work/rotated" "$work/trace.pcapng"
same "$work/meta.tclog" "$work/full.tclog"
same "$trace" "$work/pushed.pcap"
same "$work/pushed-full.tclog" "$trace"
same "$work/pushed-meta.tclog" "$work/pushed.pcap"
echo "$name: tcrec logs (metadata, full, rotated dir), pcap and pcapng all same; a VLAN tag pushed too" >&2
