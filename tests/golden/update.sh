#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Rewrites the golden files of `tcrec print`: corpus/<trace>.txt for the
# project's corpus (BUILD_DIR/corpus, written at configure time), and
# extra/<trace>.txt for the extra real traces when their directory is given.
# A golden file is written only when oracle.py accounts for every line of
# the output in full (tcpdump, tcpdump -q, tcpdump -e or tshark); the lines
# each oracle accounted for are counted per trace.
#   update.sh BUILD_DIR [EXTRA_TRACES_DIR]
set -euo pipefail
build=$1 extra=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
tcrec=$build/recorder/tcrec gen=$build/tests/pcap2tclog
for f in "$tcrec" "$gen"; do
	[ -x "$f" ] || { echo "no $f: build first" >&2; exit 1; }
done
corpus=("$build"/corpus/*.pcap "$build"/corpus/offline/*.pcap)
[ -e "${corpus[0]}" ] || { echo "no corpus in $build/corpus: configure first" >&2; exit 1; }
work=$(mktemp -d /tmp/tcrec-golden.XXXXXX)
trap 'rm -rf "$work"' EXIT

failed=()
update() { # TRACE OUTDIR
	local trace=$1 dir=$2 name
	name=$(basename "$trace" .pcap)
	mkdir -p "$dir"
	if python3 "$here/oracle.py" --tcrec "$tcrec" --gen "$gen" --trace "$trace" --write "$work/$name.txt"; then
		mv "$work/$name.txt" "$dir/$name.txt"
		echo "$name: $(wc -l <"$dir/$name.txt") lines written to ${dir#"$here"/}/$name.txt"
	else
		failed+=("$name")
	fi
}
shopt -s nullglob
for trace in "${corpus[@]}"; do
	[ -e "$trace" ] && update "$trace" "$here/corpus"
done
if [ -n "$extra" ]; then
	traces=("$extra"/*.pcap)
	[ ${#traces[@]} -gt 0 ] || { echo "no .pcap in $extra" >&2; exit 1; }
	for trace in "${traces[@]}"; do
		update "$trace" "$here/extra"
	done
fi
if [ ${#failed[@]} -gt 0 ]; then
	echo "golden files not written (lines no oracle accounts for, shown above): ${failed[*]}" >&2
	exit 1
fi
