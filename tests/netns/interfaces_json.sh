#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `tcrec interfaces --json` against `ip -j -d -n NS link` in namespaces the
# test makes: the same ifindex, name, kind, state, mtu and MAC for every
# link, and each veth's peer named in the right namespace. Also the text
# table, `tcrec -D`, and a --netns that names nothing.
#   interfaces_json.sh TCREC
set -u
tcrec=$1
. "$(dirname "$0")/lib.sh"
A=tcrecw${sfx}a
B=tcrecw${sfx}b
ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add "tw${sfx}a" type veth peer name "tw${sfx}b" netns "$B"
ip link add "tw${sfx}h" type veth peer name "tw${sfx}c" netns "$A"
ip -n "$A" link add "tw${sfx}d" type bridge
ip -n "$A" link set lo up
ip -n "$A" link set "tw${sfx}a" up
ip -n "$B" link set "tw${sfx}b" mtu 1400

check() { # check JSON_FILE: every link of A and B as ip says
	"$py" - "$1" "$A" "$B" "$sfx" <<'PY'
import json, subprocess, sys
path, A, B, sfx = sys.argv[1:]
got = json.load(open(path))
ino = {ns: __import__("os").stat(f"/run/netns/{ns}").st_ino for ns in (A, B)}
bad = 0
def fail(msg):
    global bad
    print("FAIL:", msg)
    bad = 1
# the peers the test made: (ns, name) -> (peer ns, peer name)
peers = {(A, f"tw{sfx}a"): (B, f"tw{sfx}b"), (B, f"tw{sfx}b"): (A, f"tw{sfx}a"),
         (A, f"tw{sfx}c"): (None, f"tw{sfx}h")}
for ns in (A, B):
    mine = {l["ifindex"]: l for l in got if l["netns_ino"] == ino[ns]}
    ipl = json.loads(subprocess.run(["ip", "-j", "-d", "-n", ns, "link"], check=True,
                                    capture_output=True, text=True).stdout)
    if sorted(mine) != sorted(l["ifindex"] for l in ipl):
        fail(f"{ns}: ifindexes {sorted(mine)} but ip says {sorted(l['ifindex'] for l in ipl)}")
    for o in ipl:
        l = mine.get(o["ifindex"])
        if not l:
            continue
        want = {"netns": ns, "ifname": o["ifname"],
                "kind": o.get("linkinfo", {}).get("info_kind"),
                "state": "up" if "UP" in o["flags"] else "down", "mtu": o["mtu"],
                "mac": o.get("address") if o.get("link_type") in ("ether", "loopback") else None}
        for k, v in want.items():
            if l[k] != v:
                fail(f"{ns}/{o['ifname']}: {k} {l[k]!r}, ip says {v!r}")
        p = peers.get((ns, o["ifname"]))
        if p:
            if l["peer_ifindex"] != o.get("link_index"):
                fail(f"{ns}/{o['ifname']}: peer_ifindex {l['peer_ifindex']}, ip says {o.get('link_index')}")
            # the own namespace's end is named only when that one is listed too
            if (l["peer_ifname"] != p[1] and (p[0] or l["peer_ifname"] is not None)) or \
               (p[0] and l["peer_netns"] != p[0]):
                fail(f"{ns}/{o['ifname']}: peer {l['peer_netns']}/{l['peer_ifname']}, made {p[0]}/{p[1]}")
sys.exit(bad)
PY
}

"$tcrec" interfaces --json --netns "$A" --netns "$B" >"$tmp/two.json" || bad "interfaces --netns A --netns B: exit $?"
check "$tmp/two.json" || bad "--netns $A --netns $B: differs from ip"
"$py" -c 'import json,sys; l=json.load(open(sys.argv[1])); sys.exit(any(x["netns"] not in sys.argv[2:] for x in l))' \
	"$tmp/two.json" "$A" "$B" || bad "--netns $A --netns $B listed other namespaces"
"$tcrec" interfaces --json >"$tmp/all.json" || bad "interfaces (all): exit $?"
check "$tmp/all.json" || bad "all namespaces: differs from ip"
# the host end is seen from the own namespace with its peer in A
"$py" - "$tmp/all.json" "$A" "tw${sfx}h" "tw${sfx}c" <<'PY' || bad "tw${sfx}h's peer is not $A/tw${sfx}c"
import json, sys
l = [x for x in json.load(open(sys.argv[1])) if x["ifname"] == sys.argv[3]]
sys.exit(not (len(l) == 1 and l[0]["peer_netns"] == sys.argv[2] and l[0]["peer_ifname"] == sys.argv[4]))
PY
# the table and -D
"$tcrec" -D >"$tmp/table" || bad "tcrec -D: exit $?"
head -1 "$tmp/table" | grep -q '^NETNS  *IFINDEX  *IFNAME  *KIND  *STATE  *PEER  *CONTAINER$' ||
	bad "table header: $(head -1 "$tmp/table")"
grep -Eq "^$A +[0-9]+ +tw${sfx}a +veth +up +$B/tw${sfx}b +-\$" "$tmp/table" ||
	bad "table row of $A/tw${sfx}a: $(grep "tw${sfx}a " "$tmp/table")"
# a --netns that names nothing: one line, exit 1
"$tcrec" interfaces --netns "tcrecw${sfx}z" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || bad "--netns of a missing name: exit $rc"
[ "$(grep -c . "$tmp/err")" -eq 1 ] && grep -q "tcrecw${sfx}z: no such network namespace" "$tmp/err" ||
	bad "--netns of a missing name says: $(cat "$tmp/err")"
[ "$fail" -eq 0 ] && echo "PASS: tcrec interfaces agrees with ip in $A and $B"
exit "$fail"
