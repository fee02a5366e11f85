#!/bin/bash
# For every trace: parse each packet into a metadata-only record,
# synthesize its headers, write pcapng, and read both with tshark
# (synth_check.py): every field a record holds must read the same, the
# export's other fields may lack what a record does not hold but never
# differ, every IPv4 header checksum of the export must be good per tshark,
# and every synthesized packet must say so in a comment.
# Usage: synth_vs_tshark.sh TRACES_DIR TRACE_CONVERT
set -euo pipefail
here=$(dirname "$0")
. "$here/fields.sh"
traces=$1 convert=$2
need_tools tshark python3
shopt -s nullglob
files=("$traces"/*.pcap)
if [ ${#files[@]} -eq 0 ]; then
	echo "no traces in $traces" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail=0
for t in "${files[@]}"; do
	name=$(basename "$t" .pcap)
	"$convert" synth-pcapng "$t" "$tmp/$name.pcapng" >/dev/null
	if ! python3 "$here/synth_check.py" "$t" "$tmp/$name.pcapng"; then
		echo "$name: the export does not read as the original (first differences above)" >&2
		fail=1
	fi
done
exit $fail
