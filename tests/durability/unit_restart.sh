#!/bin/bash
# The shipped unit (samples/tcrec@.service) killed with -9 and restarted in
# the same hour, as Restart=on-failure does: its exact ExecStart arguments
# (no systemd needed) on a veth of our own. Every packet flushed before the
# kill is still readable in the first run's file, the restart writes a new
# file next to it, and both hold exactly what the sender sent. Then -W
# across restarts: a -G -C -W ring counts the files earlier runs left.
# Usage: unit_restart.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
. "$(dirname "$0")/common.sh"
unit=$(dirname "$0")/../../samples/tcrec@.service
[[ -f $unit ]] || tl_fail "$unit: not found"
du_net
tl_tmpdir W
mkdir "$W/log" "$W/ring"

# ExecStart with %i -> our interface, %% -> %, the binary and the log
# directory moved to ours.
exec_line=$(sed -n 's/^ExecStart=//p' "$unit")
[[ -n $exec_line ]] || tl_fail "no ExecStart in $unit"
read -ra argv <<<"$exec_line"
args=()
for a in "${argv[@]:1}"; do
	a=${a//%%/$'\001'}
	a=${a//%i/$DU_IF}
	a=${a//$'\001'/%}
	a=${a//\/var\/log\/tcrec/$W/log}
	args+=("$a")
done
[[ ${args[0]} == record ]] || tl_fail "ExecStart does not run 'tcrec record': $exec_line"
tl_log "unit: tcrec ${args[*]}"

# start: the unit's command in namespace A, returns once both hooks are
# attached; pid in UNIT_PID.
start() {
	local before_in before_out
	before_in=$(tc_hook_state "$DU_A" "$DU_IF" ingress "$HOOKCTL")
	before_out=$(tc_hook_state "$DU_A" "$DU_IF" egress "$HOOKCTL")
	ip netns exec "$DU_A" env --default-signal=INT "$TCREC" "${args[@]}" 2>>"$W/unit.err" &
	UNIT_PID=$!
	tl_track_pid "$UNIT_PID"
	local deadline=$((SECONDS + 60))
	until tcrec__attached "$DU_A" "$DU_IF" ingress "$HOOKCTL" "$before_in" &&
		tcrec__attached "$DU_A" "$DU_IF" egress "$HOOKCTL" "$before_out"; do
		kill -0 "$UNIT_PID" 2>/dev/null || tl_fail "the unit's tcrec exited: $(cat "$W/unit.err")"
		((SECONDS < deadline)) || tl_fail "the unit's tcrec not attached after 60 s"
		sleep 0.05
	done
}

# both runs must fall in one -G 3600 period
((10#$(date +%M) * 60 + 10#$(date +%S) < 3540)) || sleep $((3610 - 10#$(date +%M) * 60 - 10#$(date +%S)))
# different counts, so that one run's file cannot pass for the other's
N=1500
N2=1000
start
du_send "$N" 500 0
sleep 1.6 # > the 1 s flush interval: everything sent is on disk
kill -KILL "$UNIT_PID"
wait "$UNIT_PID" 2>/dev/null || true
mapfile -t first < <(ls "$W/log")
((${#first[@]} == 1)) || tl_fail "first run: ${#first[@]} files: ${first[*]}"
before=$(du_count "$W/log/${first[0]}")
tl_log "first run killed: ${first[0]} holds $before of the $N datagrams"
((before == N)) || tl_fail "the first run's file holds $before datagrams of the $N sent and flushed"
# the unit restarts (Restart=on-failure), same hour
start
du_send "$N2" 500 "$N"
sleep 1.6
kill -INT "$UNIT_PID"
rc=0
wait "$UNIT_PID" || rc=$?
cat "$W/unit.err" >&2
((rc == 0)) || tl_fail "second run: exit $rc"

after=$(du_count "$W/log/${first[0]}")
((after == N)) ||
	tl_fail "the first run's file holds $after datagrams after the restart, $before before it (sent: $N)"
mapfile -t files < <(ls "$W/log")
((${#files[@]} == 2)) || tl_fail "${#files[@]} files after the restart: ${files[*]}"
grep -q "${first[0]} exists" "$W/unit.err" || tl_fail "the restart did not say it picked another name"
all=$(du_count "$W/log")
((all == N + N2)) || tl_fail "the directory holds $all datagrams, $((N + N2)) were sent"
"$TCREC" print "$W/log" >/dev/null 2>"$W/pr.err" || tl_fail "print of the ring: $(cat "$W/pr.err")"
tl_log "restart: ${files[*]}, all $all datagrams readable"

# -W across restarts: three runs of a -G 1 -C 1 -W 2 ring
counts=()
for run in 1 2 3; do
	tcrec_start TR "$DU_A" "$DU_IF" "$W/r$run" "$HOOKCTL" -w "$W/ring/r-%H%M%S.tclog" -G 1 -C 1 -W 2
	du_send 500 200
	tcrec_stop "$TR" "$W/r$run"
	counts+=("$(ls "$W/ring" | wc -l)")
done
tl_log "-W 2 over three runs: ${counts[*]} files ($(ls "$W/ring" | xargs))"
for c in "${counts[@]}"; do
	((c <= 2)) || tl_fail "-W 2 left ${counts[*]} files over three runs"
done
echo PASS
