#!/usr/bin/env bash
# record --cgroup PATH keeps, in the kernel, only the packets of sockets made
# by processes in that cgroup v2 or below it. Two UDP senders with the same
# receiver, one moved into a sub-cgroup of PATH by this test: the log must
# hold exactly the packets tcpdump saw from that sender's port (and none of
# the other's), each carrying the pid this test started. The packets left
# out count as filtered. Bad --cgroup values: one line, the right exit.
#
#   cgroup_select.sh TCREC HOOKCTL
set -euo pipefail
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/capture.sh"
TCREC=$1 HOOKCTL=$2

tl_require_root
tl_require_bpf
tl_require_tools ip tcpdump
cgmnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[[ -n $cgmnt ]] || tl_skip "no cgroup v2 hierarchy mounted"

tl_tmpdir dir
ns="cgs$$"
tl_netns_add "$ns"
sel="tcrec-sel-$$"
mkdir "$cgmnt/$sel" "$cgmnt/$sel/inner"
tl_on_exit "rmdir '$cgmnt/$sel/inner' '$cgmnt/$sel'"

# exit codes and one line for bad values
set +e
err=$("$TCREC" record -i lo -w "$dir/x.tclog" --cgroup "/$sel-missing" 2>&1 >/dev/null)
rc=$?
set -e
((rc == 1)) || tl_fail "--cgroup on a missing cgroup: exit $rc, expected 1 ($err)"
[[ $(grep -c . <<<"$err") -eq 1 && $err == *"$sel-missing"* ]] ||
	tl_fail "--cgroup on a missing cgroup: expected one line naming it, got: $err"
[[ ! -e $dir/x.tclog ]] || tl_fail "--cgroup on a missing cgroup left a file"
set +e
err=$("$TCREC" record -i lo -w "$dir/x.tclog" --cgroup "/$sel" --no-process 2>&1 >/dev/null)
rc=$?
set -e
((rc == 2)) || tl_fail "--cgroup with --no-process: exit $rc, expected 2 ($err)"

sender='import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
for i in range(int(sys.argv[2])):
    s.sendto(b"x" * 64, ("127.0.0.1", 9)); time.sleep(0.002)'
# the receiver: a socket on port 9 that only reads
ip netns exec "$ns" "$TL_PYTHON" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 9))
while True: s.recv(2048)' &
tl_track_pid $!

tcpdump_start tdpid "$ns" lo "$dir/lo.pcap" udp
tcrec_start recpid "$ns" lo "$dir/sel.tclog" "$HOOKCTL" -Q inout --cgroup "/$sel"

# the selected sender joins the sub-cgroup before it makes its socket
sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$cgmnt/$sel/inner" \
	ip netns exec "$ns" "$TL_PYTHON" -c "$sender" 40001 200 &
in_pid=$!
ip netns exec "$ns" "$TL_PYTHON" -c "$sender" 40002 200 &
out_pid=$!
wait "$in_pid" "$out_pid"
sleep 0.5
tcrec_stop "$recpid" "$dir/sel.tclog"
drops=$(tcpdump_stop "$tdpid" "$dir/lo.pcap")
((drops == 0)) || tl_fail "tcpdump dropped $drops packets: the oracle is incomplete"

want=$(tcpdump -nn -r "$dir/lo.pcap" 'udp src port 40001' 2>/dev/null | wc -l)
((want == 200)) || tl_fail "tcpdump saw $want packets from the selected sender, expected 200"
"$TCREC" print --json "$dir/sel.tclog" >"$dir/sel.json"
"$TL_PYTHON" - "$dir/sel.json" "$want" "$in_pid" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
want, pid = int(sys.argv[2]), int(sys.argv[3])
bad = [r for r in rows if r.get("sport") != 40001 or r.get("dir") != "out"]
wrong = [r for r in rows if r.get("pid") != pid or r.get("comm") != "python3"]
print(f"records {len(rows)}, tcpdump's selected packets {want}, "
      f"others {len(bad)}, wrong owner {len(wrong)}")
if bad or wrong or len(rows) != want:
    sys.exit("FAIL: --cgroup kept the wrong packets")
EOF
grep -q '^[0-9]* packets captured' "$dir/sel.tclog.err" || tl_fail "no summary"
echo "PASS: --cgroup kept exactly the $want packets of the process in the cgroup"
