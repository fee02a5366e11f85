#!/usr/bin/env bash
# Installs the dependencies, builds tcrec (plain and with ASan+UBSan) and runs every test.
# Needs root: the capture tests load BPF programs and make network namespaces.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/samples/install-deps.sh"
jobs=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$jobs"
status=0
(cd build && ctest --output-on-failure -j1) || status=1

if [ "${TCREC_SKIP_SANITIZE:-0}" != 1 ]; then
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTCREC_SANITIZE=ON
	cmake --build build-asan -j"$jobs"
	# Everything again under the sanitizers, but the fuzz targets (they are
	# built with ASan+UBSan by clang already), the benchmark smoke run and the
	# long soak (the time they take measures nothing new).
	(cd build-asan && ctest --output-on-failure -j1 -LE 'fuzz|bench|long') || status=1
fi
exit $status
