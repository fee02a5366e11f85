#!/bin/bash
# SPDX-License-Identifier: MIT
# In-kernel filter against tcpdump: every shared trace is replayed into a
# veth while `tcrec record -s 0 EXPR` records the other end; the packets it
# recorded (exported to pcap) must be, byte for byte and in order, the ones
# `tcpdump -r TRACE EXPR` selects, for every expression.
#
# Usage: kernel_replay.sh TCREC TRACES_DIR EXPRESSIONS_FILE [MAX_EXPRESSIONS]
set -euo pipefail

TCREC=$1
TRACES=$2
EXPRS=$3
MAX=${4:-1000}
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/capture.sh"

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
tl_wait_for 5 "veth $HOST up" tl__link_up "" "$HOST" 2>/dev/null ||
	tl_wait_for 5 "veth $PEER up" tl__link_up "$NS" "$PEER"

mapfile -t traces < <(ls "$TRACES"/*.pcap)
((${#traces[@]})) || tl_skip "no traces in $TRACES"

# Packets as tcpdump prints them, without times: hex of every byte.
dump() {
	tcpdump -r "$1" -nn -t -xx "${@:2}" 2>/dev/null
}

n=0 failed=0 total_sel=0
while IFS= read -r expr; do
	[[ -z $expr || $expr == \#* ]] && continue
	((n < MAX)) || break
	n=$((n + 1))
	log=$TMP/rec$n.tclog
	# tcx programs do not show in `tc filter show`: force a clsact filter so
	# that tcrec_start can see it attached.
	# shellcheck disable=SC2086 # the expression is words, as for tcpdump
	tcrec_start recpid "$NS" "$PEER" "$log" "" --attach tc -s 0 --ringbuf-size 67108864 $expr
	for t in "${traces[@]}"; do
		tcpreplay -q -t -i "$HOST" "$t" >/dev/null 2>&1 || tl_fail "tcpreplay $t failed"
	done
	sleep 0.3
	tcrec_stop "$recpid" "$log"
	"$TCREC" export "$log" -o "$TMP/got.pcap" -q
	: >"$TMP/want.txt"
	line=""
	for t in "${traces[@]}"; do
		# shellcheck disable=SC2086
		dump "$t" $expr >>"$TMP/want.txt"
		c=$(tcpdump -r "$t" -nn -q $expr 2>/dev/null | wc -l)
		line+=" $(basename "$t" .pcap)=$c"
	done
	dump "$TMP/got.pcap" >"$TMP/got.txt"
	want=$(grep -c '^[^ 	]' "$TMP/want.txt" || true)
	got=$(grep -c '^[^ 	]' "$TMP/got.txt" || true)
	drops=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by the ring buffer/\1/p' "$log.err")
	rejected=$(sed -n 's/^\([0-9]*\) packets\{0,1\} rejected by the filter/\1/p' "$log.err")
	if cmp -s "$TMP/want.txt" "$TMP/got.txt"; then
		verdict=ok
	else
		verdict=DIFFERENT
		failed=$((failed + 1))
		diff "$TMP/want.txt" "$TMP/got.txt" | head -20 >&2 || true
	fi
	total_sel=$((total_sel + want))
	printf '%-50s tcpdump %5d tcrec %5d rejected %5s drops %s %s |%s\n' "$expr" "$want" "$got" \
		"${rejected:-?}" "${drops:-?}" "$verdict" "$line"
	rm -f "$log" "$TMP/got.pcap"
done <"$EXPRS"

echo "$n expressions over ${#traces[@]} traces, $total_sel packets selected, $failed different"
((n >= 30)) || tl_fail "only $n expressions"
((failed == 0))
