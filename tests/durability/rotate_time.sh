#!/bin/bash
# -G / -W rotation: files cut on wall-clock multiples of -G, named by
# strftime(-w), also while no packet arrives; with -W N the recording stops
# by itself after N files. Every packet tcpdump saw while tcrec was surely
# recording is in the files.
# Usage: rotate_time.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
. "$(dirname "$0")/common.sh"
du_net
tl_tmpdir W

# wait_exit0 PID LOG SECONDS: the recorder ends by itself, status 0.
wait_exit0() {
	tl_wait_exit "$1" "$3" || tl_fail "tcrec still running after $3 s: -W did not stop it"
	local rc=0
	wait "$1" || rc=$?
	((rc == 0)) || { cat "$2.err" >&2; tl_fail "tcrec exited with $rc"; }
}

# 1. No traffic at all: -G 1 -W 2 still makes two files, then stops.
mkdir "$W/idle"
tcrec_start TR "$DU_A" "$DU_IF" "$W/idle.log" "$HOOKCTL" -w "$W/idle/i-%H%M%S.tclog" -G 1 -W 2
wait_exit0 "$TR" "$W/idle.log" 10
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

# 2. Steady traffic (100 packets/s): -G 1 -W 3, every file in its second.
mkdir "$W/g"
tcpdump_start TD "$DU_A" "$DU_IF" "$W/td.pcap"
du_send 600 100 &
SENDER=$!
tl_track_pid "$SENDER"
sleep 0.5
tcrec_start TR "$DU_A" "$DU_IF" "$W/g.log" "$HOOKCTL" -w "$W/g/%Y%m%d-%H%M%S.tclog" -G 1 -W 3
wait_exit0 "$TR" "$W/g.log" 10
t_end=$(date +%s.%N)
wait "$SENDER"
drops=$(tcpdump_stop "$TD" "$W/td.pcap")
((drops == 0)) || tl_skip "tcpdump dropped $drops packets: no complete oracle"

mapfile -t files < <(ls "$W/g")
((${#files[@]} == 3)) || tl_fail "-G 1 -W 3 left ${#files[@]} files: ${files[*]}"
rot=$(grep -c ' closed: ' "$W/g.log.err")
((rot == 3)) || tl_fail "$rot 'closed' lines for 3 files"
for f in "${files[@]}"; do
	sec=$(date -d "${f:0:8} ${f:9:2}:${f:11:2}:${f:13:2}" +%s)
	"$TCREC" export "$W/g/$f" -o "$W/$f.pcap" -q 2>"$W/e" || tl_fail "$f: $(cat "$W/e")"
	# every packet of the file lies in the second its name says
	bad=$(tcpdump -tt -r "$W/$f.pcap" 2>/dev/null |
		awk -v s="$sec" '$1 < s || $1 >= s + 1 {n++} END {print n + 0}')
	((bad == 0)) || tl_fail "$f holds $bad packets from outside its second"
done
# From attach to the last file's end, tcpdump's packets and ours are the same.
first=$(date -d "${files[0]:0:8} ${files[0]:9:2}:${files[0]:11:2}:${files[0]:13:2}" +%s)
lo=$(awk -v r="$TCREC_T_READY" 'BEGIN {printf "%.3f", r / 1e9 + 0.05}')
hi=$((first + 3))
count_in() {
	tcpdump -tt -nn -r "$1" 2>/dev/null | awk -v lo="$lo" -v hi="$hi" '$1 >= lo && $1 < hi - 0.05 {n++} END {print n + 0}'
}
"$TCREC" export "$W/g" -o "$W/all.pcap" -q
want=$(count_in "$W/td.pcap")
got=$(count_in "$W/all.pcap")
((want > 100)) || tl_fail "only $want packets in the window: traffic did not flow"
((got == want)) || tl_fail "tcpdump saw $want packets in [$lo, $hi), the rotated files hold $got"
tl_log "-G 1 -W 3: ${files[*]}; $got packets in the window, as tcpdump"
echo PASS
