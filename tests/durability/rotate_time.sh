#!/bin/bash
# -G / -W rotation: files cut on wall-clock multiples of -G, named by
# strftime(-w), also while no packet arrives; with -W N the recording stops
# by itself after N files. Every packet tcpdump saw while tcrec was surely
# recording is in the files.
#
# tcpdump is only the oracle of that last comparison: when it drops packets,
# the comparison is made again on a slower recording (twice at most), then
# relaxed to "the files hold at least what tcpdump kept", saying so. The
# checks of the files themselves run on the first recording regardless.
# Usage: rotate_time.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
. "$(dirname "$0")/common.sh"
du_net
tl_tmpdir W
NG=5 # files of the -G 1 -W recordings with traffic

# wait_exit0 PID LOG SECONDS: the recorder ends by itself, status 0.
wait_exit0() {
	tl_wait_exit "$1" "$3" || tl_fail "tcrec still running after $3 s: -W did not stop it"
	local rc=0
	wait "$1" || rc=$?
	((rc == 0)) || { cat "$2.err" >&2; tl_fail "tcrec exited with $rc"; }
}

# 1. No traffic at all: -G 1 -W 2 still makes two files, then stops. Not
# started with tcrec_start: nothing is recorded, and on a busy machine the
# two seconds can be over before the hooks are seen attached.
mkdir "$W/idle"
ip netns exec "$DU_A" "$TCREC" record -i "$DU_IF" -w "$W/idle/i-%H%M%S.tclog" -G 1 -W 2 -v \
	>"$W/idle.log.out" 2>"$W/idle.log.err" &
TR=$!
tl_track_pid "$TR"
wait_exit0 "$TR" "$W/idle.log" 60
mapfile -t idle < <(ls "$W/idle")
((${#idle[@]} == 2)) || tl_fail "idle -G 1 -W 2 left ${#idle[@]} files: ${idle[*]}"
for f in "${idle[@]}"; do
	[[ $f =~ ^i-[0-9]{6}\.tclog$ ]] || tl_fail "file name $f is not strftime's %H%M%S"
	"$TCREC" stats "$W/idle/$f" >/dev/null 2>"$W/e" && [[ ! -s $W/e ]] ||
		tl_fail "$f does not open alone: $(cat "$W/e")"
done
a=${idle[0]:2:6} b=${idle[1]:2:6}
s1=$((10#${a:0:2} * 3600 + 10#${a:2:2} * 60 + 10#${a:4:2}))
s2=$((10#${b:0:2} * 3600 + 10#${b:2:2} * 60 + 10#${b:4:2}))
(((s2 - s1 + 86400) % 86400 == 1)) || tl_fail "idle files ${idle[*]} are not one second apart"
tl_log "idle -G 1 -W 2: ${idle[*]}"

# 2. Steady traffic: -G 1 -W 5, every file in its second.
# record_g TAG PPS: PPS packets/s until tcrec is done, tcpdump alongside
# into W/TAG.pcap, tcrec -G 1 -W 5 into W/TAG/; sets drops (tcpdump's) and
# lo/hi, the window from attach to the last file's end. Five files, so that
# a window is left when attaching takes seconds on a busy machine (the
# first file is opened before that).
record_g() {
	local d=$W/$1 pps=$2 first
	mkdir "$d"
	tcpdump_start TD "$DU_A" "$DU_IF" "$d.pcap"
	du_send $((pps * 60)) "$pps" 0 "$d.stop" &
	SENDER=$!
	tl_track_pid "$SENDER"
	sleep 0.5
	tcrec_start TR "$DU_A" "$DU_IF" "$d.log" "$HOOKCTL" -w "$d/%Y%m%d-%H%M%S.tclog" -G 1 -W "$NG"
	wait_exit0 "$TR" "$d.log" 15
	sleep 0.2
	touch "$d.stop"
	wait "$SENDER"
	drops=$(tcpdump_stop "$TD" "$d.pcap")
	mapfile -t files < <(ls "$d")
	((${#files[@]} == NG)) || tl_fail "$1: -G 1 -W $NG left ${#files[@]} files: ${files[*]}"
	first=$(date -d "${files[0]:0:8} ${files[0]:9:2}:${files[0]:11:2}:${files[0]:13:2}" +%s)
	lo=$(awk -v r="$TCREC_T_READY" 'BEGIN {printf "%.3f", r / 1e9 + 0.05}')
	hi=$((first + NG))
	"$TCREC" export "$d" -o "$d.all.pcap" -q 2>"$W/e" || tl_fail "$1: export: $(cat "$W/e")"
}
# flowed N PPS: N packets in the window are at least half of what PPS gives
flowed() {
	awk -v n="$1" -v pps="$2" -v lo="$lo" -v hi="$hi" 'BEGIN {exit !(hi - lo > 0.3 && n >= pps * (hi - lo) / 2)}'
}
count_in() {
	tcpdump -tt -nn -r "$1" 2>/dev/null | awk -v lo="$lo" -v hi="$hi" '$1 >= lo && $1 < hi - 0.05 {n++} END {print n + 0}'
}

record_g g 100
rot=$(grep -c ' closed: ' "$W/g.log.err")
((rot == NG)) || tl_fail "$rot 'closed' lines for $NG files"
for f in "${files[@]}"; do
	sec=$(date -d "${f:0:8} ${f:9:2}:${f:11:2}:${f:13:2}" +%s)
	"$TCREC" export "$W/g/$f" -o "$W/$f.pcap" -q 2>"$W/e" || tl_fail "$f: $(cat "$W/e")"
	# every packet of the file lies in the second its name says
	bad=$(tcpdump -tt -r "$W/$f.pcap" 2>/dev/null |
		awk -v s="$sec" '$1 < s || $1 >= s + 1 {n++} END {print n + 0}')
	((bad == 0)) || tl_fail "$f holds $bad packets from outside its second"
done
got=$(count_in "$W/g.all.pcap")
flowed "$got" 100 || tl_fail "the rotated files hold only $got packets in [$lo, $hi): traffic did not flow"
tl_log "-G 1 -W $NG: ${files[*]}; $got packets in the window [$lo, $hi); tcpdump dropped $drops"

# From attach to the last file's end, tcpdump's packets and ours are the same.
tag=g pps=100
for slower in 50 25; do
	((drops > 0)) || break
	tl_log "tcpdump dropped $drops packets: window comparison on a new recording at $slower packets/s"
	tag=g$slower pps=$slower
	record_g "$tag" "$pps"
done
want=$(count_in "$W/$tag.pcap")
got=$(count_in "$W/$tag.all.pcap")
flowed "$got" "$pps" || tl_fail "$tag: only $got packets in [$lo, $hi): traffic did not flow"
if ((drops == 0)); then
	((got == want)) || tl_fail "$tag: tcpdump saw $want packets in [$lo, $hi), the rotated files hold $got"
	tl_log "$tag: $got packets in the window, as tcpdump"
else
	((got >= want)) || tl_fail "$tag: tcpdump kept $want packets in [$lo, $hi), the rotated files hold only $got"
	tl_log "RELAXED: tcpdump dropped $drops packets even at $pps packets/s: checked only that the" \
		"files hold at least the $want packets it kept in the window ($got)"
fi
echo PASS
