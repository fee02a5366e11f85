#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Ground truth for process attribution inside a podman container:
#
#   container_truth.sh TCREC HOOKCTL
#
# A busybox container (tests/containers/podman.sh, network 198.51.100.0/24)
# whose main process is `httpd -f`, recorded with
# `tcrec record --container NAME -i any`. A python3 client on the host
# fetches pages from it; a busybox `nc` started inside it (podman exec)
# sends lines to a python3 server on the host. In the container's
# namespace, every packet of httpd's sockets must carry httpd's pid (podman
# inspect: it made the listening socket and accepted every connection), of
# nc's socket nc's pid (podman top); both comm, uid 0, the container's id
# (prefix) and a cgroup path holding it. Anything else must carry no
# process. tcpdump inside the container at the same time is the oracle that
# the log holds every packet.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/netns.sh"
. "$here/../lib/leftover.sh"
. "$here/../containers/podman.sh"

TCREC=$1
HOOKCTL=$2

tl_require_root
tl_require_bpf
pm_require
tl_tmpdir W
PM_ERR=$W/podman.err

tag=$$
net=tcrecat$tag
ca=tcrecAT$tag
pm_image "$W"
pm_network "$net" 198.51.100.0/24
pm_run "$ca" "$net" httpd -f -p 8080 -h /var/www
a_ip=$(pm_ip "$ca" "$net")
a_pid=$(pm_pid "$ca")
cid=$(podman inspect -f '{{.Id}}' "$ca")
gw=$(podman network inspect -f '{{range .Subnets}}{{.Gateway}}{{end}}' "$net")
[[ $(cat "/proc/$a_pid/comm") == httpd ]] || tl_fail "pid $a_pid of $ca is not httpd"
tl_log "container $ca id ${cid:0:12}, httpd pid $a_pid, $a_ip; host side $gw"

# the host's end for nc: reads 150 lines, then closes (so that nc ends)
"$TL_PYTHON" -c 'import socket, sys
l = socket.create_server((sys.argv[1], 9100))
c, _ = l.accept()
n = 0
with c:
    f = c.makefile("rb")
    while n < 150 and f.readline():
        n += 1' "$gw" >"$W/sink.out" 2>&1 &
sink=$!
tl_track_pid "$sink"
tl_wait_for 15 "host server on $gw:9100" bash -c "ss -Hltn 'sport = :9100' | grep -q ." ||
	tl_fail "no host server on $gw:9100"

# --- recording ------------------------------------------------------------------
L=$W/rec.tclog
env --default-signal=INT "$TCREC" record --container "$ca" -i any -w "$L" 2>"$L.err" &
rec=$!
tl_track_pid "$rec"
# rec_says TEXT: tcrec's stderr has TEXT, or tcrec exited (no use waiting:
# rec_alive says so)
rec_says() {
	grep -qF "$1" "$L.err" || ! kill -0 "$rec" 2>/dev/null
}
rec_alive() {
	kill -0 "$rec" 2>/dev/null || { cat "$L.err" >&2; tl_fail "tcrec record exited early"; }
}
tl_wait_for 60 "tcrec recording $ca/eth0" rec_says "recording $ca/eth0 (ifindex" ||
	{ cat "$L.err" >&2; tl_fail "tcrec never said: recording $ca/eth0"; }
rec_alive
pm_tcpdump_start td "$a_pid" eth0 "$W/oracle.pcap"

podman exec -d "$ca" sh -c 'i=0; while [ $i -lt 150 ]; do echo line$i; i=$((i + 1)); usleep 20000; done | nc '"$gw"' 9100' \
	>/dev/null 2>>"$PM_ERR" </dev/null || tl_fail "podman exec nc in $ca failed"
# nc's host pid, while it runs (podman top: host pid, command)
nc_pid=
for _ in $(seq 40); do
	nc_pid=$(podman top "$ca" hpid comm 2>>"$PM_ERR" </dev/null | awk '$2 == "nc" { print $1; exit }')
	[[ -n $nc_pid ]] && break
	sleep 0.1
done
[[ -n $nc_pid ]] || tl_fail "podman top $ca shows no nc"
"$TL_PYTHON" -c 'import sys, urllib.request
for i in range(10):
    with urllib.request.urlopen(f"http://{sys.argv[1]}:8080/index.html", timeout=10) as r:
        assert len(r.read()) == 20000' "$a_ip" || tl_fail "fetching from $ca's httpd failed"
tl_wait_exit "$sink" 20 || tl_fail "the host server never got nc's 150 lines"
wait "$sink" || { cat "$W/sink.out" >&2; tl_fail "the host server for nc failed"; }
tl_log "nc pid $nc_pid (podman top)"

sleep 1.2
pm_tcpdump_stop "$td"
kill -INT "$rec"
rc=0
wait "$rec" || rc=$?
((rc == 0)) || { cat "$L.err" >&2; tl_fail "tcrec record exited $rc after SIGINT"; }
tl_leftover_check "$HOOKCTL" "pid:$a_pid"

# --- completeness -----------------------------------------------------------------
"$TCREC" export "$L" --interface "$ca/eth0" -o "$W/a.pcapng" >/dev/null ||
	tl_fail "tcrec export --interface $ca/eth0 failed"
"$TL_PYTHON" "$here/../churn/oracle_match.py" --min 100 "$W/oracle.pcap=$W/a.pcapng" ||
	tl_fail "packets tcpdump saw in $ca are missing from the log"

# --- attribution ------------------------------------------------------------------
"$TCREC" print --json "$L" >"$W/packets.jsonl" || tl_fail "tcrec print --json failed"
ns=$("$TL_PYTHON" -c 'import json, sys
for line in open(sys.argv[1]):
    p = json.loads(line)
    if p.get("ifname") == "eth0":
        print(p["netns"]); break' "$W/packets.jsonl")
[[ -n $ns ]] || tl_fail "no packet on eth0 in the log"
owner() {
	printf '{"pid": %s, "comm": "%s", "uid": 0, "container": "%s", "cgroup_has": "%s"}' \
		"$1" "$2" "$cid" "$cid"
}
cat >"$W/rules.json" <<EOF
{"flows": [
 {"name": "httpd (container, before)", "netns": "$ns", "proto": 6, "lport": 8080, "min": 60,
  "owner": $(owner "$a_pid" httpd)},
 {"name": "nc (container)", "netns": "$ns", "proto": 6, "rport": 9100, "min": 50,
  "owner": $(owner "$nc_pid" nc)}
]}
EOF
tl_log "scoring $(wc -l <"$W/packets.jsonl") packets of namespace $ns"
"$TL_PYTHON" "$here/score.py" "$W/rules.json" "$W/packets.jsonl" ||
	tl_fail "process attribution below the ground truth (table above)"
echo PASS
