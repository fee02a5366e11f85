#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Interfaces identified by namespace, on the reading side: print, stats,
# export and diff on a log (ns_log) whose two namespaces each have an eth0
# (same ifindex) and one interface appears halfway through. The oracles are
# the per-packet list of interfaces ns_log wrote (OUT.slots) and tshark
# reading the export (frame.interface_name / frame.interface_description).
#   ifsel.sh TCREC NS_LOG TRACE.pcap
set -euo pipefail
tcrec=$1 gen=$2 trace=$3
command -v tshark >/dev/null || { echo "SKIP: no tshark"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
log=$work/ns.tclog slots=$work/ns.tclog.slots
"$gen" "$trace" "$log" >/dev/null
count() { awk -v w="$1" '$1 ~ w' "$slots" | wc -l; }
n_all=$(wc -l <"$slots") n_blue_eth0=$(count '^blue/eth0$') n_web_eth0=$(count '^web/eth0$')
n_blue_lo=$(count '^blue/lo$') n_web_veth1=$(count '^web/veth1$')
[ "$n_web_veth1" -gt 0 ] && [ "$n_web_eth0" -gt 0 ] || fail "ns_log wrote no packet on some interface"
echo "written: $n_all packets: blue/eth0 $n_blue_eth0, web/eth0 $n_web_eth0, blue/lo $n_blue_lo, web/veth1 $n_web_veth1"

# print: the interface column of every line is the NS/IF written for it,
# the interface added halfway included.
"$tcrec" print "$log" | awk '{print $3}' >"$work/print.if"
cut -d' ' -f1 "$slots" | diff -q - "$work/print.if" >/dev/null || {
	cut -d' ' -f1 "$slots" | diff - "$work/print.if" | head -5; fail "print: interface column"; }
echo "print: $n_all lines, NS/IF as written"

# print --json: ifindex is the interface's own, netns the label, netns_ino.
"$tcrec" print --json "$log" >"$work/print.json"
python3 - "$work/print.json" "$slots" <<'PY' || fail "print --json: interface fields"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
want = [l.split() for l in open(sys.argv[2])]
assert len(recs) == len(want), (len(recs), len(want))
ino = {"blue": 4026532001, "web": 4026532002}
for i, (r, (nsif, ifindex)) in enumerate(zip(recs, want)):
    ns, name = nsif.split("/")
    got = (r["ifname"], r["ifindex"], r["netns"], r["netns_ino"])
    exp = (name, int(ifindex), ns, ino[ns])
    assert got == exp, (i, got, exp)
    keys = list(r)
    assert keys.index("netns") == keys.index("ifname") + 1, keys
PY
echo "print --json: ifname, ifindex, netns, netns_ino right on every record"

# --interface: counts equal the records written on the interfaces selected.
sel() { "$tcrec" print "$log" "$@" 2>"$work/sel.err" | wc -l; }
check_sel() {
	local want=$1; shift
	local got; got=$(sel "$@")
	[ "$got" -eq "$want" ] || fail "print $*: $got packets, $want written"
	echo "print $*: $got packets (written: $want)"
}
check_sel "$n_blue_eth0" --interface blue/eth0
check_sel $((n_blue_eth0 + n_web_eth0)) --interface eth0
check_sel $((n_web_eth0 + n_web_veth1)) --interface '4026532002/*'
check_sel "$n_web_veth1" --interface 'red/veth*'
check_sel $((n_web_eth0 + n_blue_lo)) --interface 'w?b/eth0' --interface blue/lo
check_sel "$n_web_veth1" --interface ns4026532002/veth1
check_sel 0 --interface blue/nosuch
grep -q "warning: --interface blue/nosuch: no such interface" "$work/sel.err" || fail "no warning for an unknown interface"
"$tcrec" print "$log" --interface nosuch >/dev/null 2>&1 || fail "unknown interface: exit $?, want 0"
rc=0; "$tcrec" print "$log" --interface 'blue/' >/dev/null 2>"$work/usage.err" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$work/usage.err")" -eq 1 ] || fail "--interface blue/: exit $rc, want 2 and one line"

# stats: one row per (namespace, interface, direction), named NS/IF.
"$tcrec" stats --json "$log" >"$work/stats.json"
python3 - "$work/stats.json" "$slots" <<'PY' || fail "stats --json: interfaces"
import json, sys, collections
s = json.load(open(sys.argv[1]))
want = collections.Counter(l.split()[0] for l in open(sys.argv[2]))
got = collections.Counter()
for e in s["interfaces"]:
    got[e["netns"] + "/" + e["ifname"]] += e["packets"]
    assert e["recorded"] == e["packets"], e
assert got == want, (got, want)
PY
"$tcrec" stats "$log" --top 0 | awk '/^interface/{t=1; next} t && NF {print $1}' | sort -u >"$work/stats.rows"
cut -d' ' -f1 "$slots" | sort -u | diff - "$work/stats.rows" || fail "stats: rows are not NS/IF"
got=$("$tcrec" stats --json "$log" --interface web/veth1 | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["packets"], s["counters"]["recorded"])')
[ "$got" = "$n_web_veth1 $n_web_veth1" ] || fail "stats --interface web/veth1: packets, recorded = $got, want $n_web_veth1"
echo "stats: rows by NS/IF; --interface web/veth1: $got"

# export: one IDB per (namespace, interface); tshark names every packet's.
"$tcrec" export -q "$log" -o "$work/all.pcapng"
tshark -r "$work/all.pcapng" -T fields -e frame.interface_name -e frame.interface_description \
	>"$work/all.if" 2>/dev/null
cut -f1 "$work/all.if" | diff -q <(cut -d' ' -f1 "$slots") - >/dev/null || fail "export: interface_name per packet"
python3 - "$work/all.if" <<'PY' || fail "export: interface_description"
import sys
want = {"blue": "netns blue (inode 4026532001)", "web": "netns red (inode 4026532002), container web"}
for l in open(sys.argv[1]):
    name, desc = l.rstrip("\n").split("\t")
    ns, ifn = name.split("/")
    assert desc == "%s on nshost, %s" % (ifn, want[ns]), (name, desc)
PY
n_idb=$(tshark -r "$work/all.pcapng" -T fields -e frame.interface_id 2>/dev/null | sort -u | wc -l)
[ "$n_idb" -eq 4 ] || fail "export: $n_idb interfaces in use, want 4"
"$tcrec" export -q "$log" --interface web/eth0 -o "$work/web.pcapng"
got=$(tshark -r "$work/web.pcapng" -T fields -e frame.interface_name 2>/dev/null | sort | uniq -c | awk '{print $1, $2}')
[ "$got" = "$n_web_eth0 web/eth0" ] || fail "export --interface web/eth0: '$got'"
echo "export: 4 IDBs, names and descriptions right on all $n_all packets; --interface web/eth0: $got"

# diff: --interface narrows both inputs (a log by namespace, a pcapng by
# its NS/IF interface names).
rc=0; "$tcrec" diff "$log" "$work/web.pcapng" >"$work/d1" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "diff log vs web-only export: exit $rc, want 1"
rc=0; "$tcrec" diff "$log" "$work/web.pcapng" --interface web/eth0 >"$work/d2" 2>&1 || rc=$?
grep -q "^matched *$n_web_eth0\$" "$work/d2" && [ "$rc" -eq 0 ] || { cat "$work/d2"; fail "diff --interface web/eth0: exit $rc"; }
rc=0; "$tcrec" diff "$log" "$work/all.pcapng" --interface eth0 >"$work/d3" 2>&1 || rc=$?
grep -q "^matched *$((n_blue_eth0 + n_web_eth0))\$" "$work/d3" && [ "$rc" -eq 0 ] || { cat "$work/d3"; fail "diff --interface eth0"; }
echo "diff: whole log vs web/eth0 export differs; with --interface web/eth0 same ($n_web_eth0 matched); eth0: $((n_blue_eth0 + n_web_eth0)) matched"

# One namespace: names stay IF alone (as before namespaces), JSON still
# says the namespace.
"$gen" "$trace" "$work/one.tclog" --one-ns >/dev/null
"$tcrec" print "$work/one.tclog" | awk '{print $3}' | sort -u | tr '\n' ' ' >"$work/one.if"
[ "$(cat "$work/one.if")" = "eth0 eth1 lo veth1 " ] || fail "one namespace: names '$(cat "$work/one.if")'"
"$tcrec" print --json "$work/one.tclog" -c 1 | grep -q '"netns":"blue","netns_ino":4026532001' || fail "one namespace: JSON netns"
"$tcrec" export -q "$work/one.tclog" -o "$work/one.pcapng"
tshark -r "$work/one.pcapng" -T fields -e frame.interface_name 2>/dev/null | grep -q / && fail "one namespace: export names with NS/"
echo "one namespace: IF names in print and export, netns in JSON"
echo PASS
