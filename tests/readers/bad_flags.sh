#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bad values of the reading flags print and export took from tcpdump: one
# line naming the flag, exit 2 (usage); a capture that is not there: one
# line naming it, exit 1. Needs no root.
#   bad_flags.sh TCREC
set -u
T=$1 fail=0
check() { # WANT_RC PATTERN ARGS...
	local want=$1 pat=$2 err rc
	shift 2
	err=$("$T" "$@" 2>&1 >/dev/null)
	rc=$?
	if [[ $rc -ne $want || $(wc -l <<<"$err") -ne 1 ]] || ! grep -q -- "$pat" <<<"$err"; then
		echo "FAIL: tcrec $*: exit $rc (want $want), stderr: $err"
		fail=1
	else
		echo "ok: tcrec $*: exit $rc, $err"
	fi
}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
check 2 '-tttttt\|-ttttt' print -tttttt "$W/x"
check 2 '-F bogus' export "$W/x" -F bogus -o "$W/o.pcap"
check 2 '-c 0' print -c 0 "$W/x"
check 1 "$W/missing.pcap" print -r "$W/missing.pcap"
exit $fail
