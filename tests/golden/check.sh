#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `tcrec print` on a log made from a trace (metadata only, UTC) must print
# exactly the golden file. update.sh writes a golden file only after
# oracle.py accounted for every one of its lines against tcpdump and tshark;
# a trace without one fails here.
#   check.sh TCREC PCAP2TCLOG TRACE GOLDEN
set -euo pipefail
tcrec=$1 gen=$2 trace=$3 golden=$4
[ -f "$trace" ] || { echo "no trace $trace" >&2; exit 1; }
if [ ! -f "$golden" ]; then
	echo "no golden file $golden: run tests/golden/update.sh BUILD_DIR, which writes it" \
		"once every line of the output is accounted for by tcpdump or tshark" >&2
	exit 1
fi
work=$(mktemp -d /tmp/tcrec-golden.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$gen" "$trace" "$work/t.tclog" >/dev/null
TZ=UTC "$tcrec" print "$work/t.tclog" >"$work/out.txt"
if ! cmp -s "$golden" "$work/out.txt"; then
	echo "tcrec print differs from $golden:" >&2
	diff -u "$golden" "$work/out.txt" | head -40 >&2
	exit 1
fi
lines=$(wc -l <"$golden")
[ "$lines" -gt 0 ] || { echo "$golden is empty" >&2; exit 1; }
echo "$lines lines equal to $(basename "$golden")"
