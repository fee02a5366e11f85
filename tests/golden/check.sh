#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `tcrec print` on a log made from a shared trace (metadata only, UTC) must
# print exactly the golden file. The golden files are written by update.sh
# only after the same output agreed with tcpdump line by line.
#   check.sh TCREC PCAP2TCLOG TRACE GOLDEN
set -euo pipefail
tcrec=$1 gen=$2 trace=$3 golden=$4
[ -f "$trace" ] || { echo "no trace $trace" >&2; exit 77; }
work=$(mktemp -d /tmp/tcrec-golden.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$gen" "$trace" "$work/t.tclog" >/dev/null
TZ=UTC "$tcrec" print "$work/t.tclog" >"$work/out.txt"
if ! cmp -s "$golden" "$work/out.txt"; then
	echo "tcrec print differs from $golden:" >&2
	diff -u "$golden" "$work/out.txt" | head -40 >&2
	exit 1
fi
echo "$(wc -l <"$golden") lines equal to $(basename "$golden")"
