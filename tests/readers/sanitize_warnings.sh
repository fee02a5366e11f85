#!/bin/bash
# SPDX-License-Identifier: MIT
# The readers' sources compile without a warning under -Werror with the
# sanitizers at every optimisation level a build may use: -DTCREC_SANITIZE=ON
# adds -fsanitize=address,undefined on top of the build type's flags, and
# the sanitizers change what gcc's flow analysis sees (a variable "maybe
# uninitialized" only there).
#
# usage: sanitize_warnings.sh CC SOURCE_DIR BINARY_DIR
set -u
CC=$1 SRC=$2 BIN=$3
tmp=$(mktemp -d /tmp/tcrec-rd-sanw.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

echo 'int main(void) { return 0; }' >"$tmp/probe.c"
if ! "$CC" -fsanitize=address,undefined -o "$tmp/probe" "$tmp/probe.c" 2>/dev/null; then
	echo "SKIP: $CC cannot build with -fsanitize=address,undefined"
	exit 77
fi

files="recorder/cli/cmd_print.c recorder/cli/cmd_stats.c recorder/cli/cmd_export.c
recorder/cli/cli_time.c recorder/read/stats_table.c
recorder/read/log_input.c recorder/filter/read_filter.c
recorder/read/line_buf.c $(cd "$SRC" && echo recorder/read/packet_text*.c)
recorder/read/json_out.c recorder/filter/filter.c $(cd "$SRC" && echo formats/tclog_reader*.c)"
flags=(-Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-missing-field-initializers -std=gnu17
	"-fsanitize=address,undefined" -fno-omit-frame-pointer -fno-sanitize-recover=all
	-DTCREC_VERSION='"test"' -I"$SRC" -I"$SRC/recorder" -I"$BIN/bpf")
bad=0
for opt in "-O2 -DNDEBUG" "-Og"; do
	for f in $files; do
		# shellcheck disable=SC2086 # opt is a list of flags
		if ! out=$("$CC" -c $opt "${flags[@]}" -o "$tmp/x.o" "$SRC/$f" 2>&1); then
			echo "FAIL: $f with $opt and the sanitizers:"
			echo "$out" | head -20
			bad=1
		fi
	done
done
[ $bad = 0 ] && echo PASS
exit $bad
