#!/usr/bin/env bash
# Installs the dependencies, builds tcrec, and records a real session: two
# network namespaces joined by a veth pair, ping and iperf3 traffic between
# them, tcrec recording one end. Then shows the log with tcrec print/stats and
# the exported pcapng in tcpdump and tshark, with the process of each
# packet. Needs root. Leaves nothing behind but the build and ./tcrec-demo/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/samples/install-deps.sh"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
tcrec="$top/build/recorder/tcrec"

out="$top/tcrec-demo"
mkdir -p "$out"
ns_a="tcdemo-a-$$" ns_b="tcdemo-b-$$"
if_a="tcdemo$$a" if_b="tcdemo$$b"
if_a=${if_a:0:15} if_b=${if_b:0:15}
iperf_pid=
cleanup() {
	[ -n "$iperf_pid" ] && kill "$iperf_pid" 2>/dev/null || true
	ip netns del "$ns_a" 2>/dev/null || true
	ip netns del "$ns_b" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$ns_a"
ip netns add "$ns_b"
ip link add "$if_a" netns "$ns_a" type veth peer name "$if_b" netns "$ns_b"
ip -n "$ns_a" addr add 192.0.2.1/24 dev "$if_a"
ip -n "$ns_b" addr add 192.0.2.2/24 dev "$if_b"
# IPv4 only, so the demo shows the traffic we make rather than neighbour discovery.
ip netns exec "$ns_a" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip netns exec "$ns_b" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip -n "$ns_a" link set "$if_a" up
ip -n "$ns_b" link set "$if_b" up
ip -n "$ns_a" link set lo up
ip -n "$ns_b" link set lo up

log="$out/demo.tcrec"
# tcrec never writes over an existing log (it would pick demo.tcrec.1):
# the previous demo's goes first
rm -f "$log" "$out/demo-extcap.tcrec"
echo "== recording $if_b in namespace $ns_b into $log (metadata only, plus 128 bytes of each packet)"
ip netns exec "$ns_b" "$tcrec" record -i "$if_b" -w "$log" -s 128 --duration 6 &
rec_pid=$!
sleep 1.5
ip netns exec "$ns_b" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
iperf_pid=$!
sleep 0.5
ip netns exec "$ns_a" ping -c 5 -i 0.2 -q 192.0.2.2
ip netns exec "$ns_a" iperf3 -c 192.0.2.2 -p 5201 -t 2 -b 50M -l 1000 | tail -n 4
wait "$rec_pid"

echo
echo "== tcrec stats $log"
"$tcrec" stats "$log"
echo
echo "== tcrec print $log (first 10 lines)"
"$tcrec" print "$log" | sed -n 1,10p
echo
pcap="$out/demo.pcapng"
"$tcrec" export "$log" -o "$pcap"
echo "== tcpdump -nn -r $pcap (first 5 lines)"
tcpdump -nn -r "$pcap" 2>/dev/null | sed -n 1,5p
echo
echo "== tshark -r $pcap (first 5 lines)"
tshark -r "$pcap" 2>/dev/null | sed -n 1,5p
echo
echo "== each packet names its process: tshark -r $pcap -Y 'frame.comment contains \"comm=iperf3\"' (first 3 lines, then the count)"
tshark -r "$pcap" -Y 'frame.comment contains "comm=iperf3"' 2>/dev/null | sed -n 1,3p
tshark -r "$pcap" -Y 'frame.comment contains "comm=iperf3"' 2>/dev/null | wc -l
echo
echo "== tcrec print --comm iperf3 $log (first 3 lines)"
"$tcrec" print --comm iperf3 "$log" | sed -n 1,3p
echo
echo "== tcrec print reads pcap and pcapng as well, with tcpdump's flags: tcrec print -v -X -c 2 $pcap 'tcp port 5201'"
"$tcrec" print -v -X -c 2 "$pcap" 'tcp port 5201'
echo
# Wireshark runs tcrec as an extcap once `cmake --install build --prefix /usr`
# has put a link in its extcap folder. The demo installs nothing: tshark runs
# in a mount namespace where that folder holds only a link to this build.
extcap_dir=$(tshark -G folders 2>/dev/null | sed -n 's/^Extcap path:[[:space:]]*//p')
mkdir -p "$out/extcap"
ln -sfn "$tcrec" "$out/extcap/tcrec"
wire="$out/demo-extcap.pcapng"
echo "== Wireshark's extcap: tshark -i tcrec-$if_b -a duration:4 -w $wire (in $ns_b, with ping)"
ip netns exec "$ns_b" unshare -m sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh \
	"$out/extcap" "$extcap_dir" tshark -i "tcrec-$if_b" -a duration:4 -w "$wire" \
	-o "extcap.tcrec_${if_b}.log:$out/demo-extcap.tcrec" 2>/dev/null &
tshark_pid=$!
sleep 1.5
ip netns exec "$ns_a" ping -c 15 -i 0.2 -q 192.0.2.2 >/dev/null
wait "$tshark_pid"
echo "== tshark -r $wire (first 4 lines, then the count)"
tshark -r "$wire" 2>/dev/null | sed -n 1,4p
tshark -r "$wire" 2>/dev/null | wc -l
echo "== the tcrec log kept beside it: tcrec stats $out/demo-extcap.tcrec | head -3"
"$tcrec" stats "$out/demo-extcap.tcrec" | sed -n 1,3p
echo
echo "Open $pcap in Wireshark, or try: $tcrec print --json $log | head"
