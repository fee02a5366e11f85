#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Interfaces that come and go, and which hooks: tcrec record runs inside a
# namespace the test made (so that "any" is the test's interfaces only),
# with tcpdump on the same interface at the same time as the oracle.
#   pattern  -i 'PFX*' before the interface exists; it appears, carries
#            pings, goes away, comes back under the same name: both
#            incarnations are recorded, packet for packet as tcpdump saw
#            them, and stderr says each step
#   any      -i any: lo and a veth made after the start
#   exact    -i NAME that goes away: one line, exit 1, the log readable
#   follow   -i NAME --follow: waited for, recorded, gone, recorded again
#   lo       -i lo shows each packet once, as tcpdump -i lo; -Q inout twice
#   dir      -Q in / -Q out on a veth equal tcpdump -Q in / -Q out
#   netns    --netns NAME -i IF from outside: the stderr line names NS/IF;
#            a uts namespace given as --netns is refused, exit 1
# After each case no tcrec hook may be left anywhere.
# Usage: follow.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/netns.sh"
. "$HERE/../lib/capture.sh"
. "$HERE/../lib/leftover.sh"
tl_require_root
tl_require_tools ip tcpdump tshark ping
tl_require_bpf

tl_tmpdir W
R=tfr$$
P=tfp$$
tl_netns_add "$R"
tl_netns_add "$P"
A=fa$$
B=fb$$

# recorder_start VAR LOG [ARGS...]: tcrec record in R, stderr to LOG.err.
recorder_start() {
	local var=$1 log=$2
	shift 2
	ip netns exec "$R" env --default-signal=INT "$TCREC" record -w "$log" "$@" \
		>"$log.out" 2>"$log.err" &
	local pid=$!
	tl_track_pid "$pid"
	printf -v "$var" '%s' "$pid"
}

# said LOG REGEX: tcrec's stderr has a line matching REGEX (within 20 s).
said() {
	tl_wait_for 20 "tcrec to say /$2/" grep -Eq "$2" "$1.err" ||
		{ cat "$1.err" >&2; tl_fail "tcrec did not say /$2/"; }
}

# veth_up: $A in R (10.77.0.1) <-> $B in P (10.77.0.2).
veth_up() {
	tl_veth_pair "$R" "$A" "$P" "$B"
	ip -n "$R" addr add 10.77.0.1/24 dev "$A"
	ip -n "$P" addr add 10.77.0.2/24 dev "$B"
}

# oracle_pings PCAP IF [TCPDUMP ARGS]: tcpdump on IF in R while P pings R.
oracle_pings() {
	local pcap=$1 ifn=$2
	shift 2
	tcpdump_start TD_PID "$R" "$ifn" "$pcap" "$@"
	ip netns exec "$P" ping -q -c 15 -i 0.02 10.77.0.1 >/dev/null
	sleep 0.2
	tcpdump_stop "$TD_PID" "$pcap" >/dev/null
}

# fields FILE: one line per ICMP echo packet as tcpdump -v reads it: type,
# ICMP id and seq, IP id (sorted). tcpdump, not tshark: it starts in 50 ms.
fields() {
	tcpdump -nn -v -r "$1" 2>/dev/null | awk '
		/ IP \(/ { match($0, /id [0-9]+/); ipid = substr($0, RSTART + 3, RLENGTH - 3); next }
		/ICMP echo/ {
			match($0, /echo (request|reply), id [0-9]+, seq [0-9]+/)
			print substr($0, RSTART, RLENGTH), "ipid", ipid
		}' | sort
}

# same_packets WHAT TCREC_PCAP ORACLE_PCAP
same_packets() {
	local n
	n=$(fields "$3" | wc -l)
	((n > 0)) || tl_fail "$1: tcpdump saw nothing"
	if ! diff <(fields "$2") <(fields "$3") >"$W/diff.txt"; then
		head -20 "$W/diff.txt" >&2
		tl_fail "$1: tcrec's packets differ from tcpdump's"
	fi
	# every packet tcpdump saw, ARP included, not only the pings (tcrec
	# records a little longer than tcpdump runs: it may have more)
	local ours theirs
	ours=$(pcap_count "$2")
	theirs=$(pcap_count "$3")
	((ours >= theirs)) || tl_fail "$1: tcrec $ours packets in all, tcpdump $theirs"
	tl_log "$1: $theirs packets ($n pings), the same as tcpdump's"
}

stop_ok() {
	kill -INT "$1"
	wait "$1" || tl_fail "tcrec exited $? after SIGINT (expected 0); $(cat "$2.err")"
}

no_leftover() {
	tl_leftover_check "$HOOKCTL" "netns:$R" "netns:$P"
}

# --- pattern: appears, goes, comes back under the same name --------------
L=$W/pattern.tclog
recorder_start rp "$L" -i "fa$$*"
said "$L" "waiting"
veth_up
said "$L" "recording $A \(ifindex [0-9]+, in\+out\)"
oracle_pings "$W/p1.pcap" "$A"
ip -n "$R" link del "$A"
said "$L" "$A went away; its counters stay in the trailer"
veth_up
tl_wait_for 20 "the second $A recorded" \
	bash -c "[[ \$(grep -c 'recording $A ' '$L.err') -eq 2 ]]"
oracle_pings "$W/p2.pcap" "$A"
stop_ok "$rp" "$L"
"$TCREC" export "$L" -o "$W/pattern.pcapng"
mergecap -w "$W/p12.pcap" "$W/p1.pcap" "$W/p2.pcap" 2>/dev/null ||
	tl_fail "mergecap failed"
same_packets pattern "$W/pattern.pcapng" "$W/p12.pcap"
n_idb=$(tshark -n -r "$W/pattern.pcapng" -T fields -e frame.interface_id | sort -u | wc -l)
((n_idb == 2)) || tl_fail "pattern: packets under $n_idb interfaces, expected 2 (one per incarnation)"
no_leftover

# --- exact name that goes away --------------------------------------------
L=$W/exact.tclog
recorder_start re "$L" -i "$A"
said "$L" "recording $A "
oracle_pings "$W/e.pcap" "$A"
t0=$(date +%s%N)
ip -n "$R" link del "$A"
tl_wait_exit "$re" 10 || tl_fail "exact: tcrec still running 10 s after $A went away"
rc=0
wait "$re" || rc=$?
((rc == 1)) || tl_fail "exact: exit $rc after $A went away, expected 1"
grep -q "$A went away; recording stops" "$L.err" || tl_fail "exact: no line saying why"
tl_log "exact: exit 1 $(((($(date +%s%N) - t0)) / 1000000)) ms after the delete"
"$TCREC" export "$L" -o "$W/exact.pcapng"
same_packets exact "$W/exact.pcapng" "$W/e.pcap"
no_leftover

# --- exact name with --follow --------------------------------------------
L=$W/follow.tclog
recorder_start rf "$L" -i "$A" --follow
said "$L" "waiting"
veth_up
said "$L" "recording $A "
oracle_pings "$W/f1.pcap" "$A"
ip -n "$R" link del "$A"
said "$L" "$A went away; its counters"
kill -0 "$rf" || tl_fail "follow: tcrec ended when $A went away"
veth_up
tl_wait_for 20 "the second $A recorded" \
	bash -c "[[ \$(grep -c 'recording $A ' '$L.err') -eq 2 ]]"
oracle_pings "$W/f2.pcap" "$A"
stop_ok "$rf" "$L"
"$TCREC" export "$L" -o "$W/follow.pcapng"
mergecap -w "$W/f12.pcap" "$W/f1.pcap" "$W/f2.pcap"
same_packets follow "$W/follow.pcapng" "$W/f12.pcap"
no_leftover

# --- any: lo and a veth made later -----------------------------------------
ip -n "$R" link del "$A"
L=$W/any.tclog
recorder_start ra "$L" -i any
said "$L" "recording lo \(ifindex 1, in\)"
veth_up
said "$L" "recording $A "
oracle_pings "$W/a.pcap" "$A"
stop_ok "$ra" "$L"
"$TCREC" export "$L" -o "$W/any.pcapng" --interface "$A"
same_packets any "$W/any.pcapng" "$W/a.pcap"
no_leftover

# --- directions --------------------------------------------------------------
for q in in out; do
	L=$W/q$q.tclog
	recorder_start rq "$L" -i "$A" -Q $q
	said "$L" "recording $A \(ifindex [0-9]+, $q\)"
	oracle_pings "$W/q$q.pcap" "$A" -Q $q
	stop_ok "$rq" "$L"
	"$TCREC" export "$L" -o "$W/q$q.pcapng"
	same_packets "-Q $q" "$W/q$q.pcapng" "$W/q$q.pcap"
done
no_leftover

# --- loopback: once by default, twice with -Q inout --------------------------
for q in default inout; do
	L=$W/lo$q.tclog
	args=()
	[[ $q == inout ]] && args=(-Q inout)
	recorder_start rl "$L" -i lo "${args[@]}"
	said "$L" "recording lo "
	tcpdump_start tp "$R" lo "$W/lo$q.pcap"
	ip netns exec "$R" ping -q -c 10 -i 0.02 127.0.0.1 >/dev/null
	sleep 0.2
	tcpdump_stop "$tp" "$W/lo$q.pcap" >/dev/null
	stop_ok "$rl" "$L"
	"$TCREC" export "$L" -o "$W/lo$q.pcapng"
	ours=$(fields "$W/lo$q.pcapng" | wc -l)
	theirs=$(fields "$W/lo$q.pcap" | wc -l)
	want=$theirs
	[[ $q == inout ]] && want=$((2 * theirs))
	((theirs >= 20 && ours == want)) ||
		tl_fail "lo ($q): tcrec $ours packets, tcpdump $theirs, expected $want"
	[[ $q == default ]] && same_packets "lo" "$W/lo$q.pcapng" "$W/lo$q.pcap"
	tl_log "lo ($q): tcrec $ours packets, tcpdump -i lo $theirs"
done
no_leftover

# --- --netns from outside ------------------------------------------------------
L=$W/netns.tclog
"$TCREC" record --netns "$P" -i "$B" -w "$L" >"$L.out" 2>"$L.err" &
rn=$!
tl_track_pid "$rn"
said "$L" "recording $P/$B "
tcpdump_start tp "$P" "$B" "$W/n.pcap"
ip netns exec "$P" ping -q -c 15 -i 0.02 10.77.0.1 >/dev/null
sleep 0.2
tcpdump_stop "$tp" "$W/n.pcap" >/dev/null
stop_ok "$rn" "$L"
"$TCREC" export "$L" -o "$W/netns.pcapng"
same_packets netns "$W/netns.pcapng" "$W/n.pcap"
no_leftover

# --- a namespace of another kind is refused at the start ----------------------
rc=0
"$TCREC" record --netns /proc/$$/ns/uts -i any -w "$W/uts.tclog" 2>"$W/uts.err" || rc=$?
((rc == 1)) && grep -q "not a network namespace" "$W/uts.err" ||
	tl_fail "--netns /proc/PID/ns/uts: exit $rc, $(cat "$W/uts.err")"
[[ ! -e $W/uts.tclog ]] || tl_fail "--netns /proc/PID/ns/uts left a file"
echo "PASS"
