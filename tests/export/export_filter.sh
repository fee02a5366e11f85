#!/bin/bash
# tcrec export LOG -o OUT FILTER writes exactly the packets tcpdump -r
# selects from the original trace with the same expression, for header
# filters, from metadata-only logs (the filter sees synthesized headers) and
# from -s 256 logs.
# Usage: export_filter.sh TRACES_DIR TCREC TRACE_TO_LOG
set -euo pipefail
here=$(dirname "$0")
. "$here/fields.sh"
traces=$1 tcrec=$2 to_log=$3
need_tools tshark tcpdump
shopt -s nullglob
files=("$traces"/*.pcap)
[ ${#files[@]} -gt 0 ] || { echo "FAIL: no traces in $traces" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
filters=("tcp" "udp port 53" "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0" "ip6" "vlan and vlan and icmp"
	"ip[6:2] & 0x3fff != 0" "net 10.0.0.0/8 and greater 1000" "not ip and not ip6")
fail=0
for t in "${files[@]}"; do
	name=$(basename "$t" .pcap)
	"$to_log" "$t" "$tmp/meta.tclog" >/dev/null
	"$to_log" -s 256 "$t" "$tmp/s256.tclog" >/dev/null
	line="$name:"
	for f in "${filters[@]}"; do
		tcpdump -nn -r "$t" -w "$tmp/want.pcap" "$f" 2>/dev/null
		tshark_fields "$tmp/want.pcap" f >"$tmp/want"
		nw=$(wc -l <"$tmp/want")
		for mode in meta s256; do
			# The expression as separate words, as tcpdump takes it (read does not glob).
			read -ra words <<<"$f"
			"$tcrec" export -q "$tmp/$mode.tclog" -o "$tmp/got.pcapng" "${words[@]}"
			tshark_fields "$tmp/got.pcapng" f >"$tmp/got"
			ng=$(wc -l <"$tmp/got")
			eq=$(count_equal "$tmp/want" "$tmp/got")
			if [ "$ng" != "$nw" ] || [ "$eq" != "$nw" ]; then
				echo "$name: '$f' ($mode): tcpdump selects $nw, export has $ng, $eq equal" >&2
				fail=1
			fi
		done
		line="$line $nw"
	done
	echo "$line packets selected (filters: ${filters[*]/%/;})"
done
exit $fail
