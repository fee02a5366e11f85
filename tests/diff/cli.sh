#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Exit codes and error lines of `tcrec diff`, FILTER against tcpdump's count,
# and --write-unmatched read back with tshark.
#
#   cli.sh TCREC PCAPMUT PCAP2TCLOG TRACE
set -euo pipefail
tcrec=$1 pcapmut=$2 gen=$3 trace=$4
for t in editcap mergecap capinfos tcpdump tshark python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed" >&2; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_error WANT_RC PATTERN ARGS...: one clear line naming the culprit
expect_error() {
	local want=$1 pat=$2 rc=0
	shift 2
	"$tcrec" diff "$@" >"$work/out" 2>"$work/err" || rc=$?
	[ "$rc" -eq "$want" ] || fail "diff $*: exit $rc, want $want"
	grep -q -- "$pat" "$work/err" || { cat "$work/err" >&2; fail "diff $*: no '$pat' on stderr"; }
}
printf 'not a capture at all\n' >"$work/junk"
expect_error 2 "$work/missing.pcap: No such file" "$trace" "$work/missing.pcap"
expect_error 2 "junk: not a pcap, pcapng or tcrec log" "$work/junk" "$trace"
expect_error 2 "needs two inputs" "$trace"
expect_error 2 "window" --window 0 "$trace" "$trace"
expect_error 2 "clock-offset" --clock-offset abc "$trace" "$trace"
expect_error 2 "filter 'tcp port nonsense'" "$trace" "$trace" tcp port nonsense
# cut early: what is there is compared, with a warning, exit 1
head -c 100 "$trace" >"$work/torn.pcap"
expect_error 1 "torn.pcap: truncated after [0-9]* packet" "$trace" "$work/torn.pcap"
head -c 20 "$trace" >"$work/short.pcap"
expect_error 2 "short.pcap" "$trace" "$work/short.pcap"
expect_error 2 "unmatched.pcapng" --write-unmatched /nonexistent/dir/unmatched.pcapng "$trace" "$trace"
"$tcrec" diff --help | grep -q "^Exit status" || fail "--help has no exit status section"

# FILTER: the packets diff reads equal what tcpdump's filter selects, on a
# pcap and on a metadata-only tcrec log (synthesized headers)
"$gen" "$trace" "$work/meta.tclog" >/dev/null
for filter in "udp" "tcp and port 80" "ip6" "vlan" "icmp or arp"; do
	tcpdump -r "$trace" -w "$work/f.pcap" "$filter" 2>/dev/null
	want=$(capinfos -M -c -T "$work/f.pcap" | awk -F'\t' 'NR==2 {print $2}')
	for input in "$trace" "$work/meta.tclog"; do
		rc=0
		# shellcheck disable=SC2086 # the filter is several words, as for tcpdump
		"$tcrec" diff --json "$input" "$trace" $filter >"$work/f.json" || rc=$?
		[ "$rc" -eq 0 ] || fail "filter '$filter' on $(basename "$input"): exit $rc, want 0"
		have=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["inputs"][0]["packets"], d["inputs"][1]["packets"])' "$work/f.json")
		[ "$have" = "$want $want" ] ||
			fail "filter '$filter' on $(basename "$input"): diff read '$have', tcpdump selects $want"
	done
done

# An input out of time order: the second half of the trace put before the
# first half goes back in time once, by the trace's duration; with a window
# shorter than that, diff says so (out_of_order = 1). DIFF.md counts only
# steps back of more than the window: a short trace needs a short window.
n=$(capinfos -M -c -T "$trace" | awk -F'\t' 'NR==2 {print $2}')
win=$(capinfos -M -u -T "$trace" | awk -F'\t' 'NR==2 {printf "%d", $2 * 1000 / 2}')
[ "$win" -ge 1 ] || fail "$(basename "$trace") lasts under 2 ms: too short to go back by more than a window"
editcap -F pcap -r "$trace" "$work/h1.pcap" "1-$((n / 2))"
editcap -F pcap -r "$trace" "$work/h2.pcap" "$((n / 2 + 1))-$n"
mergecap -F pcap -a -w "$work/swapped.pcap" "$work/h2.pcap" "$work/h1.pcap"
"$tcrec" diff --json --window "$win" "$work/swapped.pcap" "$trace" >"$work/ooo.json" || true
ooo=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["inputs"][0]["out_of_order"])' "$work/ooo.json")
[ "$ooo" = 1 ] || fail "halves swapped: out_of_order $ooo, want 1 (window $win ms)"
"$tcrec" diff --window "$win" "$work/swapped.pcap" "$trace" >"$work/ooo.txt" 2>&1 || true
grep -q "sort it first" "$work/ooo.txt" || fail "no warning about an input out of time order"

# --write-unmatched: delete packets 3 and 5, duplicate 8, add one of
# another trace; the pcapng holds exactly those, with their reasons
editcap -F pcap "$trace" "$work/b0.pcap" 3 5
"$pcapmut" --dup 6 "$work/b0.pcap" "$work/b.pcap"   # packet 8 of A is 6 of b0
rc=0
"$tcrec" diff --write-unmatched "$work/u.pcapng" "$trace" "$work/b.pcap" >"$work/out" || rc=$?
[ "$rc" -eq 1 ] || fail "write-unmatched run: exit $rc, want 1"
tshark -r "$work/u.pcapng" -T fields -e frame.comment -e frame.interface_name \
	-e frame.len >"$work/u.txt" 2>/dev/null
sort "$work/u.txt" >"$work/u.sorted"
len() { tshark -r "$trace" -Y "frame.number == $1" -T fields -e frame.len 2>/dev/null; }
printf '%s\n' \
	"duplicated: extra copy in B (B #7) of A #8	B: $work/b.pcap	$(len 8)" \
	"lost: in A not in B (A #3)	A: $trace	$(len 3)" \
	"lost: in A not in B (A #5)	A: $trace	$(len 5)" | sort >"$work/want.txt"
diff -u "$work/want.txt" "$work/u.sorted" >&2 || fail "unmatched pcapng differs from the edits"
# the same from a metadata-only tcrec log: A's packets are synthesized
rc=0
"$tcrec" diff --write-unmatched "$work/u2.pcapng" "$work/meta.tclog" "$work/b.pcap" >"$work/out" || rc=$?
[ "$rc" -eq 1 ] || fail "write-unmatched run on a tcrec log: exit $rc, want 1"
tshark -r "$work/u2.pcapng" -T fields -e frame.comment -e frame.interface_name \
	-e frame.len 2>/dev/null | sort >"$work/u2.sorted"
printf '%s\n' \
	"duplicated: extra copy in B (B #7) of A #8	B: $work/b.pcap	$(len 8)" \
	"lost: in A not in B (A #3); tcrec: synthesized headers	A: $work/meta.tclog	$(len 3)" \
	"lost: in A not in B (A #5); tcrec: synthesized headers	A: $work/meta.tclog	$(len 5)" |
	sort >"$work/want2.txt"
diff -u "$work/want2.txt" "$work/u2.sorted" >&2 || fail "unmatched pcapng from a tcrec log differs"

# the lost packets are A's bytes, unchanged (tcpdump -xx, one hex line each)
hexes() {
	tcpdump -r "$1" -xx -n 2>/dev/null | awk '
		/^\t0x/ { sub(/^\t0x[0-9a-f]+: +/, ""); gsub(/ /, ""); s = s $0; next }
		{ if (s != "") print s; s = "" }
		END { if (s != "") print s }'
}
hexes "$work/u.pcapng" >"$work/u.hex"
for n in 3 5; do
	editcap -r "$trace" "$work/one.pcap" "$n"
	a=$(hexes "$work/one.pcap")
	grep -q . <<<"$a" || fail "packet $n not found in $trace"
	grep -qxF "$a" "$work/u.hex" || fail "lost packet A #$n is not in the unmatched pcapng as it was"
done
echo "exit codes, errors, FILTER (= tcpdump) and --write-unmatched (read by tshark) ok" >&2
