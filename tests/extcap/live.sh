#!/bin/bash
# SPDX-License-Identifier: MIT
# Wireshark's own client drives tcrec through the extcap protocol, with no
# mock: tshark, in a mount namespace where Wireshark's extcap folder holds
# only a link to the tcrec under test, captures `-i tcrec-IF -a duration:N`
# on the host end of a veth pair the test makes, while tcpdump (-Q in and
# -Q out, the oracle) captures the same interface. Checked:
# - tshark -D lists tcrec-IF and tshark knows the dialog's options
#   (extcap.tcrec_IF.* preferences);
# - whole packets (snap length 0, "also keep a tcrec log"): every packet
#   tcpdump saw while tcrec was attached is in tshark's file, same direction,
#   time within 1 ms, same bytes, and nothing else; the tcrec log kept beside
#   it holds the same packets;
# - the defaults (metadata only) with direction "in" and tshark's capture
#   filter (-f icmp): the inbound ICMP packets, addresses, IP id and length
#   equal;
# - -a duration stops tcrec (SIGTERM): no tcrec process and no hook stay.
#
#   live.sh TCREC HOOKCTL
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/leftover.sh"

(($# >= 2)) || tl_fail "usage: live.sh TCREC HOOKCTL"
TCREC=$(readlink -f "$1") HOOKCTL=$2
tl_require_root
tl_require_tools ip tshark tcpdump unshare mount curl ping "$TL_PYTHON"
tl_require_bpf
[[ -x $TCREC ]] || tl_fail "tcrec binary not found: $1"
export LANG=C LC_ALL=C

extcap_dir=$(tshark -G folders 2>/dev/null | sed -n 's/^Extcap path:[[:space:]]*//p')
[[ -d $extcap_dir ]] || tl_fail "tshark -G folders names no extcap folder ('$extcap_dir')"
tl_tmpdir tmp
mkdir "$tmp/extcap"
ln -s "$TCREC" "$tmp/extcap/tcrec"

ns=xc$$n host_if=xc$$h ns_if=xc$$p
net=10.196.$(($$ % 250))
tl_netns_add "$ns"
ip link add "$host_if" type veth peer name "$ns_if" netns "$ns" ||
	tl_skip "cannot create veth pair $host_if/$ns_if"
tl_on_exit "ip link del '$host_if'"
sysctl -qw "net.ipv6.conf.$host_if.disable_ipv6=1"
tl_disable_ipv6 "$ns" "$ns_if"
ip addr add "$net.1/24" dev "$host_if"
ip -n "$ns" addr add "$net.2/24" dev "$ns_if"
ip link set "$host_if" up
ip -n "$ns" link set "$ns_if" up
tl_wait_for 15 "veth $host_if up" tl__link_up "$ns" "$ns_if"
pref=extcap.tcrec_${host_if}

head -c 400000 /dev/urandom >"$tmp/blob"
ip netns exec "$ns" "$TL_PYTHON" -m http.server 8080 --bind "$net.2" --directory "$tmp" \
	>"$tmp/http.out" 2>&1 &
tl_track_pid $!
listening() { tl_in "$ns" ss -ltnH "sport = :8080" | grep -q .; }
tl_wait_for 20 "http.server listening" listening || tl_fail "http.server did not start: $(cat "$tmp/http.out")"

# tshark that sees only our extcap: ARGS go to tshark.
in_extcap_ns() {
	unshare -m --propagation private sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' \
		sh "$tmp/extcap" "$extcap_dir" "$@"
}

tl_log "tshark -D through the extcap folder"
in_extcap_ns tshark -D >"$tmp/D.out" 2>&1 || tl_fail "tshark -D failed: $(cat "$tmp/D.out")"
grep -Eq "^[0-9]+\. tcrec-$host_if \(tcrec: $host_if\)\$" "$tmp/D.out" ||
	tl_fail "tshark -D does not list tcrec-$host_if: $(cat "$tmp/D.out")"
in_extcap_ns tshark -G currentprefs >"$tmp/prefs" 2>&1 || true
for o in snaplen direction filter netns container log; do
	grep -q "^#$pref\.$o:" "$tmp/prefs" || tl_fail "tshark has no preference $pref.$o (the dialog was not understood)"
done

# hooked DIRS: tcrec's program is on each hook of DIRS (ingress egress).
hooked() {
	local d
	for d in "$@"; do
		{ "$HOOKCTL" query "$host_if" "$d" 2>/dev/null || true
		  tc filter show dev "$host_if" "$d" 2>/dev/null || true; } | grep -q 'tcrec_' || return 1
	done
}
tcrec_gone() { ! pgrep -f "extcap-interface tcrec-$host_if" >/dev/null; }
now() { date +%s.%N; }

# capture NAME DURATION HOOKS TSHARK_ARGS...: tcpdump both ways, tshark
# through tcrec; returns once tcrec's programs are on HOOKS (a comma list),
# with the time in T_READY.
capture() {
	local name=$1 dur=$2 hooks=${3//,/ } q
	shift 3
	for q in in out; do
		tcpdump -i "$host_if" -Q "$q" -n -U --immediate-mode -B 65536 --time-stamp-precision=nano \
			-w "$tmp/$name.$q.pcap" 2>"$tmp/$name.$q.err" &
		tl_track_pid $!
		tl_wait_for 20 "tcpdump listening" grep -q 'listening on' "$tmp/$name.$q.err" ||
			tl_fail "tcpdump did not start: $(cat "$tmp/$name.$q.err")"
	done
	in_extcap_ns tshark -i "tcrec-$host_if" -a "duration:$dur" -w "$tmp/$name.pcapng" "$@" \
		>"$tmp/$name.tshark.out" 2>"$tmp/$name.tshark.err" &
	TSHARK_PID=$!
	tl_track_pid "$TSHARK_PID"
	# shellcheck disable=SC2086
	tl_wait_for 60 "tcrec attached ($hooks)" hooked $hooks ||
		tl_fail "tcrec not attached to $host_if: $(cat "$tmp/$name.tshark.err")"
	T_READY=$(now)
}

# finish NAME: wait for tshark's own stop (-a duration), then tcpdump's.
finish() {
	local name=$1 rc q
	tl_log "$name: waiting for tshark's -a duration"
	tl_wait_exit "$TSHARK_PID" 60 || tl_fail "tshark still running 60s after its -a duration"
	wait "$TSHARK_PID" && rc=0 || rc=$?
	((rc == 0)) || tl_fail "tshark exited $rc: $(cat "$tmp/$name.tshark.err")"
	tl_wait_for 10 "tcrec gone after tshark" tcrec_gone ||
		tl_fail "tcrec still running after tshark stopped: $(pgrep -af "tcrec-$host_if")"
	tl_log "$name: tshark and tcrec are done"
	sleep 0.2
	pkill -INT -f "tcpdump -i $host_if " || true
	tl_wait_for 20 "tcpdump gone" eval "! pgrep -f 'tcpdump -i $host_if ' >/dev/null"
	for q in in out; do
		grep -q '^0 packets dropped by kernel' "$tmp/$name.$q.err" ||
			tl_fail "tcpdump -Q $q dropped packets: its capture is no oracle: $(cat "$tmp/$name.$q.err")"
	done
	tl_leftover_check "$HOOKCTL" "self:$host_if"
}

# Whole packets and the log beside them. The traffic must be over before
# tshark's duration ends: on a slow start the run is made again, longer.
whole_run() {
	local dur=$1 t_end t_stop
	rm -f "$tmp"/full.* "$tmp/side.tclog"
	capture full "$dur" ingress,egress -o "$pref.snaplen:0" -o "$pref.log:$tmp/side.tclog"
	t_stop=$(awk -v a="$T_READY" -v d="$dur" 'BEGIN { printf "%.6f", a + d - 1 }')
	ping -c 20 -i 0.05 -q "$net.2" >/dev/null
	curl -sS --max-time 20 -o "$tmp/got.blob" "http://$net.2:8080/blob"
	t_end=$(now)
	finish full
	cmp -s "$tmp/blob" "$tmp/got.blob" || tl_fail "the HTTP transfer did not go through"
	WINDOW="$T_READY $t_end"
	awk -v e="$t_end" -v s="$t_stop" 'BEGIN { exit !(e < s) }'
}
tl_log "whole packets, tcrec log kept beside (-a duration:6)"
if ! whole_run 6; then
	tl_log "the traffic outlasted the capture (slow start): again with -a duration:20"
	whole_run 20 || tl_fail "the traffic outlasted a 20 s capture"
fi
# shellcheck disable=SC2086
"$TL_PYTHON" "$here/same_packets.py" --label "tshark -i tcrec-$host_if, snaplen 0" --bytes \
	--in "$tmp/full.in.pcap" --out "$tmp/full.out.pcap" --got "$tmp/full.pcapng" --window $WINDOW
"$TCREC" export "$tmp/side.tclog" -o "$tmp/side.pcapng" -q ||
	tl_fail "tcrec export of the log kept beside the capture failed"
# shellcheck disable=SC2086
"$TL_PYTHON" "$here/same_packets.py" --label "the tcrec log kept beside it" --bytes \
	--in "$tmp/full.in.pcap" --out "$tmp/full.out.pcap" --got "$tmp/side.pcapng" --window $WINDOW

# The defaults: metadata only; direction in and tshark's capture filter.
# Pings run until tshark stops; the window ends at tshark's last packet
# (what tcrec had not flushed when stopped may be missing, nothing before).
tl_log "metadata only, direction in, -f icmp (-a duration:3)"
capture meta 3 ingress -o "$pref.direction:in" -f icmp
ping -c 400 -i 0.02 -q "$net.2" >/dev/null 2>&1 &
ping_pid=$!
tl_track_pid "$ping_pid"
curl -sS --max-time 20 -o /dev/null "http://$net.2:8080/blob" || true
finish meta
kill "$ping_pid" 2>/dev/null || true
last=$(tshark -r "$tmp/meta.pcapng" -T fields -e frame.time_epoch 2>/dev/null | tail -1)
[[ -n $last ]] || tl_fail "tshark captured nothing through tcrec in 3 s: $(cat "$tmp/meta.tshark.err")"
n=$(tshark -r "$tmp/meta.pcapng" -Y 'not icmp or icmp.type != 0' 2>/dev/null | wc -l)
((n == 0)) || tl_fail "$n packets through -f icmp, direction in are not inbound ICMP echo replies"
"$TL_PYTHON" "$here/same_packets.py" --label "tshark -i tcrec-$host_if -f icmp, direction in" \
	--in "$tmp/meta.in.pcap" --out "$tmp/meta.out.pcap" --got "$tmp/meta.pcapng" \
	--window "$T_READY" "$last" --dirs in --filter icmp
echo "PASS: tshark captured through tcrec's extcap what tcpdump saw"
