#!/bin/bash
# SPDX-License-Identifier: MIT
# What a wrong extcap call gets: one line on stderr naming what is wrong,
# nothing on stdout (Wireshark reads stdout as the protocol's answer), and
# exit 2 for a bad call, 1 for a fifo that cannot be opened. A capture
# filter that does not compile is the protocol's answer: its reason on
# stdout, exit 0, as extcap(4) asks. No root needed.
#   bad_input.sh TCREC
set -u
T=$1
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fail=0
mkfifo "$W/fifo"

# expect RC WORD ARGS...: exit RC, one stderr line containing WORD, no stdout.
expect() {
	local want=$1 word=$2 rc
	shift 2
	"$T" "$@" >"$W/out" 2>"$W/err" </dev/null && rc=0 || rc=$?
	if ((rc != want)) || [[ -s $W/out ]] || (($(wc -l <"$W/err") != 1)) ||
		! grep -q -- "$word" "$W/err"; then
		echo "FAIL: tcrec $*: exit $rc (want $want), stdout '$(head -c 200 "$W/out")', stderr '$(cat "$W/err")'"
		fail=1
	else
		echo "ok: tcrec $*: $(cat "$W/err")"
	fi
}

expect 2 "--fifo" --capture --extcap-interface tcrec-lo
expect 2 "not a tcrec interface" --extcap-dlts --extcap-interface lo
expect 2 "not a tcrec interface" --extcap-config --extcap-interface tcrec-
expect 2 "no interface" --extcap-config
expect 2 "at a time" --extcap-config --extcap-dlts --extcap-interface tcrec-lo
expect 2 "unrecognized\|unknown" --extcap-interfaces --no-such-option
expect 2 "unexpected argument" --extcap-interfaces stray
expect 2 "--snaplen" --capture --extcap-interface tcrec-lo --fifo "$W/fifo" --snaplen abc
expect 2 "--snaplen" --capture --extcap-interface tcrec-lo --fifo "$W/fifo" --snaplen 999999
expect 2 "--direction" --capture --extcap-interface tcrec-lo --fifo "$W/fifo" --direction sideways
expect 1 "$W/nodir/fifo" --capture --extcap-interface tcrec-lo --fifo "$W/nodir/fifo"
expect 2 "nothing asked" --extcap-interface tcrec-lo --extcap-version=4.0

# The filter check answers on stdout and exits 0, a good filter with nothing.
out=$("$T" --extcap-interface tcrec-lo --extcap-capture-filter 'tcp port' 2>&1) && rc=0 || rc=$?
if ((rc != 0)) || [[ -z $out ]] || (($(wc -l <<<"$out") != 1)); then
	echo "FAIL: a bad capture filter: exit $rc, answer '$out' (want exit 0 and one line)"
	fail=1
fi
out=$("$T" --extcap-interface tcrec-lo --extcap-capture-filter 'tcp port 80' 2>&1) && rc=0 || rc=$?
if ((rc != 0)) || [[ -n $out ]]; then
	echo "FAIL: a good capture filter: exit $rc, answer '$out' (want exit 0 and nothing)"
	fail=1
fi
exit $fail
