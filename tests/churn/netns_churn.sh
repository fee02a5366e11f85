#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Namespaces that come and go under `tcrec record --netns all -i any`:
#
#   netns_churn.sh TCREC HOOKCTL [PAIRS]
#
# PAIRS (default 25) times, a few at once: two new namespaces joined by a
# veth pair (IPv6 off from the start, 10.213.x.y), tcpdump on both ends,
# wait until tcrec says it records both ends (`recording NS/IF`) and tcpdump
# listens, pings and UDP datagrams both ways, tcpdump stopped, namespaces
# deleted. That is 2 x PAIRS namespaces created and deleted while one
# recorder runs. Every packet tcpdump saw on each interface must be in the
# log under that namespace and interface (NS/IF in the exported pcapng);
# each deleted interface must be said gone; the last namespaces are kept
# until the recorder stopped, to show that nothing of tcrec's is left on
# their hooks.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/netns.sh"
. "$here/../lib/leftover.sh"

TCREC=$1
HOOKCTL=$2
PAIRS=${3:-25}
AT_ONCE=10
KEEP=2

tl_require_root
tl_require_bpf
tl_require_tools ip tcpdump tshark
tl_tmpdir tmp
tag=$$

env --default-signal=INT "$TCREC" record --netns all -i any -w "$tmp/rec.tclog" 2>"$tmp/rec.err" &
rec=$!
tl_track_pid "$rec"

# Namespace and interface names of pair I.
nsa() { echo "tcch${tag}a$1"; }
nsb() { echo "tcch${tag}b$1"; }
ifa() { echo "cha$1"; }
ifb() { echo "chb$1"; }

rec_has() {
	grep -qF "recording $1 (ifindex" "$tmp/rec.err"
}

# pair_up I: namespaces, veth, addresses; registered for deletion at exit.
pair_up() {
	local i=$1 a b ns
	a=$(nsa "$i") b=$(nsb "$i")
	for ns in "$a" "$b"; do
		ip netns add "$ns" || tl_skip "cannot create network namespace $ns"
		tl_on_exit "ip netns del '$ns'"
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
	done
	ip link add "$(ifa "$i")" netns "$a" type veth peer name "$(ifb "$i")" netns "$b"
	ip -n "$a" addr add "10.213.$i.1/24" dev "$(ifa "$i")"
	ip -n "$b" addr add "10.213.$i.2/24" dev "$(ifb "$i")"
	ip -n "$a" link set "$(ifa "$i")" up
	ip -n "$b" link set "$(ifb "$i")" up
}

# pair_run I: one pair's whole life after pair_up; runs in a subshell, fails
# by exiting non-zero with a line saying why.
pair_run() {
	local i=$1 a b ta= tb= side
	a=$(nsa "$i") b=$(nsb "$i")
	trap 'kill -INT $ta $tb 2>/dev/null || true' EXIT
	for side in "$a:$(ifa "$i")" "$b:$(ifb "$i")"; do
		tl_wait_for 30 "tcrec recording ${side/://}" rec_has "${side/://}" || return 1
	done
	ip netns exec "$a" env --default-signal=INT tcpdump -i "$(ifa "$i")" -n -U --immediate-mode \
		--time-stamp-precision=nano -w "$tmp/$i.a.pcap" 2>"$tmp/$i.a.pcap.err" &
	ta=$!
	ip netns exec "$b" env --default-signal=INT tcpdump -i "$(ifb "$i")" -n -U --immediate-mode \
		--time-stamp-precision=nano -w "$tmp/$i.b.pcap" 2>"$tmp/$i.b.pcap.err" &
	tb=$!
	tl_wait_for 20 "tcpdump on $a" grep -q 'listening on' "$tmp/$i.a.pcap.err" || return 1
	tl_wait_for 20 "tcpdump on $b" grep -q 'listening on' "$tmp/$i.b.pcap.err" || return 1
	ip netns exec "$a" ping -c 10 -i 0.01 -q "10.213.$i.2" >/dev/null || {
		echo "pair $i: ping failed" >&2
		return 1
	}
	ip netns exec "$b" bash -c "for n in 1 2 3 4 5 6 7 8; do echo \$n >/dev/udp/10.213.$i.1/9; done"
	sleep 0.2
	kill -INT "$ta" "$tb"
	wait "$ta" "$tb" || true
}

tl_wait_for 30 "tcrec recording" grep -qE '^(tcrec: )?recording ' "$tmp/rec.err" || {
	cat "$tmp/rec.err" >&2
	tl_fail "tcrec record --netns all -i any did not start"
}
t0=$SECONDS
for ((first = 0; first < PAIRS; first += AT_ONCE)); do
	pids=()
	for ((i = first; i < first + AT_ONCE && i < PAIRS; i++)); do
		pair_up "$i"
		pair_run "$i" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || {
			sed 's/^/  tcrec: /' "$tmp/rec.err" | tail -20 >&2
			tl_fail "a pair of batch $first failed (see above)"
		}
	done
	for ((i = first; i < first + AT_ONCE && i < PAIRS; i++)); do
		((i >= PAIRS - KEEP)) && continue
		ip netns del "$(nsa "$i")"
		ip netns del "$(nsb "$i")"
	done
done
tl_log "$((2 * PAIRS)) namespaces made and recorded in $((SECONDS - t0)) s"

# Each deleted interface is said gone (a namespace is let go within one
# rescan once nothing holds it).
for ((i = 0; i < PAIRS - KEEP; i++)); do
	for side in "$(nsa "$i")/$(ifa "$i")" "$(nsb "$i")/$(ifb "$i")"; do
		tl_wait_for 20 "$side said gone" \
			grep -qF "$side went away; its counters stay in the trailer" "$tmp/rec.err" ||
			tl_fail "tcrec never said that $side went away"
	done
done
kill -0 "$rec" 2>/dev/null || tl_fail "tcrec stopped during the churn"
sleep 1.5
kill -INT "$rec"
rc=0
wait "$rec" || rc=$?
tail -5 "$tmp/rec.err" | sed 's/^/  tcrec: /' >&2
((rc == 0)) || tl_fail "tcrec record exited $rc"

specs=()
for ((i = PAIRS - KEEP; i < PAIRS; i++)); do
	specs+=("netns:$(nsa "$i")" "netns:$(nsb "$i")")
done
tl_leftover_check "$HOOKCTL" "${specs[@]}"

"$TCREC" export "$tmp/rec.tclog" -o "$tmp/rec.pcapng" >/dev/null 2>"$tmp/export.err" || {
	cat "$tmp/export.err" >&2
	tl_fail "tcrec export of the churn log failed"
}
cases=()
for ((i = 0; i < PAIRS; i++)); do
	cases+=("$tmp/$i.a.pcap=iface:$(nsa "$i")/$(ifa "$i")"
		"$tmp/$i.b.pcap=iface:$(nsb "$i")/$(ifb "$i")")
done
"$TL_PYTHON" "$here/oracle_match.py" --min 20 --log "$tmp/rec.pcapng" "${cases[@]}" >"$tmp/match.txt" ||
	{
		grep -v '^ok' "$tmp/match.txt" >&2
		tl_fail "packets tcpdump saw are missing from the log (see above)"
	}
awk '{o += $4; m += $7} END {printf "%d interfaces: tcpdump saw %d packets, all %d in the log\n", NR, o, m}' \
	FS='[ ,]+' "$tmp/match.txt" >&2
# The same through the reader's own selection, for two interfaces.
for i in 0 $((PAIRS - 1)); do
	sel="$(nsa "$i")/$(ifa "$i")"
	"$TCREC" export "$tmp/rec.tclog" --interface "$sel" -o "$tmp/sel$i.pcapng" >/dev/null ||
		tl_fail "tcrec export --interface $sel failed"
	"$TL_PYTHON" "$here/oracle_match.py" --min 20 "$tmp/$i.a.pcap=$tmp/sel$i.pcapng" >&2 ||
		tl_fail "export --interface $sel misses packets tcpdump saw there"
done
tl_log "PASS"
