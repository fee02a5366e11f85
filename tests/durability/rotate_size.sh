#!/bin/bash
# -C / -W rotation: files cut at -C x 1,000,000 bytes, each one opening alone
# with its own trailer, holding every packet the hooks saw, and `tcrec print
# DIR` over them equal to what tcpdump saw of the same traffic; with -W a
# ring that keeps the newest N files, the last packet sent among them.
#
# tcpdump is only the oracle of the print comparison: when it drops packets,
# that comparison is made again on a slower recording (twice at most), then
# relaxed to "every packet tcpdump kept is in the files", saying so. All
# other checks run on the first recording whatever tcpdump did.
# Usage: rotate_size.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
. "$(dirname "$0")/common.sh"
du_net
tl_tmpdir W

# record_c DIR PPS: 3000 datagrams (about 4.3 MB) recorded with -C 1 into
# DIR/r..., tcpdump alongside into DIR.pcap; sets drops (tcpdump's).
record_c() {
	mkdir "$1"
	tcpdump_start TD "$DU_A" "$DU_IF" "$1.pcap"
	tcrec_start TR "$DU_A" "$DU_IF" "$1.log" "$HOOKCTL" -w "$1/r" -C 1 -s 1500 --ringbuf-size 67108864
	du_send 3000 "$2"
	sleep 0.3
	tcrec_stop "$TR" "$1.log"
	drops=$(tcpdump_stop "$TD" "$1.pcap")
}

# 1. -C 1: about 4.3 MB of incompressible packets -> several files
record_c "$W/c" 0
mapfile -t files < <(ls "$W/c")
n=${#files[@]}
tl_log "-C 1: $n files; tcpdump dropped $drops packets"
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
summary() { sed -n "s/^\([0-9]*\) packets\{0,1\} $1\$/\1/p" "$W/c.log.err"; }
total=$(summary "seen on the hooks")
captured=$(summary captured)
dropped=$(summary "dropped by the ring buffer")
((sum == total)) || tl_fail "trailers say $sum packets seen, the run $total"
# a 64 MiB ring takes 4.3 MB whole: every packet seen is in the files
((dropped == 0 && captured == total)) ||
	tl_fail "seen $total, captured $captured, dropped $dropped: want all captured"
records=$("$TCREC" print "$W/c" | wc -l)
((records == captured)) || tl_fail "the files hold $records records, $captured captured"
du_seqs "$W/c" >"$W/c.seqs" || tl_fail "reading the sequence numbers of the files failed"
got_seqs=$(wc -l <"$W/c.seqs")
err=$(du_contiguous "$W/c.seqs") || tl_fail "the rotated files miss datagrams: $err"
((got_seqs == 3000)) && [[ $(head -1 "$W/c.seqs") == 0 ]] ||
	tl_fail "the rotated files hold datagrams $(head -1 "$W/c.seqs")..$(tail -1 "$W/c.seqs") ($got_seqs), 0..2999 sent"

# print DIR against tcpdump (the oracle), made again slower while tcpdump drops
c=$W/c
for pps in 1000 250; do
	((drops > 0)) || break
	tl_log "tcpdump dropped $drops packets: print comparison on a new recording at $pps packets/s"
	c=$W/c$pps
	record_c "$c" "$pps"
done
du_lines_tcpdump "$c.pcap" >"$W/want"
du_lines_tcrec "$c" >"$W/got"
if ((drops == 0)); then
	if ! diff -u "$W/want" "$W/got" >"$W/diff"; then
		head -20 "$W/diff" >&2
		tl_fail "print over the rotated files differs from tcpdump"
	fi
	tl_log "print DIR == tcpdump: $(wc -l <"$W/got") packets"
else
	missing=$(comm -23 "$W/want" "$W/got" | wc -l)
	((missing == 0)) || tl_fail "$missing packets tcpdump saw are not in the rotated files"
	tl_log "RELAXED: tcpdump dropped $drops packets even at 250 packets/s: checked only that" \
		"the $(wc -l <"$W/want") packets it kept are among the $(wc -l <"$W/got") of the files"
fi

# 2. -C 1 -W 2: a ring; only r0 and r1 remain, the newest packets in them.
# The last datagram goes alone after a pause, so that the ring's newest file
# is still open when it comes.
mkdir "$W/ring"
tcrec_start TR "$DU_A" "$DU_IF" "$W/ring.log" "$HOOKCTL" -w "$W/ring/r" -C 1 -W 2 -s 1500 --ringbuf-size 67108864
du_send 3000
sleep 0.3
du_send 1 0 3000
sleep 0.3
tcrec_stop "$TR" "$W/ring.log"
ls "$W/ring" >"$W/ring.ls"
[[ $(cat "$W/ring.ls" | tr '\n' ' ') == "r0 r1 " ]] || tl_fail "ring left: $(cat "$W/ring.ls")"
rot=$(grep -c ' closed: ' "$W/ring.log.err")
((rot >= 3)) || tl_fail "ring: only $rot files written"
kept=$("$TCREC" print "$W/ring" | wc -l)
captured=$(sed -n 's/^\([0-9]*\) packets captured/\1/p' "$W/ring.log.err")
((kept > 0 && kept < captured)) || tl_fail "ring keeps $kept of $captured packets"
# The kept datagrams: the newest ones, without a hole, ending with the last
# one sent (3000).
du_seqs "$W/ring" >"$W/ring.seqs" || tl_fail "reading the sequence numbers of the ring failed"
first_kept=$(head -1 "$W/ring.seqs") last_kept=$(tail -1 "$W/ring.seqs")
[[ $last_kept == 3000 ]] || tl_fail "the last datagram sent (3000) is not the ring's last: it ends with ${last_kept:-nothing}"
err=$(du_contiguous "$W/ring.seqs") || tl_fail "the ring's datagrams have a hole: $err"
tl_log "ring -C 1 -W 2: $rot files written, 2 kept with $kept of $captured packets," \
	"datagrams $first_kept..$last_kept"
echo PASS
