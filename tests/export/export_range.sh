#!/bin/bash
# --since/--until on a log of many chunks (one per 100 records): the export
# holds exactly the packets of the original trace inside [since, until)
# (times as tshark reads them), and only the chunks that overlap the range
# are decompressed.
# Usage: export_range.sh TRACE TCREC TRACE_TO_LOG
set -euo pipefail
here=$(dirname "$0")
. "$here/fields.sh"
t=$1 tcrec=$2 to_log=$3
need_tools tshark
[ -r "$t" ] || { echo "FAIL: cannot read $t" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
per_chunk=100

"$to_log" -k $per_chunk "$t" "$tmp/x.tclog" >/dev/null
# Integer ns per packet: 19 digits, so they compare as strings.
tshark -r "$t" -T fields -e frame.time_epoch 2>/dev/null | tr -d . >"$tmp/ts"
tshark_fields "$t" f >"$tmp/fields"
paste "$tmp/ts" "$tmp/fields" >"$tmp/orig"
total=$(wc -l <"$tmp/ts")

rfc3339() { # ns -> RFC 3339 UTC with 9 decimals
	echo "$(date -u -d "@${1:0:10}" +%Y-%m-%dT%H:%M:%S).${1:10:9}Z"
}

fail=0
# check NAME SINCE_NS UNTIL_NS ARGS...: expected packets and chunks from the trace.
check() {
	local name=$1 since=$2 until=$3
	shift 3
	awk -v s="$since" -v u="$until" -F '\t' '$1 >= s && $1 < u' "$tmp/orig" | cut -f2- >"$tmp/want"
	local want_chunks
	want_chunks=$(awk -v s="$since" -v u="$until" -v k=$per_chunk '
		{ c = int((NR - 1) / k); if (!(c in lo) || $1 < lo[c]) lo[c] = $1; if ($1 > hi[c]) hi[c] = $1 }
		END { for (c in lo) if (hi[c] >= s && lo[c] < u) n++; print n + 0 }' "$tmp/ts")
	"$tcrec" export "$tmp/x.tclog" -o "$tmp/r.pcapng" "$@" 2>"$tmp/err"
	local got_chunks
	got_chunks=$(sed -n 's/.*(\([0-9]*\) chunks decompressed.*/\1/p' "$tmp/err")
	tshark_fields "$tmp/r.pcapng" f >"$tmp/got"
	local nw ng eq
	nw=$(wc -l <"$tmp/want")
	ng=$(wc -l <"$tmp/got")
	eq=$(count_equal "$tmp/want" "$tmp/got")
	echo "$name: $ng packets exported, $nw in range of $total, $eq equal; chunks decompressed $got_chunks, overlapping $want_chunks of $(( (total + per_chunk - 1) / per_chunk ))"
	if [ "$ng" != "$nw" ] || [ "$eq" != "$nw" ] || [ "$got_chunks" != "$want_chunks" ]; then
		fail=1
	fi
}

first=$(sed -n 1p "$tmp/ts")
t1001=$(sed -n 1001p "$tmp/ts")
t3001=$(sed -n 3001p "$tmp/ts")
far=9999999999999999999
check "rfc3339 since+until" "$t1001" "$t3001" --since "$(rfc3339 "$t1001")" --until "$(rfc3339 "$t3001")"
check "since only" "$t3001" $far --since "$(rfc3339 "$t3001")"
off_ns=$((first + 10 * 1000000000))
check "+10s offset" "$off_ns" $far --since +10s
check "+2s to +4500ms" "$((first + 2000000000))" "$((first + 4500000000))" --since +2s --until +4500ms
# Zone offsets mean the same instant.
s=$(date -u -d "@$(( ${t1001:0:10} + 3600 ))" +%Y-%m-%dT%H:%M:%S).${t1001:10:9}+01:00
check "+01:00 zone" "$t1001" $far --since "$s"
check "empty range" 1000000000000000000 1000000001000000000 --since 2001-09-09T01:46:40Z --until 2001-09-09T01:46:41Z
exit $fail
