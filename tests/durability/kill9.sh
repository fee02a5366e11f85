#!/bin/bash
# kill -9 while recording steady traffic: every packet recorded more than
# --flush-ms before the kill is readable (tcpdump, run alongside, says which
# packets those are), and the torn log reads without error and holds the
# datagrams sent without a hole.
#
# tcpdump is only the oracle of "which packets are older than the flush
# interval": when it drops packets, that comparison is made again on a
# slower recording (twice at most), then relaxed to "the log holds at least
# what tcpdump kept of them", saying so. The other checks run on every
# recording.
# Usage: kill9.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
. "$(dirname "$0")/common.sh"
du_net
tl_tmpdir W

# attempt FLUSH_MS TAG PPS [RECORD ARGS...]: steady traffic, tcrec killed
# 2.3 s after attaching; checks what needs no oracle and sets drops
# (tcpdump's), want and got (packets older than FLUSH_MS at the kill in
# tcpdump's capture and in the log) and extra.
attempt() {
	local flush_ms=$1 tag=$2 pps=$3
	shift 3
	tcpdump_start TD "$DU_A" "$DU_IF" "$W/$tag.pcap"
	du_send $((pps * 30)) "$pps" 0 "$W/$tag.stop" &
	local sender=$!
	tl_track_pid "$sender"
	tcrec_start TR "$DU_A" "$DU_IF" "$W/$tag.tclog" "$HOOKCTL" "$@"
	sleep 2.3
	local t_kill
	t_kill=$(date +%s.%N)
	kill -KILL "$TR"
	wait "$TR" 2>/dev/null || true
	sleep 0.2
	touch "$W/$tag.stop"
	wait "$sender"
	drops=$(tcpdump_stop "$TD" "$W/$tag.pcap")

	"$TCREC" print "$W/$tag.tclog" >"$W/$tag.txt" 2>"$W/$tag.err" ||
		tl_fail "$tag: print fails after kill -9: $(cat "$W/$tag.err")"
	"$TCREC" export "$W/$tag.tclog" -o "$W/$tag.out.pcap" -q ||
		tl_fail "$tag: export fails after kill -9"
	# what was kept is everything from the start of the recording on
	du_seqs "$W/$tag.tclog" >"$W/$tag.seqs" 2>"$W/$tag.seqs.err" ||
		tl_fail "$tag: reading the sequence numbers failed: $(cat "$W/$tag.seqs.err")"
	local err
	err=$(du_contiguous "$W/$tag.seqs") || tl_fail "$tag: the log misses datagrams: $err"

	local lo hi
	lo=$(awk -v r="$TCREC_T_READY" 'BEGIN {printf "%.6f", r / 1e9 + 0.05}')
	hi=$(awk -v k="$t_kill" -v f="$flush_ms" 'BEGIN {printf "%.6f", k - f / 1000 - 0.05}')
	count() {
		tcpdump -tt -nn -r "$1" 2>/dev/null | awk -v lo="$lo" -v hi="$hi" '$1 >= lo && $1 < hi {n++} END {print n + 0}'
	}
	want=$(count "$W/$tag.pcap")
	got=$(count "$W/$tag.out.pcap")
	awk -v n="$got" -v pps="$pps" -v lo="$lo" -v hi="$hi" 'BEGIN {exit !(n >= pps * (hi - lo) / 2)}' ||
		tl_fail "$tag: only $got packets in the log from [$lo, $hi) at $pps packets/s: traffic did not flow, or the log lost them"
	du_lines_tcpdump "$W/$tag.pcap" >"$W/$tag.want"
	du_lines_tcrec "$W/$tag.tclog" >"$W/$tag.got"
	extra=$(comm -13 "$W/$tag.want" "$W/$tag.got" | wc -l)
	tl_log "$tag at $pps packets/s: $got packets older than ${flush_ms} ms at the kill in the log" \
		"(tcpdump: $want, dropped $drops), $(wc -l <"$W/$tag.txt") in all, datagrams" \
		"$(head -1 "$W/$tag.seqs")..$(tail -1 "$W/$tag.seqs"); reader: $(head -c 200 "$W/$tag.err")"
}

# run FLUSH_MS [RECORD ARGS...]; FLUSH_MS is what the check assumes
run() {
	local flush_ms=$1 pps=250 tag=k$1
	shift
	attempt "$flush_ms" "$tag" "$pps" "$@"
	for pps in 100 50; do
		((drops > 0)) || break
		tl_log "$tag: tcpdump dropped $drops packets: again at $pps packets/s for the comparison"
		tag=k$flush_ms-$pps
		attempt "$flush_ms" "$tag" "$pps" "$@"
	done
	if ((drops == 0)); then
		((got == want)) || tl_fail "--flush-ms $flush_ms: tcpdump saw $want packets more than ${flush_ms} ms before kill -9, the log has $got"
		((extra == 0)) || tl_fail "$extra packets in the log that tcpdump did not see"
	else
		((got >= want)) || tl_fail "--flush-ms $flush_ms: tcpdump kept $want packets more than ${flush_ms} ms before kill -9, the log has only $got"
		tl_log "RELAXED: tcpdump dropped $drops packets even at $pps packets/s: checked only that" \
			"the log holds at least the $want packets it kept ($got)"
	fi
}
run 200 --flush-ms 200 -s 256
run 1000 -s 256
echo PASS
