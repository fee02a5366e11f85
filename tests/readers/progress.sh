#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The progress line of stats, export and diff over a big log. Under a
# terminal (script(1) gives the command one; stdout goes to a file) stderr
# gets lines redrawn with \r that say percent, pkts/s and time left, at most
# about four a second, the last one at 100 % and ended with a newline;
# through a pipe there is none. --progress draws it through a pipe,
# --no-progress draws none on a terminal. What the command writes (stdout,
# export's file) and its exit status are the same either way. A capture
# read from a pipe has no size: packets and pkts/s, no percent.
# Needs python3 and script (util-linux); no root.
#   progress.sh TCREC PCAP2TCLOG PYTHON3 TRACE [COPIES]
# COPIES (default 200) of the trace make the log: fewer under the
# sanitizers, where every command is slower anyway.
set -u
T=$1 GEN=$2 PY=$3 TRACE=$4 COPIES=${5:-200}
command -v script >/dev/null || { echo "SKIP: script (util-linux) not found"; exit 77; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# About a million packets: the trace repeated, each copy after the last in
# time, headers only (a metadata-only log reads fastest: the least time per
# byte is where a progress line is hardest to get right).
"$PY" - "$TRACE" "$COPIES" <<'EOF' | "$GEN" - "$W/big.tclog" >/dev/null || { echo "FAIL: making the log"; exit 1; }
import struct, sys
data = open(sys.argv[1], 'rb').read()
loops = int(sys.argv[2])
magic = struct.unpack('<I', data[:4])[0]
assert magic in (0xa1b2c3d4, 0xa1b23c4d), 'not a little-endian pcap'
frac_ns = 1 if magic == 0xa1b23c4d else 1000
pkts, off = [], 24
while off + 16 <= len(data):
    sec, frac, cap, orig = struct.unpack('<IIII', data[off:off + 16])
    pkts.append((sec * 10**9 + frac * frac_ns, data[off + 16:off + 16 + min(cap, 64)], orig))
    off += 16 + cap
span = pkts[-1][0] - pkts[0][0] + 10**6
out = sys.stdout.buffer
out.write(struct.pack('<IHHiIII', 0xa1b23c4d, 2, 4, 0, 0, 262144, struct.unpack('<I', data[20:24])[0]))
for k in range(loops):
    out.write(b''.join(struct.pack('<IIII', (ts + k * span) // 10**9, (ts + k * span) % 10**9,
                                   len(b), orig) + b for ts, b, orig in pkts))
EOF
L=$W/big.tclog
mkdir "$W/dir" && ln "$L" "$W/dir/a.tclog" && ln "$L" "$W/dir/b.tclog"

# The bytes a terminal got, as lines: \r and \n both end one.
lines() { tr '\r' '\n' <"$1" | sed 's/\x1b\[K//g' | grep -a .; }

# check_line NAME LABEL FILE: redrawn lines with percent, pkts/s and time
# left, no more than four a second, the last at 100 % and ended.
check_line() {
	local name=$1 label=$2 f=$3
	local mid last secs n was=$fail
	fail=0
	grep -q $'\r' "$f" || bad "$name: no \\r in the progress output"
	mid=$(lines "$f" | grep -acE "^$label: +[0-9]{1,3}% of [0-9.]+ [KMGT]?i?B, [0-9]+ pkts, [0-9]+ pkts/s, ([0-9]+:)?[0-9]+:[0-9]{2} left$")
	last=$(lines "$f" | grep -aE "^$label: 100% of [0-9.]+ [KMGT]?i?B, [0-9]+ pkts in [0-9.]+ s, [0-9]+ pkts/s$" | tail -1)
	((mid >= 1)) || bad "$name: no line with percent, pkts/s and time left: $(lines "$f" | head -3)"
	[[ -n $last ]] || bad "$name: no last line at 100 %: $(lines "$f" | tail -2)"
	secs=$(sed -E 's/.* in ([0-9.]+) s.*/\1/' <<<"$last")
	n=$(awk -v s="${secs:-0}" 'BEGIN { print int(s * 4) + 1 }')
	((mid <= n)) || bad "$name: $mid redraws in ${secs} s (at most $n)"
	[[ $(tail -c 2 "$f" | od -An -c | tr -d ' ') == *'\n' ]] || bad "$name: the last line is not ended"
	((fail)) || echo "ok: $name: $mid redraws in ${secs} s; last: $last"
	((fail |= was))
}

# Files the same: byte for byte, but for a tcrec log, whose header holds the
# time it was written, what stats says of it but its path.
same_file() {
	if [[ $1 != *.tclog ]]; then
		cmp -s "$1" "$2"
		return
	fi
	cmp -s <("$T" stats --json "$1" | sed 's/"path":"[^"]*"//') \
		<("$T" stats --json "$2" | sed 's/"path":"[^"]*"//')
}

# run_case NAME LABEL OUTFILE ARGS...: ARGS with @OUT@ for the file the
# command writes (or none). Runs under a terminal, through a pipe, with
# --progress through a pipe and --no-progress under a terminal.
run_case() {
	local name=$1 label=$2 outfile=$3
	shift 3
	local mode args cmd rc=() a
	for mode in tty pipe forced quiet; do
		args=("$1")
		[[ $mode == forced ]] && args+=(--progress)
		[[ $mode == quiet ]] && args+=(--no-progress)
		for a in "${@:2}"; do args+=("${a//@OUT@/$W/$name.$mode.$outfile}"); done
		case $mode in
		tty | quiet)
			printf -v cmd '%q ' "$T" "${args[@]}"
			script -qec "$cmd >$(printf %q "$W/$name.$mode.stdout")" /dev/null \
				</dev/null >"$W/$name.$mode.err" ;;
		*)
			"$T" "${args[@]}" </dev/null >"$W/$name.$mode.stdout" 2>"$W/$name.$mode.err" ;;
		esac
		rc+=($?)
	done
	[[ ${rc[*]} == "${rc[0]} ${rc[0]} ${rc[0]} ${rc[0]}" && ${rc[0]} -le 1 ]] ||
		bad "$name: exit status tty/pipe/--progress/--no-progress: ${rc[*]}"
	check_line "$name under a terminal" "$label" "$W/$name.tty.err"
	check_line "$name --progress through a pipe" "$label" "$W/$name.forced.err"
	for mode in pipe quiet; do
		if grep -aq 'pkts' "$W/$name.$mode.err"; then
			bad "$name ($mode): a progress line: $(lines "$W/$name.$mode.err" | head -2)"
		else
			echo "ok: $name ($mode): no progress line"
		fi
	done
	for mode in pipe forced quiet; do
		cmp -s "$W/$name.tty.stdout" "$W/$name.$mode.stdout" ||
			bad "$name: stdout differs between a terminal and $mode"
		[[ -z $outfile ]] || same_file "$W/$name.tty.$outfile" "$W/$name.$mode.$outfile" ||
			bad "$name: $outfile differs between a terminal and $mode"
	done
}

run_case stats "tcrec stats" "" stats "$L" "$L" "$L" "$L"
run_case export "tcrec export" out.pcapng.zst export -o @OUT@ "$L" "$L" "$L"
run_case export_tcrec "tcrec export" out.tclog export -F tcrec -o @OUT@ "$L" "$L" "$L"
run_case diff "tcrec diff" "" diff "$W/dir" "$W/dir"

# A warning in the middle (a damaged chunk late in the last file) starts a
# line of its own: the progress line is cleared first, and drawn again under
# it.
cp "$L" "$W/bad.tclog"
sz=$(stat -c %s "$L")
printf '\xff%.0s' $(seq 64) | dd of="$W/bad.tclog" bs=1 seek=$((sz * 9 / 10)) conv=notrunc status=none
"$T" export --progress -o "$W/bad.pcapng" "$L" "$L" "$L" "$W/bad.tclog" >/dev/null 2>"$W/bad.err"
rc=$?
warn=$(lines "$W/bad.err" | grep -an 'warning' | head -1)
before=$(lines "$W/bad.err" | head -n "$((${warn%%:*} - 1))" | grep -ac '^tcrec export: .*left$')
if ((rc != 1)) || [[ -z $warn ]]; then
	bad "damaged log: exit $rc, expected 1 and a warning: $(lines "$W/bad.err" | head -3)"
elif [[ ${warn#*:} != 'tcrec: warning: '* ]]; then
	bad "damaged log: the warning does not start a line: ${warn#*:}"
elif ((before == 0)); then
	bad "damaged log: no progress line before the warning, nothing shown about the clearing"
else
	echo "ok: damaged log: the warning starts a line after $before progress lines"
fi

# A capture on stdin has no size: packets and rate only.
"$T" stats --progress - <"$W/export.tty.out.pcapng.zst" >/dev/null 2>"$W/stdin.err"
if lines "$W/stdin.err" | grep -aqE '^tcrec stats: [0-9]+ pkts, [0-9]+ pkts/s$' &&
	lines "$W/stdin.err" | grep -aqE '^tcrec stats: [0-9]+ pkts in [0-9.]+ s, [0-9]+ pkts/s$' &&
	! grep -aq '%' "$W/stdin.err"; then
	echo "ok: stats of stdin: $(lines "$W/stdin.err" | tail -1)"
else
	bad "stats of stdin: $(lines "$W/stdin.err" | tail -3)"
fi
exit $fail
