#!/bin/bash
# For every shared trace: parse each packet into a metadata-only record,
# synthesize its headers, write pcapng, and compare what tshark reads from
# it with what tshark reads from the original trace, field by field.
# Usage: synth_vs_tshark.sh TRACES_DIR TRACE_CONVERT
set -euo pipefail
here=$(dirname "$0")
. "$here/fields.sh"
traces=$1 convert=$2
need_tools tshark
shopt -s nullglob
files=("$traces"/*.pcap)
if [ ${#files[@]} -eq 0 ]; then
	echo "skip: no traces in $traces" >&2
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail=0
for t in "${files[@]}"; do
	name=$(basename "$t" .pcap)
	"$convert" synth-pcapng "$t" "$tmp/$name.pcapng" >/dev/null
	tshark_fields "$t" f >"$tmp/orig"
	tshark_fields "$tmp/$name.pcapng" f >"$tmp/syn"
	tshark_fields "$t" a >"$tmp/orig.all"
	tshark_fields "$tmp/$name.pcapng" a >"$tmp/syn.all"
	total=$(wc -l <"$tmp/orig")
	got=$(wc -l <"$tmp/syn")
	eq=$(count_equal "$tmp/orig" "$tmp/syn")
	eq_all=$(count_equal "$tmp/orig.all" "$tmp/syn.all")
	# Every synthesized packet must say so and be shorter than or as long as the original.
	marked=$(tshark -n -r "$tmp/$name.pcapng" -Y 'frame.comment == "tcrec: synthesized headers" && frame.cap_len <= frame.len' 2>/dev/null | wc -l)
	echo "$name: $eq/$total packets with all fields equal (own headers); $eq_all/$total counting headers quoted in ICMP errors; $marked marked synthesized"
	if [ "$total" -eq 0 ] || [ "$got" -ne "$total" ] || [ "$eq" -ne "$total" ] || [ "$marked" -ne "$total" ]; then
		diff <(cat -n "$tmp/orig") <(cat -n "$tmp/syn") | head -6 >&2 || true
		fail=1
	fi
done
exit $fail
