#!/bin/bash
# SPDX-License-Identifier: MIT
# Live traffic the test makes itself, between two namespaces: ping, a short
# rate-limited iperf3 TCP run, and files fetched over TCP from a python3
# http.server. `tcrec record` and tcpdump (the oracle, one per direction)
# capture the client's veth end at the same time. Checked:
# - the traffic itself went through (every ping answered, iperf3 done, every
#   file fetched whole);
# - tcrec's own counters: no ring-buffer drop, seen = recorded = the records
#   in the log, per direction as `tcrec stats` counts them;
# - tcpdump's packets (In and Out) equal tcrec's one for one and field by
#   field, the first 128 bytes included (tests/e2e/compare.py), and their
#   counts equal `tcrec stats`'s.
# When tcpdump drops packets, its comparison proves nothing either way: the
# whole recording is made again with iperf3 slower (twice at most); the
# checks that do not need tcpdump are made on every recording, and the test
# fails if tcpdump never gets a complete capture.
#
#   live_traffic.sh TCREC HOOKCTL
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# >= 2)) || tl_fail "usage: live_traffic.sh TCREC HOOKCTL"
TCREC=$1 HOOKCTL=$2
SNAP=128

tl_require_root
tl_require_tools ip tc tcpdump tshark iperf3 ping taskset "$TL_PYTHON"
tl_require_bpf
[[ -x $TCREC ]] || tl_fail "tcrec binary not found: $TCREC"

# set by tl_tmpdir / tcpdump_start / tcrec_start
tmp='' rec_pid='' in_pid='' out_pid=''
ns_c=lt$$c ns_s=lt$$s if_c=lt$$x if_s=lt$$y
net=10.197.$(($$ % 250))
addr_c=$net.1 addr_s=$net.2
tl_netns_add "$ns_c"
tl_netns_add "$ns_s"
tl_veth_pair "$ns_c" "$if_c" "$ns_s" "$if_s"
ip -n "$ns_c" addr add "$addr_c/24" dev "$if_c"
ip -n "$ns_s" addr add "$addr_s/24" dev "$if_s"
tl_tmpdir tmp

# The servers, pinned to CPU 0 like the clients: every packet of the test is
# then handled on one CPU, so that the order of the packets of one direction
# is the same at the TC hook and at tcpdump's tap.
mkdir "$tmp/www"
head -c 300000 /dev/urandom >"$tmp/www/a.bin"
head -c 1000000 /dev/urandom >"$tmp/www/b.bin"
ip netns exec "$ns_s" taskset -c 0 iperf3 -s -B "$addr_s" -p 5201 >"$tmp/iperf3-s.out" 2>&1 &
tl_track_pid $!
ip netns exec "$ns_s" taskset -c 0 "$TL_PYTHON" -m http.server 8080 --bind "$addr_s" \
	--directory "$tmp/www" >"$tmp/http.out" 2>&1 &
tl_track_pid $!
listening() { tl_in "$ns_s" ss -ltnH "sport = :$1" | grep -q .; }
tl_wait_for 20 "iperf3 listening" listening 5201 || tl_fail "iperf3 -s did not start: $(cat "$tmp/iperf3-s.out")"
tl_wait_for 20 "http.server listening" listening 8080 || tl_fail "http.server did not start: $(cat "$tmp/http.out")"

# traffic RATE: the three kinds one after the other, from the client.
traffic() {
	local rate=$1
	tl_in "$ns_c" taskset -c 0 ping -n -q -c 5 -i 0.2 -W 2 "$addr_s" >"$tmp/ping.out" 2>&1 ||
		{ cat "$tmp/ping.out" >&2; tl_fail "ping $addr_s: not every echo answered"; }
	tl_in "$ns_c" taskset -c 0 iperf3 -c "$addr_s" -p 5201 -t 2 -b "$rate" -J >"$tmp/iperf3.json" 2>&1 ||
		{ cat "$tmp/iperf3.json" >&2; tl_fail "iperf3 -c $addr_s failed"; }
	local sent
	sent=$("$TL_PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bytes"])' \
		"$tmp/iperf3.json")
	((sent > 0)) || tl_fail "iperf3 moved no data"
	tl_in "$ns_c" taskset -c 0 "$TL_PYTHON" - "http://$addr_s:8080" "$tmp/www" <<'PY' ||
import os, sys, urllib.request
base, www = sys.argv[1], sys.argv[2]
for name in ("a.bin", "b.bin", "a.bin"):
    data = urllib.request.urlopen(f"{base}/{name}", timeout=10).read()
    want = open(os.path.join(www, name), "rb").read()
    if data != want:
        sys.exit(f"{name}: fetched {len(data)} bytes, not the {len(want)} served")
PY
		tl_fail "fetching from http.server failed"
	tl_log "traffic: ping 5, iperf3 $sent bytes at $rate bit/s, http 1.6 MB in 3 files"
}

# count_in PCAP: packets within tcrec's attached window.
count_in() {
	"$TL_PYTHON" - "$1" "$TCREC_T_READY" "$TCREC_T_STOP" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
lo, hi = int(sys.argv[2]), int(sys.argv[3])
endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
nano = data[:4] in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
n, off = 0, 24
while off + 16 <= len(data):
    sec, frac, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
    n += lo <= sec * 10**9 + (frac if nano else frac * 1000) <= hi
    off += 16 + caplen
print(n)
PY
}

# round N RATE: one recording; sets drops (tcpdump's, both directions).
# Fails at once on anything wrong with a complete oracle.
round() {
	local r=$1 rate=$2 log=$tmp/rec$1.tclog
	tcpdump_start in_pid "$ns_c" "$if_c" "$tmp/in$r.pcap" -Q in
	tcpdump_start out_pid "$ns_c" "$if_c" "$tmp/out$r.pcap" -Q out
	tcrec_start rec_pid "$ns_c" "$if_c" "$log" "$HOOKCTL" -s "$SNAP"
	traffic "$rate"
	sleep 0.5 # the last answers and FINs
	tcrec_stop "$rec_pid" "$log"
	local in_drops out_drops
	in_drops=$(tcpdump_stop "$in_pid" "$tmp/in$r.pcap")
	out_drops=$(tcpdump_stop "$out_pid" "$tmp/out$r.pcap")
	drops=$((in_drops + out_drops))

	# tcrec on its own
	"$TCREC" print "$log" --json >"$tmp/rec$r.jsonl" 2>"$tmp/print.err" ||
		{ cat "$tmp/print.err" >&2; tl_fail "tcrec print --json failed on the recording"; }
	"$TCREC" stats --json "$log" >"$tmp/stats$r.json" 2>"$tmp/stats.err" ||
		{ cat "$tmp/stats.err" >&2; tl_fail "tcrec stats failed on the recording"; }
	local st
	st=$("$TL_PYTHON" - "$tmp/stats$r.json" "$tmp/rec$r.jsonl" <<'PY'
import json, sys
st = json.load(open(sys.argv[1]))
recs = [json.loads(l) for l in open(sys.argv[2])]
c = st["counters"]
n = {d: sum(1 for r in recs if r["dir"] == d) for d in ("in", "out")}
per = {d: sum(i["packets"] for i in st["interfaces"] if i["dir"] == d) for d in ("in", "out")}
bad = []
if st["packets"] != len(recs):
    bad.append(f"stats counts {st['packets']} packets, print {len(recs)} records")
if c["dropped"] or st["record_drops"]:
    bad.append(f"ring-buffer drops: {c['dropped']} counted, {st['record_drops']} in records")
if not c["seen"] == c["recorded"] == len(recs):
    bad.append(f"counters: seen {c['seen']}, recorded {c['recorded']}; {len(recs)} records")
if per != n:
    bad.append(f"stats per direction {per}, records per direction {n}")
print(st["packets"], n["in"], n["out"], "BAD: " + "; ".join(bad) if bad else "")
PY
)
	[[ $st != *BAD:* ]] || tl_fail "round $r: ${st#*BAD: }"
	local packets n_in n_out
	read -r packets n_in n_out _ <<<"$st"
	((n_in > 50 && n_out > 50)) || tl_fail "round $r: only $n_in In and $n_out Out records: traffic did not flow"
	tl_log "round $r: tcrec recorded $packets packets ($n_in In, $n_out Out), no drop;" \
		"tcpdump dropped $in_drops In, $out_drops Out"
	if ((drops > 0)); then
		tl_log "round $r: tcpdump dropped packets: its comparison proves nothing, again slower"
		return 0
	fi

	# against tcpdump
	local td_in td_out
	td_in=$(count_in "$tmp/in$r.pcap") td_out=$(count_in "$tmp/out$r.pcap")
	((td_in == n_in && td_out == n_out)) ||
		tl_fail "round $r: tcpdump saw $td_in In and $td_out Out packets while tcrec was attached; tcrec stats: $n_in In, $n_out Out"
	local d rc=0
	for d in in out; do
		"$TL_PYTHON" "$here/compare.py" --window "$TCREC_T_READY" "$TCREC_T_STOP" \
			--pcap "$tmp/$d$r.pcap" --json "$tmp/rec$r.jsonl" --dir "$d" --snap "$SNAP" \
			--label "live traffic ($d)" || rc=1
	done
	((rc == 0)) || tl_fail "round $r: tcrec's records differ from tcpdump's packets"
}

r=0
for rate in 20M 5M 1M; do
	r=$((r + 1))
	round "$r" "$rate"
	((drops > 0)) || break
done
((drops == 0)) || tl_fail "tcpdump dropped packets in every round, down to iperf3 at $rate bit/s: no comparison made"
echo PASS
