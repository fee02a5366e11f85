#!/bin/bash
# -Z USER: once attached with the output open, tcrec runs as USER and its
# groups with no capability left (/proc/PID/status), and -G rotation still
# makes complete files in a directory USER can write, as tcpdump requires;
# a directory USER cannot write is refused at the start, not at the first
# rotation.
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
tcrec_start TR "$DU_A" "$DU_IF" "$W/z.log" "$HOOKCTL" -w "$W/z/%H%M%S.tclog" -G 1 -W 5 -Z nobody
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

tl_wait_exit "$TR" 15 || tl_fail "-G 1 -W 5 did not stop after 5 files"
rc=0
wait "$TR" || rc=$?
((rc == 0)) || { cat "$W/z.log.err" >&2; tl_fail "tcrec exited with $rc"; }
wait "$SENDER"
mapfile -t files < <(ls "$W/z")
((${#files[@]} == 5)) || tl_fail "${#files[@]} files: ${files[*]}"
for f in "${files[@]}"; do
	owner=$(stat -c %u "$W/z/$f")
	((owner == uid)) || tl_fail "$f belongs to uid $owner"
	"$TCREC" stats "$W/z/$f" >"$W/st" 2>"$W/e" && [[ ! -s $W/e ]] || tl_fail "$f: $(cat "$W/e")"
	# the trailer has the counters: they were read after the drop
	grep -q '(1 of 1 files)' "$W/st" || tl_fail "$f: no counters in its trailer"
done
n=$("$TCREC" print "$W/z" | wc -l)
((n > 50)) || tl_fail "only $n packets recorded as nobody"
tl_log "-Z nobody -G 1 -W 5: ${files[*]}, $n packets"

# A directory nobody cannot write: refused at the start, before attaching
# and before any file is made, not at the first rotation.
mkdir "$W/r"
rc=0
ip netns exec "$DU_A" timeout 30 "$TCREC" record -i "$DU_IF" -w "$W/r/%H%M%S.tclog" -G 1 -Z nobody \
	--duration 3 >"$W/r.out" 2>"$W/r.err" || rc=$?
cat "$W/r.err" >&2
((rc == 1)) || tl_fail "-Z nobody into a directory nobody cannot write: exit $rc, expected 1 at the start"
[[ -z $(ls "$W/r") ]] || tl_fail "files made: $(ls "$W/r" | xargs)"
grep -q "nobody cannot create files in $W/r" "$W/r.err" || tl_fail "the message does not say who cannot write where"
grep -q "attached" "$W/r.err" && tl_fail "refused only after attaching"
tl_log "-Z nobody into a root-only directory: refused at the start"
echo PASS
