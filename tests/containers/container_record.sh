#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Records podman containers by name, with tcpdump as the oracle:
#
#   container_record.sh TCREC HOOKCTL MODE
#
# Two busybox containers on a podman network of the test's own
# (198.51.100.0/24): A serves HTTP, B pings it and fetches a page.
#   inside        tcrec record --container A -i any; tcpdump on A's eth0
#                 (nsenter into A): every packet is in the log under A/eth0
#   host_side     --container A --host-side; tcpdump on the host-side veth
#   restart       --container A --follow -i any, then `podman restart A`:
#   restart_host  (and with --host-side) the old interface is said gone, the
#                 new one recorded, and every packet tcpdump saw on the new
#                 one after the restart is in the log
# After the recorder stops, nothing of tcrec's is left on A's interfaces or
# on the host-side veth (tests/lib/leftover.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/netns.sh"
. "$here/../lib/leftover.sh"
. "$here/podman.sh"

TCREC=$1
HOOKCTL=$2
MODE=$3
MATCH="$TL_PYTHON $here/../churn/oracle_match.py"

tl_require_root
tl_require_bpf
pm_require
tl_tmpdir tmp
PM_ERR=$tmp/podman.err

tag=$$
net=tcrectest$tag
ca=tcrecA$tag
cb=tcrecB$tag
pm_image "$tmp"
pm_network "$net" 198.51.100.0/24
pm_run "$ca" "$net" httpd -f -p 8080 -h /var/www
pm_run "$cb" "$net" sleep 3600
a_ip=$(pm_ip "$ca" "$net")
tl_log "containers $ca ($a_ip, pid $(pm_pid "$ca")) and $cb on $net"

# traffic: B pings A and fetches its page (ICMP, ARP, TCP both ways).
traffic() {
	podman exec "$cb" ping -c 20 -i 0.02 -q "$a_ip" >/dev/null ||
		tl_fail "$cb cannot ping $ca ($a_ip)"
	local i
	for i in 1 2 3; do
		podman exec "$cb" wget -q -O /dev/null "http://$a_ip:8080/index.html" ||
			tl_fail "$cb cannot fetch http://$a_ip:8080/ from $ca"
	done
}

# rec_start ARGS...: tcrec record in the background into $tmp/rec.tclog;
# REC_PID is its pid, $tmp/rec.err its stderr.
rec_start() {
	env --default-signal=INT "$TCREC" record -w "$tmp/rec.tclog" "$@" 2>"$tmp/rec.err" &
	REC_PID=$!
	tl_track_pid "$REC_PID"
}

# rec_wait_line N REGEX WHAT: wait until stderr has N lines matching REGEX.
rec__has() {
	(($(grep -cE "$2" "$tmp/rec.err") >= $1))
}
rec_wait_line() {
	if ! tl_wait_for 30 "$3" rec__has "$1" "$2"; then
		kill -0 "$REC_PID" 2>/dev/null || echo "tcrec exited" >&2
		sed 's/^/  tcrec: /' "$tmp/rec.err" >&2
		tl_fail "tcrec never said: $3"
	fi
}

# rec_stop: SIGINT after the last chunk is due, exit status 0.
rec_stop() {
	sleep 1.5
	kill -INT "$REC_PID"
	local rc=0
	wait "$REC_PID" || rc=$?
	sed 's/^/  tcrec: /' "$tmp/rec.err" >&2
	((rc == 0)) || tl_fail "tcrec record exited $rc"
}

# compare ORACLE SELECTOR: the packets of interface SELECTOR
# (tcrec export --interface) against tcpdump's.
compare() {
	local sel=$tmp/sel-${2//\//_}.pcapng
	"$TCREC" export "$tmp/rec.tclog" --interface "$2" -o "$sel" >/dev/null ||
		tl_fail "tcrec export --interface $2 failed"
	$MATCH --min 40 "$1=$sel" || tl_fail "packets tcpdump saw on $2 are missing from the log"
}

# Label regex of an interface in tcrec's lines: NS/IF, or IF alone when the
# recording is of the own namespace only.
lab() {
	printf '(%s/)?%s' "[^ ]+" "$1"
}

leftovers() {
	tl_leftover_check "$HOOKCTL" "pid:$(pm_pid "$ca")" "self:$(pm_host_peer "$ca")"
}

case $MODE in
inside)
	rec_start --container "$ca" -i any
	rec_wait_line 1 "^(tcrec: )?recording $ca/eth0 \(ifindex [0-9]+, in\+out\)" "recording $ca/eth0"
	pm_tcpdump_start tp "$(pm_pid "$ca")" eth0 "$tmp/oracle.pcap"
	traffic
	pm_tcpdump_stop "$tp"
	rec_stop
	compare "$tmp/oracle.pcap" "$ca/eth0"
	;;
host_side)
	peer=$(pm_host_peer "$ca")
	rec_start --container "$ca" --host-side
	rec_wait_line 1 "^(tcrec: )?recording $(lab "$peer") \(ifindex [0-9]+, in\+out\)" "recording $peer"
	pm_tcpdump_start tp 0 "$peer" "$tmp/oracle.pcap"
	traffic
	pm_tcpdump_stop "$tp"
	rec_stop
	compare "$tmp/oracle.pcap" "$peer"
	;;
restart | restart_host)
	if [[ $MODE == restart ]]; then
		rec_start --container "$ca" --follow -i any
		old=eth0
	else
		rec_start --container "$ca" --host-side --follow
		old=$(pm_host_peer "$ca")
	fi
	rec_wait_line 1 "^(tcrec: )?recording $(lab "$old") \(ifindex" "recording $old"
	traffic
	pm_restart "$ca"
	a_ip=$(pm_ip "$ca" "$net")
	new=eth0
	[[ $MODE == restart ]] || new=$(pm_host_peer "$ca")
	tl_log "restarted $ca: pid $(pm_pid "$ca"), $a_ip, interface $old -> $new"
	rec_wait_line 1 "^(tcrec: )?$(lab "$old") went away; its counters stay in the trailer" "$old went away"
	if [[ $MODE == restart ]]; then
		rec_wait_line 2 "^(tcrec: )?recording $(lab eth0) \(ifindex" "recording the new $ca/eth0"
		opid=$(pm_pid "$ca")
		sel=$ca/eth0
	else
		rec_wait_line 1 "^(tcrec: )?recording $(lab "$new") \(ifindex" "recording the new $new"
		opid=0
		sel=$new
	fi
	kill -0 "$REC_PID" 2>/dev/null || tl_fail "tcrec stopped when $ca restarted (--follow)"
	pm_tcpdump_start tp "$opid" "$new" "$tmp/oracle.pcap"
	traffic
	pm_tcpdump_stop "$tp"
	rec_stop
	compare "$tmp/oracle.pcap" "$sel"
	;;
*)
	tl_fail "mode must be inside, host_side, restart or restart_host, not $MODE"
	;;
esac
leftovers
tl_log "PASS $MODE"
