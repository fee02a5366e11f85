#!/usr/bin/env bash
# A container on the host's network (podman --network host) has no
# interface of its own: `tcrec record --container NAME -i lo` keeps only
# the packets of its processes' sockets, told by their cgroup in the kernel.
# The container's busybox nc connects again and again to a listener of this
# test on the host's loopback, and so does a host client from a fixed port.
# Oracles: tcpdump on lo (every packet of the container's connections, and
# none of the host client's, must be in the log), and podman inspect (each
# record's container is the container's id, its cgroup holds the id, its
# command is nc).
#
#   host_net.sh TCREC HOOKCTL
set -euo pipefail
here=$(dirname "$0")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"
. "$here/podman.sh"
TCREC=$1 HOOKCTL=$2

tl_require_root
tl_require_bpf
pm_require
tl_tmpdir dir
pm_image "$dir"

port=$((20000 + $$ % 20000))
host_port=$((port + 1))
name="tcrec-hn-$$"
# the listener: reads a line, closes (the host side closes first, so no
# connection of the container ends in its TIME_WAIT)
"$TL_PYTHON" -c 'import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
while True:
    c, _ = s.accept(); c.recv(100); c.close()' "$port" &
tl_track_pid $!

tl_on_exit "podman rm -f -t 0 '$name' >/dev/null 2>&1 </dev/null"
# it starts once the recorder is there (the file go in a shared folder)
mkdir "$dir/share"
# no --sysctl net.*: the host's network is not the container's to change
podman run --runtime runc --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 -d --stop-timeout 1 --name "$name" --network host \
	-v "$dir/share:/share" "$PM_IMAGE" sh -c "while [ ! -e /share/go ]; do sleep 0.05; done
	for i in \$(seq 30); do echo hi | nc 127.0.0.1 $port; sleep 0.05; done; sleep 600" \
	>/dev/null 2>>"$PM_ERR" </dev/null || tl_fail "podman run $name failed"
id=$(podman inspect -f '{{.Id}}' "$name")


pm_tcpdump_start tdpid 0 lo "$dir/lo.pcap"
env --default-signal=INT "$TCREC" record --container "$name" -i lo -Q inout -w "$dir/hn.tclog" \
	>"$dir/rec.out" 2>"$dir/rec.err" &
recpid=$!
tl_track_pid "$recpid"
tl_wait_for 60 "tcrec recording lo" grep -q 'recording .*lo' "$dir/rec.err" || {
	cat "$dir/rec.err" >&2
	tl_fail "tcrec did not start"
}
grep -q "uses the host's network: keeping only its packets (cgroup .*$id)" "$dir/rec.err" ||
	tl_fail "tcrec did not say it keeps the container's packets by cgroup: $(cat "$dir/rec.err")"
touch "$dir/share/go"

# the host's own client, from a fixed port: none of its packets may be kept
"$TL_PYTHON" -c 'import socket, sys, time
for i in range(20):
    c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind(("127.0.0.1", int(sys.argv[2]))); c.connect(("127.0.0.1", int(sys.argv[1])))
    c.sendall(b"host\n"); c.recv(10); c.close(); time.sleep(0.1)' "$port" "$host_port"
syns() {
	tcpdump -nn -r "$dir/lo.pcap" "tcp port $port and not port $host_port and tcp[13] & 2 != 0" \
		2>/dev/null | wc -l
}
# 30 connections: a SYN and a SYN-ACK each
tl_wait_for 120 "the container's 30 connections" test "$(syns)" -ge 60 ||
	tl_fail "the container made $(($(syns) / 2)) connections, expected 30"
sleep 1
kill -INT "$recpid"
tl_wait_exit "$recpid" 20 || tl_fail "tcrec still running 20s after SIGINT"
wait "$recpid" || tl_fail "tcrec exited with status $?: $(cat "$dir/rec.err")"
pm_tcpdump_stop "$tdpid"
tl_leftover_check "$HOOKCTL" self:lo

want=$(tcpdump -nn -r "$dir/lo.pcap" "tcp port $port and not port $host_port" 2>/dev/null | wc -l)
host=$(tcpdump -nn -r "$dir/lo.pcap" "tcp port $host_port" 2>/dev/null | wc -l)
((host > 0)) || tl_fail "tcpdump saw no packet of the host's client"
"$TCREC" print --json "$dir/hn.tclog" >"$dir/hn.json"
"$TL_PYTHON" - "$dir/hn.json" "$want" "$id" "$port" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
want, cid, port = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
ours = [r for r in rows if port in (r.get("sport"), r.get("dport"))]
wrong = [r for r in rows if r.get("comm") != "nc" or not cid.startswith(r.get("container") or "-")
         or cid not in (r.get("cgroup") or "")]
print(f"records {len(rows)}, of the container's connections {len(ours)}, "
      f"tcpdump's packets of them {want}, wrong owner {len(wrong)}")
if wrong:
    print("first wrong:", wrong[0])
if len(ours) != want or len(rows) != want or wrong:
    sys.exit("FAIL: --container on the host network kept the wrong packets")
EOF
echo "PASS: a host-network container's packets, and only those, were kept"
