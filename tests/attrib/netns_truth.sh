#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Ground truth for process attribution: processes this test starts itself,
# in namespaces it makes, against what tcrec says owns each packet.
#
#   netns_truth.sh TCREC HOOKCTL
#
#   client C (10.66.1.2) <-> router R (forwarding) <-> server S (10.66.2.2)
#
# Before tcrec starts: in S an iperf3 server (its listening socket exists
# before the recording, its connections come later) and a python3 UDP
# receiver that never sends (its packets can only be tied to it on
# ingress); a python3 TCP connection C -> S already open and chatting; in
# R, wildcard sockets on the same ports (decoys for forwarded packets).
# Then `tcrec record --netns C --netns R --netns S -i any`, and a python3
# http.server in S. From C, at once: a python3 UDP sender, an iperf3
# client, a python3 urllib client (several requests), ping, and python3
# connects to a closed port (S's kernel answers with RSTs). Every
# packet of the log is scored by score.py: the packets of each local socket,
# both ways, must carry its process's pid, comm and uid (>= 99.9 %, none
# wrong); R's forwarded packets, S's kernel-answered echo replies and RSTs
# and everything else must carry none. tcpdump on C's veth at the same time is
# the oracle that the log holds every packet (churn/oracle_match.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

TCREC=$1
HOOKCTL=$2

tl_require_root
tl_require_bpf
tl_require_tools ip tcpdump tshark ping iperf3 ss
tl_tmpdir W

tag=$$
C=tatc$tag R=tatr$tag S=tats$tag
CI=tac$tag RC=tarc$tag RS=tars$tag SI=tas$tag
for ns in "$C" "$R" "$S"; do
	tl_netns_add "$ns"
	tl_in "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	# a namespace may inherit the host's forwarding (podman turns it on)
	tl_in "$ns" sysctl -qw net.ipv4.ip_forward=0
done
tl_in "$R" sysctl -qw net.ipv4.ip_forward=1
tl_veth_pair "$C" "$CI" "$R" "$RC"
tl_veth_pair "$R" "$RS" "$S" "$SI"
ip -n "$C" addr add 10.66.1.2/24 dev "$CI"
ip -n "$R" addr add 10.66.1.1/24 dev "$RC"
ip -n "$R" addr add 10.66.2.1/24 dev "$RS"
ip -n "$S" addr add 10.66.2.2/24 dev "$SI"
ip -n "$C" route add default via 10.66.1.1
ip -n "$S" route add default via 10.66.2.1

# bg VAR NS CMD...: CMD in NS in the background; `ip netns exec` execs CMD,
# so $! is the process itself. Checked by comm below.
bg() {
	local var=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$@" >"$W/$var.out" 2>&1 </dev/null &
	tl_track_pid $!
	printf -v "$var" '%s' $!
}

# listening NS PROTO PORT
listening() {
	local opt=-ltn
	[[ $2 == udp ]] && opt=-lun
	tl_in "$1" ss -H "$opt" "sport = :$3" | grep -q .
}

# comm_is PID COMM: the process we started is that program (after the
# exec of `ip netns exec`).
comm_is() {
	tl_wait_for 5 "pid $1 to be $2" grep -qx "$2" "/proc/$1/comm" ||
		tl_fail "pid $1 is '$(cat "/proc/$1/comm" 2>/dev/null)', expected $2"
}

# said_pid VAR: a short-lived python3 client printed its own pid first
# (gone before comm_is could look): it must be the pid we hold.
said_pid() {
	[[ $(head -1 "$W/$1.out") == "pid ${!1}" ]] ||
		tl_fail "$1: we started pid ${!1}, it says '$(head -1 "$W/$1.out")'"
}

# --- before the recording --------------------------------------------------
bg iperf_srv "$S" iperf3 -s -B 10.66.2.2 -p 5201
bg udp_recv "$S" "$TL_PYTHON" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.66.2.2", 5301))
while True:
    s.recv(2048)'
# decoys in R: wildcard sockets on the ports of the flows R forwards. A
# forwarded packet looked up as if it were R's own would find them.
bg decoy "$R" "$TL_PYTHON" -c 'import socket, time
keep = [socket.create_server(("0.0.0.0", p)) for p in (5201, 5401, 5999, 8000)]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("0.0.0.0", 5301))
time.sleep(3600)'
tl_wait_for 15 "decoys in R" listening "$R" udp 5301 || tl_fail "no decoys in R"
# a TCP connection made before the recording, both ends: C sends a line
# every 10 ms until told to stop, S echoes it
bg chat_srv "$S" "$TL_PYTHON" -c 'import socket
l = socket.create_server(("10.66.2.2", 5401))
c, _ = l.accept()
while True:
    b = c.recv(4096)
    if not b:
        break
    c.sendall(b)'
tl_wait_for 15 "iperf3 server listening" listening "$S" tcp 5201 || tl_fail "no iperf3 server"
tl_wait_for 15 "UDP receiver bound" listening "$S" udp 5301 || tl_fail "no UDP receiver"
tl_wait_for 15 "chat server listening" listening "$S" tcp 5401 || tl_fail "no chat server"
bg chat_cli "$C" "$TL_PYTHON" -c 'import os, socket, sys, time
c = socket.create_connection(("10.66.2.2", 5401))
while not os.path.exists(sys.argv[1]):
    c.sendall(b"line\n")
    c.recv(4096)
    time.sleep(0.01)' "$W/chat.stop"
tl_wait_for 15 "chat connected" bash -c "ip netns exec $C ss -Htn state established 'dport = :5401' | grep -q ."

# --- recording ---------------------------------------------------------------
L=$W/rec.tclog
env --default-signal=INT "$TCREC" record -i any --netns "$C" --netns "$R" --netns "$S" \
	-w "$L" >"$L.out" 2>"$L.err" &
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
for nsif in "$C/$CI" "$R/$RC" "$R/$RS" "$S/$SI"; do
	tl_wait_for 60 "tcrec recording $nsif" rec_says "recording $nsif (ifindex" ||
		{ cat "$L.err" >&2; tl_fail "tcrec never said: recording $nsif"; }
	rec_alive
done
# the oracle listens once tcrec is attached: traffic is already flowing
tcpdump_start td "$C" "$CI" "$W/oracle.pcap"
# http.server as `python3 -m http.server` runs it, less the getfqdn() at bind:
# its DNS query would leave the test's namespaces
bg http_srv "$S" "$TL_PYTHON" -c 'import functools, http.server, socketserver, sys
class Server(http.server.ThreadingHTTPServer):
    def server_bind(self):
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "s", 8000
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
Server(("10.66.2.2", 8000), handler).serve_forever()' "$W"
tl_wait_for 15 "http.server listening" listening "$S" tcp 8000 || tl_fail "no http.server"
head -c 30000 /dev/zero >"$W/page.bin"

bg udp_send "$C" "$TL_PYTHON" -c 'import os, socket, time
print("pid", os.getpid(), flush=True)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.66.1.2", 5302))
for i in range(400):
    s.sendto(b"d" * 200, ("10.66.2.2", 5301))
    time.sleep(0.003)'
bg iperf_cli "$C" iperf3 -c 10.66.2.2 -p 5201 -t 2 -b 100M
bg http_cli "$C" "$TL_PYTHON" -c 'import os, urllib.request
print("pid", os.getpid(), flush=True)
for i in range(20):
    with urllib.request.urlopen("http://10.66.2.2:8000/page.bin", timeout=10) as r:
        assert len(r.read()) == 30000'
bg pinger "$C" ping -q -c 100 -i 0.01 10.66.2.2
# connections to a closed port: S's kernel answers each SYN with a RST
bg refused "$C" "$TL_PYTHON" -c 'import os, socket, time
print("pid", os.getpid(), flush=True)
for i in range(20):
    try:
        socket.create_connection(("10.66.2.2", 5999), timeout=5)
        raise SystemExit("10.66.2.2:5999 accepted a connection")
    except ConnectionRefusedError:
        time.sleep(0.01)'
comm_is "$iperf_srv" iperf3
comm_is "$iperf_cli" iperf3
comm_is "$pinger" ping
comm_is "$udp_recv" python3
comm_is "$http_srv" python3
comm_is "$chat_srv" python3
comm_is "$chat_cli" python3
for p in udp_send iperf_cli http_cli pinger refused; do
	wait "${!p}" || { cat "$W/$p.out" >&2; tl_fail "$p (pid ${!p}) failed"; }
done
said_pid udp_send
said_pid http_cli
said_pid refused
touch "$W/chat.stop"
wait "$chat_cli" || { cat "$W/chat_cli.out" >&2; tl_fail "chat_cli (pid $chat_cli) failed"; }
tl_log "traffic done: udp sender $udp_send, receiver $udp_recv, iperf3 $iperf_cli -> $iperf_srv," \
	"http $http_cli -> $http_srv, ping $pinger"

# one flush period, so that the last chunk is written
sleep 1.2
drops=$(tcpdump_stop "$td" "$W/oracle.pcap")
((drops == 0)) || tl_fail "tcpdump dropped $drops packets: the oracle is incomplete"
kill -INT "$rec"
rc=0
wait "$rec" || rc=$?
((rc == 0)) || { cat "$L.err" >&2; tl_fail "tcrec record exited $rc after SIGINT"; }
tl_leftover_check "$HOOKCTL" "netns:$C" "netns:$R" "netns:$S"

# --- completeness: every packet tcpdump saw on C's veth is in the log --------
"$TCREC" export "$L" --interface "$C/$CI" -o "$W/c.pcapng" >/dev/null ||
	tl_fail "tcrec export --interface $C/$CI failed"
"$TL_PYTHON" "$here/../churn/oracle_match.py" --min 500 "$W/oracle.pcap=$W/c.pcapng" ||
	tl_fail "packets tcpdump saw on $C/$CI are missing from the log"

# --- attribution -------------------------------------------------------------
"$TCREC" print --json "$L" >"$W/packets.jsonl" || tl_fail "tcrec print --json failed"
owner() { printf '{"pid": %s, "comm": "%s", "uid": 0}' "$1" "$2"; }
cat >"$W/rules.json" <<EOF
{"flows": [
 {"name": "udp sender", "netns": "$C", "proto": 17, "lport": 5302, "dirs": ["out"],
  "min": 400, "owner": $(owner "$udp_send" python3)},
 {"name": "udp receiver (before)", "netns": "$S", "proto": 17, "lport": 5301, "dirs": ["in"],
  "min": 400, "owner": $(owner "$udp_recv" python3)},
 {"name": "iperf3 client", "netns": "$C", "proto": 6, "rport": 5201, "min": 50,
  "owner": $(owner "$iperf_cli" iperf3)},
 {"name": "iperf3 server (before)", "netns": "$S", "proto": 6, "lport": 5201, "min": 50,
  "owner": $(owner "$iperf_srv" iperf3)},
 {"name": "http client", "netns": "$C", "proto": 6, "rport": 8000, "min": 100,
  "owner": $(owner "$http_cli" python3)},
 {"name": "http.server", "netns": "$S", "proto": 6, "lport": 8000, "min": 100,
  "owner": $(owner "$http_srv" python3)},
 {"name": "ping", "netns": "$C", "proto": 1, "icmp_types": [0, 8], "min": 100,
  "owner": $(owner "$pinger" ping)},
 {"name": "chat client (before)", "netns": "$C", "proto": 6, "rport": 5401, "min": 100,
  "owner": $(owner "$chat_cli" python3)},
 {"name": "chat server (before)", "netns": "$S", "proto": 6, "lport": 5401, "min": 100,
  "owner": $(owner "$chat_srv" python3)},
 {"name": "refused client", "netns": "$C", "proto": 6, "rport": 5999, "min": 20,
  "owner": $(owner "$refused" python3)},
 {"name": "RST answered by S", "netns": "$S", "proto": 6, "lport": 5999, "owner": null},
 {"name": "echo answered by S", "netns": "$S", "proto": 1, "owner": null},
 {"name": "forwarded by R (decoys)", "netns": "$R", "owner": null}
]}
EOF
tl_log "scoring $(wc -l <"$W/packets.jsonl") packets"
"$TL_PYTHON" "$here/score.py" "$W/rules.json" "$W/packets.jsonl" ||
	tl_fail "process attribution below the ground truth (table above)"
echo PASS
