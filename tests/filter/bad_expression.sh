#!/bin/bash
# SPDX-License-Identifier: MIT
# A bad FILTER expression on `tcrec record`: libpcap's own message (what
# tcpdump prints for the same expression), exit status 2, no log file, and
# nothing attached to the interface.
#
# Usage: bad_expression.sh TCREC TRACE
set -euo pipefail

TCREC=$1
TRACE=$2
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
tl_require_tools tcpdump
tl_tmpdir TMP

hooks() {
	# what is attached to lo, when this user may look
	bpftool net show dev lo 2>/dev/null || true
}

before=$(hooks)
n=0
for expr in "tcp prt 80" "host" "port 99999" "ip[" "vlan 5000" "tcp[13] & 2 !=" "ip6 host 1.2.3.4"; do
	# tcpdump's message for the same expression, compiled for Ethernet
	# shellcheck disable=SC2086 # words, as on a command line
	want=$(tcpdump -r "$TRACE" -c 1 $expr 2>&1 >/dev/null | sed -n "s/^tcpdump: //p" | tail -1 || true)
	[[ -n $want ]] || tl_fail "tcpdump accepts '$expr': not a bad expression"
	rc=0
	# shellcheck disable=SC2086
	"$TCREC" record -i lo -w "$TMP/x.tclog" $expr 2>"$TMP/err" || rc=$?
	((rc == 2)) || tl_fail "'$expr': exit status $rc, expected 2"
	grep -qF -- "$want" "$TMP/err" || {
		cat "$TMP/err" >&2
		tl_fail "'$expr': libpcap's message '$want' not in tcrec's"
	}
	[[ ! -e $TMP/x.tclog ]] || tl_fail "'$expr': a log file was created"
	echo "'$expr': exit 2, $(head -1 "$TMP/err")"
	n=$((n + 1))
done
[[ $(hooks) == "$before" ]] || tl_fail "something was attached to lo"
echo "$n bad expressions refused"
