#!/bin/bash
# One recording of two interfaces (r1, r2 in one namespace, each the end of
# a veth pair), traffic both ways on both (TCP connection attempts each way
# answered by RST, ARP, a replayed trace into r1), exported to pcapng: two interface blocks, and for each
# (interface, direction) the packets tshark reads from the export equal
# those of a tcpdump -Q in|out running on that interface at the same time,
# for everything a record holds of them (record_view.py).
#   two_ifaces.sh TCREC HOOKCTL TRACE
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"
. "$here/fields.sh"

(($# == 3)) || tl_fail "usage: two_ifaces.sh TCREC HOOKCTL TRACE"
TCREC=$1 HOOKCTL=$2 trace=$3
tl_require_root
tl_require_tools ip tc tcpdump tshark tcpreplay capinfos timeout python3
tl_require_bpf
[[ -r $trace ]] || tl_fail "trace not readable: $trace"

ns_1=ex1$$ ns_2=ex2$$ ns_r=exr$$
s1=exa$$ r1=exb$$ s2=exc$$ r2=exd$$
tl_netns_add "$ns_1"
tl_netns_add "$ns_2"
tl_netns_add "$ns_r"
tl_veth_pair "$ns_1" "$s1" "$ns_r" "$r1"
tl_veth_pair "$ns_2" "$s2" "$ns_r" "$r2"
ip -n "$ns_1" addr add 10.77.1.1/24 dev "$s1"
ip -n "$ns_r" addr add 10.77.1.2/24 dev "$r1"
ip -n "$ns_2" addr add 10.77.2.1/24 dev "$s2"
ip -n "$ns_r" addr add 10.77.2.2/24 dev "$r2"
tl_tmpdir tmp

for ifn in "$r1" "$r2"; do
	for d in in out; do
		tcpdump_start "dump_${ifn}_$d" "$ns_r" "$ifn" "$tmp/$ifn.$d.pcap" -Q "$d"
	done
done
before_in=$(tc_hook_state "$ns_r" "$r1" ingress "$HOOKCTL")
before_out=$(tc_hook_state "$ns_r" "$r1" egress "$HOOKCTL")
tcrec_start rec_pid "$ns_r" "$r2" "$tmp/rec.tclog" "$HOOKCTL" -i "$r1"
tl_wait_for 20 "tcrec on $r1" bash -c '
	. "$1"/../lib/netns.sh; . "$1"/../lib/capture.sh
	tcrec__attached "$2" "$3" ingress "$4" "$5" && tcrec__attached "$2" "$3" egress "$4" "$6"' \
	_ "$here" "$ns_r" "$r1" "$HOOKCTL" "$before_in" "$before_out" || tl_fail "tcrec not attached to $r1"

# send NS ADDR: 10 TCP connection attempts from NS to ADDR, each answered by
# a RST. (Not UDP: the ICMP errors it draws quote the UDP header, which a
# metadata-only record does not keep.)
send() {
	tl_in "$1" bash -c 'for i in $(seq 10); do timeout 1 bash -c "exec 3<>/dev/tcp/$0/9" 2>/dev/null; done; true' "$2"
}
send "$ns_1" 10.77.1.2
send "$ns_r" 10.77.2.1
send "$ns_2" 10.77.2.2
tl_in "$ns_1" tcpreplay -i "$s1" --pps=5000 "$trace" >/dev/null 2>&1
sleep 0.5
tcrec_stop "$rec_pid" "$tmp/rec.tclog"
for ifn in "$r1" "$r2"; do
	for d in in out; do
		var="dump_${ifn}_$d"
		drops=$(tcpdump_stop "${!var}" "$tmp/$ifn.$d.pcap")
		((drops == 0)) || tl_fail "tcpdump on $ifn ($d) dropped $drops packets"
	done
done

"$TCREC" export -q "$tmp/rec.tclog" -o "$tmp/rec.pcapng" || tl_fail "export failed"
nif=$(capinfos "$tmp/rec.pcapng" | grep -c '^Interface #')
names=$(capinfos "$tmp/rec.pcapng" | sed -n 's/^ *Name = //p' | sort | tr '\n' ' ')
echo "interface blocks: $nif ($names)"
fail=0
[[ $nif == 2 ]] || fail=1
[[ $names == "$(printf '%s\n' "$r1" "$r2" | sort | tr '\n' ' ')" ]] || fail=1

total=0
lo=$((TCREC_T_READY / 1000000000)).$(printf %09d $((TCREC_T_READY % 1000000000)))
hi=$((TCREC_T_STOP / 1000000000)).$(printf %09d $((TCREC_T_STOP % 1000000000)))
for ifn in "$r1" "$r2"; do
	for d in in out; do
		[[ $d == in ]] && flag=0x00000001 || flag=0x00000002
		# Only what crossed while tcrec was surely attached: the kernel may
		# send (ARP, RST) while either recorder is starting or stopping.
		win="frame.time_epoch >= $lo && frame.time_epoch <= $hi"
		# Times are not compared: tcrec and tcpdump stamp the same packet apart.
		tshark -r "$tmp/$ifn.$d.pcap" -Y "$win" -w "$tmp/want.pcapng" 2>/dev/null ||
			tl_fail "tshark could not select from tcpdump's capture"
		tshark -r "$tmp/rec.pcapng" -Y "$win && frame.interface_name == \"$ifn\" && frame.packet_flags_direction == $flag" \
			-w "$tmp/got.pcapng" 2>/dev/null || tl_fail "tshark could not select from the export"
		record_view --no-time "$tmp/want.pcapng" >"$tmp/want" || tl_fail "no record view of tcpdump's capture"
		record_view --no-time "$tmp/got.pcapng" >"$tmp/got" || tl_fail "no record view of the export"
		nw=$(wc -l <"$tmp/want")
		ng=$(wc -l <"$tmp/got")
		eq=$(count_equal "$tmp/want" "$tmp/got")
		echo "$ifn $d: tcpdump -Q $d $nw packets, export $ng, $eq reading the same"
		((nw > 0 && ng == nw && eq == nw)) || fail=1
		total=$((total + ng))
	done
done
all=$(tshark -r "$tmp/rec.pcapng" -Y "$win" 2>/dev/null | wc -l)
echo "export holds $all packets in the window, $total of them matched above"
((all == total)) || fail=1
exit $fail
