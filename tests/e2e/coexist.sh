#!/bin/bash
# SPDX-License-Identifier: MIT
# tcrec shares a TC hook with someone else's program and leaves it alone.
#
#   coexist.sh TCREC HOOKCTL tcx|tc TRACE
#
# Counter A goes on the ingress hook before tcrec starts, counter B after it
# has attached (so B runs after tcrec in the chain: it only counts if tcrec
# hands every packet on). Both must count every replayed packet while tcrec
# records, tcrec must record them all, and after tcrec exits both counters
# are still attached, still counting, and nothing of tcrec's is left. tcx
# mode uses pinned tcx links and `--attach tcx`; tc mode uses clsact filters
# (the clsact qdisc is created by the counter, not by tcrec) and
# `--attach tc`.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# >= 4)) || tl_fail "usage: coexist.sh TCREC HOOKCTL tcx|tc TRACE"
TCREC=$1 HOOKCTL=$2 MODE=$3 TRACE=$4
[[ $MODE == tcx || $MODE == tc ]] || tl_fail "mode must be tcx or tc, not $MODE"
PRIO_A=10 PRIO_B=60000

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
tl_mount_bpffs pins
mkdir "$pins/a" "$pins/b"

counter_attach() { # DIR PRIO
	local args=(attach "$MODE" "$if_r" ingress "$pins/$1")
	[[ $MODE == tc ]] && args+=("$2")
	tl_in "$ns_r" "$HOOKCTL" "${args[@]}" || tl_fail "attaching counter $1 ($MODE)"
	if [[ $MODE == tcx ]]; then
		tl_on_exit "rm -f '$pins/$1/link'"
	fi
}
count() { "$HOOKCTL" count "$pins/$1"; }
ingress_state() { tc_hook_state "$ns_r" "$if_r" ingress "$HOOKCTL"; }

replay() { # TRACE -> prints packets sent
	tl_in "$ns_s" tcpreplay -i "$if_s" --pps=20000 "$1" >"$tmp/replay.txt" 2>&1 ||
		{ cat "$tmp/replay.txt" >&2; tl_fail "tcpreplay failed"; }
	sed -n 's/^[[:space:]]*Successful packets:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/replay.txt"
}

# counters_reach N: both counters have counted N packets (they count in
# softirq context, right when the packet arrives; the wait only covers a
# busy machine).
counters_reach() { (($(count a) >= $1 && $(count b) >= $1)); }

counter_attach a $PRIO_A
state_a=$(ingress_state)
[[ -n $state_a ]] || tl_fail "counter A not visible on $if_r ingress"

tcpdump_start dump_pid "$ns_r" "$if_r" "$tmp/oracle.pcap"
tcrec_start rec_pid "$ns_r" "$if_r" "$tmp/rec.tclog" "$HOOKCTL" --attach "$MODE"
grep -qxF "$state_a" <<<"$(ingress_state)" ||
	tl_fail "counter A is gone from $if_r ingress once tcrec attached"
counter_attach b $PRIO_B

sent=$(replay "$TRACE")
tl_wait_for 10 "counters to reach $sent" counters_reach "$sent" || true
tl_wait_for 15 "tcpdump to write $sent packets" pcap_has_at_least "$tmp/oracle.pcap" "$sent" || true
during_a=$(count a) during_b=$(count b)
state_during=$(ingress_state)
tcrec_stop "$rec_pid" "$tmp/rec.tclog"
dump_drops=$(tcpdump_stop "$dump_pid" "$tmp/oracle.pcap")
state_after=$(ingress_state)

# After tcrec: a second replay must still be counted by both.
sent2=$(replay "$TRACE")
tl_wait_for 10 "counters to reach $((sent + sent2))" counters_reach $((sent + sent2)) || true
after_a=$(count a) after_b=$(count b)

"$TCREC" print "$tmp/rec.tclog" --json >"$tmp/rec.jsonl" 2>"$tmp/print.err" ||
	{ cat "$tmp/print.err" >&2; tl_fail "tcrec print --json failed on the recording"; }
recorded=$(grep -c . "$tmp/rec.jsonl" || true)

echo "mode=$MODE sent=$sent counter_a=$during_a counter_b=$during_b tcrec=$recorded;" \
	"after tcrec exit: sent=$sent2 counter_a=$((after_a - during_a)) counter_b=$((after_b - during_b))"
echo "ingress hook while tcrec ran:"
sed 's/^/  /' <<<"$state_during"
echo "ingress hook after tcrec exited:"
sed 's/^/  /' <<<"$state_after"

rc=0
check() { # CONDITION-TEXT, then the test
	local what=$1
	shift
	if ! "$@"; then
		echo "FAIL: $what" >&2
		rc=1
	fi
}
check "counter A counted $during_a of $sent packets while tcrec ran" test "$during_a" -eq "$sent"
check "counter B (after tcrec in the chain) counted $during_b of $sent" test "$during_b" -eq "$sent"
check "counter A counted $((after_a - during_a)) of $sent2 after tcrec exited" \
	test $((after_a - during_a)) -eq "$sent2"
check "counter B counted $((after_b - during_b)) of $sent2 after tcrec exited" \
	test $((after_b - during_b)) -eq "$sent2"
check "tcrec recorded $recorded of $sent" test "$recorded" -eq "$sent"
# Exactly A and B are left, unchanged (same program ids).
check "counter A's entry changed or vanished after tcrec exited" grep -qxF "$state_a" <<<"$state_after"
check "ingress hook after tcrec exited has $(grep -c . <<<"$state_after") entries, expected A and B only" \
	test "$(grep -c . <<<"$state_after")" -eq 2
check "tcrec left something on the egress hook: $(tc_hook_state "$ns_r" "$if_r" egress "$HOOKCTL")" \
	test -z "$(tc_hook_state "$ns_r" "$if_r" egress "$HOOKCTL")"
if [[ $MODE == tc ]]; then
	check "the clsact qdisc the counter created is gone" \
		grep -q clsact <<<"$(tc -n "$ns_r" qdisc show dev "$if_r")"
fi
"$TL_PYTHON" "$here/compare.py" --window "$TCREC_T_READY" "$TCREC_T_STOP" \
	--pcap "$tmp/oracle.pcap" --json "$tmp/rec.jsonl" --dir in \
	--label "coexist $MODE" --sent "$sent" --tcpdump-drops "$dump_drops" || rc=1
exit "$rc"
