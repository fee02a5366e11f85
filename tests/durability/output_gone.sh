#!/bin/bash
# The output deleted or replaced while tcrec writes it: tcrec notices at the
# next flush, says so, and goes on in a new file (never through the symlink
# that took the name); its summary counts only what is on disk. With the
# whole directory gone it stops with status 1, naming the file (not the -w
# template) and no "-1 bytes".
# Usage: output_gone.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
. "$(dirname "$0")/common.sh"
du_net
tl_tmpdir W
echo "root's" >"$W/target"

# run NAME WHAT [RECORD ARGS...]: 3 s of traffic; WHAT (a shell command)
# runs after 1 s; sets rc.
run() {
	local name=$1 what=$2
	shift 2
	tcrec_start TR "$DU_A" "$DU_IF" "$W/$name" "$HOOKCTL" "$@"
	du_send 600 200 &
	local sender=$!
	tl_track_pid "$sender"
	sleep 1
	eval "$what"
	wait "$sender"
	sleep 1.2
	kill -INT "$TR" 2>/dev/null || true
	rc=0
	wait "$TR" || rc=$?
}
captured() { sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "$1"; }

# 1. deleted
mkdir "$W/a"
run a 'rm "$W/a/cap.tclog"' -w "$W/a/cap.tclog" -q
cat "$W/a.err" >&2
[[ -f $W/a/cap.tclog ]] || tl_fail "deleted output: nothing on disk after the run (exit $rc)"
grep -q "cap.tclog: deleted while it was written" "$W/a.err" || tl_fail "deleted output: not reported"
n=$(du_count "$W/a")
((n > 100 && n < 600)) || tl_fail "deleted output: $n datagrams in the new file"
tl_log "deleted: exit $rc, the new file holds $n datagrams"

# 2. replaced by a symlink
mkdir "$W/b"
run b 'mv "$W/b/cap.tclog" "$W/moved"; ln -s "$W/target" "$W/b/cap.tclog"' -w "$W/b/cap.tclog"
grep -q "cap.tclog: replaced by another file" "$W/b.err" || tl_fail "replaced output: not reported: $(cat "$W/b.err")"
[[ $(cat "$W/target") == "root's" ]] || tl_fail "the symlink's target was written"
[[ -f $W/b/cap.tclog.1 ]] || tl_fail "replaced output: no new file ($(ls "$W/b" | xargs))"
got=$("$TCREC" print "$W/b/cap.tclog.1" | wc -l)
said=$(captured "$W/b.err")
((got == said)) || tl_fail "the summary says $said packets captured, the output holds $got"
tl_log "replaced: exit $rc, summary $said == $got packets in cap.tclog.1"

# 3. the directory deleted under a -G rotation
mkdir "$W/c"
run c 'rm -rf "$W/c"' -w "$W/c/x-%H%M%S.tclog" -G 1
cat "$W/c.err" >&2
((rc == 1)) || tl_fail "directory gone: exit $rc, expected 1"
grep -q '%H%M%S' <(grep -v "recording 1 interface" "$W/c.err") && tl_fail "a message names the -w template instead of the file"
grep -q -- '-1 bytes' "$W/c.err" && tl_fail "'-1 bytes' in a message"
grep -Eq "x-[0-9]{6}\.tclog: (deleted|cannot create)" "$W/c.err" || tl_fail "no message naming the file"
tl_log "directory gone: exit 1, the file named"
echo PASS
