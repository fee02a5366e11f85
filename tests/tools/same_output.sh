#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Same output from two tcrec binaries: print, stats, export and diff on every
# trace of a corpus directory, compared byte for byte. For changes that must
# not change behaviour (a restructuring): build the old tree and the new one,
# then
#   tests/tools/same_output.sh OLD/recorder/tcrec NEW/recorder/tcrec NEW/corpus NEW/tests
# The logs are made once, by NEW's pcap2tclog, so both binaries read the same
# bytes: in log format version 1 (--v1), which an old tcrec reads too. Exit 0
# when every output is identical, 1 naming each one that is not.
set -u
if [ $# -ne 4 ]; then
	echo "usage: $0 OLD_TCREC NEW_TCREC CORPUS_DIR TOOLS_DIR(with pcap2tclog, pcapmut)" >&2
	exit 2
fi
old=$(realpath "$1") new=$(realpath "$2") corpus=$(realpath "$3") tools=$(realpath "$4")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

traces=("$corpus"/*.pcap "$corpus"/offline/*.pcap)
mkdir -p "$work/in" "$work/old" "$work/new"
for t in "${traces[@]}"; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .pcap)
	"$tools/pcap2tclog" --v1 "$t" "$work/in/$n.tclog" >/dev/null 2>&1 || { echo "pcap2tclog failed on $t" >&2; exit 1; }
	cp "$t" "$work/in/$n.pcap"
	# B side of a diff: packets 2 and 5 written twice, 3 and 4 swapped
	"$tools/pcapmut" "$t" "$work/in/$n-b.pcap" --dup 2,5 --swap 3 >/dev/null 2>&1 ||
		cp "$t" "$work/in/$n-b.pcap"
done

# One case per line: a name and the arguments; OUT is the side's output dir.
cases() {
	local n=$1 in=$work/in
	cat <<CASES
print-$n print $in/$n.tclog
print-e-$n print -e --nano $in/$n.tclog
print-json-$n print --json $in/$n.tclog
print-tcp-$n print $in/$n.tclog tcp or icmp
print-since-$n print $in/$n.tclog --since +0.001 --until +1000
stats-$n stats $in/$n.tclog
stats-json-$n stats --json $in/$n.tclog
stats-udp-$n stats $in/$n.tclog udp
export-pcapng-$n export $in/$n.tclog -o OUT/$n.pcapng
export-pcap-$n export $in/$n.tclog -o OUT/$n.pcap
export-zst-$n export $in/$n.tclog -o OUT/$n.pcapng.zst
export-range-$n export $in/$n.tclog --since +0.001 --until +1000 -o OUT/$n-range.pcapng udp or tcp
export-stdout-$n export $in/$n.tclog -o - tcp
diff-$n diff $in/$n.pcap $in/$n-b.pcap
diff-log-$n diff $in/$n.tclog $in/$n-b.pcap
diff-json-$n diff --json $in/$n.pcap $in/$n-b.pcap
diff-unmatched-$n diff $in/$n.tclog $in/$n-b.pcap --write-unmatched OUT/$n-unmatched.pcapng
diff-filter-$n diff $in/$n.tclog $in/$n-b.pcap udp
diff-other-$n diff $in/$n.pcap $in/dns.pcap
CASES
}

run_side() {
	local bin=$1 side=$2 name args
	while read -r name args; do
		# both sides write to the same path, so that messages naming it agree
		args=${args//OUT/$work/out}
		mkdir -p "$work/out"
		# shellcheck disable=SC2086 # args is a word list
		(cd "$work" && "$bin" $args >"$work/$side/$name.out" 2>"$work/$side/$name.err" </dev/null
		 echo "exit $?" >>"$work/$side/$name.err")
		# speeds are the only figures that differ from run to run
		sed -i -E 's/[0-9.]+ (packets|records)\/s/N \1\/s/g' "$work/$side/$name.err"
		find "$work/out" -maxdepth 1 -type f -exec mv -t "$work/$side" {} +
	done
}

for t in "${traces[@]}"; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .pcap)
	cases "$n" | run_side "$old" old
	cases "$n" | run_side "$new" new
done
# Files written by export/diff are named alike on both sides.
bad=0 total=0
for f in "$work/old"/*; do
	b=$(basename "$f")
	total=$((total + 1))
	if ! cmp -s "$f" "$work/new/$b"; then
		echo "DIFFERENT: $b" >&2
		diff <(head -c 4000 "$f") <(head -c 4000 "$work/new/$b") | head -8 >&2
		bad=$((bad + 1))
	fi
done
echo "same_output: $((total - bad)) of $total outputs identical (stdout, stderr+exit, files)"
[ "$bad" -eq 0 ]
