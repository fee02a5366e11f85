#!/bin/bash
# SPDX-License-Identifier: MIT
# Traffic sent from inside the namespace is recorded as Out on its veth end,
# and matches what tcpdump -Q out saw; the answers are recorded as In and
# match tcpdump -Q in.
#
#   egress.sh TCREC HOOKCTL VLAN_TRACE
#
# Sent from e2r<pid>: ICMP echo requests and UDP datagrams to the peer
# namespace's address (its answers come back: echo replies, port
# unreachables, ARP), and a replayed trace with in-packet VLAN tags.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# >= 3)) || tl_fail "usage: egress.sh TCREC HOOKCTL VLAN_TRACE"
TCREC=$1 HOOKCTL=$2 VLAN_TRACE=$3
PINGS=5 DATAGRAMS=5

tl_require_root
tl_require_tools ip tc tcpdump tshark tcpreplay "$TL_PYTHON"
tl_require_bpf
[[ -x $TCREC ]] || tl_fail "tcrec binary not found: $TCREC"
[[ -r $VLAN_TRACE ]] || tl_skip "trace not found: $VLAN_TRACE"

ns_s=e2s$$ ns_r=e2r$$ if_s=e2a$$ if_r=e2b$$
tl_netns_add "$ns_s"
tl_netns_add "$ns_r"
tl_veth_pair "$ns_s" "$if_s" "$ns_r" "$if_r" 9500
ip -n "$ns_s" addr add 10.200.0.1/24 dev "$if_s"
ip -n "$ns_r" addr add 10.200.0.2/24 dev "$if_r"
tl_tmpdir tmp

tcpdump_start in_pid "$ns_r" "$if_r" "$tmp/in.pcap" -Q in
tcpdump_start out_pid "$ns_r" "$if_r" "$tmp/out.pcap" -Q out
tcrec_start rec_pid "$ns_r" "$if_r" "$tmp/rec.tclog" "$HOOKCTL"

# Echo requests through a raw socket (no ping binary needed); each waits
# for its reply so the answers are on the wire before the recorders stop.
tl_in "$ns_r" "$TL_PYTHON" - "$PINGS" "$DATAGRAMS" <<'EOF' || tl_fail "sending from $ns_r failed"
import socket, struct, sys, time
pings, datagrams = int(sys.argv[1]), int(sys.argv[2])
peer = "10.200.0.1"

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff

icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
icmp.settimeout(3)
for seq in range(1, pings + 1):
    body = struct.pack("!BBHHH", 8, 0, 0, 0xe2e2, seq) + b"tcrec-e2e-egress"
    body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    icmp.sendto(body, (peer, 0))
    while True:
        data = icmp.recv(2048)
        ihl = (data[0] & 15) * 4
        typ, _, _, ident, rseq = struct.unpack("!BBHHH", data[ihl:ihl + 8])
        if typ == 0 and ident == 0xe2e2 and rseq == seq:
            break
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(datagrams):
    udp.sendto(b"tcrec-e2e-%d" % i, (peer, 9))
    time.sleep(0.01)
EOF
tl_in "$ns_r" tcpreplay -i "$if_r" --pps=5000 "$VLAN_TRACE" >"$tmp/replay.txt" 2>&1 ||
	{ cat "$tmp/replay.txt" >&2; tl_fail "tcpreplay out of $if_r failed"; }
replayed=$(sed -n 's/^[[:space:]]*Successful packets:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/replay.txt")

# At least what we sent must leave: echo requests, datagrams, the trace.
min_out=$((PINGS + DATAGRAMS + replayed))
tl_wait_for 15 "tcpdump -Q out to see $min_out packets" pcap_has_at_least "$tmp/out.pcap" "$min_out" ||
	tl_fail "tcpdump saw only $(pcap_count "$tmp/out.pcap") outgoing packets, $min_out were sent"
tl_wait_for 15 "tcpdump -Q in to see the $PINGS echo replies" pcap_has_at_least "$tmp/in.pcap" "$PINGS" ||
	tl_fail "tcpdump saw only $(pcap_count "$tmp/in.pcap") incoming packets"

tcrec_stop "$rec_pid" "$tmp/rec.tclog"
in_drops=$(tcpdump_stop "$in_pid" "$tmp/in.pcap")
out_drops=$(tcpdump_stop "$out_pid" "$tmp/out.pcap")

"$TCREC" print "$tmp/rec.tclog" --json >"$tmp/rec.jsonl" 2>"$tmp/print.err" ||
	{ cat "$tmp/print.err" >&2; tl_fail "tcrec print --json failed on the recording"; }

rc=0
"$TL_PYTHON" "$here/compare.py" --window "$TCREC_T_READY" "$TCREC_T_STOP" \
	--pcap "$tmp/out.pcap" --json "$tmp/rec.jsonl" --dir out \
	--label "egress (Out)" --tcpdump-drops "$out_drops" || rc=1
"$TL_PYTHON" "$here/compare.py" --window "$TCREC_T_READY" "$TCREC_T_STOP" \
	--pcap "$tmp/in.pcap" --json "$tmp/rec.jsonl" --dir in \
	--label "egress (In)" --tcpdump-drops "$in_drops" || rc=1
exit "$rc"
