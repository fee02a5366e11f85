# SPDX-License-Identifier: MIT
# Shared by the netns tests: root check, unique names, cleanup, waiting.
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (namespaces, setns)"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: no ip (iproute2)"; exit 77; }
ip -j link show lo >/dev/null 2>&1 || { echo "SKIP: ip has no -j"; exit 77; }
# the system interpreter: a shim on PATH may take seconds to start
py=/usr/bin/python3; [ -x "$py" ] || py=python3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sfx=$$
tmp=$(mktemp -d)
fail=0
bad() { echo "FAIL: $*"; fail=1; }
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^tcrecw${sfx}"); do
		ip netns del "$n" 2>/dev/null
	done
	for l in $(ip -o link 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep "^tw${sfx}"); do
		ip link del "$l" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ns_ino() { stat -L -c %i "$1"; }
# wait_for FILE REGEX [TENTHS]: until a line of FILE matches
wait_for() {
	local i
	for ((i = 0; i < ${3:-20} * 5; i++)); do
		grep -Eq "$2" "$1" && return 0
		sleep 0.02
	done
	return 1
}
# same_links EVENTS INO [NSNAME]: the driver's view equals ip's, retried
# while other tests on the machine change links
same_links() {
	local i a b
	for ((i = 0; i < 15; i++)); do
		a=$("$py" "$here/events.py" live "$1" "$2")
		b=$("$py" "$here/events.py" ip ${3:+"$3"})
		[ "$a" = "$b" ] && return 0
		sleep 0.2
	done
	echo "events say:"; echo "$a"; echo "ip says:"; echo "$b"
	return 1
}
