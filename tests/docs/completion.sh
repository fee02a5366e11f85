#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bash completion, called as bash calls it: bash_completion and
# completions/tcrec sourced, COMP_WORDS/COMP_CWORD/COMP_LINE/COMP_POINT set,
# _tcrec run, COMPREPLY checked.
#  - each command's option table equals the options its --help lists (both
#    ways: nothing missing, nothing that tcrec would refuse);
#  - commands after `tcrec `, options after `-`, -F/-Q values, interfaces
#    after -i (lo here; a veth in a namespace the test makes after --netns
#    NS -i), namespaces after --netns (one the test makes, and all), files
#    after -w and for captures.
#   completion.sh TCREC COMPLETION_SCRIPT
set -u
tcrec=$1 script=$2
here=$(cd "$(dirname "$0")" && pwd)
bc=/usr/share/bash-completion/bash_completion
[[ -r $bc ]] || { echo "SKIP: $bc not found (apt-get install bash-completion)"; exit 77; }
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# shellcheck source=/dev/null
. "$bc"
# shellcheck source=/dev/null
. "$script"
complete -p tcrec >/dev/null 2>&1 || { echo "FAIL: $script does not register a completion for tcrec"; exit 1; }

# complete LINE: COMPREPLY for the cursor at the end of LINE, and OFFERED,
# the same as a set. In this shell: no fork per case (the machine may be busy).
declare -A OFFERED
complete_line() {
	COMP_LINE=$1
	COMP_POINT=${#COMP_LINE}
	read -ra COMP_WORDS <<<"$COMP_LINE"
	[[ $COMP_LINE == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_tcrec tcrec "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	OFFERED=()
	local w
	for w in "${COMPREPLY[@]}"; do OFFERED[$w]=1; done
}
# expect LINE WORD...: every WORD is offered.
expect() {
	local line=$1 w
	shift
	complete_line "$line"
	for w in "$@"; do
		[[ -n ${OFFERED[$w]-} ]] || bad "'$line<TAB>' does not offer '$w' (offers: ${!OFFERED[*]})"
	done
}
# expect_only LINE WORD...: exactly these WORDs are offered.
expect_only() {
	local line=$1 w n=0
	shift
	complete_line "$line"
	for w in "$@"; do
		[[ -n ${OFFERED[$w]-} ]] && n=$((n + 1))
	done
	((n == $# && ${#OFFERED[@]} == $#)) || bad "'$line<TAB>' offers '${!OFFERED[*]}', expected '$*'"
}

cases=0
for cmd in record print stats export diff interfaces; do
	mapfile -t help < <("$tcrec" "$cmd" --help | awk -f "$here/help_options.awk")
	((${#help[@]})) || { bad "$cmd: no option read from --help"; continue; }
	read -ra table <<<"$(_tcrec_options "$cmd")"
	declare -A in_help=() in_table=()
	for o in "${help[@]}"; do in_help[$o]=1; done
	for o in "${table[@]}"; do in_table[$o]=1; done
	only_help="" only_table=""
	for o in "${help[@]}"; do [[ -n ${in_table[$o]-} ]] || only_help+="$o "; done
	for o in "${table[@]}"; do [[ -n ${in_help[$o]-} ]] || only_table+="$o "; done
	[[ -z $only_help ]] || bad "completion of '$cmd' lacks $only_help(listed by tcrec $cmd --help)"
	[[ -z $only_table ]] || bad "completion of '$cmd' offers $only_table(not in tcrec $cmd --help)"
	# every option of the table is offered after '-'
	expect "tcrec $cmd -" "${table[@]}"
	cases=$((cases + 1))
done

expect_only "tcrec " record print stats export diff interfaces -r -D -h --help -V --version
expect_only "tcrec re" record
expect_only "tcrec record --ne" --netns
expect_only "tcrec export -F " pcapng pcap tcrec
expect_only "tcrec record -F " tcrec pcapng pcap
expect_only "tcrec record -Q " in out inout
expect_only "tcrec record --attach t" tcx tc
expect "tcrec record -i " lo any
expect_only "tcrec record -c " # a number: nothing to offer
cases=$((cases + 9))

# files: -w, -o, captures, -r
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
touch "$W/a.tclog" "$W/b.pcapng"
expect "tcrec record -i lo -w $W/" "$W/a.tclog" "$W/b.pcapng"
expect "tcrec export -o $W/" "$W/a.tclog"
expect "tcrec print $W/" "$W/a.tclog" "$W/b.pcapng"
expect "tcrec -r $W/" "$W/a.tclog"
expect_only "tcrec export $W/a.tclog -o $W/b" "$W/b.pcapng"
expect_only "tcrec -r $W/a.tclog --j" --json
cases=$((cases + 6))

# namespaces and their interfaces: ours, made here, removed on exit
if [[ $(id -u) -ne 0 ]] || ! command -v ip >/dev/null; then
	echo "SKIP: the namespace cases need root and ip (iproute2)"
	[[ $fail -eq 0 ]] && exit 77
	exit 1
fi
ns=tcdoc$$
va=vdca$$ vb=vdcb$$
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$W"' EXIT
ip netns add "$ns" || { echo "FAIL: ip netns add $ns"; exit 1; }
ip -n "$ns" link add "$va" type veth peer name "$vb" || { echo "FAIL: veth in $ns"; exit 1; }
expect "tcrec record --netns " "$ns" all
expect_only "tcrec record --netns ${ns:0:8}" "$ns"
expect "tcrec interfaces --netns " "$ns" all
expect_only "tcrec record --netns $ns -i " lo "$va" "$vb" any
expect_only "tcrec record --netns $ns -i vdca" "$va"
cases=$((cases + 5))

[ "$fail" -eq 0 ] && echo "completion: $cases cases as expected, option tables equal to --help"
exit "$fail"
