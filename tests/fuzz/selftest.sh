#!/bin/bash
# selftest.sh MODE (leak|abort): runs the broken-on-purpose target through
# run.sh and passes only when run.sh fails it with a report: not 0, which
# would hide the finding, and not 77, which ctest would show as skipped.
# Skips (77) only when clang or its libFuzzer runtime is missing, found here
# and not by run.sh, so that a run.sh that passed libFuzzer's 77 through
# again cannot make this test skip.
set -uo pipefail
mode=${1:?usage: selftest.sh leak|abort}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tools.sh"
fuzz_find_tools || exit 77

case $mode in
leak) want='ERROR: LeakSanitizer: detected memory leaks|ERROR: libFuzzer: .*leak' ;;
abort) want='ERROR: libFuzzer: deadly signal' ;;
*) echo "selftest.sh: unknown mode $mode" >&2; exit 2 ;;
esac
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
TCREC_FUZZ_SELFTEST=$mode bash "$here/run.sh" selftest_leak 20 >"$out" 2>&1 || rc=$?
cat "$out"
case $rc in
0) echo "selftest.sh: FAIL: run.sh passed a target that ${mode}s" >&2; exit 1 ;;
77) echo "selftest.sh: FAIL: run.sh returned 77, a finding that ctest reads as skipped" >&2; exit 1 ;;
esac
if ! grep -qE "$want" "$out"; then
	echo "selftest.sh: FAIL: run.sh failed ($rc) without the $mode report" >&2
	exit 1
fi
echo "selftest.sh: run.sh turned the $mode into exit $rc with its report"
