#!/bin/bash
# SPDX-License-Identifier: MIT
# How `tcrec print` and `tcrec stats` treat their LOG arguments: torn and
# damaged files, several files and directories merged by time, bad usage.
# Expected counts come from tcpdump reading the same trace and from the
# chunking the generator was asked for (a chunk every 64 packets).
#   files.sh TCREC PCAP2TCLOG DNS_TRACE MANY_FLOWS_TRACE VLAN_TRACE
set -euo pipefail

TCREC=$1
GEN=$2
DNS_TRACE=$3
FLOWS_TRACE=$4
VLAN_TRACE=$5
export TZ=UTC # tcpdump and tcrec both print local time: make it one zone
command -v tcpdump >/dev/null || { echo "tcpdump not found: no oracle" >&2; exit 77; }

WORK=$(mktemp -d /tmp/tcrec-rd-files.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# expect_exit CODE DESCRIPTION CMD...: exit status and a one-line stderr.
expect_exit() {
	local want=$1 what=$2
	shift 2
	local rc=0
	"$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$what: exit $rc, want $want ($(head -c 300 "$WORK/err"))"
	elif [ "$want" -ne 0 ] && [ ! -s "$WORK/err" ]; then
		fail "$what: exit $rc but nothing on stderr"
	else
		ok "$what (exit $rc)"
	fi
}

TRACE=$DNS_TRACE
# tcpdump always with -nn: a reverse lookup of every address in a trace of
# thousands of flows takes minutes
N=$(tcpdump -nn -r "$TRACE" 2>/dev/null | wc -l)

# ---- torn and killed files ----
"$GEN" --chunk 64 --no-trailer "$TRACE" "$WORK/killed.tclog" >/dev/null
"$GEN" --chunk 64 "$TRACE" "$WORK/clean.tclog" >/dev/null
"$TCREC" print "$WORK/clean.tclog" >"$WORK/clean.txt"
[ "$(wc -l <"$WORK/clean.txt")" -eq "$N" ] && ok "clean log: $N lines as tcpdump" ||
	fail "clean log: $(wc -l <"$WORK/clean.txt") lines, tcpdump $N"

rc=0
"$TCREC" print "$WORK/killed.tclog" >"$WORK/killed.txt" 2>"$WORK/err" || rc=$?
if [ $rc -eq 0 ] && cmp -s "$WORK/killed.txt" "$WORK/clean.txt" && [ "$(wc -l <"$WORK/err")" -eq 1 ] &&
	grep -q "killed.tclog" "$WORK/err"; then
	ok "no trailer: every packet, exit 0, one warning naming the file"
else
	fail "no trailer: exit $rc, $(wc -l <"$WORK/killed.txt") lines, stderr: $(cat "$WORK/err")"
fi

full_chunks=$(( (N / 64) * 64 ))
cp "$WORK/killed.tclog" "$WORK/torn.tclog"
truncate -s -1 "$WORK/torn.tclog"
rc=0
"$TCREC" print "$WORK/torn.tclog" >"$WORK/torn.txt" 2>"$WORK/err" || rc=$?
lines=$(wc -l <"$WORK/torn.txt")
if [ $rc -eq 0 ] && [ "$lines" -eq "$full_chunks" ] &&
	cmp -s "$WORK/torn.txt" <(head -n "$full_chunks" "$WORK/clean.txt") &&
	[ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -q "torn.tclog" "$WORK/err"; then
	ok "torn last chunk: the $full_chunks packets of complete chunks, exit 0, one warning"
else
	fail "torn last chunk: exit $rc, $lines lines (want $full_chunks), stderr: $(cat "$WORK/err")"
fi

size=$(stat -c %s "$WORK/killed.tclog")
cp "$WORK/killed.tclog" "$WORK/half.tclog"
truncate -s $((size / 2)) "$WORK/half.tclog"
rc=0
"$TCREC" print "$WORK/half.tclog" >"$WORK/half.txt" 2>"$WORK/err" || rc=$?
lines=$(wc -l <"$WORK/half.txt")
if [ $rc -eq 0 ] && [ "$lines" -gt 0 ] && [ "$lines" -lt "$N" ] && [ $((lines % 64)) -eq 0 ] &&
	cmp -s "$WORK/half.txt" <(head -n "$lines" "$WORK/clean.txt") && [ "$(wc -l <"$WORK/err")" -eq 1 ]; then
	ok "cut in half: $lines earlier packets printed, exit 0, one warning"
else
	fail "cut in half: exit $rc, $lines lines, stderr: $(cat "$WORK/err")"
fi
rc=0
"$TCREC" stats --json "$WORK/half.tclog" >"$WORK/stats.json" 2>"$WORK/err" || rc=$?
if [ $rc -eq 0 ] && grep -q "\"packets\":$lines," "$WORK/stats.json" &&
	grep -q '"index_rebuilt":true' "$WORK/stats.json" && grep -q '"trailer":false' "$WORK/stats.json"; then
	ok "stats on a torn file: $lines packets, index rebuilt, no trailer"
else
	fail "stats on a torn file: exit $rc: $(head -c 300 "$WORK/stats.json")"
fi

# ---- time range: --since/--until against tcpdump's timestamps ----
tcpdump -tt -nn -r "$TRACE" 2>/dev/null | awk '{print $1}' | tr -d . >"$WORK/us"
tcpdump -tttt -nn -r "$TRACE" 2>/dev/null | awk '{print $1, $2}' >"$WORK/stamps"
# (awk, not sort | head: with pipefail an early-closing head can fail the pipe)
first_us=$(awk 'NR == 1 || $1 < m { m = $1 } END { print m }' "$WORK/us")
last_us=$(awk 'NR == 1 || $1 > m { m = $1 } END { print m }' "$WORK/us")
rfc() { echo "$(date -u -d @$(($1 / 1000000)) +%Y-%m-%dT%H:%M:%S).$(printf %06d $(($1 % 1000000)))Z"; }
since_us=$((first_us + (last_us - first_us) / 3))
until_us=$((first_us + 2 * (last_us - first_us) / 3))
paste -d' ' "$WORK/us" "$WORK/stamps" | awk -v s="$since_us" -v u="$until_us" '$1 >= s && $1 < u { print $2, $3 }' \
	>"$WORK/range_ref"
"$TCREC" print "$WORK/clean.tclog" --since "$(rfc $since_us)" --until "$(rfc $until_us)" |
	awk '{print $1, $2}' >"$WORK/range_ours"
if [ -s "$WORK/range_ref" ] && cmp -s "$WORK/range_ours" "$WORK/range_ref"; then
	ok "--since/--until: the $(wc -l <"$WORK/range_ref") packets tcpdump has in that window"
else
	fail "--since/--until: tcrec $(wc -l <"$WORK/range_ours"), tcpdump $(wc -l <"$WORK/range_ref") packets"
fi
"$TCREC" print -v "$WORK/clean.tclog" --since "$(rfc $last_us)" >"$WORK/out" 2>"$WORK/err"
chunks=$(sed -n 's/.* \([0-9]*\) chunks decompressed/\1/p' "$WORK/err")
all=$(( (N + 63) / 64 ))
if [ -n "$chunks" ] && [ "$chunks" -lt "$all" ] && [ -s "$WORK/out" ]; then
	ok "--since the last packet: $chunks of $all chunks decompressed"
else
	fail "--since the last packet: '${chunks}' of $all chunks decompressed"
fi
expect_exit 2 "--until before --since" "$TCREC" print "$WORK/clean.tclog" --since +10s --until +5s
expect_exit 2 "--since garbage" "$TCREC" print "$WORK/clean.tclog" --since yesterday

# ---- damaged file: a byte flipped in the middle of the data ----
cp "$WORK/clean.tclog" "$WORK/damaged.tclog"
size=$(stat -c %s "$WORK/damaged.tclog")
off=$((size / 2))
orig=$(od -An -tu1 -j $off -N1 "$WORK/damaged.tclog" | tr -d ' ')
printf "\\$(printf '%03o' $(((orig ^ 0xff) & 0xff)))" |
	dd of="$WORK/damaged.tclog" bs=1 seek=$off conv=notrunc status=none
# Only the damaged chunk (64 packets) is lost: the rest is printed in order,
# one warning says where and how many, exit 1.
rc=0
"$TCREC" print "$WORK/damaged.tclog" >"$WORK/damaged.txt" 2>"$WORK/err" || rc=$?
lines=$(wc -l <"$WORK/damaged.txt")
diff "$WORK/clean.txt" "$WORK/damaged.txt" >"$WORK/diff" || true
if [ $rc -eq 1 ] && [ "$lines" -eq $((N - 64)) ] && [ "$(grep -c '^[0-9]' "$WORK/diff")" = 1 ] &&
	[ "$(grep -c '^<' "$WORK/diff")" = 64 ] && ! grep -q '^>' "$WORK/diff" &&
	[ "$(wc -l <"$WORK/err")" = 1 ] && grep -q "warning: .*damaged.tclog.*offset [0-9].*64 records lost" "$WORK/err"; then
	ok "damaged: $lines of $N packets (one chunk lost), '$(cat "$WORK/err")', exit 1"
else
	fail "damaged: exit $rc, $lines lines, stderr: $(cat "$WORK/err")"
fi
# --strict: up to the damage, then the error.
rc=0
"$TCREC" print --strict "$WORK/damaged.tclog" >"$WORK/damaged.txt" 2>"$WORK/err" || rc=$?
lines=$(wc -l <"$WORK/damaged.txt")
if [ $rc -eq 1 ] && [ "$lines" -lt "$N" ] && cmp -s "$WORK/damaged.txt" <(head -n "$lines" "$WORK/clean.txt") &&
	tail -n1 "$WORK/err" | grep -q "damaged.tclog.*offset [0-9]"; then
	ok "damaged, --strict: $lines packets before the damage, then '$(tail -n1 "$WORK/err")', exit 1"
else
	fail "damaged, --strict: exit $rc, $lines lines, stderr: $(cat "$WORK/err")"
fi
expect_exit 1 "stats on a damaged file" "$TCREC" stats "$WORK/damaged.tclog"

# ---- several files and directories, merged by time ----
TRACE=$FLOWS_TRACE
N=$(tcpdump -nn -r "$TRACE" 2>/dev/null | wc -l)
"$GEN" "$TRACE" "$WORK/http.tclog" >/dev/null
"$TCREC" print --nano "$WORK/http.tclog" >"$WORK/http.txt"
# The merge can only restore the trace's order if the trace is in time order
# with distinct times; tcpdump says whether it is.
tcpdump -r "$TRACE" -tt -nn 2>/dev/null | awk '{print $1}' >"$WORK/times"
if sort -c -u -n "$WORK/times" 2>/dev/null; then
	mkdir "$WORK/split"
	for j in 0 1 2; do
		"$GEN" --every 3 --offset $j "$TRACE" "$WORK/split/part$j.tclog" >/dev/null
	done
	"$TCREC" print --nano "$WORK/split/part2.tclog" "$WORK/split/part0.tclog" "$WORK/split/part1.tclog" \
		>"$WORK/merged.txt"
	cmp -s "$WORK/merged.txt" "$WORK/http.txt" && ok "3 interleaved files merged back into trace order" ||
		fail "3 interleaved files: merge differs from the single log"
	"$TCREC" -r "$WORK/split" --nano >"$WORK/merged_dir.txt"
	cmp -s "$WORK/merged_dir.txt" "$WORK/http.txt" && ok "directory of interleaved files merged (tcrec -r DIR)" ||
		fail "directory of interleaved files: merge differs"
else
	fail "$TRACE is not in strict time order: pick another trace for the merge test"
fi
"$GEN" --rotate 90 "$TRACE" "$WORK/rot" >/dev/null
nrot=$(ls "$WORK/rot" | wc -l)
"$TCREC" print --nano "$WORK/rot/" >"$WORK/rot.txt"
if [ "$nrot" -gt 3 ] && cmp -s "$WORK/rot.txt" "$WORK/http.txt" && [ "$(wc -l <"$WORK/rot.txt")" -eq "$N" ]; then
	ok "rotated directory of $nrot files: $N packets, same as one log"
else
	fail "rotated directory of $nrot files differs"
fi

# ---- interfaces, directions, options ----
"$GEN" --two-ifaces "$VLAN_TRACE" "$WORK/two.tclog" >/dev/null
bad=$("$TCREC" print "$WORK/two.tclog" | awk '{ w = (NR % 2) ? "trace0 In" : "trace1 Out";
	if ($3 " " $4 != w) n++ } END { print n + 0 }')
[ "$bad" -eq 0 ] && ok "interface and In/Out columns follow each record" || fail "$bad lines with a wrong interface/direction"
"$TCREC" print -c 5 "$WORK/clean.tclog" >"$WORK/out"
[ "$(wc -l <"$WORK/out")" -eq 5 ] && ok "-c 5 prints 5 packets" || fail "-c 5 printed $(wc -l <"$WORK/out")"
"$TCREC" print --nano -c 1 "$WORK/clean.tclog" | grep -Eq '^[0-9-]+ [0-9:]+\.[0-9]{9} ' &&
	ok "--nano prints nine digits" || fail "--nano"
"$TCREC" print -c 1 "$WORK/clean.tclog" | grep -Eq '^[0-9-]+ [0-9:]+\.[0-9]{6} ' &&
	ok "default time has six digits, like tcpdump" || fail "default time precision"

# ---- bad usage and missing input ----
expect_exit 2 "print without LOG" "$TCREC" print
expect_exit 2 "print with an unknown option" "$TCREC" print --bogus "$WORK/clean.tclog"
expect_exit 2 "print -c abc" "$TCREC" print -c abc "$WORK/clean.tclog"
expect_exit 2 "print -c 0" "$TCREC" print -c 0 "$WORK/clean.tclog"
expect_exit 2 "print -c without a value" "$TCREC" print "$WORK/clean.tclog" -c
expect_exit 2 "stats without LOG" "$TCREC" stats
expect_exit 2 "stats --top x" "$TCREC" stats --top x "$WORK/clean.tclog"
expect_exit 1 "print a missing file" "$TCREC" print "$WORK/nope.tclog"
[ "$(wc -l <"$WORK/err")" -eq 1 ] && grep -q "nope.tclog" "$WORK/err" && ok "missing file: one line naming it" ||
	fail "missing file message: $(cat "$WORK/err")"
expect_exit 1 "print a missing second LOG" "$TCREC" print "$WORK/clean.tclog" "$WORK/gone/x.tclog"
grep -q "gone/x.tclog" "$WORK/err" && ok "missing second LOG is named, not taken for a filter" ||
	fail "missing second LOG: $(cat "$WORK/err")"
expect_exit 2 "print with a filter that does not compile" "$TCREC" print "$WORK/clean.tclog" tcp port
expect_exit 2 "stats with a filter that does not compile" "$TCREC" stats "$WORK/clean.tclog" tcp port
grep -q "filter 'tcp port'" "$WORK/err" && ok "stats names the bad filter" || fail "stats bad filter: $(cat "$WORK/err")"
expect_exit 2 "export with a filter that does not compile" "$TCREC" export "$WORK/clean.tclog" -o "$WORK/f.pcapng" tcp port
expect_exit 1 "stats a missing file" "$TCREC" stats "$WORK/nope.tclog"
mkdir "$WORK/empty"
expect_exit 1 "print an empty directory" "$TCREC" print "$WORK/empty"
# a pcap is read (issue 15); a file that is neither log nor capture is not
printf 'not a capture at all\n' > "$WORK/notes.txt"
expect_exit 1 "print a file that is neither a log nor a capture" "$TCREC" print "$WORK/notes.txt"
grep -qF "notes.txt" "$WORK/err" && ok "not-a-log message names the file" || fail "not-a-log: $(cat "$WORK/err")"
expect_exit 0 "print a pcap file" "$TCREC" print "$VLAN_TRACE"
for cmd in print stats; do
	# not a pipe into grep -q: grep leaving early would cut tcrec's write
	help=$("$TCREC" $cmd --help)
	grep -qx "Examples:" <<<"$help" && ok "$cmd --help has an Examples: section" || fail "$cmd --help"
done

[ $fails -eq 0 ] || { echo "$fails failures" >&2; exit 1; }
echo "all ok"
