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

# du_send N [PPS]: N UDP datagrams of 1400 random (incompressible) bytes from
# B to A, PPS per second (0: in bursts as fast as it goes).
du_send() {
	tl_in "$DU_B" "$TL_PYTHON" - "$DU_ADDR_A" "$1" "${2:-0}" <<'PY'
import os, socket, sys, time
dst, n, pps = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t0 = time.monotonic()
for i in range(n):
    s.sendto(os.urandom(1400), (dst, 9999))
    if pps > 0:
        delay = t0 + (i + 1) / pps - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    elif i % 50 == 49:
        time.sleep(0.002)
PY
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
