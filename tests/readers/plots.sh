#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `tcrec stats --plot` and `tcrec diff --plot` drawn and checked: Debian's
# rsvg-convert renders each (a PNG of the expected size) and svg_check.py
# holds the picture to the command's --json:
# stats: the series sum to the packets and bytes stats prints per interface
#   and direction, each point sits where its value belongs, drop markers sum
#   to the record drops, rotation lines sit at the first packet of each next
#   file (stats --json of that file alone), and the PNG shows each line's
#   colour along it.
# diff: B is A with every 9th packet left out and the others 1 us .. 1 ms
#   later (make_diff_pair.py); the delay bars are diff --json's histogram,
#   summing to the matched packets; lost packets over time sum to the lost
#   count and sit in the buckets of the packets left out; diff B A turns
#   them into added packets and negative delays; A against A is all zero.
#
#   plots.sh stats TCREC PCAP2TCLOG BULK_TRACE MIXED_TRACE
#   plots.sh diff TCREC PCAP2TCLOG MIXED_TRACE
set -euo pipefail
mode=$1 tcrec=$2 gen=$3
here=$(cd "$(dirname "$0")" && pwd)

for t in rsvg-convert python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed" >&2; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0

# render SVG: PNG of the picture, or a failure
render() {
	if ! rsvg-convert "$1" -o "${1%.svg}.png" || [ ! -s "${1%.svg}.png" ]; then
		echo "FAIL: rsvg-convert could not render $1" >&2
		return 1
	fi
}

# stats_case NAME INPUT [FILTER...]: plot, render, check against --json
stats_case() {
	local name=$1 input=$2
	shift 2
	local svg="$work/$name.svg" rot=()
	"$tcrec" stats "$input" --json "$@" >"$work/$name.json"
	"$tcrec" stats "$input" --plot "$svg" "$@" >/dev/null
	render "$svg" || { fails=$((fails + 1)); return; }
	if [ -d "$input" ]; then
		local first=1 f
		for f in "$input"/*; do
			[ "$first" ] && { first=; continue; }
			rot+=("$("$tcrec" stats "$f" --json "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["first_ns"])')")
		done
	fi
	if python3 "$here/svg_check.py" stats "$svg" "${svg%.svg}.png" "$work/$name.json" --rotations "${rot[@]}"; then
		echo "ok: stats $name" >&2
	else
		echo "FAIL: stats $name" >&2
		fails=$((fails + 1))
	fi
}

# diff_case NAME A B [CHECK OPTIONS]: plot, render, check against --json
diff_case() {
	local name=$1 a=$2 b=$3 rc=0
	local svg="$work/$name.svg"
	shift 3
	"$tcrec" diff --json "$a" "$b" >"$work/$name.json" || rc=$?
	[ "$rc" -le 1 ] || { echo "FAIL: diff $name exited $rc" >&2; fails=$((fails + 1)); return; }
	"$tcrec" diff "$a" "$b" --plot "$svg" >/dev/null || rc=$?
	[ "$rc" -le 1 ] || { echo "FAIL: diff --plot $name exited $rc" >&2; fails=$((fails + 1)); return; }
	render "$svg" || { fails=$((fails + 1)); return; }
	if python3 "$here/svg_check.py" diff "$svg" "${svg%.svg}.png" "$work/$name.json" "$@"; then
		echo "ok: diff $name" >&2
	else
		echo "FAIL: diff $name" >&2
		fails=$((fails + 1))
	fi
}

case $mode in
stats)
	bulk=$4 mixed=$5
	# two interfaces, drops in records, five rotated files
	"$gen" --two-ifaces --drops --rotate 1000 "$bulk" "$work/rot" >/dev/null
	stats_case rotated "$work/rot"
	# one file, many protocols, one line
	"$gen" "$mixed" "$work/mixed.tclog" >/dev/null
	stats_case mixed "$work/mixed.tclog"
	stats_case mixed_udp "$work/mixed.tclog" udp
	# three interfaces in three namespaces, one appearing mid-file: NS/IF lines
	"$gen" --namespaces "$mixed" "$work/ns.tclog" >/dev/null
	stats_case namespaces "$work/ns.tclog"
	# nothing to draw still makes a picture
	stats_case empty "$work/mixed.tclog" port 1
	# an interface name with XML's specials and control bytes
	"$gen" --ifname $'a<b&"c\'\x1b[1m' "$mixed" "$work/hostile.tclog" >/dev/null
	"$tcrec" stats "$work/hostile.tclog" --plot "$work/hostile.svg" >/dev/null
	if render "$work/hostile.svg" && python3 -c 'import sys, xml.etree.ElementTree as E
names = [e.get("data-series") for e in E.parse(sys.argv[1]).iter() if e.get("data-series")]
sys.exit(0 if any("a<b&\"c\x27" in n for n in names) else 1)' "$work/hostile.svg"; then
		echo "ok: hostile interface name escaped" >&2
	else
		echo "FAIL: hostile interface name" >&2
		fails=$((fails + 1))
	fi
	# a file that cannot be written: one line naming it, exit 1
	rc=0
	"$tcrec" stats "$work/mixed.tclog" --plot "$work/no/such/dir.svg" >/dev/null 2>"$work/err" || rc=$?
	if [ "$rc" -eq 1 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q 'no/such/dir.svg' "$work/err"; then
		echo "ok: unwritable --plot: $(cat "$work/err")" >&2
	else
		echo "FAIL: unwritable --plot: exit $rc, $(cat "$work/err")" >&2
		fails=$((fails + 1))
	fi
	;;
diff)
	a=$4
	python3 "$here/make_diff_pair.py" "$a" 9 "$work/b.pcap" "$work/lost.txt"
	diff_case jitter "$a" "$work/b.pcap" --lost "$work/lost.txt"
	diff_case reverse "$work/b.pcap" "$a"
	diff_case same "$a" "$a"
	;;
*)
	echo "plots.sh: unknown mode $mode" >&2
	exit 2
	;;
esac
[ "$fails" -eq 0 ]
