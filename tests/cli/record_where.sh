#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bad values for record's namespace and direction options: usage errors are
# one line and exit 2; a namespace or container that does not exist is one
# line naming it and exit 1; nothing is written either way.
set -uo pipefail
TCREC=$1
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fails=0
# expect STATUS WORDS-IN-MESSAGE -- ARGS...
expect() {
	local want=$1 words=$2
	shift 3
	"$TCREC" record -w "$W/out.tclog" "$@" >/dev/null 2>"$W/err"
	local rc=$?
	if ((rc != want)) || ! grep -qF -- "$words" "$W/err" || (($(wc -l <"$W/err") != 1)) ||
		[[ -e $W/out.tclog ]]; then
		echo "FAIL: record $*: exit $rc (want $want), stderr: $(cat "$W/err")"
		fails=$((fails + 1))
	else
		echo "ok: record $*: exit $rc, $(cat "$W/err")"
	fi
	rm -f "$W/out.tclog"
}
expect 2 "-Q 'both'" -- -i lo -Q both
expect 2 "--host-side: needs --container" -- -i lo --host-side
expect 2 "--host-side: records the host's side" -- --container x --host-side --netns all
expect 2 "-Z nobody" -- -i 'veth*' -Z nobody
expect 2 "--netns: empty" -- -i lo --netns ''
expect 2 "no interface" -- --netns all
if [[ $(id -u) -eq 0 ]]; then
	expect 1 "--netns tcrec-no-such-ns$$: no such network namespace" -- -i lo --netns "tcrec-no-such-ns$$"
	expect 1 "not a network namespace" -- -i lo --netns /proc/self/ns/uts
	expect 1 "--container tcrec-no-such-container$$" -- --container "tcrec-no-such-container$$"
fi
exit $((fails > 0))
