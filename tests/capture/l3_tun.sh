#!/bin/bash
# SPDX-License-Identifier: MIT
# An L3 device (tun: no Ethernet header on the TC hook). tcrec must record
# every packet tcpdump sees on it, in both directions, as an Ethernet frame
# with zero MACs and the IP fields of the packet, within 1 ms of tcpdump.
#
#   l3_tun.sh TCREC HOOKCTL
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# >= 2)) || tl_fail "usage: l3_tun.sh TCREC HOOKCTL"
TCREC=$1 HOOKCTL=$2
COUNT=25

tl_require_root
tl_require_tools ip tc tcpdump tshark "$TL_PYTHON"
tl_require_bpf
[[ -c /dev/net/tun ]] || tl_skip "no /dev/net/tun"
[[ -x $TCREC ]] || tl_fail "tcrec binary not found: $TCREC"

ns=tc1n$$ tun=tc1t$$
tl_netns_add "$ns"
tl_tmpdir tmp
tl_in "$ns" "$TL_PYTHON" "$here/tun_peer.py" "$tun" 10.77.0.1 10.77.0.2 $COUNT \
	"$tmp/go" "$tmp/done" >"$tmp/peer.out" 2>&1 &
peer=$!
tl_track_pid "$peer"
tl_wait_for 10 "the tun device" grep -q ready "$tmp/peer.out" ||
	{ cat "$tmp/peer.out" >&2; tl_fail "tun_peer.py did not start"; }
tl_disable_ipv6 "$ns" "$tun"

tcpdump_start dump_pid "$ns" "$tun" "$tmp/oracle.pcap"
tcrec_start rec_pid "$ns" "$tun" "$tmp/rec.tclog" "$HOOKCTL" -s 0
touch "$tmp/go"
# COUNT out, COUNT in, and whatever the stack answers to the inbound ones
tl_wait_for 15 "tcpdump to see $((2 * COUNT)) packets" pcap_has_at_least "$tmp/oracle.pcap" $((2 * COUNT)) ||
	true
sleep 0.3
tcrec_stop "$rec_pid" "$tmp/rec.tclog"
tcpdump_stop "$dump_pid" "$tmp/oracle.pcap" >/dev/null
touch "$tmp/done"
wait "$peer" || tl_fail "tun_peer.py failed: $(cat "$tmp/peer.out")"

"$TCREC" print "$tmp/rec.tclog" --json >"$tmp/rec.jsonl"
tshark -r "$tmp/oracle.pcap" -T fields -E separator=, -E occurrence=f -e frame.time_epoch -e ip.src -e ip.dst \
	-e ip.id -e ip.len -e ip.proto -e udp.srcport -e udp.dstport -e icmp.type >"$tmp/oracle.csv"
"$TL_PYTHON" - "$tmp/oracle.csv" "$tmp/rec.jsonl" 10.77.0.1 $COUNT <<'PY'
import json, sys
from decimal import Decimal

oracle_csv, jsonl, local, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
NO_ETH = 1 << 7
oracle = []
for line in open(oracle_csv):
    t, src, dst, ipid, iplen, proto, sp, dp, itype = line.rstrip("\n").split(",")
    oracle.append(dict(ns=int(Decimal(t) * 10**9), src=src, dst=dst, ip_id=int(ipid, 16),
                       ip_len=int(iplen), proto=int(proto), sport=int(sp or 0), dport=int(dp or 0)))
recs = [json.loads(l) for l in open(jsonl)]
bad = []
if len(recs) != len(oracle):
    bad.append("tcrec has %d records, tcpdump %d packets" % (len(recs), len(oracle)))
if len(oracle) < 2 * count:
    bad.append("tcpdump saw only %d packets of the %d sent" % (len(oracle), 2 * count))
key = lambda p: (p["src"], p["dst"], p["ip_id"], p["ip_len"])
by_key = {key(p): p for p in oracle}
worst = 0
for r in recs:
    o = by_key.pop(key(r), None)
    if o is None:
        bad.append("tcrec record not seen by tcpdump: %s" % (key(r),))
        continue
    want_dir = "out" if r["src"] == local else "in"
    checks = {
        "dir": (r["dir"], want_dir),
        "wire_len": (r["wire_len"], o["ip_len"] + 14),
        "cap_len": (r["cap_len"], o["ip_len"] + 14),
        "ethertype": (r["ethertype"], 0x0800),
        "smac": (r["smac"], "00:00:00:00:00:00"),
        "dmac": (r["dmac"], "00:00:00:00:00:00"),
        "no_eth flag": (bool(r["flags"] & NO_ETH), True),
        "ip_proto": (r["ip_proto"], o["proto"]),
        "bytes[0:14]": (r.get("bytes", "")[:28], "000000000000000000000000" + "0800"),
    }
    if o["proto"] == 17:
        checks["sport"] = (r["sport"], o["sport"])
        checks["dport"] = (r["dport"], o["dport"])
    for name, (got, want) in checks.items():
        if got != want:
            bad.append("%s ip_id %d: %s is %r, expected %r" % (r["src"], r["ip_id"], name, got, want))
    worst = max(worst, abs(r["ts_ns"] - o["ns"]))
for o in by_key.values():
    bad.append("tcpdump packet missing from tcrec: %s" % (key(o),))
if worst > 1_000_000:
    bad.append("time differs from tcpdump's by up to %d ns" % worst)
ins = sum(r["dir"] == "in" for r in recs)
print("tun: tcpdump=%d tcrec=%d (in %d, out %d) max_time_diff=%.1fus" %
      (len(oracle), len(recs), ins, len(recs) - ins, worst / 1000))
for b in bad[:20]:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
