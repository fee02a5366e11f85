#!/bin/bash
# SPDX-License-Identifier: MIT
# A tcrec killed with SIGKILL in `--attach tc` mode leaves its clsact filters
# behind; the next run, in tc mode (RUN2=tc) or with tcx links (RUN2=tcx),
# takes them away and says so (no duplicates, no stale filter left running),
# and when it exits only the foreign filters and the clsact qdisc are left,
# exactly as they were.
#
#   stale_tc.sh TCREC HOOKCTL TRACE [RUN2]
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# >= 3)) || tl_fail "usage: stale_tc.sh TCREC HOOKCTL TRACE"
TCREC=$1 HOOKCTL=$2 TRACE=$3 RUN2=${4:-tc}
[[ $RUN2 == tc || $RUN2 == tcx ]] || tl_fail "RUN2 must be tc or tcx, not '$RUN2'"
PRIO_FOREIGN=10

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

state() { tc_hook_state "$ns_r" "$if_r" "$1" "$HOOKCTL"; }
entries() { grep -c . <<<"$1" || true; }
has_clsact() { tc -n "$ns_r" qdisc show dev "$if_r" | grep -q clsact; }
replay() {
	tl_in "$ns_s" tcpreplay -i "$if_s" --pps=20000 "$TRACE" >"$tmp/replay.txt" 2>&1 ||
		{ cat "$tmp/replay.txt" >&2; tl_fail "tcpreplay failed"; }
	sed -n 's/^[[:space:]]*Successful packets:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/replay.txt"
}
# lines_not_in A B: the lines of A that are not in B.
lines_not_in() { grep -vxF -f <(printf '%s\n' "$2") <<<"$1" || true; }

# The foreign filters (a counter on each hook) make the clsact qdisc.
for dir in ingress egress; do
	mkdir "$pins/$dir"
	tl_in "$ns_r" "$HOOKCTL" attach tc "$if_r" "$dir" "$pins/$dir" $PRIO_FOREIGN ||
		tl_fail "attaching the foreign filter on $dir"
done
foreign_in=$(state ingress) foreign_out=$(state egress)
(($(entries "$foreign_in") == 1 && $(entries "$foreign_out") == 1)) ||
	tl_fail "foreign filters not visible: '$foreign_in' '$foreign_out'"

# logged N: the (still open) log of run 1 holds N packets already.
logged() {
	(($("$TCREC" print "$tmp/run1.tclog" --json 2>/dev/null | grep -c .) >= $1))
}

# Run 1, killed once its packets are in the log (chunks are flushed at least
# once a second), so that the torn log can be checked too.
tcrec_start pid1 "$ns_r" "$if_r" "$tmp/run1.tclog" "$HOOKCTL" --attach tc
sent1=$(replay)
tl_wait_for 5 "run 1 to flush $sent1 packets to its log" logged "$sent1" ||
	tl_fail "run 1's log does not hold the $sent1 packets 5 s after they were sent"
stale_in=$(lines_not_in "$(state ingress)" "$foreign_in")
stale_out=$(lines_not_in "$(state egress)" "$foreign_out")
kill -KILL "$pid1"
wait "$pid1" 2>/dev/null || true
echo "stale tcrec filters after kill -9:"
printf '%s\n' "$stale_in" "$stale_out" | sed 's/^/  /'
[[ -n $stale_in && -n $stale_out ]] ||
	tl_fail "tcrec in tc mode showed no filter of its own (ingress '$stale_in', egress '$stale_out')"
grep -qxF -f <(printf '%s\n' "$stale_in") <<<"$(state ingress)" ||
	tl_fail "the killed tcrec's ingress filter vanished by itself: nothing stale to test"
has_clsact || tl_fail "clsact qdisc gone after kill -9"

# Run 2, with tcpdump as the oracle, ended cleanly.
tcpdump_start dump_pid "$ns_r" "$if_r" "$tmp/oracle.pcap"
tcrec_start pid2 "$ns_r" "$if_r" "$tmp/run2.tclog" "$HOOKCTL" --attach "$RUN2"
run2_in=$(state ingress) run2_out=$(state egress)
sent2=$(replay)
tl_wait_for 15 "tcpdump to write $sent2 packets" pcap_has_at_least "$tmp/oracle.pcap" "$sent2" || true
tcrec_stop "$pid2" "$tmp/run2.tclog"
dump_drops=$(tcpdump_stop "$dump_pid" "$tmp/oracle.pcap")
end_in=$(state ingress) end_out=$(state egress)
echo "ingress while run 2 recorded:"
sed 's/^/  /' <<<"$run2_in"
echo "ingress after run 2 exited:"
sed 's/^/  /' <<<"$end_in"

rc=0
fail() {
	echo "FAIL: $*" >&2
	rc=1
}
for dir in in out; do
	stale=stale_$dir foreign=foreign_$dir run2=run2_$dir end=end_$dir
	hook=ingress
	[[ $dir == in ]] || hook=egress
	n_stale=$(entries "${!stale}")
	n_expected=$(($(entries "${!foreign}") + n_stale))
	(($(entries "${!run2}") == n_expected)) ||
		fail "${hook} during run 2 has $(entries "${!run2}") filters, expected $n_expected (foreign + one set of tcrec's)"
	! grep -qxF -f <(printf '%s\n' "${!stale}") <<<"${!run2}" ||
		fail "${hook}: the stale filter is still there unchanged during run 2"
	grep -qxF "${!foreign}" <<<"${!run2}" ||
		fail "${hook}: the foreign filter changed when run 2 started"
	[[ ${!end} == "${!foreign}" ]] ||
		fail "${hook} after run 2: '${!end}', expected only the foreign '${!foreign}'"
done
has_clsact || fail "the clsact qdisc (not tcrec's) was deleted"
said=$(grep -c 'stale tcrec' "$tmp/run2.tclog.err" || true)
echo "run 2 ($RUN2) said, about the stale filters:"
grep 'stale tcrec' "$tmp/run2.tclog.err" | sed 's/^/  /' || true
((said == 2)) || fail "run 2 ($RUN2) named $said stale filters on stderr, expected 2 (one per hook)"
counted=$("$HOOKCTL" count "$pins/ingress")
((counted == sent1 + sent2)) ||
	fail "foreign ingress counter saw $counted packets, $((sent1 + sent2)) were sent"

# The killed run's log has no trailer; it must still read, all of it.
if "$TCREC" print "$tmp/run1.tclog" --json >"$tmp/run1.jsonl" 2>"$tmp/run1.err"; then
	n1=$(grep -c . "$tmp/run1.jsonl" || true)
	echo "killed run's log reads: $n1 of $sent1 packets ($(head -c 200 "$tmp/run1.err"))"
	((n1 == sent1)) || fail "the killed run's log holds $n1 packets, $sent1 were flushed before the kill"
else
	fail "tcrec print on the killed run's log exited $?: $(head -c 300 "$tmp/run1.err")"
fi

"$TCREC" print "$tmp/run2.tclog" --json >"$tmp/run2.jsonl" 2>"$tmp/print.err" ||
	{ cat "$tmp/print.err" >&2; tl_fail "tcrec print --json failed on run 2"; }
"$TL_PYTHON" "$here/compare.py" --window "$TCREC_T_READY" "$TCREC_T_STOP" \
	--pcap "$tmp/oracle.pcap" --json "$tmp/run2.jsonl" --dir in \
	--label "after stale tc" --sent "$sent2" --tcpdump-drops "$dump_drops" || rc=1
exit "$rc"
