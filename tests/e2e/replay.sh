#!/bin/bash
# SPDX-License-Identifier: MIT
# Replay a trace into a veth pair and check that tcrec, recording the far end,
# saw exactly what tcpdump saw on the same interface at the same time.
#
#   replay.sh TCREC HOOKCTL TRACE SUMMARY [TCREC RECORD ARGS...]
#
# Namespaces: e2s<pid> holds the sending end (tcpreplay), e2r<pid> the
# receiving end where tcpdump and tcrec both listen. The receiving end has no
# address and no IPv6, so it sends nothing: every packet on it is a replayed
# one, in the order it was sent.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# >= 4)) || tl_fail "usage: replay.sh TCREC HOOKCTL TRACE SUMMARY [ARGS...]"
TCREC=$1 HOOKCTL=$2 TRACE=$3 SUMMARY=$4
shift 4
REC_ARGS=("$@")
# Fast enough to keep the run short, slow enough that the receiving CPU's
# backlog queue (net.core.netdev_max_backlog) never overflows.
PPS=${E2E_PPS:-20000}

tl_require_root
tl_require_tools ip tc tcpdump tshark tcpreplay "$TL_PYTHON"
tl_require_bpf
[[ -x $TCREC ]] || tl_fail "tcrec binary not found: $TCREC"
[[ -r $TRACE ]] || tl_fail "trace not readable: $TRACE"

label=$(basename "$TRACE")
label=${label%.*}
snap=
for ((i = 0; i < ${#REC_ARGS[@]}; i++)); do
	if [[ ${REC_ARGS[$i]} == -s ]]; then
		snap=${REC_ARGS[$((i + 1))]}
		label="$label -s $snap"
	fi
done

ns_s=e2s$$ ns_r=e2r$$ if_s=e2a$$ if_r=e2b$$
tl_netns_add "$ns_s"
tl_netns_add "$ns_r"
# 9500: room for every trace packet plus VLAN tags, so none is refused for size.
tl_veth_pair "$ns_s" "$if_s" "$ns_r" "$if_r" 9500
tl_tmpdir tmp

# One recording at a given rate: both recorders, the replay, the comparison
# (its summary row goes to $tmp/row). Sets dump_drops.
attempt() {
	local pps=$1 sent failed
	rm -f "$tmp/oracle.pcap" "$tmp/rec.tclog" "$tmp/row"
	tcpdump_start dump_pid "$ns_r" "$if_r" "$tmp/oracle.pcap"
	tcrec_start rec_pid "$ns_r" "$if_r" "$tmp/rec.tclog" "$HOOKCTL" "${REC_ARGS[@]}"
	tl_log "both recorders attached to $if_r; replaying $label at $pps pps"

	tl_in "$ns_s" tcpreplay -i "$if_s" --pps="$pps" "$TRACE" >"$tmp/replay.txt" 2>&1 ||
		{ cat "$tmp/replay.txt" >&2; tl_fail "tcpreplay failed"; }
	sent=$(sed -n 's/^[[:space:]]*Successful packets:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/replay.txt")
	failed=$(sed -n 's/^[[:space:]]*Failed packets:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/replay.txt")
	[[ -n $sent ]] || { cat "$tmp/replay.txt" >&2; tl_fail "no packet count in tcpreplay's output"; }
	((${failed:-0} == 0)) || tl_log "tcpreplay could not send $failed packets"

	# tcpdump delivers in blocks; wait until it has everything (or gives up).
	tl_wait_for 15 "tcpdump to write $sent packets" pcap_has_at_least "$tmp/oracle.pcap" "$sent" || true
	tcrec_stop "$rec_pid" "$tmp/rec.tclog"
	dump_drops=$(tcpdump_stop "$dump_pid" "$tmp/oracle.pcap")

	"$TCREC" print "$tmp/rec.tclog" --json >"$tmp/rec.jsonl" 2>"$tmp/print.err" ||
		{ cat "$tmp/print.err" >&2; tl_fail "tcrec print --json failed on the recording"; }

	local compare_args=(--window "$TCREC_T_READY" "$TCREC_T_STOP"
		--pcap "$tmp/oracle.pcap" --json "$tmp/rec.jsonl" --label "$label"
		--sent "$sent" --dir in --tcpdump-drops "$dump_drops" --summary "$tmp/row")
	[[ -n $snap ]] && compare_args+=(--snap "$snap")
	"$TL_PYTHON" "$here/compare.py" "${compare_args[@]}"
}

# When tcpdump itself dropped packets (a busy machine), the oracle is
# incomplete and proves nothing either way: record again, slower. A
# difference with a complete oracle is a failure at once.
rc=0
for pps in "$PPS" $((PPS / 5)); do
	dump_drops=0
	rc=0
	attempt "$pps" || rc=$?
	((rc != 0 && ${dump_drops:-0} > 0)) || break
	tl_log "tcpdump dropped $dump_drops packets at $pps pps: its capture is incomplete, again slower"
done
[[ -f $tmp/row ]] && cat "$tmp/row" >>"$SUMMARY"
exit "$rc"
