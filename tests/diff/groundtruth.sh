#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Ground truth by construction: B = TRACE with known packets deleted
# (editcap), duplicated and swapped (pcapmut), times shifted by 20 ms
# (editcap -t), Ethernet padding cut, TTL and MACs rewritten (tcprewrite).
# `tcrec diff` must report exactly those edits; and TRACE against TRACE with
# only the harmless rewrites (TTL, MACs, padding, time, a VLAN tag) must be
# "same" (exit 0).
#
#   groundtruth.sh TCREC PCAPMUT TRACE
set -euo pipefail
tcrec=$1 pcapmut=$2 trace=$3
here=$(cd "$(dirname "$0")" && pwd)

for t in editcap tcprewrite python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed" >&2; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

name=$(basename "$trace")
# a fixed seed per trace: the same edits on every run
seed=$(printf '%s' "$name" | cksum | cut -d' ' -f1)
python3 "$here/gt.py" plan "$trace" "$seed" "$work" >&2

rewrite() { # IN OUT: the changes a router makes, plus a clock 20 ms later
	editcap -F pcap -t 0.020 "$1" "$work/shifted.pcap"
	# tcprewrite 4.4.1-4.4.4 writes Ethernet padding into the IP length
	# (appneta/tcpreplay#845): hand it frames without padding, which also
	# checks that padding differences are tolerated
	"$pcapmut" --strip-padding "$work/shifted.pcap" "$work/unpadded.pcap"
	tcprewrite --ttl=33 --enet-smac=02:00:00:00:00:01 --enet-dmac=02:00:00:00:00:02 \
		-i "$work/unpadded.pcap" -o "$2"
}

# shellcheck disable=SC2046 # one argument per packet number
editcap -F pcap "$trace" "$work/a1.pcap" $(cat "$work/del.txt")
mut=()
[ -n "$(tr -d '\n' <"$work/dup.txt")" ] && mut+=(--dup "$(cat "$work/dup.txt")")
[ -n "$(tr -d '\n' <"$work/swap.txt")" ] && mut+=(--swap "$(cat "$work/swap.txt")")
"$pcapmut" "$work/a1.pcap" "$work/a2.pcap" "${mut[@]}"
rewrite "$work/a2.pcap" "$work/b.pcap"

rc=0
"$tcrec" diff --json --packets "$trace" "$work/b.pcap" >"$work/diff.json" || rc=$?
if [ "$rc" -ne 1 ]; then
	echo "FAIL: $name: diff of an edited copy exited $rc, want 1 (different)" >&2
	exit 1
fi
python3 "$here/gt.py" check "$work/expect.json" "$work/diff.json"

# Same packets, only what routers change: must be "same".
rewrite "$trace" "$work/same.pcap"
rc=0
"$tcrec" diff "$trace" "$work/same.pcap" >"$work/same.txt" || rc=$?
if [ "$rc" -ne 0 ]; then
	cat "$work/same.txt" >&2
	echo "FAIL: $name: TTL/MAC/time rewrite alone is not 'same' (exit $rc)" >&2
	exit 1
fi
# A VLAN tag pushed on the way, outside the tags a frame has (a stack of
# three then holds more than a record does: diff reads past it)
"$pcapmut" --strip-padding "$trace" "$work/unpadded0.pcap"
tcprewrite --enet-vlan=add --enet-vlan-tag=20 --enet-vlan-cfi=0 --enet-vlan-pri=0 \
	-i "$work/unpadded0.pcap" -o "$work/vlan.pcap"
rc=0
"$tcrec" diff "$trace" "$work/vlan.pcap" >"$work/vlan.txt" || rc=$?
if [ "$rc" -ne 0 ]; then
	cat "$work/vlan.txt" >&2
	echo "FAIL: $name: a VLAN tag added on the way is not 'same' (exit $rc)" >&2
	exit 1
fi
echo "$name: edits reported exactly; TTL/MAC/padding/time and VLAN rewrites are same" >&2
