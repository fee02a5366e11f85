#!/bin/bash
# Every shared trace turned into a log (metadata only, and -s 256) without
# the kernel, then exported:
#  - metadata only: every packet of the .pcapng and the .pcap reads, in
#    tshark, as the original does, for everything a record holds of it
#    (record_view.py: headers quoted in ICMP errors, or past what the
#    capture parser keeps, are not in a metadata-only record);
#  - -s 256: tcpdump -x prints the same packets from the .pcap and the
#    .pcapng.zst as from the original cut to 256 bytes by editcap;
#  - capinfos counts and tcpdump -r agree on every export.
# Usage: export_logs.sh TRACES_DIR TCREC TRACE_TO_LOG
set -euo pipefail
here=$(dirname "$0")
. "$here/fields.sh"
traces=$1 tcrec=$2 to_log=$3
need_tools tshark tcpdump capinfos editcap mergecap zstd python3
shopt -s nullglob
files=("$traces"/*.pcap)
[ ${#files[@]} -gt 0 ] || { echo "FAIL: no traces in $traces" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

count() { capinfos -c -M "$1" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }'; }

fail=0
for t in "${files[@]}"; do
	name=$(basename "$t" .pcap)
	total=$(count "$t")
	"$to_log" "$t" "$tmp/meta.tclog" >/dev/null
	"$to_log" -s 256 "$t" "$tmp/s256.tclog" >/dev/null
	"$tcrec" export -q "$tmp/meta.tclog" -o "$tmp/meta.pcapng"
	"$tcrec" export -q "$tmp/meta.tclog" -o "$tmp/meta.pcap"
	"$tcrec" export -q "$tmp/s256.tclog" -o "$tmp/s256.pcap"
	"$tcrec" export -q "$tmp/s256.tclog" -o "$tmp/s256.pcapng"
	"$tcrec" export -q "$tmp/s256.tclog" -o "$tmp/s256.pcapng.zst"

	# One tshark reads all three (record_view FILE...).
	record_view "$t" "$tmp/meta.pcapng" "$tmp/meta.pcap" >"$tmp/views"
	view_of "$tmp/views" 1 >"$tmp/orig"
	view_of "$tmp/views" 2 >"$tmp/meta"
	view_of "$tmp/views" 3 >"$tmp/metap"
	eq=$(count_equal "$tmp/orig" "$tmp/meta")
	eqp=$(count_equal "$tmp/orig" "$tmp/metap")

	editcap -s 256 "$t" "$tmp/cut.pcap"
	tcpdump -nn -tt -x -r "$tmp/cut.pcap" >"$tmp/cut.txt" 2>/dev/null
	same_bytes=0
	for f in s256.pcap s256.pcapng; do
		tcpdump -nn -tt -x -r "$tmp/$f" >"$tmp/got.txt" 2>/dev/null
		cmp -s "$tmp/cut.txt" "$tmp/got.txt" && same_bytes=$((same_bytes + 1))
	done
	zstd -qdc "$tmp/s256.pcapng.zst" | tcpdump -nn -tt -x -r - >"$tmp/got.txt" 2>/dev/null
	cmp -s "$tmp/cut.txt" "$tmp/got.txt" && same_bytes=$((same_bytes + 1))

	counts_ok=1
	for f in meta.pcapng meta.pcap s256.pcap s256.pcapng s256.pcapng.zst; do
		[ "$(count "$tmp/$f")" = "$total" ] || { echo "$name: $f: capinfos count differs" >&2; counts_ok=0; }
	done
	for f in meta.pcapng meta.pcap s256.pcap s256.pcapng; do
		n=$(tcpdump -nn -tt -r "$tmp/$f" 2>/dev/null | grep -c '^[0-9]*\.[0-9]* ' || true)
		[ "$n" = "$total" ] || { echo "$name: $f: tcpdump -r read $n of $total" >&2; counts_ok=0; }
	done
	echo "$name: metadata only: $eq/$total packets reading the same (pcapng), $eqp/$total (pcap); -s 256: bytes identical in $same_bytes/3 formats; counts ok: $counts_ok"
	if [ "$eq" != "$total" ] || [ "$eqp" != "$total" ] || [ "$same_bytes" != 3 ] || [ "$counts_ok" != 1 ]; then
		diff <(cat -n "$tmp/orig") <(cat -n "$tmp/meta") | head -4 >&2 || true
		fail=1
	fi
done
exit $fail
