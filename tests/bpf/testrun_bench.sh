#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Average run time of the capture program per packet, per trace (the build's corpus by default), from
# BPF_PROG_TEST_RUN's own timing (each packet run REPEAT times), metadata only
# and with 128 captured bytes. Every run is also checked: one record per run,
# counters seen == recorded, nothing dropped.
#
#   tests/bpf/testrun_bench.sh BUILD_DIR [TRACES_DIR] [REPEAT]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: testrun_bench.sh BUILD_DIR [TRACES_DIR] [REPEAT]}
traces=${2:-$build/corpus}
repeat=${3:-200}
harness=$build/tests/testrun_trace
[ -x "$harness" ] || { echo "testrun_bench: $harness: not built" >&2; exit 1; }

# one "#bench" line per run: avg_ns and packets from it
bench() {
	"$harness" -b "$repeat" "$@" 2>/dev/null | awk -F'\t' '$1 == "#bench" {
		sub("packets=", "", $4); sub("avg_ns=", "", $6); print $4, $6 }' || true
}

shopt -s nullglob
pcaps=("$traces"/*.pcap)
[ ${#pcaps[@]} -gt 0 ] || { echo "testrun_bench: $traces: no .pcap traces" >&2; exit 1; }
printf '%-22s %8s %10s %10s\n' trace packets meta_ns s128_ns
for trace in "${pcaps[@]}"; do
	read -r packets meta <<<"$(bench "$trace")" || true
	read -r _ s128 <<<"$(bench -s 128 "$trace")" || true
	if [ -z "${meta:-}" ] || [ -z "${s128:-}" ]; then
		echo "testrun_bench: $trace: a run failed, see: $harness -b $repeat $trace" >&2
		exit 1
	fi
	printf '%-22s %8s %10s %10s\n' "$(basename "$trace")" "$packets" "$meta" "$s128"
done
