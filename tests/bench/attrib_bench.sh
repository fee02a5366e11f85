#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The cost of process attribution, side by side in one run: tcrec with
# attribution, tcrec --no-process (the baseline), tcpdump -s 128, no capture.
#
#   attrib_bench.sh BUILD [CORPUS_DIR]
#
# (1) Bytes per packet on disk. Live: iperf3 TCP, then HTTP (python3
#     http.server and a client making many small requests, a connection
#     each) over a veth pair between two namespaces of the bench's own. Both
#     recorders and tcpdump capture the server's end at the same time, so
#     they see the same packets and the difference is attribution alone;
#     HTTP once more at the client's end, where each request is a socket of
#     its own (accepted sockets carry their listener's owner).
#     Corpus: pcap2tclog with and without --sockets (owners without a kernel).
# (2) BPF cost per packet, ingress and egress: run_time_ns / run_cnt of
#     tcrec_ingress and tcrec_egress (kernel.bpf_stats_enabled, put back
#     after) during the live runs. Each live run is made twice with the
#     recorders started in swapped order: on a hook the second program finds
#     the packet in a cache the first one warmed.
# (3) Drops: the ingest bench's producer (bench_ingest, its rates) into each
#     recorder alone; a 60-byte UDP flood into each capturer alone and into
#     none; and the drops of the live runs.
# Prints one table on stdout; keeps the raw figures in $TCREC_BENCH_OUT
# (default: a temp dir, removed) as results.tsv and attrib.json.
# Exit 77 without root, BPF or a tool; 1 when a section measured nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/netns.sh"

build=${1:?usage: attrib_bench.sh BUILD [CORPUS_DIR]}
corpus=${2:-$build/corpus}
TCREC=$build/recorder/tcrec
secs=3          # live traffic per run
ingest_s=2      # per ingest rate
flood=500000    # packets per UDP flood
rates="500000 1000000 2000000 3000000 4000000 5000000 0" # as tests/bench/run.sh

tl_require_root
tl_require_bpf
tl_require_tools ip iperf3 tcpdump taskset
for b in "$TCREC" "$build/tests/bench_ingest" "$build/tests/pcap2tclog" \
	"$build/tests/udpflood" "$build/tests/tclog_dump"; do
	[[ -x $b ]] || tl_fail "$b: not built"
done
shopt -s nullglob
pcaps=("$corpus"/*.pcap)
((${#pcaps[@]})) || tl_fail "$corpus: no .pcap traces"
[[ $("$TCREC" record --help 2>&1) == *--no-process* ]] ||
	tl_fail "$TCREC: record has no --no-process, the baseline of this bench"

if [[ -n ${TCREC_BENCH_OUT:-} ]]; then
	out=$TCREC_BENCH_OUT
	mkdir -p "$out"
else
	tl_tmpdir out
fi
tmp=
tl_tmpdir tmp
res=$out/results.tsv
: >"$res"
put() { printf '%s\t%s\n' "$1" "$2" >>"$res"; }

old_stats=$(sysctl -n kernel.bpf_stats_enabled)
tl_on_exit "sysctl -qw kernel.bpf_stats_enabled=$old_stats"
sysctl -qw kernel.bpf_stats_enabled=1

tag=$$
nsa=atba$tag nsb=atbb$tag nsi=atbi$tag va=atva$tag vb=atvb$tag
tl_netns_add "$nsa"
tl_netns_add "$nsb"
tl_netns_add "$nsi"
tl_veth_pair "$nsa" "$va" "$nsb" "$vb"
ip -n "$nsa" addr add 10.79.0.1/24 dev "$va"
ip -n "$nsb" addr add 10.79.0.2/24 dev "$vb"

# ---- (1) corpus: bytes per packet with and without owners (as run.sh's size section)
put load.start "$(cut -d' ' -f1-3 /proc/loadavg)"
tl_log "corpus"
for p in "${pcaps[@]}"; do
	name=$(basename "$p" .pcap)
	n=$("$build/tests/pcap2tclog" --chunk 65536 "$p" "$tmp/plain.tclog")
	"$build/tests/pcap2tclog" --chunk 65536 --sockets --sockets-map "$tmp/map.json" "$p" \
		"$tmp/socks.tclog" >/dev/null
	put "corpus.$name" "$n $(stat -c %s "$tmp/socks.tclog") $(stat -c %s "$tmp/plain.tclog") $(wc -l <"$tmp/map.json")"
done

# ---- capturers on the server's end of the veth
# start_cap WHO [NS IF]: WHO is attr, noproc or tcpdump; sets cap_pid.
start_cap() {
	local who=$1 ns=${2:-$nsb} ifn=${3:-$vb}
	# tcrec never writes into an earlier run's file: a new name each time
	rm -f "$tmp/$who".*
	case $who in
	attr) ip netns exec "$ns" env --default-signal=INT "$TCREC" record -i "$ifn" \
		-w "$tmp/$who.tclog" 2>"$tmp/$who.err" & ;;
	noproc) ip netns exec "$ns" env --default-signal=INT "$TCREC" record -i "$ifn" \
		--no-process -w "$tmp/$who.tclog" 2>"$tmp/$who.err" & ;;
	tcpdump) ip netns exec "$ns" env --default-signal=INT tcpdump -i "$ifn" -s 128 -nn \
		-w "$tmp/$who.pcap" 2>"$tmp/$who.err" & ;;
	esac
	cap_pid=$!
	tl_track_pid "$cap_pid"
	tl_wait_for 20 "$who to start" grep -qE '^tcrec: recording |listening on' "$tmp/$who.err" ||
		tl_fail "$who did not start: $(head -c 300 "$tmp/$who.err")"
}

# stop_cap WHO PID: SIGINT, wait; sets cd to "CAPTURED DROPPED" from its summary.
stop_cap() {
	kill -INT "$2"
	wait "$2" || tl_fail "$1 exited $?: $(tail -n 5 "$tmp/$1.err")"
	case $1 in
	tcpdump) cd=$(awk '/packets? captured/ { c = $1 } /dropped by kernel/ { d = $1 } END { print c + 0, d + 0 }' "$tmp/$1.err") ;;
	*) cd=$(awk '/packets? captured/ { c = $1 } /dropped by the ring buffer/ { d = $1 } END { print c + 0, d + 0 }' "$tmp/$1.err") ;;
	esac
	[[ ${cd%% *} -gt 0 ]] || tl_fail "$1 captured no packet: $(tail -n 5 "$tmp/$1.err")"
}

# prog_stats PID: "NAME RUN_TIME_NS RUN_CNT" per BPF program PID holds.
prog_stats() {
	local id
	for id in $(awk '/^prog_id:/ { print $2 }' /proc/"$1"/fdinfo/* 2>/dev/null | sort -un); do
		bpftool prog show id "$id" --json 2>/dev/null && echo
	done | "$TL_PYTHON" -c 'import json, sys
for line in sys.stdin:
    if line.strip():
        j = json.loads(line)
        print(j.get("name", "?"), j.get("run_time_ns", 0), j.get("run_cnt", 0))'
}

# log_figures WHO: "PACKETS DISK_BYTES" of its output file.
log_figures() {
	if [[ $1 == tcpdump ]]; then
		echo "$(tcpdump -r "$tmp/tcpdump.pcap" -nn 2>/dev/null | wc -l) $(stat -c %s "$tmp/tcpdump.pcap")"
	else
		"$TCREC" stats "$tmp/$1.tclog" --json |
			"$TL_PYTHON" -c 'import json,sys; j = json.load(sys.stdin); print(j["packets"], j["disk_bytes"])'
	fi
}

# owned_figures: "ATTRIBUTED SOCKETS" of the attr log (records with a socket,
# distinct cookies), read at the format level, not through the readers.
owned_figures() {
	"$build/tests/tclog_dump" "$tmp/attr.tclog" | awk '
		/^rec / { if ($0 !~ / sock=-$/) { a++; match($0, /sock_cookie=[0-9]+/); c[substr($0, RSTART, RLENGTH)] = 1 } }
		END { print a + 0, length(c) }'
}

traffic_iperf3() {
	ip netns exec "$nsa" iperf3 -c 10.79.0.2 -t "$secs" >/dev/null
}

# HTTP/1.0: every request is a connection of its own, a socket of its own.
traffic_http() {
	ip netns exec "$nsa" "$TL_PYTHON" -c 'import sys, time, urllib.request
end, n = time.time() + float(sys.argv[1]), 0
while time.time() < end:
    urllib.request.urlopen("http://10.79.0.2:8080/small", timeout=5).read()
    n += 1
print(n)' "$secs" >"$tmp/http.count"
}

# The client's end: every connection is a socket of its own there, while
# the server's accepted sockets carry their listener's owner.
traffic_httpclient() {
	traffic_http
}

# live TRAFFIC RUN FIRST SECOND: both recorders (FIRST started first) and
# tcpdump on the same packets, at the server's end (the client's for
# httpclient).
live() {
	local traffic=$1 run=$2 who ns=$nsb ifn=$vb
	local -A pids
	[[ $traffic != httpclient ]] || ns=$nsa ifn=$va
	for who in "$3" "$4" tcpdump; do
		start_cap "$who" "$ns" "$ifn"
		pids[$who]=$cap_pid
	done
	sleep 0.5 # the seed of sockets opened before the recording
	"traffic_$traffic"
	sleep 0.3
	for who in attr noproc; do
		prog_stats "${pids[$who]}" | while read -r name t c; do
			put "bpf.$traffic.$run.$who.$name" "$t $c"
		done
	done
	for who in attr noproc tcpdump; do
		stop_cap "$who" "${pids[$who]}"
		put "live.$traffic.$run.$who" "$(log_figures "$who") $cd"
	done
	put "live.$traffic.$run.owned" "$(owned_figures)"
	tl_log "  $traffic run $run ($3 first): $(grep "^live.$traffic.$run" "$res" | cut -f2 | tr '\n' '|')"
}

# Servers start before the recorders: their listening sockets are seeded.
ip netns exec "$nsb" iperf3 -s -D -I "$tmp/iperf.pid" >/dev/null
mkdir -p "$tmp/www"
head -c 120 /dev/zero | tr '\0' x >"$tmp/www/small"
ip netns exec "$nsb" "$TL_PYTHON" -m http.server 8080 --bind 10.79.0.2 \
	--directory "$tmp/www" >/dev/null 2>&1 &
tl_track_pid $!
tl_wait_for 10 "iperf3 -s" test -s "$tmp/iperf.pid" || tl_fail "iperf3 -s did not start"
tl_track_pid "$(cat "$tmp/iperf.pid")"
tl_wait_for 10 "http.server" ip netns exec "$nsb" "$TL_PYTHON" -c \
	'import socket; socket.create_connection(("10.79.0.2", 8080), 1).close()' ||
	tl_fail "http.server did not start"

tl_log "live traffic, bytes on disk and BPF cost"
for traffic in iperf3 http httpclient; do
	for run in 0 1; do
		if ((run == 0)); then live "$traffic" $run attr noproc; else live "$traffic" $run noproc attr; fi
		[[ $traffic != http* ]] || put "$traffic.requests.$run" "$(cat "$tmp/http.count")"
	done
done

# ---- (3) drops at the ingest bench's rates: the producer on one CPU, both
# recorders on the other (as run.sh), waiting on their own ring buffers; at
# each rate the producer feeds one, then the other (first one, then the
# other first), so that both meet the same load from whatever else runs on
# the machine.
ncpu=$(nproc)
cpu_prod=0 cpu_rec=$((ncpu > 1 ? 1 : 0))
start_ingest() { # WHO -> sets ing_pid
	local args=()
	[[ $1 == noproc ]] && args=(--no-process)
	rm -f "$tmp/ing-$1.err" # or the wait below may see an earlier run's line
	ip netns exec "$nsi" env --default-signal=INT taskset -c $cpu_rec "$TCREC" record -i lo \
		"${args[@]}" -w "$tmp/ing-$1.tclog" 2>"$tmp/ing-$1.err" &
	ing_pid=$!
	tl_track_pid "$ing_pid"
	tl_wait_for 20 "recorder for ingest" grep -q '^tcrec: recording ' "$tmp/ing-$1.err" ||
		tl_fail "tcrec record -i lo did not start: $(head -c 300 "$tmp/ing-$1.err")"
}
tl_log "ingest rates"
declare -A ing
for who in attr noproc; do
	start_ingest $who
	ing[$who]=$ing_pid
done
sleep 1 # as run.sh: the first rate is not the recorders' start-up
order=(attr noproc)
for r in $rates; do
	order=("${order[1]}" "${order[0]}") # who goes first alternates
	for who in "${order[@]}"; do
		put "ingest.$who.$r" "$(ip netns exec "$nsi" "$build/tests/bench_ingest" -p "${ing[$who]}" \
			-r "$r" -t $ingest_s -R "$([[ $r == 0 ]] && echo 64 || echo 8)" -c $cpu_prod \
			"${pcaps[@]}")"
	done
done
for who in attr noproc; do
	kill -INT "${ing[$who]}"
	wait "${ing[$who]}" || tl_fail "tcrec record (ingest, $who) exited $?: $(tail -n 3 "$tmp/ing-$who.err")"
done

# A receiving socket, so that ingress packets have an owner to find; it
# never reads (the flood is dropped at its queue).
ip netns exec "$nsb" "$TL_PYTHON" -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.79.0.2", 9999))
time.sleep(3600)' &
tl_track_pid $!
tl_log "60-byte UDP flood: $flood packets"
for who in none attr noproc tcpdump; do
	cap_pid='' cd="0 0"
	[[ $who == none ]] || start_cap "$who"
	t0=$(date +%s%N)
	sent=$(ip netns exec "$nsa" timeout 60 "$build/tests/udpflood" -d 10.79.0.2 -n $flood \
		-s 18 -b 64) || tl_fail "udpflood did not finish in 60 s"
	t1=$(date +%s%N)
	sleep 0.3
	[[ -z $cap_pid ]] || stop_cap "$who" "$cap_pid"
	put "flood.$who" "$sent $(((t1 - t0) / 1000)) $cd"
done

put load.end "$(cut -d' ' -f1-3 /proc/loadavg)"
"$TL_PYTHON" "$here/attrib_report.py" "$res" "$out/attrib.json"
