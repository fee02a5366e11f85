#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Rewrites the golden files of `tcrec print`, one per shared trace, but only
# for traces whose output first agrees with tcpdump line by line
# (tests/readers/print_vs_tcpdump.py, the oracle).
#   update.sh BUILD_DIR [TRACES_DIR]
set -euo pipefail
build=$1
traces=${2:-$(dirname "$0")/../../../shared/traces}
here=$(cd "$(dirname "$0")" && pwd)
tcrec=$build/recorder/tcrec gen=$build/tests/pcap2tclog
work=$(mktemp -d /tmp/tcrec-golden.XXXXXX)
trap 'rm -rf "$work"' EXIT
for trace in "$traces"/*.pcap; do
	name=$(basename "$trace" .pcap)
	python3 "$here/../readers/print_vs_tcpdump.py" --tcrec "$tcrec" --gen "$gen" --trace "$trace" \
		>/dev/null || { echo "$name: differs from tcpdump, golden file not written" >&2; exit 1; }
	"$gen" "$trace" "$work/t.tclog" >/dev/null
	TZ=UTC "$tcrec" print "$work/t.tclog" >"$here/$name.txt"
	echo "$name: $(wc -l <"$here/$name.txt") lines"
done
