#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Inputs cut short: diff reads what is there, as tcpdump does, says so once
# naming the file, gives its result, and exits 1 even when the packets read
# are the same (an incomplete input never passes for "same").
#  - TRACE (pcap) and its pcapng copy cut inside packet K+1: K packets read;
#  - a tcrec log of TRACE cut inside a chunk, and one without its trailer.
#
#   truncated.sh TCREC PCAP2TCLOG TRACE
set -euo pipefail
tcrec=$1 gen=$2 trace=$3
for t in python3 editcap; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed" >&2; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
name=$(basename "$trace")

# cut IN OUT: OUT = IN cut in the middle of the packet (pcap record or pcapng
# block) after the first half of them; prints how many whole packets remain
cut() {
	python3 - "$1" "$2" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
ends = []  # file offset where each packet's record/block ends
if d[:4] == b'\x0a\x0d\x0d\x0a':
    off = 0
    while off + 12 <= len(d):
        btype, blen = struct.unpack('<II', d[off:off + 8])
        off += blen
        if btype in (3, 6):  # simple / enhanced packet block
            ends.append(off)
else:
    off = 24
    while off + 16 <= len(d):
        off += 16 + struct.unpack('<I', d[off + 8:off + 12])[0]
        ends.append(off)
k = len(ends) // 2
if k < 2:
    sys.exit(f'{sys.argv[1]}: too few packets to cut')
open(sys.argv[2], 'wb').write(d[:ends[k] - 7])  # inside packet k+1
print(k)
EOF
}

# run WANT_RC A B: the JSON to $work/out.json, stderr to $work/err
run() {
	local want=$1 rc=0
	shift
	"$tcrec" diff --json "$@" >"$work/out.json" 2>"$work/err" || rc=$?
	[ "$rc" -eq "$want" ] || { cat "$work/err" >&2; fail "diff $*: exit $rc, want $want"; }
}

# field EXPR: a Python expression on the JSON document d
field() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print($1)" "$work/out.json"; }

# one warning line naming the file, with PATTERN
one_warning() {
	local file=$1 pat=$2 n
	n=$(grep -c -- "$file" "$work/err" || true)
	[ "$n" -eq 1 ] || { cat "$work/err" >&2; fail "$n warning lines name $file, want 1"; }
	grep -q -- "$pat" "$work/err" || { cat "$work/err" >&2; fail "no '$pat' on stderr"; }
}

editcap -F pcapng "$trace" "$work/whole.pcapng"
for kind in pcap pcapng; do
	whole=$trace
	[ "$kind" = pcap ] || whole=$work/whole.pcapng
	k=$(cut "$whole" "$work/cut.$kind")
	# A whole, B cut: the packets after the cut are lost, exit 1
	run 1 "$whole" "$work/cut.$kind"
	one_warning "cut.$kind" "cut.$kind: truncated after $k packets ("
	have=$(field "d['inputs'][1]['packets'], d['inputs'][1]['damaged'], d['inputs'][0]['damaged'], d['matched']")
	[ "$have" = "$k True False $k" ] ||
		fail "$name as $kind cut after $k packets: read/damaged/matched '$have', want '$k True False $k'"
	# the same cut file on both sides: the same packets, still exit 1
	run 1 "$work/cut.$kind" "$work/cut.$kind"
	have=$(field "d['result'], d['matched'], d['inputs'][0]['damaged']")
	[ "$have" = "same $k True" ] || fail "$kind cut against itself: '$have', want 'same $k True'"
	echo "$name as $kind cut after $k packets: read, warned once, exit 1" >&2
done

# tcrec logs: chunks of 16 records, cut inside the last one of the first half
"$gen" --chunk 16 "$trace" "$work/whole.tclog" >/dev/null
size=$(stat -c %s "$work/whole.tclog")
head -c $((size / 2)) "$work/whole.tclog" >"$work/torn.tclog"
cp "$work/torn.tclog" "$work/torn2.tclog"
run 1 "$work/torn.tclog" "$work/torn2.tclog"
one_warning "torn.tclog" "truncated"
have=$(field "d['result'], d['inputs'][0]['damaged'], d['inputs'][0]['packets'] > 0")
[ "$have" = "same True True" ] || fail "torn log against itself: '$have', want 'same True True'"
"$gen" --chunk 16 --no-trailer "$trace" "$work/open.tclog" >/dev/null
run 1 "$work/open.tclog" "$trace"
one_warning "open.tclog" "no trailer"
have=$(field "d['inputs'][0]['damaged'], d['inputs'][0]['packets'] == d['inputs'][1]['packets']")
[ "$have" = "True True" ] || fail "log without trailer against its trace: '$have', want 'True True'"
echo "$name as tcrec log torn / without trailer: read, warned once, exit 1" >&2
