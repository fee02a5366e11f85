# SPDX-License-Identifier: MIT
# Shared helpers for tests that build throw-away network namespaces.
# Source it from a bash script that runs with `set -euo pipefail`:
#
#   . "$(dirname "$0")/../lib/netns.sh"
#   tl_require_root
#   tl_require_tools ip tcpdump
#   tl_netns_add "xy${$}a"
#   tl_veth_pair "xy${$}a" "xy${$}p" "xy${$}b" "xy${$}q" 9500
#
# Everything registered here (namespaces, background processes, mounts, temp
# dirs) is undone in reverse order when the script exits, even on failure,
# and the script's exit status is kept.

TL_SKIP=77
# The system's python3 (stdlib only), not whatever an environment put first.
TL_PYTHON=/usr/bin/python3
[[ -x $TL_PYTHON ]] || TL_PYTHON=python3
TL_CLEANUP=()
TL_PIDS=()

tl_skip() {
	echo "SKIP: $*" >&2
	exit "$TL_SKIP"
}

tl_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

tl_log() {
	echo "[$(date +%H:%M:%S.%N | cut -c1-12)] $*" >&2
}

tl__cleanup() {
	local rc=$?
	set +e
	local pid
	# Processes first: a process inside a namespace keeps it alive after
	# `ip netns del`.
	for pid in "${TL_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${TL_PIDS[@]}"; do
		tl_wait_exit "$pid" 5 || kill -KILL "$pid" 2>/dev/null
	done
	local i
	for ((i = ${#TL_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${TL_CLEANUP[$i]}" >/dev/null 2>&1
	done
	exit "$rc"
}
trap tl__cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# tl_on_exit CMD: run CMD (a shell string) at exit, last registered first.
tl_on_exit() {
	TL_CLEANUP+=("$1")
}

# tl_track_pid PID: terminate PID at exit if it is still running.
tl_track_pid() {
	TL_PIDS+=("$1")
}

tl_require_root() {
	[[ $(id -u) -eq 0 ]] || tl_skip "needs root (network namespaces, BPF)"
}

tl_require_tools() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || tl_skip "tool '$t' not installed"
	done
}

# The bpf() syscall works for us (not disabled, not refused by a sandbox).
tl_require_bpf() {
	command -v bpftool >/dev/null 2>&1 || tl_skip "tool 'bpftool' not installed"
	bpftool prog show >/dev/null 2>&1 || tl_skip "bpf() syscall not usable here"
}

# tl_tmpdir VAR: make a temp dir, removed at exit (kept when TL_KEEP_TMP is
# set, to look at a failure), and store its path in VAR.
tl_tmpdir() {
	local d
	d=$(mktemp -d "${TMPDIR:-/tmp}/tcrec-test.XXXXXX")
	if [[ -n ${TL_KEEP_TMP:-} ]]; then
		echo "keeping $d (TL_KEEP_TMP)" >&2
	else
		tl_on_exit "rm -rf '$d'"
	fi
	printf -v "$1" '%s' "$d"
}

# tl_netns_add NAME: a new namespace with lo up, deleted at exit.
tl_netns_add() {
	ip netns add "$1" || tl_skip "cannot create network namespace $1"
	tl_on_exit "ip netns del '$1'"
	ip -n "$1" link set lo up
}

# tl_in NS CMD...: run CMD inside namespace NS.
tl_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# tl_disable_ipv6 NS IF: no IPv6 on IF, so neighbour discovery and router
# solicitations never add packets to a comparison.
tl_disable_ipv6() {
	tl_in "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" 2>/dev/null || true
}

# tl_veth_pair NS_A IF_A NS_B IF_B [MTU]: a veth pair with IF_A in NS_A and
# IF_B in NS_B, both up, IPv6 off, MTU set on both ends (default 1500).
tl_veth_pair() {
	local nsa=$1 ifa=$2 nsb=$3 ifb=$4 mtu=${5:-1500}
	((${#ifa} <= 15 && ${#ifb} <= 15)) || tl_fail "interface name too long: $ifa / $ifb"
	ip link add "$ifa" netns "$nsa" type veth peer name "$ifb" netns "$nsb" ||
		tl_skip "cannot create veth pair $ifa/$ifb"
	local ns ifn ns_if
	for ns_if in "$nsa:$ifa" "$nsb:$ifb"; do
		ns=${ns_if%%:*}
		ifn=${ns_if#*:}
		tl_disable_ipv6 "$ns" "$ifn"
		ip -n "$ns" link set dev "$ifn" mtu "$mtu"
		ip -n "$ns" link set dev "$ifn" up
	done
	# A veth end reports carrier only once both ends are up.
	tl_wait_for 15 "veth $ifa up" tl__link_up "$nsa" "$ifa"
	tl_wait_for 15 "veth $ifb up" tl__link_up "$nsb" "$ifb"
}

tl__link_up() {
	ip -n "$1" link show dev "$2" | grep -q 'state UP'
}

# tl_ifindex NS IF: print the interface index.
tl_ifindex() {
	cat "/sys/class/net/$2/ifindex" 2>/dev/null && return 0
	tl_in "$1" cat "/sys/class/net/$2/ifindex"
}

# tl_wait_for SECONDS WHAT CMD...: poll CMD every 50 ms until it succeeds.
# Returns 1 (after saying what it waited for) on timeout.
tl_wait_for() {
	local secs=$1 what=$2
	shift 2
	local deadline=$((SECONDS + secs))
	while ! "$@" >/dev/null 2>&1; do
		if ((SECONDS >= deadline)); then
			echo "timeout after ${secs}s waiting for: $what" >&2
			return 1
		fi
		sleep 0.05
	done
	return 0
}

# tl_wait_exit PID SECONDS: wait until PID (not necessarily our child) is
# gone. Returns 1 on timeout.
tl_wait_exit() {
	local pid=$1 secs=$2
	local deadline=$((SECONDS + secs))
	while kill -0 "$pid" 2>/dev/null; do
		# A zombie child still answers kill -0 until reaped.
		[[ $(ps -o stat= -p "$pid" 2>/dev/null) == Z* ]] && return 0
		((SECONDS >= deadline)) && return 1
		sleep 0.05
	done
	return 0
}

# tl_mount_bpffs VAR: a private bpffs in a temp dir (for pinned links and
# maps), unmounted at exit; its path goes to VAR.
tl_mount_bpffs() {
	local d
	d=$(mktemp -d "${TMPDIR:-/tmp}/tcrec-bpffs.XXXXXX")
	mount -t bpf bpf "$d" || {
		rmdir "$d"
		tl_skip "cannot mount a bpf filesystem"
	}
	tl_on_exit "umount '$d'; rmdir '$d'"
	printf -v "$1" '%s' "$d"
}
