#!/bin/bash
# SPDX-License-Identifier: MIT
# In --attach tc mode, a second tcrec on the same interface must not take the
# filter of a running one for a stale filter: it exits 1 naming the other
# tcrec, and the first keeps recording every packet.
#
#   tc_live.sh TCREC HOOKCTL TRACE
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# >= 3)) || tl_fail "usage: tc_live.sh TCREC HOOKCTL TRACE"
TCREC=$1 HOOKCTL=$2 TRACE=$3

tl_require_root
tl_require_tools ip tc tcpreplay
tl_require_bpf
[[ -x $TCREC ]] || tl_fail "tcrec binary not found: $TCREC"
[[ -r $TRACE ]] || tl_skip "trace not found: $TRACE"

ns_s=tc1s$$ ns_r=tc1r$$ if_s=tc1a$$ if_r=tc1b$$
tl_netns_add "$ns_s"
tl_netns_add "$ns_r"
tl_veth_pair "$ns_s" "$if_s" "$ns_r" "$if_r" 9500
tl_tmpdir tmp

tcrec_start rec_pid "$ns_r" "$if_r" "$tmp/first.tclog" "$HOOKCTL" --attach tc
before=$(tc_hook_state "$ns_r" "$if_r" ingress; tc_hook_state "$ns_r" "$if_r" egress)

rc=0
second=0
timeout 20 ip netns exec "$ns_r" "$TCREC" record -i "$if_r" -w "$tmp/second.tclog" --attach tc \
	--duration 2 2>"$tmp/second.err" || second=$?
after=$(tc_hook_state "$ns_r" "$if_r" ingress; tc_hook_state "$ns_r" "$if_r" egress)
echo "second tcrec: exit $second: $(head -n 1 "$tmp/second.err")"
((second == 1)) || { echo "FAIL: the second tcrec exited $second, expected 1" >&2; rc=1; }
grep -q "another tcrec (pid $rec_pid)" "$tmp/second.err" ||
	{ echo "FAIL: the second tcrec does not name the first (pid $rec_pid)" >&2; rc=1; }
[[ $after == "$before" ]] ||
	{ printf 'FAIL: the hooks changed:\n%s\n--- now:\n%s\n' "$before" "$after" >&2; rc=1; }

tl_in "$ns_s" tcpreplay -i "$if_s" --pps=20000 "$TRACE" >"$tmp/replay.txt" 2>&1 ||
	{ cat "$tmp/replay.txt" >&2; tl_fail "tcpreplay failed"; }
sent=$(sed -n 's/^[[:space:]]*Successful packets:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/replay.txt")
sleep 0.5
tcrec_stop "$rec_pid" "$tmp/first.tclog"
got=$("$TCREC" print "$tmp/first.tclog" | grep -c . || true)
echo "first tcrec recorded $got of $sent packets sent after the second one tried"
((got == sent)) || { echo "FAIL: the first tcrec recorded $got of $sent" >&2; rc=1; }
exit $rc
