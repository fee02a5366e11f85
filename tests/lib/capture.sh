# SPDX-License-Identifier: MIT
# Start and stop the two recorders of a test (tcpdump, the oracle, and tcrec)
# inside a namespace, waiting for each to be really attached instead of
# sleeping. Source after netns.sh; set TCREC to the tcrec binary.
#
# Background jobs of a non-interactive shell start with SIGINT ignored; both
# recorders are started with it back to the default so that SIGINT stops them
# as Ctrl-C would. They are started with `ip netns exec` directly, not through
# a shell function, so that $! is the recorder itself and not a subshell.

. "$(dirname "${BASH_SOURCE[0]}")/leftover.sh"

# tc_hook_state NS IF DIR [HOOKCTL]: what is on one TC hook, one line per
# program or filter: tcx programs (when HOOKCTL, tests/e2e's hookctl, is
# given) and clsact filters. Program ids are kept so that a replaced filter
# shows as a change.
tc_hook_state() {
	local ns=$1 ifn=$2 dir=$3 hookctl=${4:-}
	if [[ -n $hookctl ]]; then
		tl_in "$ns" "$hookctl" query "$ifn" "$dir" 2>/dev/null | sed 's/^/tcx /' || true
	fi
	# tc prints a header line per priority, then one line per filter (with
	# its handle): keep the filters.
	tc -n "$ns" filter show dev "$ifn" "$dir" 2>/dev/null | grep '^filter.* handle ' |
		sed 's/^/tc /' || true
}

# tcpdump_start VAR NS IF PCAP [TCPDUMP ARGS...]: tcpdump writing PCAP with
# nanosecond timestamps; returns once it says "listening on". The pid goes to
# VAR, its stderr to PCAP.err.
tcpdump_start() {
	local var=$1 ns=$2 ifn=$3 pcap=$4
	shift 4
	ip netns exec "$ns" env --default-signal=INT tcpdump -i "$ifn" -n -U --immediate-mode \
		-B 65536 --time-stamp-precision=nano -w "$pcap" "$@" 2>"$pcap.err" &
	local pid=$!
	tl_track_pid "$pid"
	printf -v "$var" '%s' "$pid"
	if ! tl_wait_for 20 "tcpdump listening on $ifn" grep -q 'listening on' "$pcap.err"; then
		cat "$pcap.err" >&2
		tl_fail "tcpdump did not start on $ifn"
	fi
}

# tcpdump_stop PID PCAP: stop it and print how many packets the kernel
# dropped before tcpdump read them (0 when the oracle is complete). Usually
# called in $(...), a subshell that cannot `wait`: poll for the exit instead.
tcpdump_stop() {
	local pid=$1 pcap=$2
	kill -INT "$pid" 2>/dev/null || true
	tl_wait_exit "$pid" 20 || tl_fail "tcpdump still running 20s after SIGINT"
	local drops
	drops=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$pcap.err")
	echo "${drops:-0}"
}

# pcap_count PCAP: packets in a (possibly still growing) pcap file.
pcap_count() {
	tcpdump -r "$1" -n -q 2>/dev/null | wc -l
}

# pcap_has_at_least PCAP N
pcap_has_at_least() {
	(($(pcap_count "$1") >= $2))
}

# tcrec_start VAR NS IF LOG HOOKCTL [RECORD ARGS...]: tcrec record on IF in
# NS; returns once both the ingress and the egress hook have a program or
# filter they did not have before (a replaced stale filter counts: its id
# changes). The pid goes to VAR, stdout/stderr to LOG.out / LOG.err, the
# time it was seen attached to TCREC_T_READY.
tcrec_start() {
	local var=$1 ns=$2 ifn=$3 log=$4 hookctl=$5
	shift 5
	local before_in before_out rc
	before_in=$(tc_hook_state "$ns" "$ifn" ingress "$hookctl")
	before_out=$(tc_hook_state "$ns" "$ifn" egress "$hookctl")
	ip netns exec "$ns" env --default-signal=INT "$TCREC" record -i "$ifn" -w "$log" -v "$@" >"$log.out" 2>"$log.err" &
	local pid=$!
	# what tcrec_stop checks for hooks left behind
	TCREC_LAST_NS=$ns TCREC_LAST_IF=$ifn TCREC_LAST_HOOKCTL=$hookctl
	tl_track_pid "$pid"
	printf -v "$var" '%s' "$pid"
	# Loading the capture program takes seconds on a busy machine.
	local deadline=$((SECONDS + 60))
	while :; do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" && rc=0 || rc=$?
			echo "--- tcrec stderr:" >&2
			cat "$log.err" >&2
			tl_fail "tcrec exited ($rc) before attaching to $ifn"
		fi
		if tcrec__attached "$ns" "$ifn" ingress "$hookctl" "$before_in" &&
			tcrec__attached "$ns" "$ifn" egress "$hookctl" "$before_out"; then
			TCREC_T_READY=$(date +%s%N)
			return 0
		fi
		if ((SECONDS >= deadline)); then
			cat "$log.err" >&2
			tl_fail "tcrec not attached to $ifn after 60s"
		fi
		sleep 0.05
	done
}

tcrec__attached() {
	local now
	now=$(tc_hook_state "$1" "$2" "$3" "$4")
	[[ $now != "$5" ]] &&
		(($(grep -c . <<<"$now") >= $(grep -c . <<<"$5")))
}

# tcrec_stop PID LOG: SIGINT, then wait for a clean exit (status 0).
# TCREC_T_READY..TCREC_T_STOP (wall-clock ns) is a window in which tcrec was
# surely attached: a packet inside it must be in both captures.
tcrec_stop() {
	local pid=$1 log=$2 rc
	TCREC_T_STOP=$(date +%s%N)
	kill -INT "$pid" 2>/dev/null || true
	if ! tl_wait_exit "$pid" 20; then
		cat "$log.err" >&2
		tl_fail "tcrec still running 20s after SIGINT"
	fi
	wait "$pid" && rc=0 || rc=$?
	if ((rc != 0)); then
		echo "--- tcrec stderr:" >&2
		cat "$log.err" >&2
		tl_fail "tcrec exited with status $rc after SIGINT (expected 0)"
	fi
	# Nothing of tcrec's may stay on the interface it recorded (a test's
	# own clsact qdisc is the test's business).
	if [[ -n ${TCREC_LAST_HOOKCTL:-} ]]; then
		TL_LEFTOVER_OWN_QDISC="$TCREC_LAST_NS/$TCREC_LAST_IF ${TL_LEFTOVER_OWN_QDISC:-}" \
			tl_leftover_check "$TCREC_LAST_HOOKCTL" "netns:$TCREC_LAST_NS:$TCREC_LAST_IF"
	fi
}
