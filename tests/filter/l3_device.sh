#!/bin/bash
# SPDX-License-Identifier: MIT
# Filters on an L3 device (TUN: packets start at the IP header): tcrec
# filters the packet as it exports it, behind a synthesized Ethernet header
# with zero MACs, so `tcpdump -r` on those same bytes is the oracle.
#
# Usage: l3_device.sh TCREC
set -euo pipefail

TCREC=$1
HERE=$(dirname "$0")
# shellcheck source=tests/lib/netns.sh
. "$HERE/../lib/netns.sh"
tl_require_root
tl_require_tools ip tcpdump python3
tl_require_bpf
[[ -c /dev/net/tun ]] || tl_skip "no /dev/net/tun"
tl_tmpdir TMP
NS=fl$$l
tl_netns_add "$NS"
# a new namespace inherits the host's ip_forward (podman turns it on): a
# forwarded copy would go back out of the TUN and double the count
ip netns exec "$NS" sysctl -qw net.ipv4.ip_forward=0

failed=0 n=0
for expr in "udp port 53" "tcp[tcpflags] & tcp-syn != 0" "ip and len > 50" \
	"ether host 00:00:00:00:00:00 and udp" "ether proto 0x0800 and ip[4:2] < 10" "not tcp"; do
	# tcrec never writes over an earlier log: the last run's goes first;
	# so does its stderr, or the wait below could find the last run's
	# "recording" line before this tcrec has truncated the file
	rm -f "$TMP/go" "$TMP/rec.tclog" "$TMP/rec.err"
	# a new name each time: the last device may still be going away
	n=$((n + 1))
	TUN=fl$$t$n
	ip netns exec "$NS" python3 "$HERE/tun_inject.py" "$TUN" "$TMP/go" "$TMP/oracle.pcap" &
	py=$!
	tl_track_pid "$py"
	tl_wait_for 10 "$TUN" ip -n "$NS" link show "$TUN"
	# shellcheck disable=SC2086 # the expression is words, as for tcpdump
	ip netns exec "$NS" env --default-signal=INT "$TCREC" record -i "$TUN" -w "$TMP/rec.tclog" \
		--follow -s 0 -v $expr 2>"$TMP/rec.err" &
	rec=$!
	tl_track_pid "$rec"
	tl_wait_for 60 "tcrec attached" grep -q '^tcrec: recording ' "$TMP/rec.err" || {
		cat "$TMP/rec.err" >&2
		tl_fail "tcrec did not start on $TUN"
	}
	touch "$TMP/go"
	wait "$py" || tl_fail "tun_inject.py failed"
	# Written packets may still wait in the kernel's receive backlog, before
	# the TC hook: give them time to pass it before ending the recording.
	sleep 1
	kill -INT "$rec"
	wait "$rec" || {
		cat "$TMP/rec.err" >&2
		tl_fail "tcrec failed"
	}
	"$TCREC" export "$TMP/rec.tclog" -o "$TMP/got.pcap" -q
	# shellcheck disable=SC2086
	want=$(tcpdump -r "$TMP/oracle.pcap" -nn -t -xx $expr 2>/dev/null)
	got=$(tcpdump -r "$TMP/got.pcap" -nn -t -xx 2>/dev/null)
	# shellcheck disable=SC2086
	n_want=$(tcpdump -r "$TMP/oracle.pcap" -nn $expr 2>/dev/null | wc -l)
	n_got=$(tcpdump -r "$TMP/got.pcap" -nn 2>/dev/null | wc -l)
	verdict=ok
	if [[ $want != "$got" ]]; then
		verdict=DIFFERENT
		failed=$((failed + 1))
	fi
	printf '%-45s tcpdump %3d tcrec %3d %s\n' "$expr" "$n_want" "$n_got" "$verdict"
done
((failed == 0))
