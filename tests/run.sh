#!/usr/bin/env bash
# Installs the dependencies, builds tcrec (plain and with ASan+UBSan) and runs
# every test on the project's own corpus. Needs root: the capture tests load
# BPF programs and make network namespaces.
#
#   tests/run.sh [CTEST ARGS...]
#
# TCREC_EXTRA_TRACES=DIR   also test on the real traces in DIR (label "extra";
#                          the plain pass only)
# TCREC_SKIP_SANITIZE=1    the plain pass only
# TCREC_ALLOW_SKIP=1       as root, accept skipped tests (by default a skip
#                          fails the run there: root has everything a test needs)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/samples/install-deps.sh"
jobs=$(nproc)
status=0

# run_ctest DIR ARGS...: ctest in DIR; a failure, or a skip where skips are
# not allowed, fails the run.
run_ctest() {
	local dir=$1 log rc=0
	shift
	log=$(mktemp)
	(cd "$dir" && ctest --output-on-failure -j"$jobs" "$@") 2>&1 | tee "$log" || rc=1
	if [ "$(id -u)" -eq 0 ] && [ "${TCREC_ALLOW_SKIP:-0}" != 1 ] &&
		grep -q 'The following tests did not run' "$log"; then
		echo "run.sh: tests were skipped as root in $dir: a skip here hides a failure" >&2
		rc=1
	fi
	rm -f "$log"
	return $rc
}

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTCREC_EXTRA_TRACES="${TCREC_EXTRA_TRACES:-}"
cmake --build build -j"$jobs"
run_ctest build "$@" || status=1

if [ "${TCREC_SKIP_SANITIZE:-0}" != 1 ]; then
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTCREC_SANITIZE=ON -DTCREC_EXTRA_TRACES=
	cmake --build build-asan -j"$jobs"
	# Everything again under the sanitizers, but the fuzz targets (they are
	# built with ASan+UBSan by clang already), the benchmark smoke run, the
	# long soak and the kernel-filter replay (the time they take measures
	# nothing new). Nor the per-trace cases of the two largest corpus traces
	# (bulk, short-flows): they take the code paths of the smaller traces,
	# with five times the packets. A sanitizer report exits with its own code
	# (set per test in tests/CMakeLists.txt), so that no test mistakes it for
	# an expected exit 1.
	run_ctest build-asan -LE 'fuzz|bench|long' -E '_(bulk|short-flows)$' "$@" || status=1
fi
exit $status
