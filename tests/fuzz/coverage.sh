#!/bin/bash
# coverage.sh TARGET...: line coverage of the decoders that the fuzz corpora
# reach. Builds the targets with clang's source coverage and a main that
# replays inputs (-DTCREC_FUZZ_COVERAGE=ON, in $TCREC_FUZZ_COV_BUILD,
# default fuzz-cov in the fuzz build), replays what run.sh kept
# ($TCREC_FUZZ_BUILD/fuzz-work/TARGET) and the seeds (corpus/TARGET), and
# prints llvm-cov's table of the decoder files, then one line per decoder
# counting only its decoding functions (an encoder sharing the file is not
# fuzzed). Exit 77 when clang or llvm's coverage tools are missing, 1 when
# the table cannot be made.
set -uo pipefail
[ $# -gt 0 ] || { echo "usage: coverage.sh TARGET..." >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${TCREC_FUZZ_BUILD:-$root/build-fuzz}
cov=${TCREC_FUZZ_COV_BUILD:-$build/fuzz-cov}

. "$here/tools.sh"
fuzz_find_tools || { echo "coverage.sh: skipped" >&2; exit 77; }
# the profile tools of the clang that builds, else any on the PATH
llvm_tool() {
	local dir
	dir=$(dirname "$(readlink -f "$cc")")
	if [ -x "$dir/$1" ]; then echo "$dir/$1"; else command -v "$1" || true; fi
}
profdata=$(llvm_tool llvm-profdata)
llvmcov=$(llvm_tool llvm-cov)
if [ -z "$profdata" ] || [ -z "$llvmcov" ]; then
	echo "coverage.sh: llvm-profdata or llvm-cov not found (llvm): skipped" >&2
	exit 77
fi

die() {
	echo "coverage.sh: $*" >&2
	exit 1
}

mkdir -p "$cov" || die "cannot make $cov"
blog=$cov/build.log
targets=$(printf 'fuzz_%s ' "$@")
if ! (
	flock 9
	if [ ! -f "$cov/CMakeCache.txt" ]; then
		# -O0: lines map one to one
		CC=$cc cmake -S "$root" -B "$cov" -DTCREC_FUZZ=ON -DTCREC_FUZZ_COVERAGE=ON \
			-DCMAKE_BUILD_TYPE=Debug
	fi &&
	cmake --build "$cov" -j2 --target $targets
) 9>"$cov/.build.lock" >"$blog" 2>&1; then
	tail -40 "$blog" >&2
	die "build failed (log: $blog)"
fi

prof=$cov/profiles
rm -rf "$prof"
mkdir -p "$prof"
objects=()
for t in "$@"; do
	bin=$cov/tests/fuzz_$t
	[ -x "$bin" ] || die "fuzz_$t was not built in $cov"
	dirs=()
	for d in "$build/fuzz-work/$t" "$here/corpus/$t"; do
		[ -d "$d" ] && dirs+=("$d")
	done
	[ ${#dirs[@]} -gt 0 ] || die "no corpus for $t"
	out=$(LLVM_PROFILE_FILE="$prof/$t.profraw" "$bin" "${dirs[@]}" 2>&1) ||
		die "replaying the corpus of $t failed: $out"
	[ -s "$prof/$t.profraw" ] || die "no profile from $t"
	printf '%-14s %s replayed (%s)\n' "$t" "$(echo "$out" | tail -1)" "${dirs[*]}"
	objects+=(-object "$bin")
done
"$profdata" merge -sparse "$prof"/*.profraw -o "$prof/all.profdata" || die "llvm-profdata failed"

# decoder | file | functions that decode (extended regex; empty: all)
decoders="
tclog reader|formats/tclog_reader.c|
tclog reader scan|formats/tclog_reader_scan.c|
tclog reader resync|formats/tclog_reader_resync.c|
tclog reader index|formats/tclog_reader_index.c|
tclog framing|formats/tclog_wire.c|_decode$|_peek$|get_str|^fail$
columnar decoder (enc 2)|formats/tclog_enc_columnar.c|^dec_|^colz_decode$|^recent_touch$
columnar field map (enc 2)|formats/tclog_enc_colmap.c|^colz_fields_put$|^colz_key_get$|^colz_bytes_xor$|^xor_be$
fields decoder (enc 1)|formats/tclog_enc_fields.c|^tclog_record_get$|^fields_decode$
record checks|formats/tclog_codec.c|
pcap input|recorder/diff/diff_source.c|
packet parser|formats/packet_parse.c|
packet_text|recorder/read/packet_text.c|
packet_text link|recorder/read/packet_text_link.c|
packet_text IPv4|recorder/read/packet_text_ip.c|
packet_text IPv6|recorder/read/packet_text_ipv6.c|
packet_text L4|recorder/read/packet_text_l4.c|
packet_text TCP|recorder/read/packet_text_tcp.c|
packet_text ICMP|recorder/read/packet_text_icmp.c|
json|recorder/read/json_out.c|
read filter|recorder/filter/read_filter.c|
filter taint probe|recorder/filter/cbpf_taint.c|
header synthesis|formats/synth.c|
option parsers|recorder/cli/cli.c|^parse_
time arguments|recorder/read/time_arg.c|"
files=()
while IFS='|' read -r name file funcs; do
	[ -n "$name" ] && files+=("$root/$file")
done <<<"$decoders"

echo
echo "== llvm-cov report (whole files) =="
"$llvmcov" report "${objects[@]:1}" -instr-profile="$prof/all.profdata" "${files[@]}" \
	>"$prof/files.txt" 2>&1 || die "llvm-cov report failed: $(cat "$prof/files.txt")"
# Filename, then the Lines columns (total, missed, cover)
printf '%-36s %7s %7s %7s\n' file lines missed cover
awk '/^TOTAL/ || /\.c / { printf "%-36s %7s %7s %7s\n", $1, $(NF-5), $(NF-4), $(NF-3) }' \
	"$prof/files.txt" | sed "s|$root/||"

"$llvmcov" report -show-functions "${objects[@]:1}" -instr-profile="$prof/all.profdata" \
	"${files[@]}" >"$prof/functions.txt" 2>&1 || die "llvm-cov report -show-functions failed"
echo
echo "== line coverage of each decoder (decoding functions only) =="
printf '%-28s %-30s %7s %7s %7s\n' decoder file lines covered cover
while IFS='|' read -r name file funcs; do
	[ -n "$name" ] || continue
	awk -v f="$root/$file" -v re="${funcs:-.}" -v name="$name" -v short="$file" '
		/^File / { infile = index($0, "\x27" f "\x27") > 0; next }
		infile && NF >= 10 && $2 ~ /^[0-9]+$/ && $1 != "TOTAL" {
			fn = $1; sub(/^.*:/, "", fn)
			if (fn ~ re) { lines += $(NF-5); missed += $(NF-4) }
		}
		END {
			if (!lines) { printf "%-28s %-30s %7s\n", name, short, "none"; exit 1 }
			printf "%-28s %-30s %7d %7d %6.1f%%\n", name, short, lines, lines - missed,
				100 * (lines - missed) / lines
		}' "$prof/functions.txt" || die "no functions of $file in the report"
done <<<"$decoders"
