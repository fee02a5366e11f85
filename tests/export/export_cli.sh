#!/bin/bash
# Bad input to `tcrec export` gets one line naming the culprit and exit
# status 2 (usage) or 1 (runtime), never a crash, and no output file is
# left behind by a failed export.
# Usage: export_cli.sh TCREC TRACE_TO_LOG TRACE
set -euo pipefail
tcrec=$1 to_log=$2 trace=$3
[ -r "$trace" ] || { echo "FAIL: cannot read $trace" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$to_log" "$trace" "$tmp/ok.tclog" >/dev/null
printf 'not a log at all\n' >"$tmp/junk.tclog"
fail=0

# expect STATUS WORD ARGS...: exit status and a message line mentioning WORD.
expect() {
	local want=$1 word=$2
	shift 2
	local rc=0
	"$tcrec" export "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	if [ "$rc" != "$want" ] || ! grep -q -- "$word" "$tmp/err"; then
		echo "FAIL: tcrec export $*: exit $rc (want $want), stderr: $(head -c 300 "$tmp/err")" >&2
		fail=1
	else
		echo "ok: tcrec export $* -> $rc: $(head -n 1 "$tmp/err")"
	fi
}

expect 2 "no LOG" -o "$tmp/a.pcapng"
expect 2 "no output" "$tmp/ok.tclog"
expect 2 "a.txt" "$tmp/ok.tclog" -o "$tmp/a.txt"
expect 2 "yesterday" "$tmp/ok.tclog" -o "$tmp/a.pcapng" --since yesterday
expect 2 "2026-13-01" "$tmp/ok.tclog" -o "$tmp/a.pcapng" --until 2026-13-01T00:00:00Z
expect 2 "2026-11-22T01:00:00" "$tmp/ok.tclog" -o "$tmp/a.pcapng" --since 2026-11-22T01:00:00
expect 2 "+1s" "$tmp/ok.tclog" -o "$tmp/a.pcapng" --since +2s --until +1s
expect 2 "+5parsecs" "$tmp/ok.tclog" -o "$tmp/a.pcapng" --since +5parsecs
expect 1 "missing.tclog" "$tmp/missing.tclog" -o "$tmp/a.pcapng"
expect 1 "junk.tclog" "$tmp/junk.tclog" -o "$tmp/a.pcapng"
expect 1 "$tmp/nodir/a.pcapng" "$tmp/ok.tclog" -o "$tmp/nodir/a.pcapng"
[ ! -e "$tmp/a.pcapng" ] && [ ! -e "$tmp/a.txt" ] || { echo "FAIL: a failed export left a file" >&2; fail=1; }
"$tcrec" export --help | grep -qx "Examples:" || { echo "FAIL: --help has no Examples: section" >&2; fail=1; }
# A log whose last chunk is torn still exports what it holds, with a warning.
size=$(stat -c %s "$tmp/ok.tclog")
head -c $((size - 100)) "$tmp/ok.tclog" >"$tmp/torn.tclog"
rc=0
"$tcrec" export "$tmp/torn.tclog" -o "$tmp/torn.pcapng" 2>"$tmp/err" || rc=$?
echo "torn log: exit $rc: $(tr '\n' ' ' <"$tmp/err")"
[ "$rc" = 0 ] && [ -s "$tmp/torn.pcapng" ] || fail=1
exit $fail
