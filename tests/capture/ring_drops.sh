#!/bin/bash
# SPDX-License-Identifier: MIT
# A ring buffer too small for a burst: every packet is either recorded or
# counted as dropped (seen = recorded + dropped = packets sent), the log holds
# exactly the recorded ones, and the records' drops fields account for the
# drops (never more than counted). Then -c N stops after exactly N records.
#
#   ring_drops.sh TCREC HOOKCTL TRACE
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# >= 3)) || tl_fail "usage: ring_drops.sh TCREC HOOKCTL TRACE"
TCREC=$1 HOOKCTL=$2 TRACE=$3

tl_require_root
tl_require_tools ip tc tcpreplay "$TL_PYTHON"
tl_require_bpf
[[ -x $TCREC ]] || tl_fail "tcrec binary not found: $TCREC"
[[ -r $TRACE ]] || tl_skip "trace not found: $TRACE"

ns_s=tc1s$$ ns_r=tc1r$$ if_s=tc1a$$ if_r=tc1b$$
tl_netns_add "$ns_s"
tl_netns_add "$ns_r"
tl_veth_pair "$ns_s" "$if_s" "$ns_r" "$if_r" 9500
tl_tmpdir tmp

replay() {
	tl_in "$ns_s" tcpreplay -i "$if_s" --topspeed "$TRACE" >"$tmp/replay.txt" 2>&1 ||
		{ cat "$tmp/replay.txt" >&2; tl_fail "tcpreplay failed"; }
	sed -n 's/^[[:space:]]*Successful packets:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/replay.txt"
}

# 1. one page of ring for whole packets: a burst must overflow it
tcrec_start rec_pid "$ns_r" "$if_r" "$tmp/small.tclog" "$HOOKCTL" -s 0 --ringbuf-size 4096
sent=$(replay)
sleep 0.5
tcrec_stop "$rec_pid" "$tmp/small.tclog"
"$TCREC" print --json "$tmp/small.tclog" >"$tmp/small.jsonl"
summary() { sed -n "s/^\([0-9]*\) packets\{0,1\} $1\$/\1/p" "$tmp/small.tclog.err"; }
captured=$(summary captured) seen=$(summary "seen on the hooks")
dropped=$(summary "dropped by the ring buffer")
records=$(grep -c . "$tmp/small.jsonl" || true)
drops_field=$("$TL_PYTHON" -c '
import json, sys
print(sum(json.loads(l)["drops"] for l in open(sys.argv[1])))' "$tmp/small.jsonl")
echo "sent=$sent seen=$seen captured=$captured dropped=$dropped records=$records drops_field_sum=$drops_field"
rc=0
fail() { echo "FAIL: $*" >&2; rc=1; }
[[ -n $seen && -n $captured && -n $dropped ]] || tl_fail "no summary in tcrec's stderr: $(cat "$tmp/small.tclog.err")"
((dropped > 0)) || tl_skip "the 4 KiB ring did not overflow on this machine: nothing to check"
((seen == sent)) || fail "seen on the hooks $seen, sent $sent"
((captured + dropped == seen)) || fail "captured $captured + dropped $dropped != seen $seen"
((records == captured)) || fail "the log holds $records records, the summary says $captured"
((drops_field > 0 && drops_field <= dropped)) ||
	fail "records' drops fields sum to $drops_field, dropped $dropped"

# 2. -c: exactly N records, clean exit
tcrec_start rec_pid "$ns_r" "$if_r" "$tmp/count.tclog" "$HOOKCTL" -c 7
replay >/dev/null
tl_wait_exit "$rec_pid" 10 || fail "tcrec -c 7 still running after the replay"
wait "$rec_pid" && crc=0 || crc=$?
((crc == 0)) || fail "tcrec -c 7 exited $crc"
n=$("$TCREC" print "$tmp/count.tclog" | grep -c . || true)
((n == 7)) || fail "tcrec -c 7 wrote $n records"
echo "-c 7: $n records, exit $crc"
exit $rc
