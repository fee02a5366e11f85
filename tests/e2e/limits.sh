#!/bin/bash
# SPDX-License-Identifier: MIT
# tcrec stops by itself: after -c N packets (exactly N recorded, the same as
# tcpdump's first N) and after --duration SEC, with exit status 0 both times.
#
#   limits.sh TCREC HOOKCTL TRACE
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# >= 3)) || tl_fail "usage: limits.sh TCREC HOOKCTL TRACE"
TCREC=$1 HOOKCTL=$2 TRACE=$3
COUNT=100 DURATION=2

tl_require_root
tl_require_tools ip tc tcpdump tshark tcpreplay "$TL_PYTHON"
tl_require_bpf
[[ -x $TCREC && -x $HOOKCTL ]] || tl_fail "binaries not found: $TCREC $HOOKCTL"
[[ -r $TRACE ]] || tl_skip "trace not found: $TRACE"

ns_s=e2s$$ ns_r=e2r$$ if_s=e2a$$ if_r=e2b$$
tl_netns_add "$ns_s"
tl_netns_add "$ns_r"
tl_veth_pair "$ns_s" "$if_s" "$ns_r" "$if_r" 9500
tl_tmpdir tmp

# exits_alone PID LOG SECONDS WHAT: PID ends by itself in time, status 0.
exits_alone() {
	local pid=$1 log=$2 secs=$3 what=$4 rc
	if ! tl_wait_exit "$pid" "$secs"; then
		cat "$log.err" >&2
		tl_fail "tcrec still running ${secs}s after $what"
	fi
	wait "$pid" && rc=0 || rc=$?
	((rc == 0)) || { cat "$log.err" >&2; tl_fail "tcrec exited $rc after $what (expected 0)"; }
}

# -c: the trace has more packets than COUNT.
tcpdump_start dump_pid "$ns_r" "$if_r" "$tmp/oracle.pcap"
tcrec_start rec_pid "$ns_r" "$if_r" "$tmp/count.tclog" "$HOOKCTL" -c "$COUNT"
t_ready=$TCREC_T_READY
tl_in "$ns_s" tcpreplay -i "$if_s" --pps=20000 "$TRACE" >"$tmp/replay.txt" 2>&1 ||
	{ cat "$tmp/replay.txt" >&2; tl_fail "tcpreplay failed"; }
sent=$(sed -n 's/^[[:space:]]*Successful packets:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/replay.txt")
((sent > COUNT)) || tl_fail "the trace has $sent packets, not more than $COUNT"
exits_alone "$rec_pid" "$tmp/count.tclog" 20 "-c $COUNT with $sent packets sent"
t_stop=$(date +%s%N)
tl_wait_for 15 "tcpdump to write $sent packets" pcap_has_at_least "$tmp/oracle.pcap" "$sent" || true
dump_drops=$(tcpdump_stop "$dump_pid" "$tmp/oracle.pcap")
"$TCREC" print "$tmp/count.tclog" --json >"$tmp/count.jsonl" 2>"$tmp/print.err" ||
	{ cat "$tmp/print.err" >&2; tl_fail "tcrec print --json failed"; }
rc=0
"$TL_PYTHON" "$here/compare.py" --window "$t_ready" "$t_stop" --limit "$COUNT" \
	--pcap "$tmp/oracle.pcap" --json "$tmp/count.jsonl" --dir in \
	--label "-c $COUNT" --tcpdump-drops "$dump_drops" || rc=1

# --duration: no traffic needed.
start=$(date +%s%N)
ip netns exec "$ns_r" "$TCREC" record -i "$if_r" -w "$tmp/dur.tclog" --duration "$DURATION" -q \
	>"$tmp/dur.tclog.out" 2>"$tmp/dur.tclog.err" &
dur_pid=$!
tl_track_pid "$dur_pid"
exits_alone "$dur_pid" "$tmp/dur.tclog" $((DURATION + 30)) "--duration $DURATION"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
echo "--duration $DURATION: exited 0 after ${elapsed_ms} ms (program load included)"
((elapsed_ms >= DURATION * 1000)) || { echo "FAIL: --duration $DURATION ended after only $elapsed_ms ms" >&2; rc=1; }
"$TCREC" stats "$tmp/dur.tclog" >/dev/null 2>"$tmp/stats.err" ||
	{ cat "$tmp/stats.err" >&2; echo "FAIL: stats on the --duration log failed" >&2; rc=1; }
exit "$rc"
