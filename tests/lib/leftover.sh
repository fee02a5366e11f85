# SPDX-License-Identifier: MIT
# After a network test: nothing of tcrec's may stay on a TC hook. Source after
# netns.sh, stop the recorders, then call tl_leftover_check before the
# namespaces go away:
#
#   tl_leftover_check HOOKCTL SPEC...
#
# HOOKCTL is tests/e2e's hookctl (it lists the tcx programs of a hook;
# bpftool 7.1 cannot). Each SPEC names a namespace and, optionally, which of
# its interfaces to look at (default: all of them):
#   netns:NAME[:IF,IF...]   an `ip netns` namespace
#   pid:PID[:IF,IF...]      the namespace of a process (a container)
#   self:IF[,IF...]         interfaces the test made in its own namespace
#                           (other people's recorders may be at work on the
#                           rest of it)
# A tcrec program (tcrec_*) on a tcx hook or in a clsact filter is left over
# when no process holds it any more: a live recorder (someone else's
# --netns all, say) holds its programs open, a forgotten filter or pinned
# link does not. In namespaces the test made (netns:, pid:) a clsact qdisc
# left behind counts too, unless TL_LEFTOVER_OWN_QDISC names the interface
# ("NS/IF ...": the test made that qdisc itself).
# Fails the test (exit 1) with one line per leftover; returns 0 when clean.

# tl__in_spec KIND ID CMD...: run CMD in the spec's namespace.
tl__in_spec() {
	local kind=$1 id=$2
	shift 2
	case $kind in
	netns) ip netns exec "$id" "$@" ;;
	pid) nsenter -t "$id" -n "$@" ;;
	self) "$@" ;;
	esac
}

# tl__prog_held ID: 0 when a process holds program ID open, by a program or
# link descriptor (bpftool here shows no pids; fdinfo does).
tl__prog_held() {
	grep -qsE "^prog_id:[[:space:]]*$1\$" /proc/[0-9]*/fdinfo/* 2>/dev/null
}

# tl__prog_name ID: the program's name ("" when it is gone).
tl__prog_name() {
	bpftool -j prog show id "$1" 2>/dev/null |
		"$TL_PYTHON" -c 'import json,sys
try: print(json.load(sys.stdin).get("name", ""))
except ValueError: print("")'
}

# tl__leftover_iface HOOKCTL KIND ID IF: print one line per leftover.
tl__leftover_iface() {
	local hookctl=$1 kind=$2 id=$3 ifn=$4 dir line prog
	for dir in ingress egress; do
		# tcx: "ID NAME" per program.
		while read -r prog _; do
			[[ $prog =~ ^[0-9]+$ ]] || continue
			[[ $(tl__prog_name "$prog") == tcrec_* ]] || continue
			tl__prog_held "$prog" ||
				echo "$kind:$id $ifn $dir: tcx program $prog ($(tl__prog_name "$prog")) left attached, held by no process"
		done < <(tl__in_spec "$kind" "$id" "$hookctl" query "$ifn" "$dir" 2>/dev/null || true)
		# clsact: tc names the program and its id on the filter line.
		while read -r line; do
			[[ $line == *tcrec_* ]] || continue
			prog=$(sed -n 's/.* id \([0-9]*\).*/\1/p' <<<"$line")
			if [[ -z $prog ]] || ! tl__prog_held "$prog"; then
				echo "$kind:$id $ifn $dir: clsact filter left: $line"
			fi
		done < <(tl__in_spec "$kind" "$id" tc filter show dev "$ifn" "$dir" 2>/dev/null || true)
	done
	if [[ $kind != self ]] &&
		tl__in_spec "$kind" "$id" tc qdisc show dev "$ifn" 2>/dev/null | grep -q '^qdisc clsact'; then
		local own=" ${TL_LEFTOVER_OWN_QDISC:-} "
		if [[ $own != *" $id/$ifn "* ]] &&
			! tl__in_spec "$kind" "$id" tc filter show dev "$ifn" ingress 2>/dev/null | grep -q . &&
			! tl__in_spec "$kind" "$id" tc filter show dev "$ifn" egress 2>/dev/null | grep -q .; then
			echo "$kind:$id $ifn: empty clsact qdisc left behind"
		fi
	fi
}

tl_leftover_check() {
	local hookctl=$1 spec kind id ifs ifn found=""
	shift
	[[ -x $hookctl ]] || tl_fail "leftover check: hookctl '$hookctl' not built"
	for spec in "$@"; do
		kind=${spec%%:*}
		id=${spec#*:}
		ifs=""
		if [[ $kind == self ]]; then
			ifs=${id//,/ }
			id=self
		elif [[ $id == *:* ]]; then
			ifs=${id#*:}
			ifs=${ifs//,/ }
			id=${id%%:*}
		fi
		if [[ -z $ifs ]]; then
			ifs=$(tl__in_spec "$kind" "$id" ip -o link show 2>/dev/null |
				sed -n 's/^[0-9]*: \([^:@]*\)[:@].*/\1/p')
		fi
		for ifn in $ifs; do
			found+=$(tl__leftover_iface "$hookctl" "$kind" "$id" "$ifn")
			[[ -z $found || $found == *$'\n' ]] || found+=$'\n'
		done
	done
	if [[ -n $found ]]; then
		printf 'LEFTOVER: %s' "$found" >&2
		tl_fail "tcrec left hooks behind (see LEFTOVER lines)"
	fi
	return 0
}
