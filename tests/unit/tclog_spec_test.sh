#!/bin/bash
# FORMAT.md is the contract: a reader written from it alone
# (tclog_spec_reader.py) must read a file the C writer made exactly as the C
# reader does.
set -euo pipefail
dump=$1
here=$(cd "$(dirname "$0")" && pwd)
for tool in python3 zstd; do
	if ! command -v $tool >/dev/null; then
		echo "skip: $tool not installed" >&2
		exit 77
	fi
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$dump" --gen "$dir/a.tclog"
"$dump" "$dir/a.tclog" >"$dir/c.txt"
python3 "$here/tclog_spec_reader.py" "$dir/a.tclog" >"$dir/py.txt"
recs=$(grep -c '^rec ' "$dir/c.txt")
chunks=$(grep -c '^chunk ' "$dir/c.txt")
if [ "$recs" -lt 3000 ] || [ "$chunks" -lt 5 ]; then
	echo "FAIL: only $recs records in $chunks chunks dumped" >&2
	exit 1
fi
if ! diff -u "$dir/c.txt" "$dir/py.txt" | head -20; then
	:
fi
cmp -s "$dir/c.txt" "$dir/py.txt" || { echo "FAIL: C reader and spec reader differ" >&2; exit 1; }
echo "spec reader agrees: $recs records, $chunks chunks"
