#!/bin/bash
# -C / -W rotation: files cut at -C x 1,000,000 bytes, each one opening alone
# with its own trailer, and `tcrec print DIR` over them equal to what tcpdump
# saw of the same traffic; with -W a ring that keeps the newest N files.
# Usage: rotate_size.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
. "$(dirname "$0")/common.sh"
du_net
tl_tmpdir W

# 1. -C 1: about 4.3 MB of incompressible packets -> several files
mkdir "$W/c"
tcpdump_start TD "$DU_A" "$DU_IF" "$W/td.pcap"
tcrec_start TR "$DU_A" "$DU_IF" "$W/c.log" "$HOOKCTL" -w "$W/c/r" -C 1 -s 1500 --ringbuf-size 67108864
du_send 3000
sleep 0.3
tcrec_stop "$TR" "$W/c.log"
drops=$(tcpdump_stop "$TD" "$W/td.pcap")
((drops == 0)) || tl_skip "tcpdump dropped $drops packets: no complete oracle"

mapfile -t files < <(ls "$W/c")
n=${#files[@]}
wire=$(tcpdump -r "$W/td.pcap" -nn 2>/dev/null | wc -l)
tl_log "-C 1: $n files, $wire packets seen by tcpdump"
((n >= 3)) || tl_fail "-C 1 over ~4.3 MB made $n files"
# tcpdump's names: r, r1, r2, ...
for ((i = 0; i < n; i++)); do
	name=r; ((i == 0)) || name=r$i
	[[ -f $W/c/$name ]] || tl_fail "missing rotated file $name (have: ${files[*]})"
	size=$(stat -c %s "$W/c/$name")
	# every file but the last reached -C; none is more than one chunk over
	if ((i < n - 1)); then
		((size >= 1000000)) || tl_fail "$name: $size bytes, rotated before -C 1"
	fi
	((size < 1400000)) || tl_fail "$name: $size bytes, far over -C 1"
	# opens alone, with a trailer (no warning about a missing one)
	"$TCREC" stats "$W/c/$name" >"$W/st" 2>"$W/st.err" || tl_fail "$name does not open alone: $(cat "$W/st.err")"
	[[ ! -s $W/st.err ]] || tl_fail "$name: $(cat "$W/st.err")"
	grep -q '(1 of 1 files)' "$W/st" || tl_fail "$name: no trailer counters: $(grep counters "$W/st")"
done
# one line per rotation (and one for the last file) unless -q
lines=$(grep -c ' closed: ' "$W/c.log.err")
((lines == n)) || tl_fail "$lines 'closed' lines for $n files"
# each file's trailer counts its own packets: their sum is the run's
sum=0
for f in "$W"/c/*; do
	s=$("$TCREC" stats "$f" | sed -n 's/^counters: *seen \([0-9]*\),.*/\1/p')
	sum=$((sum + s))
done
total=$(sed -n 's/^\([0-9]*\) packets seen on the hooks/\1/p' "$W/c.log.err")
((sum == total)) || tl_fail "trailers say $sum packets seen, the run $total"

du_lines_tcpdump "$W/td.pcap" >"$W/want"
du_lines_tcrec "$W/c" >"$W/got"
if ! diff -u "$W/want" "$W/got" >"$W/diff"; then
	head -20 "$W/diff" >&2
	tl_fail "print over the rotated files differs from tcpdump"
fi
tl_log "print DIR == tcpdump: $(wc -l <"$W/got") packets"

# 2. -C 1 -W 2: a ring; only r0 and r1 remain, the newest packets in them
mkdir "$W/ring"
tcrec_start TR "$DU_A" "$DU_IF" "$W/ring.log" "$HOOKCTL" -w "$W/ring/r" -C 1 -W 2 -s 1500 --ringbuf-size 67108864
du_send 3000
sleep 0.3
tcrec_stop "$TR" "$W/ring.log"
ls "$W/ring" >"$W/ring.ls"
[[ $(cat "$W/ring.ls" | tr '\n' ' ') == "r0 r1 " ]] || tl_fail "ring left: $(cat "$W/ring.ls")"
rot=$(grep -c ' closed: ' "$W/ring.log.err")
((rot >= 3)) || tl_fail "ring: only $rot files written"
kept=$("$TCREC" print "$W/ring" | wc -l)
captured=$(sed -n 's/^\([0-9]*\) packets captured/\1/p' "$W/ring.log.err")
((kept > 0 && kept < captured)) || tl_fail "ring keeps $kept of $captured packets"
# the last packet recorded is in the ring
last_sent=$("$TCREC" print "$W/ring" | tail -1)
[[ -n $last_sent ]] || tl_fail "ring is empty"
tl_log "ring -C 1 -W 2: $rot files written, 2 kept with $kept of $captured packets"
echo PASS
