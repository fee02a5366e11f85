#!/bin/bash
# run.sh TARGET SECONDS: runs the libFuzzer target fuzz_TARGET for SECONDS,
# starting from tests/fuzz/corpus/TARGET (seeds and kept crashing inputs).
# The targets come from $TCREC_FUZZ_BUILD (default build-fuzz at the top of
# the tree), configured there with clang and -DTCREC_FUZZ=ON when missing.
# Exit 0 when nothing was found, 77 when clang's fuzzer runtime is missing.
set -euo pipefail
target=${1:?usage: run.sh TARGET SECONDS}
secs=${2:?usage: run.sh TARGET SECONDS}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${TCREC_FUZZ_BUILD:-$root/build-fuzz}

cc=$(command -v clang || command -v clang-14 || true)
if [ -z "$cc" ]; then
	echo "run.sh: clang not found, cannot build fuzz targets" >&2
	exit 77
fi
rt=$("$cc" -print-file-name=libclang_rt.fuzzer-x86_64.a)
if [ ! -f "$rt" ]; then
	rt=$(find /usr/lib/llvm-*/lib/clang -name 'libclang_rt.fuzzer*-x86_64.a' 2>/dev/null | head -1)
	[ -n "$rt" ] || { echo "run.sh: clang's libFuzzer runtime is missing (libclang-rt-dev)" >&2; exit 77; }
fi

mkdir -p "$build"
(
	flock 9
	if [ ! -f "$build/CMakeCache.txt" ]; then
		CC=$cc cmake -S "$root" -B "$build" -DTCREC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	fi
	cmake --build "$build" --target "fuzz_$target" -j2 >/dev/null
) 9>"$build/.fuzz-build.lock"
bin=$build/tests/fuzz/fuzz_$target
[ -x "$bin" ] || bin=$(find "$build" -name "fuzz_$target" -type f -perm -u+x | head -1)
[ -x "$bin" ] || { echo "run.sh: fuzz_$target was not built in $build" >&2; exit 1; }

# New inputs go to a scratch corpus: the one in the tree holds seeds and
# regressions only, added by hand.
work=$build/fuzz-work/$target
art=$build/fuzz-artifacts/$target/
mkdir -p "$work" "$art"
log=$build/fuzz-work/$target.log
rc=0
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$art" "$work" "$here/corpus/$target" >"$log" 2>&1 || rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
echo "fuzz_$target: ${execs:-?} execs in ${secs}s, corpus $(ls "$work" | wc -l) inputs, exit $rc"
if [ "$rc" -ne 0 ]; then
	grep -A40 -m1 -E 'ERROR: (AddressSanitizer|libFuzzer)|runtime error|SUMMARY' "$log" >&2 || tail -40 "$log" >&2
	ls -1 "$art" >&2
fi
exit "$rc"
