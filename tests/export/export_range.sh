#!/bin/bash
# --since/--until on a log of many chunks (one per 100 records): the export
# holds exactly the packets of the original trace inside [since, until)
# (times as tshark reads them), each reading as the original does for
# everything a record holds of it (record_view.py), and only the chunks
# that overlap the range are decompressed. The ranges are placed by the
# trace's own packet count and duration, so any trace of a few chunks does.
# Usage: export_range.sh TRACE TCREC TRACE_TO_LOG
set -euo pipefail
here=$(dirname "$0")
. "$here/fields.sh"
t=$1 tcrec=$2 to_log=$3
need_tools tshark python3
[ -r "$t" ] || { echo "FAIL: cannot read $t" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
per_chunk=100

"$to_log" -k $per_chunk "$t" "$tmp/x.tclog" >/dev/null
# Integer ns per packet: 19 digits, compared as strings below (awk would
# compare them as doubles, which hold 19 digits only to about 256 ns).
tshark -r "$t" -T fields -e frame.time_epoch 2>/dev/null | tr -d . >"$tmp/ts"
record_view "$t" >"$tmp/fields"
paste "$tmp/ts" "$tmp/fields" >"$tmp/orig"
total=$(wc -l <"$tmp/ts")
if grep -qvx '[0-9]\{19\}' "$tmp/ts"; then
	echo "FAIL: $t: tshark prints times that are not 19 digits of ns" >&2
	exit 1
fi
if ((total < 3 * per_chunk)); then
	echo "FAIL: $t: $total packets, the ranges need $((3 * per_chunk)) (3 chunks)" >&2
	exit 1
fi

rfc3339() { # ns -> RFC 3339 UTC with 9 decimals
	echo "$(date -u -d "@${1:0:10}" +%Y-%m-%dT%H:%M:%S).${1:10:9}Z"
}

fail=0
# check NAME SINCE_NS UNTIL_NS ARGS...: expected packets and chunks from the trace.
check() {
	local name=$1 since=$2 until=$3
	shift 3
	awk -v s="$since" -v u="$until" -F '\t' '"" $1 >= "" s && "" $1 < "" u' "$tmp/orig" | cut -f2- >"$tmp/want"
	local want_chunks
	want_chunks=$(awk -v s="$since" -v u="$until" -v k=$per_chunk '
		{ c = int((NR - 1) / k); t = "" $1
		  if (!(c in lo) || t < lo[c]) lo[c] = t; if (!(c in hi) || t > hi[c]) hi[c] = t }
		END { for (c in lo) if (hi[c] >= "" s && lo[c] < "" u) n++; print n + 0 }' "$tmp/ts")
	"$tcrec" export "$tmp/x.tclog" -o "$tmp/r.pcapng" "$@" 2>"$tmp/err"
	local got_chunks
	got_chunks=$(sed -n 's/.*(\([0-9]*\) chunks decompressed.*/\1/p' "$tmp/err")
	record_view "$tmp/r.pcapng" >"$tmp/got"
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
last=$(sort "$tmp/ts" | tail -n 1)
# Two packets about 3/10 and 7/10 into the trace, the range between them
# spanning several chunks.
ta=$(sed -n "$((total * 3 / 10 + 1))p" "$tmp/ts")
tb=$(sed -n "$((total * 7 / 10 + 1))p" "$tmp/ts")
# Offsets from the start: whole ms at 2/10, 4/10 and 6/10 of the duration,
# and one whole second.
dur_ms=$(((${last:0:16} - ${first:0:16}) / 1000))
((dur_ms >= 2000)) || { echo "FAIL: $t lasts $dur_ms ms, the offsets need 2 s" >&2; exit 1; }
o2=$((dur_ms * 2 / 10)) o4=$((dur_ms * 4 / 10)) o6=$((dur_ms * 6 / 10))
far=9999999999999999999
check "rfc3339 since+until" "$ta" "$tb" --since "$(rfc3339 "$ta")" --until "$(rfc3339 "$tb")"
check "since only" "$tb" $far --since "$(rfc3339 "$tb")"
check "+1s offset" "$((first + 1000000000))" $far --since +1s
check "+${o4}ms offset" "$((first + o4 * 1000000))" $far --since "+${o4}ms"
check "+${o2}ms to +${o6}ms" "$((first + o2 * 1000000))" "$((first + o6 * 1000000))" --since "+${o2}ms" --until "+${o6}ms"
# Zone offsets mean the same instant.
s=$(date -u -d "@$(( ${ta:0:10} + 3600 ))" +%Y-%m-%dT%H:%M:%S).${ta:10:9}+01:00
check "+01:00 zone" "$ta" $far --since "$s"
check "empty range" 1000000000000000000 1000000001000000000 --since 2001-09-09T01:46:40Z --until 2001-09-09T01:46:41Z
exit $fail
