#!/bin/bash
# Live pcapng/pcap output of `tcrec record`, through a veth pair:
#  1. `tcrec record -w - | tcpdump -r - -c 100` ends by itself once tcpdump
#     has its 100 packets, even with no traffic after them: tcpdump prints
#     100 packets, tcrec prints its summary, both exit 0, no hook is left.
#  2. -w - into a file via cat: the packets are there within 2 s while
#     tcrec still runs (flushed every second).
#  3. -F pcap / -F pcapng -s 128 write a file that tcpdump reads and whose
#     packets read in tshark as tcpdump's own capture of them does, for
#     everything a record holds but the time (record_view.py).
#   stream.sh TCREC HOOKCTL TRACE
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"
. "$here/fields.sh"

(($# == 3)) || tl_fail "usage: stream.sh TCREC HOOKCTL TRACE"
TCREC=$1 HOOKCTL=$2 trace=$3
tl_require_root
tl_require_tools ip tc tcpdump tshark tcpreplay capinfos editcap python3
tl_require_bpf
[[ -r $trace ]] || tl_fail "trace not readable: $trace"

ns_s=exs$$ ns_r=exr$$ if_s=exa$$ if_r=exb$$
tl_netns_add "$ns_s"
tl_netns_add "$ns_r"
tl_veth_pair "$ns_s" "$if_s" "$ns_r" "$if_r" 9500
tl_tmpdir tmp
fail=0

# stream_start CMD...: "tcrec record -i IF -w - | CMD" in the receiving
# namespace, through a FIFO so that both pids are known (rec_pid,
# reader_pid); returns once tcrec's hooks are attached.
stream_start() {
	local before_in before_out
	before_in=$(tc_hook_state "$ns_r" "$if_r" ingress "$HOOKCTL")
	before_out=$(tc_hook_state "$ns_r" "$if_r" egress "$HOOKCTL")
	rm -f "$tmp/fifo"
	mkfifo "$tmp/fifo"
	"$@" <"$tmp/fifo" &
	reader_pid=$!
	tl_track_pid "$reader_pid"
	ip netns exec "$ns_r" env --default-signal=INT "$TCREC" record -i "$if_r" -w - \
		>"$tmp/fifo" 2>"$tmp/rec.err" &
	rec_pid=$!
	tl_track_pid "$rec_pid"
	local deadline=$((SECONDS + 20))
	until tcrec__attached "$ns_r" "$if_r" ingress "$HOOKCTL" "$before_in" &&
		tcrec__attached "$ns_r" "$if_r" egress "$HOOKCTL" "$before_out"; do
		if ((SECONDS >= deadline)) || ! kill -0 "$rec_pid" 2>/dev/null; then
			cat "$tmp/rec.err" >&2
			tl_fail "tcrec -w - did not attach"
		fi
		sleep 0.05
	done
}

# exit_status VAR PID: PID's exit status once it has ended (within 10 s),
# else "running", into VAR (not through $(...): a subshell cannot wait).
exit_status() {
	local rc=running
	if tl_wait_exit "$2" 10; then
		rc=0
		wait "$2" || rc=$?
	fi
	printf -v "$1" '%s' "$rc"
}

# 1. tcpdump -c 100 closes the pipe; 150 packets are sent, then nothing.
stream_start tcpdump -nn -r - -c 100 >"$tmp/dump.txt" 2>"$tmp/dump.err"
tl_in "$ns_s" tcpreplay -i "$if_s" --pps=2000 --limit=150 "$trace" >/dev/null 2>&1
exit_status rec_rc "$rec_pid"
exit_status dump_rc "$reader_pid"
if [[ $rec_rc != running ]]; then
	n=$(grep -c '^[0-9]' "$tmp/dump.txt" || true)
	status="$rec_rc $dump_rc"
	summary=$(grep -c 'packets captured' "$tmp/rec.err" || true)
	left=$({ tc_hook_state "$ns_r" "$if_r" ingress "$HOOKCTL"; tc_hook_state "$ns_r" "$if_r" egress "$HOOKCTL"; } | grep -c . || true)
	echo "-w - | tcpdump -c 100: tcpdump printed $n packets; exit statuses (tcrec tcpdump): $status; summary lines: $summary; hooks left: $left"
	[[ $n == 100 && $status == "0 0" && $summary == 1 && $left == 0 ]] || { cat "$tmp/rec.err" "$tmp/dump.err" >&2; fail=1; }
else
	echo "-w - | tcpdump -c 100: tcrec did not stop after tcpdump exited" >&2
	cat "$tmp/rec.err" >&2
	fail=1
	kill -INT "$rec_pid" 2>/dev/null || true
fi

# 2. Flushed every second: packets readable while tcrec runs.
stream_start cat >"$tmp/live.pcapng"
tl_in "$ns_s" tcpreplay -i "$if_s" --pps=2000 --limit=50 "$trace" >/dev/null 2>&1
sleep 2
live=$(tcpdump -nn -r "$tmp/live.pcapng" 2>/dev/null | grep -c '^[0-9]' || true)
running=no
kill -0 "$rec_pid" 2>/dev/null && running=yes
echo "-w - | cat: $live of 50 packets readable 2 s after sending; tcrec still running: $running"
((live == 50)) && [[ $running == yes ]] || fail=1
kill -INT "$rec_pid"
exit_status rec_rc "$rec_pid"
exit_status dump_rc "$reader_pid"
status="$rec_rc $dump_rc"
echo "  exit statuses after SIGINT (tcrec cat): $status"
[[ $status == "0 0" ]] || fail=1

# 3. -F pcap and -F pcapng -s 128 against tcpdump.
tcpdump_start dump_pid "$ns_r" "$if_r" "$tmp/oracle.pcap"
tcrec_start rec_a "$ns_r" "$if_r" "$tmp/rec.pcap" "$HOOKCTL" -F pcap
tcrec_start rec_b "$ns_r" "$if_r" "$tmp/rec.pcapng" "$HOOKCTL" -F pcapng -s 128
tl_in "$ns_s" tcpreplay -i "$if_s" --pps=5000 "$trace" >/dev/null 2>&1
sent=$(capinfos -c -M "$trace" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }')
tl_wait_for 15 "tcpdump to write $sent packets" pcap_has_at_least "$tmp/oracle.pcap" "$sent" || true
tcrec_stop "$rec_a" "$tmp/rec.pcap"
tcrec_stop "$rec_b" "$tmp/rec.pcapng"
dump_drops=$(tcpdump_stop "$dump_pid" "$tmp/oracle.pcap")
((dump_drops == 0)) || tl_fail "tcpdump dropped $dump_drops packets: no complete oracle"
record_view --no-time "$tmp/oracle.pcap" >"$tmp/want" || tl_fail "no record view of tcpdump's capture"
for f in rec.pcap rec.pcapng; do
	record_view --no-time "$tmp/$f" >"$tmp/got" || tl_fail "no record view of $f"
	n=$(tcpdump -nn -r "$tmp/$f" 2>/dev/null | grep -c '^[0-9]' || true)
	eq=$(count_equal "$tmp/want" "$tmp/got")
	echo "-F ${f#rec.}: tcpdump reads $n packets; $eq/$(wc -l <"$tmp/want") reading as in tcpdump's capture"
	[[ $n == "$(wc -l <"$tmp/want")" && $eq == "$n" ]] || fail=1
done
# The live pcapng ends with the recorder's counters for the interface.
isb=$(python3 "$here/pcapng_isb.py" "$tmp/rec.pcapng")
n=$(tshark -r "$tmp/rec.pcapng" 2>/dev/null | wc -l)
echo "-F pcapng statistics block: $isb ($n packets in the file)"
[[ $isb == *" usrdeliv=$n"* && $isb == *" osdrop=0 "* ]] || fail=1
editcap -s 128 "$tmp/oracle.pcap" "$tmp/cut.pcap"
if cmp -s <(tcpdump -nn -t -x -r "$tmp/cut.pcap" 2>/dev/null) <(tcpdump -nn -t -x -r "$tmp/rec.pcapng" 2>/dev/null); then
	echo "-F pcapng -s 128: bytes identical to tcpdump's capture cut at 128"
else
	echo "-F pcapng -s 128: bytes differ" >&2
	fail=1
fi
exit $fail
