#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The link watcher with --container and --host-side, on a podman container
# built and started here: the container's links as `ip -j link` inside it
# says (nsenter), the host-side end of its veth as the container's eth0
# names it (link_index), and after a restart the old links gone and the
# new ones (new namespace, new veth) reported.
#   watch_container.sh WATCH_DRIVER
set -euo pipefail
drv=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/netns.sh"
. "$here/../containers/podman.sh"
tl_require_root
pm_require
tl_tmpdir tmp
pm_image "$tmp"
name=tcrecw$$c
# a network of the test's own, never podman's default one
pm_network "tcrecw$$n" 203.0.113.0/24
pm_run "$name" "tcrecw$$n" sleep 1000

start() { # start OUT ARGS...: the driver in the background, until ready
	local out=$1
	shift
	"$drv" "$@" >"$out" 2>&1 &
	tl_track_pid $!
	tl_wait_for 10 "watch_driver $*" grep -q '^ready ' "$out"
}
cpid() { podman inspect -f '{{.State.Pid}}' "$name"; }
host_peer() { # the ifindex of the container's eth0's other end
	nsenter -t "$1" -n ip -j link show eth0 | "$TL_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[0]["link_index"])'
}
same() { # same EVENTS INO PID: the events' links of INO are ip's inside PID
	local a b i
	for ((i = 0; i < 20; i++)); do
		a=$("$TL_PYTHON" "$here/events.py" live "$1" "$2")
		b=$("$TL_PYTHON" "$here/events.py" ip "pid:$3")
		[[ $a == "$b" ]] && return 0
		sleep 0.2
	done
	echo "events: $a"; echo "ip: $b"
	return 1
}

pid=$(cpid)
ino=$(stat -L -c %i "/proc/$pid/ns/net")
start "$tmp/in.ev" --container "$name"
start "$tmp/hs.ev" --container "$name" --host-side
same "$tmp/in.ev" "$ino" "$pid" || tl_fail "--container $name: links differ from ip inside it"
grep -q "^new $ino [0-9]* eth0 kind=veth .* container=$name host_side=0" "$tmp/in.ev" ||
	tl_fail "--container $name: eth0 not reported with the container's name"
hp=$(host_peer "$pid")
hname=$(ip -j link | "$TL_PYTHON" -c 'import json,sys; print([l["ifname"] for l in json.load(sys.stdin) if l["ifindex"] == int(sys.argv[1])][0])' "$hp")
tl_wait_for 5 "host side $hname" grep -q "^new [0-9]* $hp $hname kind=veth .* container=$name host_side=1" "$tmp/hs.ev"
[[ $(grep -c '^new ' "$tmp/hs.ev") -eq 1 ]] || tl_fail "--host-side reported more than the veth: $(cat "$tmp/hs.ev")"

pm_restart "$name"
pid2=$(cpid)
ino2=$(stat -L -c %i "/proc/$pid2/ns/net")
hp2=$(host_peer "$pid2")
tl_wait_for 5 "old links of $name gone" grep -q "^gone $ino " "$tmp/in.ev"
tl_wait_for 5 "new eth0 of $name" grep -q "^new $ino2 [0-9]* eth0 kind=veth .* container=$name" "$tmp/in.ev"
same "$tmp/in.ev" "$ino2" "$pid2" || tl_fail "--container $name after restart: links differ from ip inside it"
tl_wait_for 5 "old host side gone" grep -q "^gone [0-9]* $hp\$" "$tmp/hs.ev"
tl_wait_for 5 "new host side" grep -q "^new [0-9]* $hp2 .* container=$name host_side=1" "$tmp/hs.ev"
! grep '^problem' "$tmp/in.ev" "$tmp/hs.ev" || tl_fail "problems reported"
tl_log "PASS: --container and --host-side follow $name across a restart (netns $ino -> $ino2, host veth $hp -> $hp2)"
