#!/bin/bash
# -G names that come back within a run (a template coarser than -G, a DST
# fall-back) never truncate a file of the run: the next one gets a suffix,
# with one warning, and every datagram sent is in the directory. -w
# templates whose strftime codes make newlines, tabs or '/' in names are
# usage errors that name the code. --help and the README state the rules.
# Usage: names_repeat.sh TCREC HOOKCTL
set -euo pipefail
TCREC=$1
HOOKCTL=$2
. "$(dirname "$0")/common.sh"
du_net
tl_tmpdir W

# 1. -G 1 with an hourly name
mkdir "$W/h"
du_record_for 3 "$W/h" -w "$W/h/h-%H.tclog" -G 1 || tl_fail "-G 1 -w h-%H: exit $?"
n=$(du_count "$W/h")
tl_log "-G 1 -w h-%H.tclog: $n of 600 datagrams kept in $(ls "$W/h" | wc -l) files"
((n == 600)) || tl_fail "-G 1 -w h-%H.tclog kept $n of the 600 datagrams sent"
w=$(grep -c "was written earlier in this run.*further names" "$W/h.err" || true)
((w == 1)) || tl_fail "$w warnings about repeated names, expected one: $(head -5 "$W/h.err")"

# 2. A DST fall-back: the local clock goes back 3 s, 3 s after the start.
mkdir "$W/d"
jd=$(date -u +%j)
end=$(date -u -d '+8 sec' +%H:%M:%S) # in DST time: 3 s ahead of UTC
export TZ="XST0XDT-0:00:03,J1/0,J$((10#$jd))/$end"
[[ $(date +%Z) == XDT ]] || tl_skip "this libc does not take a POSIX TZ rule with seconds"
du_record_for 6 "$W/d" -w "$W/d/d-%H%M%S.tclog" -G 1 || tl_fail "DST: exit $?"
[[ $(date +%Z) == XST ]] || tl_fail "the recording ended before the fall-back"
unset TZ
n=$(du_count "$W/d")
tl_log "DST fall-back, -G 1 -w d-%H%M%S.tclog: $n of 1200 datagrams kept ($(ls "$W/d" | xargs))"
((n == 1200)) || tl_fail "across a DST fall-back $n of the 1200 datagrams were kept"
ls "$W/d" | grep -q '\.tclog\.1$' || tl_fail "no suffixed name after the fall-back"

# 3. Codes that make unusable names: usage errors, nothing created.
mkdir "$W/bad"
for code in n t D x; do
	rc=0
	"$TCREC" record -i lo -w "$W/bad/c-%$code.tclog" -G 10 >"$W/bad.out" 2>"$W/bad.err" || rc=$?
	((rc == 2)) || tl_fail "-w c-%$code with -G: exit $rc, expected 2 (usage): $(cat "$W/bad.err")"
	grep -q "%$code" "$W/bad.err" || tl_fail "-w c-%$code: the message does not name the code: $(cat "$W/bad.err")"
	tl_log "-w c-%$code: $(head -1 "$W/bad.err")"
done
[[ -z $(ls "$W/bad") ]] || tl_fail "files made: $(ls "$W/bad")"

# The rules are written where users look: --help and the README.
"$TCREC" record --help >"$W/help"
grep -q "never truncates or writes into a file it did not create" "$W/help" ||
	tl_fail "record --help does not state the file-safety rules"
grep -q "^### File safety" "$(dirname "$0")/../../README.md" || tl_fail "README: no File safety section"
echo PASS
