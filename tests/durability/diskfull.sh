#!/bin/bash
# A full disk (a small tmpfs mounted here): without a ring, tcrec closes the
# file cleanly (everything in it readable and what tcpdump saw), detaches and
# exits 1 naming the file; with a -C -W ring it deletes the oldest file, says
# so, and goes on.
# Usage: diskfull.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
. "$(dirname "$0")/common.sh"
du_net
tl_tmpdir W
mkdir "$W/full" "$W/ring"
mount -t tmpfs -o size=1500k tcrec-du-full "$W/full" || tl_skip "cannot mount a tmpfs"
tl_on_exit "umount '$W/full'"
mount -t tmpfs -o size=3m tcrec-du-ring "$W/ring" || tl_skip "cannot mount a tmpfs"
tl_on_exit "umount '$W/ring'"

# 1. No ring: ~4.3 MB of incompressible packets into 1.5 MB.
tcpdump_start TD "$DU_A" "$DU_IF" "$W/td.pcap"
tcrec_start TR "$DU_A" "$DU_IF" "$W/full.log" "$HOOKCTL" -w "$W/full/cap.tclog" -s 1500 \
	--ringbuf-size 67108864 --flush-ms 100
du_send 3000
tl_wait_exit "$TR" 20 || tl_fail "tcrec still running on a full disk"
rc=0
wait "$TR" || rc=$?
drops=$(tcpdump_stop "$TD" "$W/td.pcap")
cat "$W/full.log.err" >&2
((rc == 1)) || tl_fail "exit status $rc on a full disk, expected 1"
grep -q "cap.tclog: disk full" "$W/full.log.err" || tl_fail "no 'FILE: disk full' message"
# nothing of ours left on the hooks
for dir in ingress egress; do
	state=$(tc_hook_state "$DU_A" "$DU_IF" $dir "$HOOKCTL")
	[[ -z $state ]] || tl_fail "still attached after the disk-full exit: $state"
done
# everything written is readable, and is what tcpdump saw
n=$("$TCREC" print "$W/full/cap.tclog" 2>"$W/pr.err" | wc -l)
"$TCREC" print "$W/full/cap.tclog" >/dev/null 2>&1 || tl_fail "print fails on the closed file: $(cat "$W/pr.err")"
cut_at=$(sed -n 's/.*last complete chunk (\([0-9]*\) bytes).*/\1/p' "$W/full.log.err" | head -1)
size=$(stat -c %s "$W/full/cap.tclog")
((size == cut_at)) || tl_fail "file is $size bytes, tcrec said it ends at $cut_at"
# Where the disk filled depends on how much one flush held (the sender's
# pace): what matters is that the bytes kept are packets, ~1.45 kB each
# (incompressible), all of them readable.
((n > 0 && n * 1600 > size)) || tl_fail "only $n packets readable from $size bytes"
if ((drops == 0)); then
	du_lines_tcpdump "$W/td.pcap" >"$W/want"
	du_lines_tcrec "$W/full/cap.tclog" >"$W/got"
	# every line of ours is one tcpdump printed (a sub-multiset)
	extra=$(comm -13 "$W/want" "$W/got" | wc -l)
	((extra == 0)) || tl_fail "$extra packets in the log that tcpdump did not see"
fi
# the summary counts what was stored, not what was handed to the writer
said=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "$W/full.log.err")
((said == n)) || tl_fail "the summary says $said packets captured, the file holds $n"
tl_log "no ring: exit 1, $n packets readable in $size bytes, summary $said"

# 2. -C 1 -W 5 ring on 3 MB: deletes the oldest and goes on.
tcrec_start TR "$DU_A" "$DU_IF" "$W/ring.log" "$HOOKCTL" -w "$W/ring/r" -C 1 -W 5 -s 1500 \
	--ringbuf-size 67108864
du_send 6000
sleep 0.3
kill -0 "$TR" 2>/dev/null || { cat "$W/ring.log.err" >&2; tl_fail "ring: tcrec stopped on a full disk"; }
tcrec_stop "$TR" "$W/ring.log"
grep -q "disk full, deleted the oldest file" "$W/ring.log.err" || {
	cat "$W/ring.log.err" >&2
	tl_fail "ring: no 'deleted the oldest file' message (the disk never filled?)"
}
left=$(ls "$W/ring" | wc -l)
((left >= 1 && left < 5)) || tl_fail "ring: $left files left"
for f in "$W"/ring/*; do
	"$TCREC" stats --json "$f" >"$W/st.json" 2>"$W/e" || tl_fail "$f unreadable: $(cat "$W/e")"
	# a trailer's `recorded` is what the file holds
	"$TL_PYTHON" - "$W/st.json" "$f" <<'PY' || tl_fail "$f: trailer counters differ from its records"
import json, sys
s = json.load(open(sys.argv[1]))
if s["files"][0]["trailer"] and s["counters"]["recorded"] != s["packets"]:
    sys.exit("%s: trailer says %d recorded, the file holds %d" % (sys.argv[2], s["counters"]["recorded"], s["packets"]))
PY
done
# the newest packets are kept: the last file holds the last ones recorded
last=$(sed -n 's/.* \(.*\) closed: .*/\1/p' "$W/ring.log.err" | tail -1)
[[ -f $last ]] || tl_fail "ring: the last file written ($last) is gone"
tl_log "ring: $(grep -c 'deleted the oldest' "$W/ring.log.err") files deleted, $left kept"
echo PASS
