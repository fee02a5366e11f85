#!/bin/bash
# run.sh TARGET SECONDS: runs the libFuzzer target fuzz_TARGET for SECONDS,
# starting from tests/fuzz/corpus/TARGET (seeds and kept crashing inputs).
# The targets come from $TCREC_FUZZ_BUILD (default build-fuzz at the top of
# the tree), configured there with clang and -DTCREC_FUZZ=ON when missing.
# Exit 0 when the run was clean, 77 only when clang or its libFuzzer runtime
# is missing (checked before anything runs), 1 for everything else: a build
# failure, any non-zero exit of the fuzzer, an artifact it wrote, or a
# sanitizer or libFuzzer report in its log. libFuzzer's own default exit
# code for a finding is 77, which must never reach ctest as "skipped".
set -uo pipefail
target=${1:?usage: run.sh TARGET SECONDS}
secs=${2:?usage: run.sh TARGET SECONDS}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${TCREC_FUZZ_BUILD:-$root/build-fuzz}

. "$here/tools.sh"
fuzz_find_tools || { echo "run.sh: skipped" >&2; exit 77; }

die() {
	echo "run.sh: fuzz_$target: $*" >&2
	exit 1
}

mkdir -p "$build" || die "cannot make $build"
blog=$build/.fuzz-build-$target.log
if ! (
	flock 9
	if [ ! -f "$build/CMakeCache.txt" ]; then
		CC=$cc cmake -S "$root" -B "$build" -DTCREC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	fi &&
	cmake --build "$build" --target "fuzz_$target" -j2
) 9>"$build/.fuzz-build.lock" >"$blog" 2>&1; then
	tail -40 "$blog" >&2
	die "build failed (log: $blog)"
fi
bin=$build/tests/fuzz_$target
[ -x "$bin" ] || bin=$(find "$build" -name "fuzz_$target" -type f -perm -u+x | head -1)
[ -x "$bin" ] || die "not built in $build"

# New inputs go to a scratch corpus: the one in the tree holds seeds and
# regressions only, added by hand.
work=$build/fuzz-work/$target
art=$build/fuzz-artifacts/$target/
mkdir -p "$work" "$art"
seeds=()
[ -d "$here/corpus/$target" ] && seeds=("$here/corpus/$target")
log=$build/fuzz-work/$target.log
stamp=$build/fuzz-work/$target.start
touch "$stamp"
# Findings get exit codes of their own (86 crash/leak/abort/exit of the
# target, 87 timeout), never libFuzzer's default 77. Leak detection is on
# whatever ASAN_OPTIONS the environment has (later options win).
rc=0
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:halt_on_error=1" \
UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1" \
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-detect_leaks=1 -error_exitcode=86 -timeout_exitcode=87 \
	-artifact_prefix="$art" "$work" "${seeds[@]}" >"$log" 2>&1 || rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
echo "fuzz_$target: ${execs:-?} execs in ${secs}s, corpus $(find "$work" -type f | wc -l) inputs, exit $rc"

why=()
case $rc in
0) ;;
86) why+=("the fuzzer found a crash, leak, abort or exit (exit 86)") ;;
87) why+=("an input timed out (exit 87)") ;;
*) why+=("the fuzzer exited $rc") ;;
esac
# slow-unit-* are notes about the slowest input so far (timeouts fail
# above); every other artifact is an input that failed.
new_art=$(find "$art" -type f -newer "$stamp" ! -name 'slow-unit-*')
[ -z "$new_art" ] || why+=("it wrote artifacts")
slow=$(find "$art" -type f -newer "$stamp" -name 'slow-unit-*')
[ -z "$slow" ] || echo "fuzz_$target: note: slow inputs kept in $art (not a failure)"
report='ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|MemorySanitizer|libFuzzer)|runtime error:|^SUMMARY: '
grep -qE "$report" "$log" && why+=("its log has a sanitizer or libFuzzer report")
[ -n "$execs" ] || why+=("it printed no final statistics (the run did not end normally)")
if [ ${#why[@]} -gt 0 ]; then
	(IFS=';' && echo "run.sh: fuzz_$target FAILED: ${why[*]}" | sed 's/;/; /g' >&2)
	grep -m1 -B2 -A60 -E "$report" "$log" >&2 || tail -60 "$log" >&2
	[ -z "$new_art" ] || { echo "artifacts (replay: $bin FILE):" >&2; echo "$new_art" >&2; }
	echo "full log: $log" >&2
	exit 1
fi
exit 0
