#!/bin/bash
# tcrec export LOG -o OUT FILTER writes exactly the packets tcpdump -r
# selects from the original trace with the same expression, for header
# filters, from metadata-only logs (the filter sees synthesized headers) and
# from -s 256 logs: the same packets in the same order, each reading in
# tshark as the original does for everything a record holds of it
# (record_view.py), its timestamp included.
# Usage: export_filter.sh TRACES_DIR TCREC TRACE_TO_LOG
set -euo pipefail
here=$(dirname "$0")
. "$here/fields.sh"
traces=$1 tcrec=$2 to_log=$3
need_tools tshark tcpdump mergecap python3
shopt -s nullglob
files=("$traces"/*.pcap)
[ ${#files[@]} -gt 0 ] || { echo "FAIL: no traces in $traces" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
filters=("tcp" "udp port 53" "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0" "ip6" "vlan and vlan and icmp"
	"ip[6:2] & 0x3fff != 0" "net 10.0.0.0/8 and greater 1000" "not ip and not ip6")
modes=(meta s256)
fail=0
for t in "${files[@]}"; do
	name=$(basename "$t" .pcap)
	"$to_log" "$t" "$tmp/meta.tclog" >/dev/null
	"$to_log" -s 256 "$t" "$tmp/s256.tclog" >/dev/null
	# Every export of this trace first, then one tshark reads the original
	# and all of them (record_view FILE...): tshark's start is the cost.
	exports=()
	for k in "${!filters[@]}"; do
		f=${filters[$k]}
		tcpdump -nn -r "$t" -w "$tmp/want.$k.pcap" "$f" 2>/dev/null
		python3 "$here/record_view.py" --index "$t" "$tmp/want.$k.pcap" >"$tmp/want.$k.idx"
		for mode in "${modes[@]}"; do
			# The expression as separate words, as tcpdump takes it (read does not glob).
			read -ra words <<<"$f"
			"$tcrec" export -q "$tmp/$mode.tclog" -o "$tmp/got.$k.$mode.pcapng" "${words[@]}"
			exports+=("$tmp/got.$k.$mode.pcapng")
		done
	done
	record_view "$t" "${exports[@]}" >"$tmp/views"
	line="$name:"
	n=1
	for k in "${!filters[@]}"; do
		# The original's views of the packets tcpdump selected.
		view_of "$tmp/views" 1 | awk 'NR == FNR { want[$1] = 1; next } want[FNR]' "$tmp/want.$k.idx" - >"$tmp/want"
		nw=$(wc -l <"$tmp/want")
		for mode in "${modes[@]}"; do
			n=$((n + 1))
			view_of "$tmp/views" $n >"$tmp/got"
			ng=$(wc -l <"$tmp/got")
			eq=$(count_equal "$tmp/want" "$tmp/got")
			if [ "$ng" != "$nw" ] || [ "$eq" != "$nw" ]; then
				echo "$name: '${filters[$k]}' ($mode): tcpdump selects $nw, export has $ng, $eq equal" >&2
				diff <(cat -n "$tmp/want") <(cat -n "$tmp/got") | head -4 >&2 || true
				fail=1
			fi
		done
		line="$line $nw"
	done
	echo "$line packets selected (filters: ${filters[*]/%/;})"
done
exit $fail
