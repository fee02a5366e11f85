#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Interfaces and namespaces that come and go, measured:
#
#   netns_bench.sh TCREC HOOKCTL [CREATIONS] [CYCLES]
#
# (a) Delay from an interface's creation to its first recorded packet:
#     CREATIONS (100) times a veth pair tcrbI/tcrqI is made (and set up) in a namespace of
#     the test's own while `tcrec record --netns NS -i 'tcrb*'` runs; a sender
#     there puts a frame on tcrbI every 1 ms from the moment it can. Creation
#     time = just before `ip link add`; first recorded = the log's first
#     packet on tcrbI. tcpdump -i any in the same namespace (one socket for
#     every interface, opened before) gives the first packet the host could
#     have seen at all, for comparison; tcpdump -i NAME cannot follow an
#     interface that does not exist yet.
# (b) tcrec's RSS and open fds while `tcrec record --netns all -i 'tcrb*'`
#     sees CYCLES (500) namespaces come and go (each: a namespace, a veth
#     tcrb0 in it, recorded, deleted; ten at a time): after 0, 100, 250 and
#     500. Fails when fds grow by more than 4 or RSS by more than 20%.
# Prints one table.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/netns.sh"
. "$here/../lib/leftover.sh"

TCREC=$1
HOOKCTL=$2
CREATIONS=${3:-100}
CYCLES=${4:-500}

tl_require_root
tl_require_bpf
tl_require_tools ip tcpdump tshark
tl_tmpdir tmp
tag=$$
ns=tcrb$tag
tl_netns_add "$ns"

rec_has() {
	grep -qE "recording ([^ ]+/)?$1 \(ifindex" "$2"
}

# ---- (a) creation -> first recorded packet
env --default-signal=INT "$TCREC" record --netns "$ns" -i 'tcrb*' -w "$tmp/a.tclog" \
	2>"$tmp/a.err" &
rec=$!
tl_track_pid "$rec"
ip netns exec "$ns" env --default-signal=INT tcpdump -i any -y LINUX_SLL2 -n -U --immediate-mode \
	--time-stamp-precision=nano -w "$tmp/any.pcap" ether proto 0x88b5 2>"$tmp/any.err" &
tp=$!
tl_track_pid "$tp"
tl_wait_for 20 "tcpdump -i any" grep -q 'listening on' "$tmp/any.err" || tl_fail "tcpdump did not start"
sleep 1 # the recorder has its namespace open
ip netns exec "$ns" "$TL_PYTHON" "$here/netns_sender.py" tcrb "$CREATIONS" >"$tmp/sent.txt" &
snd=$!
tl_track_pid "$snd"
: >"$tmp/created.txt"
for ((i = 0; i < CREATIONS; i++)); do
	t0=$(date +%s%N)
	ip -n "$ns" link add "tcrb$i" type veth peer name "tcrq$i"
	ip -n "$ns" link set "tcrq$i" up
	ip -n "$ns" link set "tcrb$i" up
	echo "$i $t0 $(ip -n "$ns" -o link show "tcrb$i" | cut -d: -f1)" >>"$tmp/created.txt"
	tl_wait_for 10 "recording tcrb$i" rec_has "tcrb$i" "$tmp/a.err" ||
		tl_fail "tcrec did not record tcrb$i within 10 s"
	sleep 0.03
	ip -n "$ns" link del "tcrb$i"
done
tl_wait_exit "$snd" 10 || tl_fail "the sender did not finish"
sleep 1.5
kill -INT "$rec" "$tp"
wait "$rec" || tl_fail "tcrec record (a) exited $?"
wait "$tp" || true
"$TCREC" export "$tmp/a.tclog" -o "$tmp/a.pcapng" >/dev/null 2>&1 || tl_fail "export of (a) failed"
tshark -r "$tmp/a.pcapng" -n -T fields -e frame.interface_name -e frame.time_epoch \
	-Y 'eth.type == 0x88b5' >"$tmp/a.txt" 2>/dev/null
tshark -r "$tmp/any.pcap" -n -T fields -e sll.ifindex -e frame.time_epoch >"$tmp/any.txt" 2>/dev/null

delays=$("$TL_PYTHON" - "$tmp" "$CREATIONS" <<'EOF'
import statistics, sys
tmp, n = sys.argv[1], int(sys.argv[2])
def ns(t):
    a, _, b = t.partition(".")
    return int(a) * 10**9 + int(b.ljust(9, "0")[:9])
created = {}
for line in open(f"{tmp}/created.txt"):
    i, t0, idx = line.split()
    created[int(i)] = (int(t0), int(idx))
first_rec, first_any = {}, {}
for line in open(f"{tmp}/a.txt"):
    name, t = line.split("\t")
    i = int(name.rsplit("/", 1)[-1][4:])
    first_rec[i] = min(first_rec.get(i, 1 << 63), ns(t))
by_idx = {}
for line in open(f"{tmp}/any.txt"):
    idx, t = line.split("\t")
    by_idx.setdefault(int(idx), []).append(ns(t))
for i, (t0, idx) in created.items():
    after = [t for t in by_idx.get(idx, []) if t >= t0]
    if after:
        first_any[i] = min(after)
def row(d):
    ms = [(d[i] - created[i][0]) / 1e6 for i in created if i in d]
    if not ms:
        return "n/a n/a 0"
    return f"{statistics.median(ms):.1f} {max(ms):.1f} {len(ms)}"
print(row(first_rec), row(first_any))
EOF
)
read -r rec_med rec_max rec_n any_med any_max any_n <<<"$delays"
((rec_n == CREATIONS)) || tl_fail "only $rec_n of $CREATIONS interfaces have a recorded packet"

# ---- (b) RSS and fds over namespace create/delete cycles
env --default-signal=INT "$TCREC" record --netns all -i 'tcrb*' -w "$tmp/b.tclog" 2>"$tmp/b.err" &
rec=$!
tl_track_pid "$rec"
sleep 2
# sample POINT: "POINT RSS_KB FDS NET_FDS SOCKETS OTHER_FDS STALE": the
# recorder's open namespace descriptors (net:[ino]) and sockets follow the
# namespaces alive on the host (other people's too); STALE counts the
# namespaces of this test it still holds after they were deleted (must be 0),
# OTHER its descriptors less two per namespace (its fd and its netlink
# socket), which must stay flat.
sample() {
	local rss
	rss=$(awk '/^VmRSS/ {print $2}' "/proc/$rec/status")
	find "/proc/$rec/fd" -mindepth 1 -maxdepth 1 -printf '%l\n' >"$tmp/fds.txt"
	"$TL_PYTHON" - "$1" "$rss" "$tmp/deleted.txt" "$tmp/fds.txt" <<'EOF2'
import sys
point, rss, deleted, fds = sys.argv[1:5]
links = open(fds).read().split()
gone = {f"net:[{l.strip()}]" for l in open(deleted)}
net = [l for l in links if l.startswith("net:[")]
socks = [l for l in links if l.startswith("socket:")]
stale = sum(1 for l in net if l in gone)
print(point, rss, len(links), len(net), len(socks), len(links) - 2 * len(net), stale)
EOF2
}
: >"$tmp/deleted.txt"
samples=("$(sample 0)")
missed=()
done_cycles=0
for point in 100 250 500; do
	((point <= CYCLES)) || break
	while ((done_cycles < point)); do
		batch=()
		for ((k = 0; k < 10 && done_cycles + k < point; k++)); do
			n=tcrc$tag-$((done_cycles + k))
			ip netns add "$n"
			tl_on_exit "ip netns del '$n'"
			ip -n "$n" link add tcrb0 up type veth peer name tcrq0
			batch+=("$n")
		done
		for n in "${batch[@]}"; do
			tl_wait_for 10 "recording $n/tcrb0" grep -qF "recording $n/tcrb0 (" "$tmp/b.err" ||
				missed+=("$n")
		done
		for n in "${batch[@]}"; do
			stat -L -c %i "/run/netns/$n" >>"$tmp/deleted.txt"
			ip netns del "$n"
		done
		done_cycles=$((done_cycles + ${#batch[@]}))
	done
	# Let the recorder let go of the deleted namespaces (one rescan).
	sleep 3
	samples+=("$(sample "$point")")
done
kill -INT "$rec"
wait "$rec" || tl_fail "tcrec record (b) exited $?"
tl_leftover_check "$HOOKCTL" "netns:$ns"

read -r _ rss0 _ _ _ other0 _ <<<"${samples[0]}"
read -r sent_med sent_max <<<"$("$TL_PYTHON" - "$tmp" <<'EOF2'
import statistics, sys
tmp = sys.argv[1]
t0 = {int(l.split()[0]): int(l.split()[1]) for l in open(f"{tmp}/created.txt")}
ms = [(int(l.split()[1]) - t0[int(l.split()[0])]) / 1e6 for l in open(f"{tmp}/sent.txt")
      if l.split()[1] != "None"]
print(f"{statistics.median(ms):.1f} {max(ms):.1f}" if ms else "n/a n/a")
EOF2
)"
{
	echo "netns benchmark ($CREATIONS creations, $CYCLES namespace cycles)"
	printf '%-42s %-14s %-24s\n' "" "tcrec" "tcpdump"
	printf '%-42s %-14s %-24s\n' "creation -> first packet, median (ms)" "$rec_med" \
		"-i any: $any_med"
	printf '%-42s %-14s %-24s\n' "creation -> first packet, max (ms)" "$rec_max" "-i any: $any_max"
	printf '%-42s %-14s %-24s\n' "interfaces with a packet" "$rec_n/$CREATIONS" \
		"-i any: $any_n/$CREATIONS"
	printf '%-42s %-14s %-24s\n' "follows a new interface by name/pattern" "yes" \
		"no: -i NAME must exist"
	printf '(the sender could first send %s ms after creation, median; max %s ms)\n' \
		"$sent_med" "$sent_max"
	printf '%-7s %-11s %-5s %-8s %-8s %-10s %-s\n' "cycles" "VmRSS(kB)" "fds" "netns" \
		"sockets" "fds-2*netns" "deleted ns still held"
	for s in "${samples[@]}"; do
		read -r c r f nf sk o st <<<"$s"
		printf '%-7s %-11s %-5s %-8s %-8s %-10s %-s\n' "$c" "$r" "$f" "$nf" "$sk" "$o" "$st"
	done
} >&2
read -r _ rssN _ _ _ otherN staleN <<<"${samples[-1]}"
((${#missed[@]} == 0)) ||
	tl_fail "tcrec --netns all never recorded ${#missed[@]} of $CYCLES new namespaces: ${missed[*]:0:10}"
((staleN == 0)) || tl_fail "tcrec still holds $staleN namespaces deleted by this test"
((otherN <= other0 + 4)) || tl_fail "tcrec's other fds grew from $other0 to $otherN"
((rssN * 100 <= rss0 * 120)) || tl_fail "RSS grew from $rss0 kB to $rssN kB over $CYCLES cycles"
tl_log "PASS"
