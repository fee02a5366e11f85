#!/bin/bash
# SPDX-License-Identifier: MIT
# A ring buffer too small for a burst: every packet is either recorded or
# counted as dropped (seen = recorded + dropped = packets sent), the log holds
# exactly the recorded ones, and the records' drops fields account for every
# drop. Then -c N stops after exactly N records.
#
# Two rounds with a one-page ring and whole packets (-s 0): a burst as fast
# as tcpreplay goes, where the reader may or may not keep up (the counters
# must add up either way), then the same burst while the reader is stopped
# (SIGSTOP), where the ring fills at once (two full-size records) and the
# rest must be counted as dropped. A recorder that loses records without
# counting them fails both rounds' sums; one that counts no drop at all
# fails the second.
#
#   ring_drops.sh TCREC HOOKCTL [TRACE]
# The burst is made here (full-size UDP frames, numbered); TRACE, when
# given, is replayed instead.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# >= 2)) || tl_fail "usage: ring_drops.sh TCREC HOOKCTL [TRACE]"
TCREC=$1 HOOKCTL=$2 TRACE=${3:-}
BURST=3000
RING=4096

tl_require_root
tl_require_tools ip tc tcpreplay taskset "$TL_PYTHON"
tl_require_bpf
[[ -x $TCREC ]] || tl_fail "tcrec binary not found: $TCREC"
[[ -z $TRACE || -r $TRACE ]] || tl_fail "trace not readable: $TRACE"

# set by tl_tmpdir / tcrec_start
tmp='' rec_pid=''
ns_s=rd$$s ns_r=rd$$r if_s=rd$$a if_r=rd$$b
tl_netns_add "$ns_s"
tl_netns_add "$ns_r"
tl_veth_pair "$ns_s" "$if_s" "$ns_r" "$if_r" 9500
tl_tmpdir tmp

# write_frames PCAP FIRST COUNT: COUNT Ethernet/IPv4/UDP frames of 1514
# bytes from the sending end to the receiving end, UDP payload starting with
# the frame's number (FIRST, FIRST+1, ...).
write_frames() {
	"$TL_PYTHON" - "$1" "$2" "$3" "$(cat "/sys/class/net/$if_s/address" 2>/dev/null ||
		tl_in "$ns_s" cat "/sys/class/net/$if_s/address")" \
		"$(tl_in "$ns_r" cat "/sys/class/net/$if_r/address")" <<'PY'
import struct, sys
path, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
smac, dmac = (bytes.fromhex(m.replace(":", "")) for m in sys.argv[4:6])
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for n in range(first, first + count):
        payload = struct.pack("!Q", n) + bytes(1472 - 8)
        udp = struct.pack("!HHHH", 40000, 9, 8 + len(payload), 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n & 0xffff, 0, 64, 17, 0,
                         bytes([10, 77, 0, 1]), bytes([10, 77, 0, 2]))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        frame = dmac + smac + b"\x08\x00" + ip + udp
        f.write(struct.pack("<IIII", n // 1000, n % 1000 * 1000, len(frame), len(frame)))
        f.write(frame)
PY
}
if [[ -n $TRACE ]]; then
	burst=$TRACE
else
	burst=$tmp/burst.pcap
	write_frames "$burst" 0 "$BURST"
fi
# one more frame after the burst, to carry the drops still pending
write_frames "$tmp/after.pcap" 1000000 1

# replay PCAP: sent from CPU 0, where the receiving end then runs the
# capture program too (veth hands the frame to the backlog of the sending
# CPU), so that drops left pending by a burst are reported by the next
# frame sent the same way. Prints the packets sent.
replay() {
	tl_in "$ns_s" taskset -c 0 tcpreplay -i "$if_s" --topspeed "$1" >"$tmp/replay.txt" 2>&1 ||
		{ cat "$tmp/replay.txt" >&2; tl_fail "tcpreplay failed"; }
	local n
	n=$(sed -n 's/^[[:space:]]*Successful packets:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/replay.txt")
	[[ -n $n ]] || { cat "$tmp/replay.txt" >&2; tl_fail "no packet count in tcpreplay's output"; }
	echo "$n"
}

rc=0
fail() {
	echo "FAIL: $*" >&2
	rc=1
}

# round NAME STOP: one recording with a one-page ring; STOP=1 stops the
# reader during the burst. Checks the counters; sets dropped.
round() {
	local name=$1 stop=$2 log=$tmp/$1.tclog sent
	tcrec_start rec_pid "$ns_r" "$if_r" "$log" "$HOOKCTL" -s 0 --ringbuf-size "$RING"
	if ((stop)); then
		kill -STOP "$rec_pid"
		# not left stopped if the test dies here (SIGTERM waits for SIGCONT)
		tl_on_exit "kill -CONT $rec_pid"
	fi
	sent=$(replay "$burst")
	((stop)) && kill -CONT "$rec_pid"
	sleep 0.5
	sent=$((sent + $(replay "$tmp/after.pcap")))
	sleep 0.5
	tcrec_stop "$rec_pid" "$log"
	"$TCREC" print --json "$log" >"$tmp/$name.jsonl" ||
		{ fail "$name: tcrec print --json failed"; return; }
	summary() { sed -n "s/^\([0-9]*\) packets\{0,1\} $1\$/\1/p" "$log.err"; }
	local captured seen records drops_field
	captured=$(summary captured) seen=$(summary "seen on the hooks")
	dropped=$(summary "dropped by the ring buffer")
	[[ -n $seen && -n $captured && -n $dropped ]] ||
		tl_fail "$name: no summary in tcrec's stderr: $(cat "$log.err")"
	records=$(grep -c . "$tmp/$name.jsonl" || true)
	drops_field=$("$TL_PYTHON" -c '
import json, sys
print(sum(json.loads(l)["drops"] for l in open(sys.argv[1])))' "$tmp/$name.jsonl")
	echo "$name: sent=$sent seen=$seen captured=$captured dropped=$dropped records=$records" \
		"drops_field_sum=$drops_field"
	((seen == sent)) || fail "$name: seen on the hooks $seen, sent $sent"
	((captured + dropped == seen)) || fail "$name: captured $captured + dropped $dropped != seen $seen"
	((records == captured)) || fail "$name: the log holds $records records, the summary says $captured"
	if ((dropped > 0)); then
		# every frame went through CPU 0: the frame after the burst carries
		# what the burst left pending, so the records report every drop
		((drops_field == dropped)) ||
			fail "$name: records' drops fields sum to $drops_field, dropped $dropped"
	else
		((drops_field == 0)) || fail "$name: records report $drops_field drops, none counted"
	fi
}

# 1. the reader running: overflows or not, everything adds up
round fast 0
((dropped > 0)) || echo "fast: no drop counted in this round (the reader may have kept up): the stopped round decides"
# 2. the reader stopped: a 4 KiB ring holds two full-size records, a few small ones
round stopped 1
((dropped > 0)) ||
	fail "stopped: a $RING-byte ring with its reader stopped took a burst and no drop was counted"

# 3. -c: exactly N records, clean exit
tcrec_start rec_pid "$ns_r" "$if_r" "$tmp/count.tclog" "$HOOKCTL" -c 7
replay "$burst" >/dev/null
tl_wait_exit "$rec_pid" 10 || fail "tcrec -c 7 still running after the replay"
wait "$rec_pid" && crc=0 || crc=$?
((crc == 0)) || fail "tcrec -c 7 exited $crc"
n=$("$TCREC" print "$tmp/count.tclog" | grep -c . || true)
((n == 7)) || fail "tcrec -c 7 wrote $n records"
echo "-c 7: $n records, exit $crc"
exit $rc
