#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Live, two vantage points: ns1 -- router -- ns2, UDP from tests/tools'
# udpflood, about 3% of it dropped in the router by an nftables rule
# (numgen random mod 100 < 3) with a named counter. The router's two
# interfaces are captured (A: from ns1, B: towards ns2); the packets
# `tcrec diff A B udp` reports lost must equal the nft counter exactly.
#
#   live.sh TCREC UDPFLOOD pcap           capture with tcpdump
#   live.sh TCREC UDPFLOOD tcrec HOOKCTL  capture with tcrec record (A with
#       -s 128, B metadata only), and tcpdump next to it on A's interface:
#       that pcap against the tcrec log of the same interface must be "same"
#       (mixed inputs)
#
# A check whose capture was incomplete (tcpdump, or the tcrec under test,
# dropped packets: a busy machine) proves nothing either way: that recording
# is made again at a quarter of the rate, a few times, and the test fails if
# it never gets a complete one. A difference in a complete one fails at once.
set -euo pipefail
TCREC=$1 udpflood=$2 mode=$3 hookctl=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/netns.sh
. "$here/../lib/netns.sh"
# shellcheck source=../lib/capture.sh
. "$here/../lib/capture.sh"

tl_require_root
tl_require_tools ip nft tcpdump python3
[[ $mode == tcrec ]] && tl_require_bpf
COUNT=${DF_LIVE_COUNT:-50000}
RATE=${DF_LIVE_RATE:-10000}

# set by tl_tmpdir / tcpdump_start / tcrec_start
work='' pa='' pb='' ta='' tb=''
id=$$
n1=df${id}a nr=df${id}r n2=df${id}b
tl_tmpdir work
tl_netns_add "$n1"
tl_netns_add "$nr"
tl_netns_add "$n2"
tl_veth_pair "$n1" "df${id}a0" "$nr" "df${id}r1"
tl_veth_pair "$nr" "df${id}r2" "$n2" "df${id}b0"
ip -n "$n1" addr add 10.251.1.1/24 dev "df${id}a0"
ip -n "$nr" addr add 10.251.1.254/24 dev "df${id}r1"
ip -n "$nr" addr add 10.251.2.254/24 dev "df${id}r2"
ip -n "$n2" addr add 10.251.2.1/24 dev "df${id}b0"
ip -n "$n1" route add default via 10.251.1.254
ip -n "$n2" route add default via 10.251.2.254
tl_in "$nr" sysctl -qw net.ipv4.ip_forward=1
# resolve the neighbours now: a packet queued for ARP and dropped would be
# a loss the nft counter does not know about
neigh_ok() {
	ip -n "$n1" neigh show 10.251.1.254 | grep -Eq 'REACHABLE|STALE|DELAY' &&
		ip -n "$nr" neigh show 10.251.2.1 | grep -Eq 'REACHABLE|STALE|DELAY'
}
tl_in "$n1" "$udpflood" -d 10.251.2.1 -p 9998 -n 3 -r 10 >/dev/null
tl_wait_for 5 "neighbours resolved on the path ns1 -> ns2" neigh_ok || tl_fail "no path ns1 -> ns2"

tl_in "$nr" nft -f - <<'EOF'
table ip df_loss {
	counter lost { }
	chain loss {
		type filter hook forward priority 0; policy accept;
		udp dport 9999 numgen random mod 100 < 3 counter name "lost" drop
	}
}
EOF

if [[ $mode == tcrec ]]; then
	"$TCREC" record --help >/dev/null 2>&1 ||
		tl_fail "tcrec record --help fails: $("$TCREC" record --help 2>&1 | head -3)"
fi

# stopped in this shell: a $(...) subshell cannot wait for our child and
# would read tcpdump's statistics before they are written
stop_tcpdump() {
	kill -INT "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
kernel_drops() {
	sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$1.err"
}

# round N RATE: one recording of COUNT packets (fewer at a lower rate, so
# that every round takes about as long), then every check its captures are
# complete enough for; sets loss_done / mixed_done for the checks made.
loss_done=0 mixed_done=0
round() {
	local r=$1 rate=$2 count=$((COUNT * $2 / RATE))
	local A=$work/a$r B=$work/b$r a b sent lost_nft rc drops_a drops_b cdrops
	local pk_a pk_b lost added dup matched p50
	((count >= 1000)) || count=1000
	tl_in "$nr" nft reset counter ip df_loss lost >/dev/null
	if [[ $mode == pcap ]]; then
		tcpdump_start pa "$nr" "df${id}r1" "$A.pcap" udp
		tcpdump_start pb "$nr" "df${id}r2" "$B.pcap" udp
	else
		tcrec_start ta "$nr" "df${id}r1" "$A.tclog" "$hookctl" -s 128
		# B metadata only: matched against A's bytes, filtered on synthesized headers
		tcrec_start tb "$nr" "df${id}r2" "$B.tclog" "$hookctl"
		tcpdump_start pa "$nr" "df${id}r1" "$A.pcap" udp
	fi

	sent=$(tl_in "$n1" "$udpflood" -d 10.251.2.1 -p 9999 -n "$count" -r "$rate" -s 64)
	sleep 0.5 # the last packets cross the router

	stop_tcpdump "$pa"
	drops_a=$(kernel_drops "$A.pcap")
	drops_b=0
	if [[ $mode == pcap ]]; then
		stop_tcpdump "$pb"
		drops_b=$(kernel_drops "$B.pcap")
		a=$A.pcap b=$B.pcap
	else
		tcrec_stop "$ta" "$A.tclog"
		tcrec_stop "$tb" "$B.tclog"
		a=$A.tclog b=$B.tclog
	fi
	[[ -n $drops_a && -n $drops_b ]] || tl_fail "no statistics from tcpdump"
	lost_nft=$(tl_in "$nr" nft -j list counter ip df_loss lost |
		python3 -c 'import json,sys; print([o["counter"]["packets"] for o in json.load(sys.stdin)["nftables"] if "counter" in o][0])')

	rc=0
	"$TCREC" diff --json "$a" "$b" udp >"$work/diff$r.json" || rc=$?
	((rc == 1)) || tl_fail "round $r: diff exited $rc, want 1 (the router dropped $lost_nft packets)"
	read -r pk_a pk_b lost added dup matched p50 cdrops < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["inputs"][0]["packets"], d["inputs"][1]["packets"], d["lost"], d["added"],
      d["duplicated"], d["matched"], d["delay"]["p50_ns"],
      d["inputs"][0]["capture_drops"] + d["inputs"][1]["capture_drops"])' "$work/diff$r.json")
	tl_log "round $r, $mode at $rate pps: sent $sent, A $pk_a, B $pk_b; nft dropped $lost_nft;" \
		"diff: lost $lost, added $added, duplicated $dup, matched $matched, delay p50 ${p50} ns;" \
		"tcpdump dropped $drops_a + $drops_b, the tcrec logs report $cdrops drops"

	# The loss check needs both captures under test whole: tcpdump's in pcap
	# mode, tcrec's in tcrec mode.
	if [[ $mode == pcap ]] && ((drops_a + drops_b > 0)); then
		tl_log "round $r: tcpdump dropped $drops_a + $drops_b packets: loss check not possible on it"
	elif [[ $mode == tcrec ]] && ((cdrops > 0)); then
		tl_log "round $r: tcrec dropped $cdrops packets: loss check not possible on it"
	else
		((pk_a == sent)) || tl_fail "round $r: A captured $pk_a of $sent packets sent"
		((lost == lost_nft)) || tl_fail "round $r: diff reports $lost lost, the nft counter says $lost_nft"
		((added == 0 && dup == 0)) || tl_fail "round $r: diff reports $added added and $dup duplicated, want 0"
		((matched + lost == pk_a && pk_b == matched)) ||
			tl_fail "round $r: matched $matched + lost $lost != A $pk_a"
		loss_done=1
	fi

	[[ $mode == tcrec ]] || return 0
	# tcrec's log of A against tcpdump's pcap of A: both must be whole
	if ((drops_a > 0 || cdrops > 0)); then
		tl_log "round $r: mixed check not possible (tcpdump dropped $drops_a, tcrec $cdrops)"
		return 0
	fi
	rc=0
	"$TCREC" diff "$A.tclog" "$A.pcap" udp >"$work/mixed$r.txt" || rc=$?
	if ((rc != 0)); then
		cat "$work/mixed$r.txt" >&2
		tl_fail "round $r: tcrec log vs tcpdump pcap of the same interface: exit $rc, want 0 (same)"
	fi
	tl_log "round $r: tcrec log vs tcpdump pcap of df${id}r1: same"
	mixed_done=1
}

rate=$RATE
for r in 1 2 3 4; do
	round "$r" "$rate"
	if ((loss_done)) && { [[ $mode == pcap ]] || ((mixed_done)); }; then
		break
	fi
	((r == 4)) || rate=$((rate / 4))
done
((loss_done)) || tl_fail "no complete capture in 4 rounds down to $rate pps: loss check never made"
[[ $mode == pcap ]] || ((mixed_done)) ||
	tl_fail "no complete tcrec and tcpdump captures in 4 rounds down to $rate pps: mixed check never made"
echo PASS
