#!/bin/bash
# kill -9 while recording steady traffic: every packet recorded more than
# --flush-ms before the kill is readable (tcpdump, run alongside, says which
# packets those are), and the torn log reads without error.
# Usage: kill9.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
. "$(dirname "$0")/common.sh"
du_net
tl_tmpdir W

# run FLUSH_MS [RECORD ARGS...]; FLUSH_MS is what the check assumes
run() {
	local flush_ms=$1 tag=k$1
	shift
	tcpdump_start TD "$DU_A" "$DU_IF" "$W/$tag.pcap"
	du_send 1000 250 &
	local sender=$!
	tl_track_pid "$sender"
	tcrec_start TR "$DU_A" "$DU_IF" "$W/$tag.tclog" "$HOOKCTL" "$@"
	sleep 2.3
	local t_kill
	t_kill=$(date +%s.%N)
	kill -KILL "$TR"
	wait "$TR" 2>/dev/null || true
	wait "$sender"
	local drops
	drops=$(tcpdump_stop "$TD" "$W/$tag.pcap")
	((drops == 0)) || tl_skip "tcpdump dropped $drops packets: no complete oracle"

	"$TCREC" print "$W/$tag.tclog" >"$W/$tag.txt" 2>"$W/$tag.err" ||
		tl_fail "print fails after kill -9: $(cat "$W/$tag.err")"
	"$TCREC" export "$W/$tag.tclog" -o "$W/$tag.out.pcap" -q
	local lo hi want got
	lo=$(awk -v r="$TCREC_T_READY" 'BEGIN {printf "%.6f", r / 1e9 + 0.05}')
	hi=$(awk -v k="$t_kill" -v f="$flush_ms" 'BEGIN {printf "%.6f", k - f / 1000 - 0.05}')
	count() {
		tcpdump -tt -nn -r "$1" 2>/dev/null | awk -v lo="$lo" -v hi="$hi" '$1 >= lo && $1 < hi {n++} END {print n + 0}'
	}
	want=$(count "$W/$tag.pcap")
	got=$(count "$W/$tag.out.pcap")
	((want > 100)) || tl_fail "only $want packets before the kill: traffic did not flow"
	((got == want)) || tl_fail "--flush-ms $flush_ms: tcpdump saw $want packets more than ${flush_ms} ms before kill -9, the log has $got"
	du_lines_tcpdump "$W/$tag.pcap" >"$W/$tag.want"
	du_lines_tcrec "$W/$tag.tclog" >"$W/$tag.got"
	local extra
	extra=$(comm -13 "$W/$tag.want" "$W/$tag.got" | wc -l)
	((extra == 0)) || tl_fail "$extra packets in the log that tcpdump did not see"
	tl_log "--flush-ms $flush_ms: $got/$want packets older than the flush interval kept," \
		"$(wc -l <"$W/$tag.txt") in the log; reader: $(head -c 200 "$W/$tag.err")"
}
run 200 --flush-ms 200 -s 256
run 1000 -s 256
echo PASS
