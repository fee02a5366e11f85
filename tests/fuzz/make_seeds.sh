#!/bin/bash
# make_seeds.sh: rewrites the generated seeds (gen-*) of tests/fuzz/corpus
# from the edge-case pcap of the reader tests and the small pcaps of the
# pcap_input corpus. Deterministic: rerun it when the record layout or the
# fuzz input layouts change, and commit the result.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${TCREC_FUZZ_BUILD:-$root/build-fuzz}
. "$here/tools.sh"
fuzz_find_tools
[ -f "$build/CMakeCache.txt" ] ||
	CC=$cc cmake -S "$root" -B "$build" -DTCREC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz_make_seeds -j2 >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$root/tests/readers/make_edge_pcap.py" "$tmp/edge.pcap"
for t in packet_text json_out read_filter tclog_reader; do
	mkdir -p "$here/corpus/$t"
	rm -f "$here/corpus/$t"/gen-*
done
p=$here/corpus/pcap_input
"$build/tests/fuzz_make_seeds" "$here/corpus" "$root/tests/filter/expressions.txt" \
	"$tmp/edge.pcap" "$p/dns.pcap" "$p/vlan.pcap" "$p/frag.pcap"
for t in packet_text json_out read_filter tclog_reader; do
	echo "$t: $(ls "$here/corpus/$t" | wc -l) seeds, $(du -sk "$here/corpus/$t" | cut -f1) KiB"
done
