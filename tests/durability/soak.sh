#!/bin/bash
# Soak: two minutes of steady traffic recorded with -G 1 -C 1000 -W 5, a ring
# of the 5 newest one-second files (-G -W alone stops after 5 files, as in
# tcpdump). tcpdump records the same interface at the same time. Checked:
# - open file descriptors of tcrec stay the same from the first rotation on,
#   its RSS grows by less than SOAK_RSS_KIB between the 20 s mark and the end;
# - exactly 5 files remain, consecutive seconds, each opens alone;
# - over the whole run, no ring-buffer drop, captured + dropped = seen, and
#   the records written are at least the traffic sent; they add up to at
#   least what tcpdump saw while tcrec was surely attached, at most all it saw;
# - the packets of the 5 kept files equal tcpdump's in their time window, one
#   for one and field by field (tests/e2e/compare.py, tshark as the oracle).
# The last two need tcpdump whole: when it drops packets, they are made on a
# short recording at a quarter of the rate instead (twice at most), then
# relaxed to "the files hold at least what tcpdump kept", saying so. All the
# other checks are made on the soak itself.
# Usage: soak.sh TCREC HOOKCTL UDPFLOOD
set -euo pipefail
TCREC=$1
HOOKCTL=$2
UDPFLOOD=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

SOAK_SECS=${SOAK_SECS:-120} # traffic recorded
SOAK_PPS=2000
SOAK_RING=5
SOAK_RSS_KIB=2048

tl_require_root
tl_require_bpf
tl_require_tools ip tcpdump tshark editcap python3

NS_A=sk$$a
NS_B=sk$$b
IF_A=sk$$x
IF_B=sk$$y
ADDR_A=10.198.$(($$ % 250)).1
ADDR_B=10.198.$(($$ % 250)).2

tl_netns_add "$NS_A"
tl_netns_add "$NS_B"
tl_veth_pair "$NS_A" "$IF_A" "$NS_B" "$IF_B"
ip -n "$NS_A" addr add "$ADDR_A/24" dev "$IF_A"
ip -n "$NS_B" addr add "$ADDR_B/24" dev "$IF_B"
# static neighbours both ways: no ARP in the middle of the comparison
tl_in "$NS_B" ip neigh replace "$ADDR_A" lladdr \
	"$(tl_in "$NS_A" cat "/sys/class/net/$IF_A/address")" dev "$IF_B"
tl_in "$NS_A" ip neigh replace "$ADDR_B" lladdr \
	"$(tl_in "$NS_B" cat "/sys/class/net/$IF_B/address")" dev "$IF_A"
tl_tmpdir W
mkdir "$W/ring"

# A socket on the port so that A answers nothing (no ICMP port unreachable):
# one direction, one flow, a deterministic oracle.
# (ip netns exec itself in the background, so that $! is the process)
ip netns exec "$NS_A" "$TL_PYTHON" -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9999))
while True:
    s.recv(65536)
' &
tl_track_pid $!

tcpdump_start TD "$NS_A" "$IF_A" "$W/td.pcap"
n_send=$((SOAK_PPS * (SOAK_SECS + 20)))
ip netns exec "$NS_B" "$UDPFLOOD" -d "$ADDR_A" -r "$SOAK_PPS" -n "$n_send" -s 200 >"$W/flood.out" 2>&1 &
FLOOD=$!
tl_track_pid "$FLOOD"
sleep 0.5

tcrec_start TR "$NS_A" "$IF_A" "$W/rec" "$HOOKCTL" \
	-w "$W/ring/s-%Y%m%d-%H%M%S.tclog" -G 1 -C 1000 -W "$SOAK_RING"
t0=$TCREC_T_READY

# fds FILE: entries of /proc/PID/fd; the lower of two reads 50 ms apart, so
# that a file opened for an instant during a rotation is not taken for a
# leak (a leak stays).
fds() {
	local a b
	a=$(ls "/proc/$TR/fd" | wc -l)
	sleep 0.05
	b=$(ls "/proc/$TR/fd" | wc -l)
	echo $((a < b ? a : b))
}
rss_kib() {
	awk '$1 == "VmRSS:" {print $2}' "/proc/$TR/status"
}

samples=()
fd_ref=
rss_20=
rss_max=0
while :; do
	sleep 2
	kill -0 "$TR" 2>/dev/null || { cat "$W/rec.err" >&2; tl_fail "tcrec exited during the soak"; }
	el=$((($(date +%s%N) - t0) / 1000000000))
	fd=$(fds)
	rss=$(rss_kib)
	samples+=("${el}s:fd=$fd,rss=${rss}KiB")
	((rss > rss_max)) && rss_max=$rss
	# the first rotation is done once a 'closed' line was printed
	if [[ -z $fd_ref ]] && grep -q ' closed: ' "$W/rec.err"; then
		fd_ref=$fd
	elif [[ -n $fd_ref ]] && ((fd != fd_ref)); then
		tl_fail "open fds of tcrec went from $fd_ref to $fd at ${el}s (${samples[*]})"
	fi
	[[ -z $rss_20 ]] && ((el >= 20)) && rss_20=$rss
	((el >= SOAK_SECS)) && break
done
rss_end=$rss
tcrec_stop "$TR" "$W/rec"
kill -0 "$FLOOD" 2>/dev/null || tl_fail "the sender stopped before tcrec: $(cat "$W/flood.out")"
drops=$(tcpdump_stop "$TD" "$W/td.pcap")
kill "$FLOOD" 2>/dev/null || true
T_READY=$t0 T_STOP=$TCREC_T_STOP

tl_log "samples (time since attach: fds, VmRSS): ${samples[*]}"
[[ -n $fd_ref ]] || tl_fail "no rotation in ${SOAK_SECS}s"
growth=$((rss_end - rss_20))
tl_log "fds: $fd_ref from the first rotation to the end; VmRSS ${rss_20} KiB at 20 s," \
	"${rss_end} KiB at the end (growth ${growth} KiB, max ${rss_max} KiB)"
((growth < SOAK_RSS_KIB)) ||
	tl_fail "VmRSS grew by $growth KiB from 20 s to the end (limit $SOAK_RSS_KIB KiB)"

# run_counts DIR: from what every rotation said it closed, sets n_closed,
# recorded and dropped; fails on a drop or on an exit summary that does
# not add up.
run_counts() {
	read -r n_closed recorded dropped < <(awk '/ closed: / {
		n++; for (i = 1; i < NF; i++) { if ($(i+1) == "packets,") p += $i; if ($(i+1) ~ /^dropped/) d += $i }
		} END {print n + 0, p + 0, d + 0}' "$1/rec.err")
	((dropped == 0)) || tl_fail "tcrec reports $dropped ring-buffer drops over the run"
	local captured seen sdropped
	captured=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "$1/rec.err")
	seen=$(sed -n 's/^\([0-9]*\) packets\{0,1\} seen on the hooks$/\1/p' "$1/rec.err")
	sdropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by the ring buffer$/\1/p' "$1/rec.err")
	[[ -n $captured && -n $seen && -n $sdropped ]] || tl_fail "no exit summary from tcrec in $1/rec.err"
	((captured == recorded && sdropped == 0 && captured + sdropped == seen)) ||
		tl_fail "exit summary: $captured captured, $seen seen, $sdropped dropped; the files closed: $recorded"
}

# ring_files DIR N: the ring left in DIR/ring: exactly the N newest seconds,
# each file self-contained; sets files and secs.
ring_files() {
	local f m i n=$2 stop_s
	mapfile -t files < <(ls "$1/ring")
	((${#files[@]} == n)) || tl_fail "${#files[@]} files remain, not $n: ${files[*]}"
	secs=()
	for f in "${files[@]}"; do
		[[ $f =~ ^s-([0-9]{8})-([0-9]{2})([0-9]{2})([0-9]{2})\.tclog[0-9]$ ]] ||
			tl_fail "unexpected file name $f"
		m=("${BASH_REMATCH[@]}")
		secs+=("$(date -d "${m[1]} ${m[2]}:${m[3]}:${m[4]}" +%s)")
		"$TCREC" stats "$1/ring/$f" >/dev/null 2>"$W/e" && [[ ! -s $W/e ]] ||
			tl_fail "$f does not open alone: $(cat "$W/e")"
	done
	for ((i = 1; i < n; i++)); do
		((secs[i] == secs[i - 1] + 1)) || tl_fail "kept files are not consecutive seconds: ${files[*]}"
	done
	stop_s=$((T_STOP / 1000000000))
	((secs[n - 1] >= stop_s - 1 && secs[n - 1] <= stop_s + 1)) ||
		tl_fail "the newest kept file ${files[n - 1]} is not the second tcrec stopped in ($stop_s)"
}

run_counts "$W"
tl_log "whole run: $n_closed files closed, $recorded records written, $dropped dropped"
((n_closed >= SOAK_SECS - 5)) || tl_fail "only $n_closed files closed in ${SOAK_SECS}s of -G 1"
((recorded > SOAK_PPS * (SOAK_SECS - 5))) || tl_fail "only $recorded records: traffic did not flow"
ring_files "$W" "$SOAK_RING"

# oracle DIR PPS: the checks against tcpdump's DIR/td.pcap (of a recording
# from T_READY to T_STOP, into DIR/ring, files and secs set); relaxed while
# drops is not 0.
oracle() {
	local d=$1 pps=$2 lo_all hi_all seen_run seen_all lo hi in_win f
	lo_all=$(awk -v t="$T_READY" 'BEGIN {printf "%.6f", t / 1e9 + 0.05}')
	hi_all=$(awk -v t="$T_STOP" 'BEGIN {printf "%.6f", t / 1e9 - 0.1}')
	editcap -F nsecpcap -A "$lo_all" -B "$hi_all" "$d/td.pcap" "$d/td-run.pcap" >/dev/null
	seen_run=$(pcap_count "$d/td-run.pcap")
	seen_all=$(pcap_count "$d/td.pcap")
	tl_log "tcpdump: $seen_run packets while tcrec was surely attached, $seen_all in all," \
		"$drops dropped; tcrec: $recorded records"
	if ((drops == 0)); then
		((recorded >= seen_run && recorded <= seen_all)) ||
			tl_fail "tcrec wrote $recorded records, tcpdump saw $seen_run (attached) .. $seen_all (all)"
	else
		((recorded >= seen_run)) ||
			tl_fail "tcrec wrote $recorded records, tcpdump kept $seen_run while it was surely attached"
	fi

	# Time window of the kept files: from their first second to the stop,
	# each end moved into the middle of a gap between two of tcpdump's
	# packets so that the µs between the two timestamps of a packet cannot
	# put it inside on one side and outside on the other.
	read -r lo hi < <("$TL_PYTHON" - "$d/td.pcap" $((secs[0] * 1000000000 + 20000000)) \
		$((T_STOP - 100000000)) <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
magic = data[:4]
endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
ts, off = [], 24
while off + 16 <= len(data):
    sec, frac, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
    ts.append(sec * 10**9 + (frac if nano else frac * 1000))
    off += 16 + caplen
def gap_mid(t):
    for a, b in zip(ts, ts[1:]):
        if b >= t:
            return (a + b) // 2
    return t
print(gap_mid(int(sys.argv[2])), gap_mid(int(sys.argv[3])))
PY
)
	((lo < hi)) || tl_fail "empty comparison window [$lo, $hi]"
	editcap -F nsecpcap -A "$(fmt_s "$lo")" -B "$(fmt_s "$hi")" "$d/td.pcap" "$d/td-win.pcap" >/dev/null
	local ring_paths=()
	for f in "${files[@]}"; do ring_paths+=("$d/ring/$f"); done
	"$TCREC" print "${ring_paths[@]}" --json >"$d/ring.json" 2>"$W/e" || tl_fail "print: $(cat "$W/e")"
	in_win=$(pcap_count "$d/td-win.pcap")
	tl_log "kept: ${files[*]}; window $(fmt_s "$lo") .. $(fmt_s "$hi"), $in_win tcpdump packets in it"
	if ((drops == 0)); then
		((in_win > pps * (${#files[@]} - 2))) || tl_fail "only $in_win tcpdump packets in the kept window"
		"$TL_PYTHON" "$here/../e2e/compare.py" --pcap "$d/td-win.pcap" --json "$d/ring.json" \
			--label "soak ring of ${#files[@]}" --window "$lo" "$hi" >"$d/cmp.out" ||
			{ cat "$d/cmp.out" >&2; tl_fail "the kept files differ from tcpdump in their window"; }
		cat "$d/cmp.out" >&2
	else
		# the same words on both sides, time left out: every line tcpdump
		# kept must be among the files'
		tcpdump -nn -S -r "$d/td-win.pcap" 2>/dev/null | cut -d' ' -f2- | sort >"$d/want"
		"$TCREC" print "${ring_paths[@]}" --since "$(rfc3339 "$lo")" --until "$(rfc3339 "$hi")" |
			sed -E 's/^[^ ]+ [^ ]+ [^ ]+ (In|Out) +//' | sort >"$d/got"
		local missing
		missing=$(comm -23 "$d/want" "$d/got" | wc -l)
		((missing == 0)) || tl_fail "$missing packets tcpdump kept in the window are not in the kept files"
		tl_log "RELAXED: tcpdump dropped $drops packets even at $pps packets/s: checked only that the" \
			"$(wc -l <"$d/want") packets it kept in the window are among the $(wc -l <"$d/got") of the files"
	fi
}
fmt_s() { awk -v t="$1" 'BEGIN {printf "%.9f", t / 1e9}'; }
rfc3339() { date -u -d "@$(fmt_s "$1")" +%Y-%m-%dT%H:%M:%S.%NZ; }

# A short recording like the soak's, slower, for the comparisons alone:
# sets T_READY, T_STOP, drops, and (run_counts, ring_files) the rest.
short_run() {
	local d=$1 pps=$2 flood
	mkdir -p "$d/ring"
	tcpdump_start TD "$NS_A" "$IF_A" "$d/td.pcap"
	ip netns exec "$NS_B" "$UDPFLOOD" -d "$ADDR_A" -r "$pps" -n $((pps * 60)) -s 200 >"$d/flood.out" 2>&1 &
	flood=$!
	tl_track_pid "$flood"
	sleep 0.5
	tcrec_start TR "$NS_A" "$IF_A" "$d/rec" "$HOOKCTL" \
		-w "$d/ring/s-%Y%m%d-%H%M%S.tclog" -G 1 -C 1000 -W "$SOAK_RING"
	T_READY=$TCREC_T_READY
	sleep $((SOAK_RING + 5))
	tcrec_stop "$TR" "$d/rec"
	T_STOP=$TCREC_T_STOP
	kill -0 "$flood" 2>/dev/null || tl_fail "the sender stopped before tcrec: $(cat "$d/flood.out")"
	drops=$(tcpdump_stop "$TD" "$d/td.pcap")
	kill "$flood" 2>/dev/null || true
	run_counts "$d"
	ring_files "$d" "$SOAK_RING"
}

d=$W pps=$SOAK_PPS
for k in 1 2; do
	((drops > 0)) || break
	pps=$((pps / 4))
	tl_log "tcpdump dropped $drops packets: its comparisons on a short recording at $pps packets/s"
	d=$W/short$k
	short_run "$d" "$pps"
done
oracle "$d" "$pps"
echo PASS
