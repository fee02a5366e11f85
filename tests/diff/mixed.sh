#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Mixed inputs, offline: TRACE made into tcrec logs (metadata only, and with
# whole packets; pcap2tclog writes them without the kernel) must be "same" as
# the pcap in both orders, and as the trace converted to pcapng by editcap.
#
#   mixed.sh TCREC PCAP2TCLOG TRACE
set -euo pipefail
tcrec=$1 gen=$2 trace=$3
command -v editcap >/dev/null || { echo "SKIP: editcap not installed" >&2; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
name=$(basename "$trace")

"$gen" "$trace" "$work/meta.tclog" >/dev/null
"$gen" -s 0 "$trace" "$work/full.tclog" >/dev/null
mkdir "$work/rotated"
"$gen" --rotate 100 "$trace" "$work/rotated" >/dev/null
editcap -F pcapng "$trace" "$work/trace.pcapng"

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
echo "$name: tcrec logs (metadata, full, rotated dir), pcap and pcapng all same" >&2
