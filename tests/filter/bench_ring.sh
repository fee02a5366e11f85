#!/bin/bash
# SPDX-License-Identifier: MIT
# What a filter saves: the shared traces are replayed ROUNDS times into a
# veth while `tcrec record -s 0` records the other end, once without a
# filter and once with each EXPR; for each run: packets seen and recorded,
# ring-buffer bytes (records plus captured bytes), log size, recorder CPU.
#
# Usage: bench_ring.sh TCREC TRACES_DIR ROUNDS [EXPR...]
set -euo pipefail

TCREC=$1
TRACES=$2
ROUNDS=$3
shift 3
(($#)) || set -- "tcp[tcpflags] & tcp-syn != 0"
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
tl_require_root
tl_require_tools ip tcpreplay capinfos
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

# 128-byte record + 8-byte ring header per packet, plus its bytes
RECORD=136
tick=$(getconf CLK_TCK)

run() {
	local label=$1 log=$TMP/b.tclog
	shift
	rm -f "$log.err" # or the wait below may see the last run's line
	# shellcheck disable=SC2086 # the expression is words, as for tcpdump
	ip netns exec "$NS" env --default-signal=INT "$TCREC" record -i "$PEER" -w "$log" -v \
		--attach tcx -s 0 "$@" 2>"$log.err" &
	local pid=$!
	tl_track_pid "$pid"
	tl_wait_for 60 "tcrec attached" grep -q '^tcrec: recording ' "$log.err"
	for ((r = 0; r < ROUNDS; r++)); do
		for t in "${traces[@]}"; do
			tcpreplay -q -t -i "$HOST" "$t" >/dev/null 2>&1
		done
	done
	sleep 0.5
	local cpu
	cpu=$(awk -v t="$tick" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$pid/stat")
	kill -INT "$pid"
	wait "$pid"
	"$TCREC" export "$log" -o "$TMP/b.pcap" -q
	local seen rec data size
	seen=$(sed -n 's/^\([0-9]*\) packets\{0,1\} seen on the hooks/\1/p' "$log.err")
	rec=$(capinfos -c -M "$TMP/b.pcap" | sed -n 's/^Number of packets: *//p')
	data=$(capinfos -d -M "$TMP/b.pcap" | sed -n 's/^Data size: *\([0-9]*\).*/\1/p')
	size=$(stat -c %s "$log")
	printf '%-32s seen %7d recorded %7d ring bytes %10d log bytes %9d recorder CPU %5ss\n' \
		"$label" "$seen" "$rec" $((rec * RECORD + data)) "$size" "$cpu"
}

run "(no filter)"
for e in "$@"; do
	# shellcheck disable=SC2086
	run "$e" $e
done
