#!/bin/bash
# SPDX-License-Identifier: MIT
# Bad input: each case exits with the documented status (2 usage, 1 runtime),
# says what is at fault, and leaves nothing attached to the interface.
#
#   cli_bad_input.sh TCREC HOOKCTL
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# >= 2)) || tl_fail "usage: cli_bad_input.sh TCREC HOOKCTL"
TCREC=$1 HOOKCTL=$2

tl_require_root
tl_require_tools ip tc setpriv timeout
tl_require_bpf
[[ -x $TCREC && -x $HOOKCTL ]] || tl_fail "binaries not found: $TCREC $HOOKCTL"

ns=e2c$$ ifn=e2d$$ peer=e2e$$ missing=e2nosuch$$
tl_netns_add "$ns"
# A veth pair inside one namespace (the dummy driver is not always there).
tl_veth_pair "$ns" "$ifn" "$ns" "$peer"
tl_tmpdir tmp
# The unprivileged user must be able to write its output file, so that the
# only thing it lacks is capabilities.
chmod 0777 "$tmp"

rc=0 cases=0
fail() {
	echo "FAIL: $*" >&2
	rc=1
}

# nothing_attached: no tcx program, no clsact filter, no clsact qdisc left.
nothing_attached() {
	local what
	what=$(tc_hook_state "$ns" "$ifn" ingress "$HOOKCTL"; tc_hook_state "$ns" "$ifn" egress "$HOOKCTL")
	if [[ -n $what ]]; then
		echo "$what"
		return 1
	fi
	if tc -n "$ns" qdisc show dev "$ifn" | grep -q clsact; then
		echo "clsact qdisc"
		return 1
	fi
}

# expect STATUS REGEX [--as-nobody] -- ARGS...: run tcrec ARGS inside the
# namespace; it must exit STATUS with stderr matching REGEX (extended,
# case-insensitive), and leave nothing attached.
expect() {
	local want=$1 regex=$2
	shift 2
	local prefix=()
	if [[ $1 == --as-nobody ]]; then
		prefix=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
		shift
	fi
	[[ $1 == -- ]] && shift
	local got=0
	cases=$((cases + 1))
	timeout 20 ip netns exec "$ns" "${prefix[@]}" "$TCREC" "$@" >"$tmp/out" 2>"$tmp/err" || got=$?
	local first
	first=$(head -n 1 "$tmp/err")
	if ((got != want)); then
		fail "tcrec $* exited $got, expected $want (stderr: $(head -c 300 "$tmp/err"))"
	elif ! grep -qiE -- "$regex" "$tmp/err"; then
		fail "tcrec $*: stderr does not name /$regex/: '$(head -c 300 "$tmp/err")'"
	else
		echo "ok: tcrec $* -> $got: $first"
	fi
	local left
	if ! left=$(nothing_attached); then
		fail "after tcrec $*: left attached: $left"
		# Start the next case clean so one leak is reported once.
		tc -n "$ns" qdisc del dev "$ifn" clsact 2>/dev/null || true
	fi
}

out=$tmp/out.tclog
expect 1 "$missing" -- record -i "$missing" -w "$out"
expect 2 'abc' -- record -i "$ifn" -w "$out" -s abc
expect 2 '(-c|-1)' -- record -i "$ifn" -w "$out" -c -1
expect 2 'duration' -- record -i "$ifn" -w "$out" --duration x
expect 2 'attach|bogus' -- record -i "$ifn" -w "$out" --attach bogus
expect 2 'no-such-option' -- record -i "$ifn" -w "$out" --no-such-option
expect 2 '(-w|output|file)' -- record -i "$ifn"
expect 2 '(-i|interface)' -- record -w "$out"
expect 2 'record|usage' -- record
expect 1 "/nonexistent-e2$$/out.tclog" -- record -i "$ifn" -w "/nonexistent-e2$$/out.tclog"
expect 1 "$tmp" -- record -i "$ifn" -w "$tmp"
expect 1 'CAP_BPF.*CAP_NET_ADMIN|CAP_NET_ADMIN.*CAP_BPF' --as-nobody -- \
	record -i "$ifn" -w "$tmp/nobody.tclog"
expect 1 "$tmp/missing.tclog" -- print "$tmp/missing.tclog"
expect 1 "$tmp/missing.tclog" -- print "$tmp/missing.tclog" --json
expect 1 "$tmp/missing.tclog" -- stats "$tmp/missing.tclog"
# A failure half-way through attaching: the peer's egress hook already has
# someone else's filter at the handle/priority tcrec uses in tc mode, so
# tcrec must refuse after attaching its other hooks, and take those off again.
tl_mount_bpffs pins
slot=0x7463
tl_in "$ns" "$HOOKCTL" attach tc "$peer" egress "$pins" "$slot" ||
	tl_fail "cannot put the foreign filter on $peer egress"
foreign=$(tc_hook_state "$ns" "$peer" egress "$HOOKCTL")
expect 1 "($peer|$slot|handle)" -- record -i "$ifn" -i "$peer" -w "$out" --attach tc
[[ -z $(tc_hook_state "$ns" "$peer" ingress "$HOOKCTL") ]] ||
	fail "tcrec left a filter on $peer ingress after refusing $peer egress"
[[ $(tc_hook_state "$ns" "$peer" egress "$HOOKCTL") == "$foreign" ]] ||
	fail "the foreign filter on $peer egress changed: '$(tc_hook_state "$ns" "$peer" egress "$HOOKCTL")'"
tc -n "$ns" qdisc show dev "$peer" | grep -q clsact ||
	fail "the clsact qdisc on $peer (not tcrec's) was deleted"

printf 'this is not a capture\n%.0s' {1..20} >"$tmp/junk.tclog"
expect 1 "$tmp/junk.tclog" -- print "$tmp/junk.tclog"
expect 1 "$tmp/junk.tclog" -- stats "$tmp/junk.tclog"

echo "$cases cases, $([[ $rc == 0 ]] && echo "all as expected" || echo "some failed")"
exit "$rc"
