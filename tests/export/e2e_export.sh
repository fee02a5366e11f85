#!/bin/bash
# A trace replayed into a veth pair, recorded on the far end by tcrec and by
# tcpdump (the oracle) at the same time; tcrec's log exported to pcapng must
# read in tshark as tcpdump's capture does: every packet the same for
# everything a record holds of it but the time (record_view.py), metadata
# only (synthesized headers) or with -s N (and then the
# same bytes up to N as tcpdump's capture cut by editcap), inbound on the
# recorded interface.
#
#   e2e_export.sh TCREC HOOKCTL TRACE SNAP     (SNAP "-" = metadata only)
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"
. "$here/fields.sh"

(($# == 4)) || tl_fail "usage: e2e_export.sh TCREC HOOKCTL TRACE SNAP"
TCREC=$1 HOOKCTL=$2 TRACE=$3 SNAP=$4
PPS=${E2E_PPS:-20000}

tl_require_root
tl_require_tools ip tc tcpdump tshark tcpreplay editcap capinfos python3
tl_require_bpf
[[ -r $TRACE ]] || tl_fail "trace not readable: $TRACE"

label=$(basename "$TRACE" .pcap)
rec_args=()
if [[ $SNAP != - ]]; then
	rec_args=(-s "$SNAP")
	label="$label -s $SNAP"
else
	label="$label metadata only"
fi

ns_s=exs$$ ns_r=exr$$ if_s=exa$$ if_r=exb$$
tl_netns_add "$ns_s"
tl_netns_add "$ns_r"
tl_veth_pair "$ns_s" "$if_s" "$ns_r" "$if_r" 9500
tl_tmpdir tmp

# record_once PPS: replay the trace with both recorders on; 1 when tcpdump
# (the oracle) dropped packets, which a loaded machine can make it do.
record_once() {
	rm -f "$tmp"/oracle.pcap* "$tmp"/rec.tclog*
	tcpdump_start dump_pid "$ns_r" "$if_r" "$tmp/oracle.pcap"
	tcrec_start rec_pid "$ns_r" "$if_r" "$tmp/rec.tclog" "$HOOKCTL" "${rec_args[@]}"
	tl_in "$ns_s" tcpreplay -i "$if_s" --pps="$1" "$TRACE" >"$tmp/replay.txt" 2>&1 ||
		{ cat "$tmp/replay.txt" >&2; tl_fail "tcpreplay failed"; }
	sent=$(sed -n 's/^[[:space:]]*Successful packets:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/replay.txt")
	[[ -n $sent ]] || tl_fail "no packet count in tcpreplay's output"
	tl_wait_for 15 "tcpdump to write $sent packets" pcap_has_at_least "$tmp/oracle.pcap" "$sent" || true
	tcrec_stop "$rec_pid" "$tmp/rec.tclog"
	dump_drops=$(tcpdump_stop "$dump_pid" "$tmp/oracle.pcap")
	((dump_drops == 0)) || { tl_log "tcpdump dropped $dump_drops packets at $1 pps"; return 1; }
}
record_once "$PPS" || record_once $((PPS / 10)) || tl_fail "tcpdump dropped packets even at $((PPS / 10)) pps: no complete oracle"

"$TCREC" export -q "$tmp/rec.tclog" -o "$tmp/rec.pcapng" || tl_fail "tcrec export failed"
"$TCREC" export -q "$tmp/rec.tclog" -o "$tmp/rec.pcap" || tl_fail "tcrec export to pcap failed"

count() { capinfos -c -M "$1" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }'; }
n_oracle=$(count "$tmp/oracle.pcap")
n_export=$(count "$tmp/rec.pcapng")
n_pcap=$(count "$tmp/rec.pcap")

# Without times: tcrec and tcpdump stamp the same packet apart.
record_view --no-time "$tmp/oracle.pcap" >"$tmp/want" || tl_fail "no record view of tcpdump's capture"
record_view --no-time "$tmp/rec.pcapng" >"$tmp/got" || tl_fail "no record view of the export"
eq=$(count_equal "$tmp/want" "$tmp/got")

fail=0
if [[ $SNAP != - ]]; then
	# Bytes, without times (tcrec and tcpdump stamp the same packet apart).
	editcap -s "$SNAP" "$tmp/oracle.pcap" "$tmp/oracle.cut.pcap"
	tcpdump -nn -t -x -r "$tmp/oracle.cut.pcap" >"$tmp/want.x" 2>/dev/null
	tcpdump -nn -t -x -r "$tmp/rec.pcapng" >"$tmp/got.x" 2>/dev/null
	if cmp -s "$tmp/want.x" "$tmp/got.x"; then
		bytes="bytes identical"
	else
		bytes="bytes DIFFER"
		diff "$tmp/want.x" "$tmp/got.x" | head -6 >&2 || true
		fail=1
	fi
else
	bytes="synthesized"
	marked=$(tshark -r "$tmp/rec.pcapng" -Y 'frame.comment == "tcrec: synthesized headers"' 2>/dev/null | wc -l)
	[[ $marked == "$n_export" ]] || { echo "only $marked of $n_export packets marked synthesized" >&2; fail=1; }
fi
wrong_if=$(tshark -r "$tmp/rec.pcapng" -T fields -e frame.interface_name -e frame.packet_flags_direction 2>/dev/null |
	awk -v i="$if_r" '$1 != i || $2 != "0x00000001"' | wc -l)

echo "$label: sent $sent, tcpdump $n_oracle, export $n_export (pcap $n_pcap); $eq/$n_oracle packets reading the same; $bytes; wrong interface/direction: $wrong_if"
((n_oracle > 0 && n_export == n_oracle && n_pcap == n_oracle && eq == n_oracle && wrong_if == 0)) || fail=1
if ((fail)); then
	diff <(cat -n "$tmp/want") <(cat -n "$tmp/got") | head -8 >&2 || true
fi
exit $fail
