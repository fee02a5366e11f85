#!/bin/bash
# SPDX-License-Identifier: MIT
# One tcrec, two interfaces: each record names the interface its packet
# crossed, and each interface's count equals tcpdump's on it. Different
# traces go to each interface so that a mix-up shows.
#
#   two_ifaces.sh TCREC HOOKCTL TRACE_A TRACE_B
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# >= 4)) || tl_fail "usage: two_ifaces.sh TCREC HOOKCTL TRACE_A TRACE_B"
TCREC=$1 HOOKCTL=$2 TRACE_A=$3 TRACE_B=$4

tl_require_root
tl_require_tools ip tc tcpdump tcpreplay capinfos "$TL_PYTHON"
tl_require_bpf
[[ -x $TCREC ]] || tl_fail "tcrec binary not found: $TCREC"
[[ -r $TRACE_A && -r $TRACE_B ]] || tl_skip "traces not found: $TRACE_A $TRACE_B"

ns_s=tc1s$$ ns_r=tc1r$$
tl_netns_add "$ns_s"
tl_netns_add "$ns_r"
tl_veth_pair "$ns_s" tc1a$$ "$ns_r" tc1b$$ 9500
tl_veth_pair "$ns_s" tc1c$$ "$ns_r" tc1d$$ 9500
tl_tmpdir tmp

tcpdump_start dump_b "$ns_r" tc1b$$ "$tmp/b.pcap"
tcpdump_start dump_d "$ns_r" tc1d$$ "$tmp/d.pcap"
# tcrec_start watches the first interface; the second is attached before it
tcrec_start rec_pid "$ns_r" tc1b$$ "$tmp/rec.tclog" "$HOOKCTL" -i tc1d$$

tl_in "$ns_s" tcpreplay -q -i tc1a$$ --pps=20000 "$TRACE_A" >/dev/null 2>&1 || tl_fail "tcpreplay A failed"
tl_in "$ns_s" tcpreplay -q -i tc1c$$ --pps=20000 "$TRACE_B" >/dev/null 2>&1 || tl_fail "tcpreplay B failed"
sleep 0.5
tcrec_stop "$rec_pid" "$tmp/rec.tclog"
tcpdump_stop "$dump_b" "$tmp/b.pcap" >/dev/null
tcpdump_stop "$dump_d" "$tmp/d.pcap" >/dev/null

"$TCREC" print --json "$tmp/rec.tclog" >"$tmp/rec.jsonl"
# capinfos: tcpdump prints some packets (CDP) on several lines
count() { capinfos -c -M "$1" | sed -n 's/^Number of packets: *//p'; }
want_b=$(count "$tmp/b.pcap") want_d=$(count "$tmp/d.pcap")
"$TL_PYTHON" - "$tmp/rec.jsonl" tc1b$$ "$want_b" tc1d$$ "$want_d" \
	"$(tl_ifindex "$ns_r" tc1b$$)" "$(tl_ifindex "$ns_r" tc1d$$)" <<'PY'
import collections, json, sys
jsonl, if1, n1, if2, n2, idx1, idx2 = sys.argv[1:8]
want = {if1: int(n1), if2: int(n2)}
index = {if1: int(idx1), if2: int(idx2)}
got = collections.Counter()
bad = []
for line in open(jsonl):
    r = json.loads(line)
    got[r["ifname"]] += 1
    if r["ifname"] in index and r["ifindex"] != index[r["ifname"]]:
        bad.append("record names %s but has ifindex %d" % (r["ifname"], r["ifindex"]))
for name, n in want.items():
    print("%s: tcpdump %d tcrec %d" % (name, n, got[name]))
    if got[name] != n:
        bad.append("%s: tcrec recorded %d, tcpdump saw %d" % (name, got[name], n))
    if n == 0:
        bad.append("%s: tcpdump saw nothing: nothing compared" % name)
for name in got:
    if name not in want:
        bad.append("records for an interface not asked for: %s" % name)
for b in bad[:10]:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
"$TCREC" stats "$tmp/rec.tclog" | sed -n '/^interface/,/^$/p'
