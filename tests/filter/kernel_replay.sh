#!/bin/bash
# SPDX-License-Identifier: MIT
# In-kernel filter against tcpdump: the shared traces are replayed into a
# veth while `tcrec record -s 0 EXPR` records the other end; the packets it
# recorded (exported to pcap) must be, byte for byte and in order, the ones
# `tcpdump -r TRACE EXPR` selects from each trace, for every expression.
# Several recorders (one per expression) share each replay: tcx links let
# them sit on the same hook side by side.
#
# Usage: kernel_replay.sh TCREC TRACES_DIR EXPRESSIONS_FILE [BATCH]
set -euo pipefail

TCREC=$1
TRACES=$2
EXPRS=$3
BATCH=${4:-10}
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

tl_require_root
tl_require_tools ip tcpdump tcpreplay
tl_require_bpf
tl_tmpdir TMP

NS=fl$$n
HOST=fl$$h
PEER=fl$$p
tl_netns_add "$NS"
ip link add "$HOST" type veth peer name "$PEER" netns "$NS" || tl_skip "cannot create a veth pair"
tl_on_exit "ip link del '$HOST'"
sysctl -qw "net.ipv6.conf.$HOST.disable_ipv6=1" || true
tl_disable_ipv6 "$NS" "$PEER"
ip link set "$HOST" up
ip -n "$NS" link set "$PEER" up
tl_wait_for 5 "veth $PEER up" tl__link_up "$NS" "$PEER"

mapfile -t traces < <(ls "$TRACES"/*.pcap)
((${#traces[@]})) || tl_fail "no traces in $TRACES"
mapfile -t exprs < <(grep -v -e '^#' -e '^$' "$EXPRS")
((${#exprs[@]} >= 30)) || tl_fail "only ${#exprs[@]} expressions in $EXPRS"

# Packets as tcpdump prints them, without times: the hex of every byte.
dump() {
	tcpdump -r "$1" -nn -t -xx "${@:2}" 2>/dev/null
}

# How many packets tcpdump selects: one line per packet starts with -tt's
# time (some protocols print more lines).
count() {
	tcpdump -r "$1" -nn -tt "${@:2}" 2>/dev/null | grep -cE '^[0-9]+\.[0-9]+ ' || true
}

# start_recorder I EXPR: tcrec on the namespace end, stderr in rec$I.err;
# returns once it says it is attached. Background jobs start with SIGINT
# ignored: put it back, SIGINT is how tcrec is stopped.
start_recorder() {
	local log=$TMP/rec$1.tclog
	rm -f "$log.err" # or the wait below may see an earlier run's line
	# shellcheck disable=SC2086 # the expression is words, as for tcpdump
	ip netns exec "$NS" env --default-signal=INT "$TCREC" record -i "$PEER" -w "$log" -v \
		--attach tcx -s 0 --ringbuf-size 33554432 $2 >"$log.out" 2>"$log.err" &
	pids[$1]=$!
	tl_track_pid "${pids[$1]}"
	tl_wait_for 60 "tcrec '$2' attached" grep -q '^tcrec: recording ' "$log.err" || {
		cat "$log.err" >&2
		tl_fail "tcrec '$2' did not start"
	}
}

stop_recorder() {
	local log=$TMP/rec$1.tclog rc=0
	kill -INT "${pids[$1]}" 2>/dev/null || true
	wait "${pids[$1]}" || rc=$?
	if ((rc != 0)); then
		cat "$log.err" >&2
		tl_fail "tcrec '${exprs[$1]}' exited with status $rc"
	fi
}

declare -a pids
failed=0 total_sel=0
for ((b = 0; b < ${#exprs[@]}; b += BATCH)); do
	end=$((b + BATCH < ${#exprs[@]} ? b + BATCH : ${#exprs[@]}))
	for ((i = b; i < end; i++)); do
		start_recorder "$i" "${exprs[$i]}"
	done
	for t in "${traces[@]}"; do
		tcpreplay -q -t -i "$HOST" "$t" >/dev/null 2>&1 || tl_fail "tcpreplay $t failed"
	done
	sleep 0.5
	for ((i = b; i < end; i++)); do
		stop_recorder "$i"
	done
	for ((i = b; i < end; i++)); do
		expr=${exprs[$i]}
		log=$TMP/rec$i.tclog
		"$TCREC" export "$log" -o "$TMP/got.pcap" -q
		: >"$TMP/want.txt"
		counts=""
		for t in "${traces[@]}"; do
			# shellcheck disable=SC2086
			dump "$t" $expr >>"$TMP/want.txt"
			# shellcheck disable=SC2086
			counts+=" $(basename "$t" .pcap)=$(count "$t" $expr)"
		done
		dump "$TMP/got.pcap" >"$TMP/got.txt"
		want=0
		for t in "${traces[@]}"; do
			# shellcheck disable=SC2086
			want=$((want + $(count "$t" $expr)))
		done
		got=$(count "$TMP/got.pcap")
		drops=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by the ring buffer/\1/p' "$log.err")
		rejected=$(sed -n 's/^\([0-9]*\) packets\{0,1\} rejected by the filter/\1/p' "$log.err")
		verdict=ok
		if ! cmp -s "$TMP/want.txt" "$TMP/got.txt"; then
			verdict=DIFFERENT
			failed=$((failed + 1))
			diff "$TMP/want.txt" "$TMP/got.txt" | head -20 >&2 || true
		fi
		total_sel=$((total_sel + want))
		printf '%-50s tcpdump %5d tcrec %5d rejected %5s drops %s %s |%s\n' "$expr" "$want" \
			"$got" "${rejected:-?}" "${drops:-?}" "$verdict" "$counts"
		rm -f "$log" "$TMP/got.pcap"
	done
done

echo "${#exprs[@]} expressions over ${#traces[@]} traces, $total_sel packets selected, $failed different"
((failed == 0))
