#!/bin/bash
# The pcap/pcapng writers on their own: every packet of every shared trace
# written unchanged must read back identically with tcpdump (bytes and
# times) and tshark (a .pcapng.zst opened directly), with the counts of
# capinfos; in pcapng, tshark must show the interface and direction each
# packet was given (even packets in on trace0, odd ones out on trace1) and
# the drop counts written.
# Usage: writers.sh TRACES_DIR TRACE_CONVERT
set -euo pipefail
traces=$1 convert=$2
for t in tshark tcpdump capinfos zstd; do
	command -v $t >/dev/null || { echo "skip: $t is not installed" >&2; exit 77; }
done
shopt -s nullglob
files=("$traces"/*.pcap)
[ ${#files[@]} -gt 0 ] || { echo "FAIL: no traces in $traces" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() { capinfos -c -M "$1" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }'; }

fail=0
for t in "${files[@]}"; do
	name=$(basename "$t" .pcap)
	"$convert" bytes-pcap "$t" "$tmp/x.pcap" >/dev/null
	"$convert" bytes-pcapng "$t" "$tmp/x.pcapng" >/dev/null
	"$convert" bytes-pcapng-zst "$t" "$tmp/x.pcapng.zst" >/dev/null
	total=$(count "$t")
	tcpdump -nn -tt -x -r "$t" >"$tmp/want" 2>/dev/null
	ok=""
	for f in x.pcap x.pcapng; do
		tcpdump -nn -tt -x -r "$tmp/$f" >"$tmp/got" 2>/dev/null
		cmp -s "$tmp/want" "$tmp/got" && ok="$ok $f" || echo "$name: $f differs under tcpdump -x" >&2
	done
	# tshark 4.0 reads zstd-compressed pcapng without help.
	tshark -r "$t" -x 2>/dev/null >"$tmp/want.x"
	tshark -r "$tmp/x.pcapng.zst" -x 2>/dev/null >"$tmp/got.x"
	cmp -s "$tmp/want.x" "$tmp/got.x" && ok="$ok x.pcapng.zst" || echo "$name: .pcapng.zst differs under tshark -x" >&2
	for f in x.pcap x.pcapng x.pcapng.zst; do
		[ "$(count "$tmp/$f")" = "$total" ] || { echo "$name: $f: capinfos count differs" >&2; fail=1; }
	done
	# Interface, direction and drop count per packet as written.
	bad=$(tshark -r "$tmp/x.pcapng" -T fields -e frame.number -e frame.interface_name \
		-e frame.packet_flags_direction -e frame.drop_count 2>/dev/null | awk -F '\t' '
		{ i = $1 - 1; want_if = i % 2 ? "trace1" : "trace0"; want_dir = i % 2 ? "0x00000002" : "0x00000001"
		  want_drop = i % 7 == 3 ? i : ""
		  if ($2 != want_if || $3 != want_dir || $4 != want_drop "") n++ }
		END { print n + 0 }')
	echo "$name: $total packets; identical in:$ok; packets with wrong interface/direction/drops: $bad"
	[ "$ok" = " x.pcap x.pcapng x.pcapng.zst" ] && [ "$bad" = 0 ] || fail=1
done
exit $fail
