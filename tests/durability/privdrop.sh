#!/bin/bash
# -Z USER: once attached with the output open, tcrec runs as USER and its
# groups with no capability left (/proc/PID/status), and -G rotation still
# makes complete files in a directory USER can write, as tcpdump requires.
# Usage: privdrop.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
. "$(dirname "$0")/common.sh"
id nobody >/dev/null 2>&1 || tl_skip "no user 'nobody'"
uid=$(id -u nobody)
gid=$(id -g nobody)
du_net
tl_tmpdir W
chmod 755 "$W"
mkdir "$W/z"
chown nobody "$W/z"

du_send 500 100 &
SENDER=$!
tl_track_pid "$SENDER"
tcrec_start TR "$DU_A" "$DU_IF" "$W/z.log" "$HOOKCTL" -w "$W/z/%H%M%S.tclog" -G 1 -W 3 -Z nobody
dropped() {
	grep -Eq "^Uid:[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid[[:space:]]+$uid\$" "/proc/$TR/status"
}
tl_wait_for 10 "tcrec to run as nobody" dropped || { cat "/proc/$TR/status" "$W/z.log.err" >&2; tl_fail "uid not dropped"; }
status=$(cat "/proc/$TR/status")
for cap in CapInh CapPrm CapEff CapAmb; do
	v=$(sed -n "s/^$cap:[[:space:]]*//p" <<<"$status")
	[[ $v =~ ^0+$ ]] || tl_fail "$cap is $v after -Z nobody"
done
grep -Eq "^Gid:[[:space:]]+$gid[[:space:]]+$gid[[:space:]]+$gid[[:space:]]+$gid\$" <<<"$status" ||
	tl_fail "gid not dropped: $(grep ^Gid <<<"$status")"
groups=$(sed -n 's/^Groups:[[:space:]]*//p' <<<"$status" | xargs -n1 | sort -n | xargs)
want_groups=$(id -G nobody | xargs -n1 | sort -n | xargs)
[[ $groups == "$want_groups" ]] || tl_fail "groups '$groups', nobody has '$want_groups'"
tl_log "running as nobody: $(grep -E '^(Uid|Gid|Groups|CapEff)' <<<"$status" | tr '\n' ' ')"

tl_wait_exit "$TR" 10 || tl_fail "-G 1 -W 3 did not stop after 3 files"
rc=0
wait "$TR" || rc=$?
((rc == 0)) || { cat "$W/z.log.err" >&2; tl_fail "tcrec exited with $rc"; }
wait "$SENDER"
mapfile -t files < <(ls "$W/z")
((${#files[@]} == 3)) || tl_fail "${#files[@]} files: ${files[*]}"
for f in "${files[@]}"; do
	owner=$(stat -c %u "$W/z/$f")
	((owner == uid)) || tl_fail "$f belongs to uid $owner"
	"$TCREC" stats "$W/z/$f" >"$W/st" 2>"$W/e" && [[ ! -s $W/e ]] || tl_fail "$f: $(cat "$W/e")"
	# the trailer has the counters: they were read after the drop
	grep -q '(1 of 1 files)' "$W/st" || tl_fail "$f: no counters in its trailer"
done
n=$("$TCREC" print "$W/z" | wc -l)
((n > 50)) || tl_fail "only $n packets recorded as nobody"
tl_log "-Z nobody -G 1 -W 3: ${files[*]}, $n packets"
echo PASS
