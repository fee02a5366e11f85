#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every command speaks alike: `tcrec CMD --help` follows the one layout
# written in recorder/cli/cli.h, and a bad option is one line on stderr with
# exit status 2, whatever the command.
#   help_layout.sh TCREC
set -u
tcrec=$1
fail=0
bad() { echo "FAIL: $*"; fail=1; }

for cmd in record print stats export diff interfaces; do
	out=$("$tcrec" "$cmd" --help) || bad "$cmd --help: exit $?"
	first=$(printf '%s\n' "$out" | head -1)
	last=$(printf '%s\n' "$out" | tail -1)
	[[ $first == "Usage: tcrec $cmd "* ]] || bad "$cmd: first line is not 'Usage: tcrec $cmd ...': $first"
	[[ $last == "Exit status: "* ]] || bad "$cmd: last line is not 'Exit status: ...': $last"
	grep -qx 'Options:' <<<"$out" || bad "$cmd: no 'Options:' section"
	grep -qx 'Examples:' <<<"$out" || bad "$cmd: no 'Examples:' section"
	# an example is a command line of this command, indented by two
	ex=$(printf '%s\n' "$out" | sed -n '/^Examples:$/,/^Exit status:/p' | sed '1d;$d')
	grep -q "^  tcrec $cmd \|^  tcrec -r " <<<"$ex" || bad "$cmd: no example line '  tcrec $cmd ...'"
	# section titles: a line at column 0 ending in ':' after a blank line
	while IFS= read -r t; do
		[[ $t =~ ^[A-Z][A-Za-z0-9\ /-]*:$ ]] || bad "$cmd: section title '$t' is not 'Title:'"
	done < <(printf '%s\n' "$out" | awk 'prev == "" && /^[A-Za-z].*:$/ && length($0) <= 30 { print } { prev = $0 }')
	if grep -q '^[A-Z][A-Z ]*$' <<<"$out"; then
		bad "$cmd: a title in capitals: $(grep '^[A-Z][A-Z ]*$' <<<"$out" | head -1)"
	fi
	wide=$(printf '%s\n' "$out" | awk 'length($0) > 80 { n++ } END { print n + 0 }')
	[ "$wide" -eq 0 ] || bad "$cmd: $wide lines wider than 80 columns"

	for opt in --no-such-option -% ; do
		err=$("$tcrec" "$cmd" "$opt" 2>&1 >/dev/null)
		rc=$?
		[ "$rc" -eq 2 ] || bad "$cmd $opt: exit $rc, expected 2"
		lines=$(printf '%s\n' "$err" | grep -c .)
		[ "$lines" -eq 1 ] || bad "$cmd $opt: $lines lines on stderr, expected 1: $err"
		grep -qF -- "$opt" <<<"$err" || bad "$cmd $opt: the message does not name the option: $err"
	done
done
# an option given without its value: one line naming it, exit 2
for cv in "record -w" "print -c" "stats --top" "export -o" "diff --window" "interfaces --netns"; do
	set -- $cv
	err=$("$tcrec" "$1" "$2" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 2 ] || bad "$cv (no value): exit $rc, expected 2"
	[ "$(printf '%s\n' "$err" | grep -c .)" -eq 1 ] || bad "$cv (no value): not one line: $err"
	grep -qF -- "'$2' needs a value" <<<"$err" || bad "$cv (no value): $err"
done
# no input at all: one line saying so, exit 2
for cmd in print stats export; do
	err=$("$tcrec" "$cmd" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 2 ] || bad "$cmd (no input): exit $rc, expected 2"
	[ "$(printf '%s\n' "$err" | grep -c .)" -eq 1 ] || bad "$cmd (no input): not one line: $err"
	grep -qF "no LOG given" <<<"$err" || bad "$cmd (no input): $err"
done
out=$("$tcrec" --help) || bad "tcrec --help: exit $?"
[[ $(head -1 <<<"$out") == "Usage: tcrec "* ]] || bad "tcrec --help: first line"
[[ $(tail -1 <<<"$out") == "Exit status: "* ]] || bad "tcrec --help: last line"
grep -qx 'Examples:' <<<"$out" || bad "tcrec --help: no 'Examples:' section"
err=$("$tcrec" no-such-command 2>&1 >/dev/null)
rc=$?
[ "$rc" -eq 2 ] || bad "tcrec no-such-command: exit $rc, expected 2"
grep -q "no-such-command" <<<"$err" || bad "tcrec no-such-command: not named: $err"
[ "$fail" -eq 0 ] && echo "help layout and bad options: 6 commands alike"
exit "$fail"
