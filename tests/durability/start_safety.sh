#!/bin/bash
# What a start that fails, or a second recorder, does to files already
# there: nothing. A filter the capture program cannot take, -Z with tc
# hooks and a -C -W ring over an unrelated file all leave the directory as
# it was; a second recorder on the output of a running one refuses with one
# line and exit 1, and the first one's file stays whole.
# Usage: start_safety.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
. "$(dirname "$0")/common.sh"
id nobody >/dev/null 2>&1 || tl_skip "no user 'nobody'"
du_net
tl_tmpdir W
mkdir "$W/keep"
# a log from an earlier recording, and an unrelated file
du_record_for 1 "$W/first" -w "$W/keep/cap.tclog" -s 64 || tl_fail "first recording: exit $?"
echo "not a log" >"$W/keep/cap"
# names, sizes, inodes and times of keep/ and its files, and their content
snapshot() { (cd "$W/keep" && stat -c '%n %s %i %y %z' . * && sha256sum -- *); }
snapshot >"$W/before"

# fails: CMD... exits with a status other than 0 and leaves keep/ as it was
fails() {
	local rc=0
	ip netns exec "$DU_A" timeout 60 "$TCREC" record -i "$DU_IF" --duration 2 "$@" >"$W/f.out" 2>"$W/f.err" || rc=$?
	((rc != 0)) || tl_fail "'record $*' succeeded"
	snapshot >"$W/after"
	diff "$W/before" "$W/after" >&2 || tl_fail "'record $*' (exit $rc: $(head -c 300 "$W/f.err")) changed keep/"
	tl_log "'record ${*:1:6}...': exit $rc, keep/ untouched: $(head -1 "$W/f.err" | cut -c1-120)"
}
fails -w "$W/keep/cap.tclog" ip6 protochain 6
fails -w "$W/keep/cap.tclog" --attach tc -Z nobody
fails -w "$W/keep/cap" -C 10 -W 3 ip6 protochain 6
fails -w "$W/keep/cap" -C 10 -W 3 --attach tc -Z nobody

# Two recorders on one output.
rm -f "$W/keep"/*
tcrec_start TR "$DU_A" "$DU_IF" "$W/one" "$HOOKCTL" -w "$W/keep/two.tclog" -s 64
du_send 400 200 &
sender=$!
tl_track_pid "$sender"
rc=0
ip netns exec "$DU_A" timeout 60 "$TCREC" record -i "$DU_IF" -w "$W/keep/two.tclog" -s 64 --duration 2 \
	>"$W/second.out" 2>"$W/second.err" || rc=$?
wait "$sender"
sleep 1.2
tcrec_stop "$TR" "$W/one"
cat "$W/second.err" >&2
((rc == 1)) || tl_fail "second recorder on the same file: exit $rc (expected 1)"
(($(wc -l <"$W/second.err") == 1)) || tl_fail "second recorder: $(wc -l <"$W/second.err") lines of messages, expected one"
[[ $(ls "$W/keep") == two.tclog ]] || tl_fail "second recorder left files: $(ls "$W/keep" | xargs)"
n=$(du_count "$W/keep/two.tclog" 2>"$W/pr.err") || tl_fail "two.tclog unreadable: $(cat "$W/pr.err")"
((n == 400)) || tl_fail "two.tclog holds $n of the 400 datagrams sent"
tl_log "second recorder refused (exit 1), the first one's file holds all $n datagrams"
echo PASS
