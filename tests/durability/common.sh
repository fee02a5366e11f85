# SPDX-License-Identifier: MIT
# Shared by the durability tests: two namespaces joined by a veth, tcrec and
# tcpdump (the oracle) on the A end, traffic sent from B. Source after
# setting TCREC and HOOKCTL; needs root and BPF.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

tl_require_root
tl_require_bpf
tl_require_tools ip tcpdump python3

DU_A=du$$a
DU_B=du$$b
DU_IF=du$$x
DU_PEER=du$$y
DU_ADDR_A=10.199.$(($$ % 250)).1
DU_ADDR_B=10.199.$(($$ % 250)).2

du_net() {
	tl_netns_add "$DU_A"
	tl_netns_add "$DU_B"
	tl_veth_pair "$DU_A" "$DU_IF" "$DU_B" "$DU_PEER"
	ip -n "$DU_A" addr add "$DU_ADDR_A/24" dev "$DU_IF"
	ip -n "$DU_B" addr add "$DU_ADDR_B/24" dev "$DU_PEER"
	# resolve ARP before any recording starts
	tl_in "$DU_B" ip neigh replace "$DU_ADDR_A" lladdr \
		"$(tl_in "$DU_A" cat "/sys/class/net/$DU_IF/address")" dev "$DU_PEER"
}

# du_send N [PPS] [FIRST] [STOPFILE]: N UDP datagrams of 1400 bytes from B
# to A, PPS per second (0: in bursts as fast as it goes), fewer if STOPFILE
# appears. Each payload is "TCRS", the datagram's 8-byte sequence number
# (FIRST, FIRST+1, ...; default 0), then random (incompressible) bytes:
# du_seqs finds the numbers in a log.
du_send() {
	tl_in "$DU_B" "$TL_PYTHON" - "$DU_ADDR_A" "$1" "${2:-0}" "${3:-0}" "${4:-}" <<'PY'
import os, socket, struct, sys, time
dst, n, pps, first = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
stop = sys.argv[5]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t0 = time.monotonic()
for i in range(n):
    if stop and i % 10 == 0 and os.path.exists(stop):
        break
    s.sendto(b"TCRS" + struct.pack("!Q", first + i) + os.urandom(1388), (dst, 9999))
    if pps > 0:
        delay = t0 + (i + 1) / pps - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    elif i % 50 == 49:
        time.sleep(0.002)
PY
}

# du_seqs LOG...: the sequence numbers of du_send's datagrams in tcrec logs
# recorded with -s 54 or more, one a line, in the order `tcrec print` gives
# (time). Other packets (the ICMP errors A answers with) are left out.
du_seqs() {
	"$TCREC" print --json "$@" | "$TL_PYTHON" -c '
import json, struct, sys
for line in sys.stdin:
    r = json.loads(line)
    if r.get("dir") != "in" or r.get("ip_proto") != 17 or r.get("dport") != 9999:
        continue
    b = bytes.fromhex(r.get("bytes", ""))
    off = 14 + (b[14] & 15) * 4 + 8 if len(b) > 14 else 0
    if b[off:off + 4] != b"TCRS" or len(b) < off + 12:
        sys.exit("record without the du_send marker at byte %d: %s" % (off, b[:64].hex()))
    print(struct.unpack("!Q", b[off + 4:off + 12])[0])
'
}

# du_contiguous FILE: FILE's numbers (one a line) go up by exactly one from
# each line to the next; otherwise says where they do not and fails.
du_contiguous() {
	awk 'NR > 1 && $1 != prev + 1 { printf "after %d comes %d (line %d)\n", prev, $1, NR; bad = 1; exit }
		{ prev = $1 } END { exit bad }' "$1"
}

# du_lines_tcpdump PCAP: its packets as `tcrec print` words them, no time.
du_lines_tcpdump() {
	tcpdump -nn -S -r "$1" 2>/dev/null | cut -d' ' -f2- | sort
}

# du_lines_tcrec LOG...: the same for tcrec logs (date, time, interface and
# direction dropped).
du_lines_tcrec() {
	"$TCREC" print "$@" | sed -E 's/^[^ ]+ [^ ]+ [^ ]+ (In|Out) +//' | sort
}

# du_as USER CMD...: run CMD as USER (its group, no other groups), as an
# unprivileged local user planting files would.
du_as() {
	local user=$1
	shift
	setpriv --reuid "$user" --regid "$(id -g "$user")" --clear-groups "$@"
}

# du_record_for SECONDS LOGBASE [RECORD ARGS...]: tcrec record on the A end
# while du_send sends 200 datagrams a second, stopped with SIGINT after
# SECONDS; stderr in LOGBASE.err. Returns tcrec's exit status.
du_record_for() {
	local secs=$1 log=$2
	shift 2
	tcrec_start DU_TR "$DU_A" "$DU_IF" "$log" "$HOOKCTL" "$@"
	du_send $((secs * 200)) 200
	kill -INT "$DU_TR" 2>/dev/null || true
	local rc=0
	wait "$DU_TR" || rc=$?
	return "$rc"
}

# du_count LOG...: how many of du_send's datagrams (UDP to port 9999, in)
# tcrec logs hold; works on metadata-only logs too.
du_count() {
	"$TCREC" print --json "$@" | "$TL_PYTHON" -c '
import json, sys
n = 0
for line in sys.stdin:
    r = json.loads(line)
    n += r.get("dir") == "in" and r.get("ip_proto") == 17 and r.get("dport") == 9999
print(n)
'
}
