#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The link watcher (capture/link_watch.h) against `ip -j link` in each
# namespace, one case per run:
#   own    the recorder's namespace: links made, renamed (gone + new), toggled, deleted
#   named  --netns NAME|PATH|PID, a name that is not there, deleted, re-made
#   all    --netns all: named and unnamed namespaces made after the start,
#          let go when deleted (the kernel frees them: a veth peer goes)
#   moved  a link moved from one watched namespace to another
#   fds    50 namespaces made and deleted: descriptors stay flat
#   watch.sh WATCH_DRIVER CASE
set -u
drv=$1
case_=$2
. "$(dirname "$0")/lib.sh"
ev=$tmp/events

start_driver() {
	: >"$ev"
	"$drv" "$@" >"$ev" 2>"$tmp/driver.err" &
	dpid=$!
	pids+=("$dpid")
	wait_for "$ev" '^ready ' 50 || { bad "driver did not start: $(cat "$tmp/driver.err")"; exit 1; }
	self=$(awk '$1 == "ready" { print $2 }' "$ev")
}
count() { "$py" "$here/events.py" count "$ev" "$@"; }
ifindex() { ip -j ${2:+-n "$2"} link show "$1" | "$py" -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])'; }

case_own() {
	start_driver
	same_links "$ev" "$self" || bad "own namespace at start: events and ip differ"
	ip link add "tw${sfx}a" type veth peer name "tw${sfx}b"
	local a b
	a=$(ifindex "tw${sfx}a"); b=$(ifindex "tw${sfx}b")
	wait_for "$ev" "^new $self $a tw${sfx}a kind=veth up=0 peer=$b@$self " || bad "no new event for tw${sfx}a"
	wait_for "$ev" "^new $self $b tw${sfx}b kind=veth" || bad "no new event for tw${sfx}b"
	ip link set "tw${sfx}b" mtu 1400
	ip link set "tw${sfx}b" up
	ip link set "tw${sfx}b" down
	# a rename is gone + new under the new name: -i patterns match names
	ip link set "tw${sfx}a" name "tw${sfx}c"
	wait_for "$ev" "^new $self $a tw${sfx}c kind=veth" || bad "no new event for the renamed tw${sfx}c"
	sleep 0.5
	[ "$(count gone "$self" "$a")" -eq 1 ] || bad "the rename was not reported gone under its old name"
	[ "$(count new "$self" "$a")" -eq 2 ] || bad "a renamed link: $(count new "$self" "$a") new events, expected 2"
	[ "$(count new "$self" "$b")" -eq 1 ] || bad "a link whose mtu or state changed was reported new again"
	ip link del "tw${sfx}c"
	wait_for "$ev" "^gone $self $a\$" || bad "no gone event for the deleted veth"
	wait_for "$ev" "^gone $self $b\$" || bad "no gone event for its peer"
	sleep 0.3
	local n_gone
	n_gone=$(count gone "$self" "$a")
	[ "$n_gone" -eq 2 ] || bad "the deleted veth: $n_gone gone events, expected 2 (rename, delete)"
	same_links "$ev" "$self" || bad "own namespace after the changes: events and ip differ"
}

case_named() {
	local A=tcrecw${sfx}a ino pid
	ip netns add "$A"
	ip -n "$A" link add "tw${sfx}a" type veth peer name "tw${sfx}b"
	ip -n "$A" link set lo up
	ino=$(ns_ino "/run/netns/$A")
	# a name that is not there: one line, exit 1
	"$drv" --netns "tcrecw${sfx}z" >/dev/null 2>"$tmp/err"
	local rc=$?
	[ "$rc" -eq 1 ] || bad "--netns of a missing name: exit $rc, expected 1"
	[ "$(grep -c . "$tmp/err")" -eq 1 ] || bad "--netns of a missing name: not one line: $(cat "$tmp/err")"
	grep -qxE -- "(tcrec: )?--netns tcrecw${sfx}z: no such network namespace \(/run/netns/tcrecw${sfx}z\)" "$tmp/err" ||
		bad "--netns of a missing name says: $(cat "$tmp/err")"
	# PATH and PID name the same namespace
	ip netns exec "$A" sleep 30 &
	pid=$!; pids+=("$pid")
	sleep 0.2
	for spec in "/run/netns/$A" "$pid"; do
		start_driver --netns "$spec"
		same_links "$ev" "$ino" "$A" || bad "--netns $spec: events and ip differ"
		kill "$dpid"; wait "$dpid" 2>/dev/null
	done
	kill "$pid"; wait "$pid" 2>/dev/null
	start_driver --netns "$A"
	same_links "$ev" "$ino" "$A" || bad "--netns $A at start: events and ip differ"
	grep -q "^new $ino [0-9]* lo .* ns=$A " "$ev" || bad "lo of $A not named $A: $(grep "^new $ino" "$ev" | head -1)"
	grep -q "^new $self " "$ev" && bad "--netns $A reported links of the own namespace"
	ip netns del "$A"
	wait_for "$ev" "^gone $ino " 10 || bad "links of the deleted $A not gone within 1 s"
	sleep 0.3
	[ -n "$("$py" "$here/events.py" live "$ev" "$ino")" ] && bad "links of the deleted $A still live"
	# the same name made again: a new namespace, its links new
	ip netns add "$A"
	ip -n "$A" link add "tw${sfx}c" type veth peer name "tw${sfx}d"
	local ino2
	ino2=$(ns_ino "/run/netns/$A") # the kernel may give the freed inode again
	wait_for "$ev" "^new $ino2 [0-9]* tw${sfx}c " 20 || bad "links of the re-made $A not reported"
	[ "$(grep -c "^new $ino2 [0-9]* lo " "$ev")" -eq "$([ "$ino2" = "$ino" ] && echo 2 || echo 1)" ] ||
		bad "lo of the re-made $A not reported new once"
	same_links "$ev" "$ino2" "$A" || bad "re-made $A: events and ip differ"
}

case_all() {
	local A=tcrecw${sfx}a ino uino upid h n t0 t1
	start_driver --netns all
	same_links "$ev" "$self" || bad "--netns all, own namespace: events and ip differ"
	ip netns add "$A"
	ino=$(ns_ino "/run/netns/$A")
	ip link add "tw${sfx}h" type veth peer name "tw${sfx}n" netns "$A"
	h=$(ifindex "tw${sfx}h"); n=$(ifindex "tw${sfx}n" "$A")
	wait_for "$ev" "^new $ino $n tw${sfx}n kind=veth up=0 peer=$h@$self " 10 ||
		bad "--netns all: $A made after the start not seen within 1 s (or wrong peer): $(grep "^new $ino" "$ev")"
	wait_for "$ev" "^new $self $h tw${sfx}h kind=veth up=0 peer=$n@$ino " 10 ||
		bad "--netns all: tw${sfx}h not reported with its peer in $A: $(grep " tw${sfx}h " "$ev")"
	same_links "$ev" "$ino" "$A" || bad "--netns all, $A: events and ip differ"
	# an unnamed namespace: a process in it and nothing else
	unshare -n sleep 30 &
	upid=$!; pids+=("$upid")
	sleep 0.1
	uino=$(ns_ino "/proc/$upid/ns/net")
	wait_for "$ev" "^new $uino [0-9]* lo " 10 || bad "--netns all: unnamed namespace not seen within 1 s"
	kill "$upid"; wait "$upid" 2>/dev/null
	wait_for "$ev" "^gone $uino " 10 || bad "--netns all: unnamed namespace not let go within 1 s"
	# deleted: let go, so the kernel frees it and the veth's host end goes
	t0=$(date +%s%N)
	ip netns del "$A"
	wait_for "$ev" "^gone $ino $n\$" 10 || bad "--netns all: links of the deleted $A not gone within 1 s"
	local i
	for ((i = 0; i < 20; i++)); do
		ip link show "tw${sfx}h" >/dev/null 2>&1 || break
		sleep 0.05
	done
	t1=$(date +%s%N)
	ip link show "tw${sfx}h" >/dev/null 2>&1 && bad "tw${sfx}h still there 1 s after ip netns del: namespace kept alive"
	echo "namespace freed $(((t1 - t0) / 1000000)) ms after ip netns del"
	wait_for "$ev" "^gone $self $h\$" 10 || bad "no gone event for tw${sfx}h"
	grep '^problem' "$ev" && bad "problems reported"
}

case_moved() {
	local A=tcrecw${sfx}a B=tcrecw${sfx}b ia ib m m2
	ip netns add "$A"; ip netns add "$B"
	ia=$(ns_ino "/run/netns/$A"); ib=$(ns_ino "/run/netns/$B")
	ip -n "$A" link add "tw${sfx}m" type veth peer name "tw${sfx}p"
	start_driver --netns "$A" --netns "$B"
	m=$(ifindex "tw${sfx}m" "$A")
	wait_for "$ev" "^new $ia $m tw${sfx}m kind=veth" || bad "tw${sfx}m not reported in $A"
	ip -n "$A" link set "tw${sfx}m" netns "$B"
	m2=$(ifindex "tw${sfx}m" "$B")
	wait_for "$ev" "^gone $ia $m\$" 10 || bad "moved link not gone from $A"
	wait_for "$ev" "^new $ib $m2 tw${sfx}m kind=veth up=0 peer=[0-9]*@$ia " 10 ||
		bad "moved link not new in $B with its peer in $A: $(grep " tw${sfx}m " "$ev")"
	same_links "$ev" "$ia" "$A" || bad "$A after the move: events and ip differ"
	same_links "$ev" "$ib" "$B" || bad "$B after the move: events and ip differ"
}

# fds N netns M, after asking
counts() {
	local before
	before=$(grep -c '^fds ' "$ev")
	kill -USR1 "$dpid"
	wait_for "$ev" '^fds ' 20
	for ((i = 0; i < 20; i++)); do
		[ "$(grep -c '^fds ' "$ev")" -gt "$before" ] && break
		sleep 0.05
	done
	grep '^fds ' "$ev" | tail -1
}

case_fds() {
	local X ino i
	start_driver --netns all
	read -r _ fds0 _ ns0 <<<"$(counts)"
	local inos=() batch j
	# five batches of ten: made, each seen with its link, then deleted
	for ((batch = 0; batch < 5; batch++)); do
		# (the host end of each veth goes when the kernel frees X, a
		# little later: a name of its own each time)
		for ((j = 0; j < 10; j++)); do
			i=$((batch * 10 + j))
			echo "netns add tcrecw${sfx}x$i"
			echo "link add tw${sfx}h$i type veth peer name eth0 netns tcrecw${sfx}x$i"
		done >"$tmp/add.batch"
		ip -batch "$tmp/add.batch" || bad "ip -batch (add) failed"
		for ((j = 0; j < 10; j++)); do
			inos+=("$(ns_ino "/run/netns/tcrecw${sfx}x$((batch * 10 + j))")")
		done
		for ((j = 0; j < 10; j++)); do
			i=$((batch * 10 + j))
			wait_for "$ev" "^new ${inos[$i]} [0-9]* eth0 " 20 || bad "cycle $i: namespace not seen within 2 s"
		done
		for ((j = 0; j < 10; j++)); do
			echo "netns del tcrecw${sfx}x$((batch * 10 + j))"
		done >"$tmp/del.batch"
		ip -batch "$tmp/del.batch" || bad "ip -batch (del) failed"
	done
	for ino in "${inos[@]}"; do
		wait_for "$ev" "^gone $ino " 10 || bad "namespace $ino not let go"
	done
	local fds1 ns1 ok=0
	for ((i = 0; i < 20; i++)); do
		read -r _ fds1 _ ns1 <<<"$(counts)"
		# other tests on the machine may hold namespaces of their own: each
		# held namespace costs two descriptors (its fd and its socket)
		[ "$((fds1 - 2 * ns1))" -eq "$((fds0 - 2 * ns0))" ] && { ok=1; break; }
		sleep 0.2
	done
	echo "before: fds $fds0 netns $ns0; after 50 cycles: fds $fds1 netns $ns1"
	[ "$ok" -eq 1 ] || bad "descriptors not flat: fds $fds0 -> $fds1, namespaces $ns0 -> $ns1"
}

"case_$case_"
[ "$fail" -eq 0 ] && echo "PASS: netns watch $case_"
exit "$fail"
