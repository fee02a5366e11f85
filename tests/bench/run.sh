#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The tcrec benchmark: ingest, capture tax, small packets, size on disk,
# export/print speed and BPF program cost, measured in one run side by side
# with tcpdump. Prints a markdown table, writes OUT/bench.json.
#
#   tests/bench/run.sh [--quick|--smoke] [--build DIR] [--traces DIR] [--out DIR]
#     --quick   fewer repetitions and shorter runs (2 x 3 s capture tax)
#     --smoke   a few seconds in all: checks that every section still runs
# Needs root (namespaces, BPF), iperf3, tcpdump, editcap, mergecap, zstd,
# python3. Exit 77 when one is missing, 1 when a section fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mode=full build=$here/../../build traces= out=
while [ $# -gt 0 ]; do
	case $1 in
	--quick) mode=quick ;;
	--smoke) mode=smoke ;;
	--build) build=$2; shift ;;
	--traces) traces=$2; shift ;;
	--out) out=$2; shift ;;
	*) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
case $mode in
full) reps=5 secs=10 flood=3000000 ingest_s=3 trace_copies=40 bpf_repeat=200 ;;
quick) reps=2 secs=3 flood=1000000 ingest_s=2 trace_copies=10 bpf_repeat=100 ;;
smoke) reps=1 secs=1 flood=100000 ingest_s=0.5 trace_copies=1 bpf_repeat=5 ;;
esac
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (namespaces, BPF)" >&2; exit 77; }
for t in iperf3 tcpdump capinfos editcap mergecap zstd python3 nft taskset; do
	command -v $t >/dev/null || { echo "run.sh: $t not installed" >&2; exit 77; }
done
tcrec=$build/recorder/tcrec
for b in "$tcrec" "$build/tests/bench_ingest" "$build/tests/pcap2tclog" \
	"$build/tests/testrun_trace" "$build/tests/udpflood"; do
	[ -x "$b" ] || { echo "run.sh: $b: not built" >&2; exit 1; }
done
traces=${traces:-$build/corpus}
shopt -s nullglob
pcaps=("$traces"/*.pcap)
[ ${#pcaps[@]} -gt 0 ] || { echo "run.sh: $traces: no .pcap traces" >&2; exit 1; }
out=${out:-$(mktemp -d /tmp/tcrec-bench.XXXXXX)}
mkdir -p "$out"
res=$out/results.tsv
: >"$res"
work=$(mktemp -d /tmp/tcrec-bench-work.XXXXXX)
nsa=pfa$$ nsb=pfb$$ nsi=pfi$$ va=pfva$$ vb=pfvb$$
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	ip netns del $nsa 2>/dev/null || true
	ip netns del $nsb 2>/dev/null || true
	ip netns del $nsi 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
put() { printf '%s\t%s\n' "$1" "$2" >>"$res"; }
log() { echo "[bench] $*" >&2; }
ncpu=$(nproc)
cpu_prod=0 cpu_rec=$((ncpu > 1 ? 1 : 0))

# ---- (4) size on disk ----
log "size on disk"
for p in "${pcaps[@]}"; do
	name=$(basename "$p" .pcap)
	n=$("$build/tests/pcap2tclog" --chunk 65536 "$p" "$work/m.tclog")
	"$build/tests/pcap2tclog" --chunk 65536 -s 128 "$p" "$work/s.tclog" >/dev/null
	editcap -s 128 "$p" "$work/s.pcap"
	put "size.$name.packets" "$n"
	put "size.$name.tcrec_meta" "$(stat -c %s "$work/m.tclog")"
	put "size.$name.tcrec_s128" "$(stat -c %s "$work/s.tclog")"
	put "size.$name.pcap_s128" "$(stat -c %s "$work/s.pcap")"
	put "size.$name.pcap_s128_zstd3" "$(zstd -q -3 -c "$work/s.pcap" | wc -c)"
	put "size.$name.pcap_s128_zstd19" "$(zstd -q -19 -c "$work/s.pcap" | wc -c)"
done

# ---- (5) export and print speed ----
log "export and print"
big=("${pcaps[@]}")
for ((i = 1; i < trace_copies; i++)); do big+=("${pcaps[@]}"); done
mergecap -F pcap -a -w "$work/big.pcap" "${big[@]}"
"$build/tests/pcap2tclog" --chunk 65536 "$work/big.pcap" "$work/big.tclog" >/dev/null
nbig=$("$tcrec" stats "$work/big.tclog" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["packets"])')
t0=$(date +%s.%N)
"$tcrec" export "$work/big.tclog" -o "$work/big.pcapng" 2>/dev/null
t1=$(date +%s.%N)
"$tcrec" print "$work/big.tclog" >/dev/null
t2=$(date +%s.%N)
nexp=$(capinfos -M -c "$work/big.pcapng" | awk '/Number of packets/ { print $NF }')
[ "$nexp" = "$nbig" ] || { echo "run.sh: export wrote $nexp packets of $nbig" >&2; exit 1; }
put export.packets "$nbig"
put export.seconds "$(echo "$t1 - $t0" | bc -l)"
put print.seconds "$(echo "$t2 - $t1" | bc -l)"

# ---- (6) BPF program cost from BPF_PROG_TEST_RUN ----
log "BPF program cost (test run)"
for p in "${pcaps[@]}"; do
	name=$(basename "$p" .pcap)
	for s in 0 128; do
		args=()
		[ $s = 0 ] || args=(-s $s)
		line=$("$build/tests/testrun_trace" -b "$bpf_repeat" "${args[@]}" "$p" 2>/dev/null |
			awk -F'\t' '$1 == "#bench" { sub("packets=", "", $4); sub("avg_ns=", "", $6); print $4, $6 }')
		[ -n "$line" ] || { echo "run.sh: testrun_trace failed on $p" >&2; exit 1; }
		read -r pk ns <<<"$line"
		put "bpf.$name.s$s.packets" "$pk"
		put "bpf.$name.s$s.avg_ns" "$ns"
	done
done

# ---- (1) ingest: test-run producer on one CPU, tcrec on the other ----
ingest() { # snaplen label
	local snap=$1 label=$2 args=() pid r line
	[ "$snap" = 0 ] || args=(-s "$snap")
	ip netns exec $nsi taskset -c $cpu_rec "$tcrec" record -i lo -w "$work/ing.tclog" "${args[@]}" \
		2>"$work/ing.err" &
	pid=$!
	pids+=("$pid")
	sleep 1
	for r in 500000 1000000 2000000 3000000 4000000 5000000 0; do
		[ $mode = smoke ] && [ $r != 0 ] && [ $r != 1000000 ] && continue
		line=$(ip netns exec $nsi "$build/tests/bench_ingest" -p "$pid" -r $r -t $ingest_s \
			-R $([ $r = 0 ] && echo 64 || echo 8) -c $cpu_prod "${pcaps[@]}")
		put "ingest.$label.rate$r" "$line"
	done
	kill -INT "$pid"
	wait "$pid" || { cat "$work/ing.err" >&2; return 1; }
}
log "ingest"
ip netns add $nsi
ip netns exec $nsi ip link set lo up
ingest 0 meta
ingest 128 s128

# ---- (2) capture tax and (3) small packets over a veth pair ----
ip netns add $nsa
ip netns add $nsb
ip link add $va netns $nsa type veth peer name $vb netns $nsb
for x in "$nsa $va 10.77.0.1" "$nsb $vb 10.77.0.2"; do
	set -- $x
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$1" ip addr add "$3/24" dev "$2"
	ip netns exec "$1" ip link set "$2" up
	ip netns exec "$1" ip link set lo up
done
ip netns exec $nsb nft -f - <<EOF
table inet pfbench {
	chain input {
		type filter hook input priority 0;
		udp dport 9999 drop
	}
}
EOF
ip netns exec $nsb iperf3 -s -D -I "$work/iperf.pid" >/dev/null
sleep 0.5
pids+=("$(cat "$work/iperf.pid")")

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

start_capture() { # mode -> sets cap_pid
	case $1 in
	tcrec_meta) ip netns exec $nsb "$tcrec" record -i $vb -w "$work/c.tclog" 2>"$work/c.err" & ;;
	tcrec_s128) ip netns exec $nsb "$tcrec" record -i $vb -s 128 -w "$work/c.tclog" 2>"$work/c.err" & ;;
	tcpdump_s128) ip netns exec $nsb tcpdump -i $vb -s 128 -w "$work/c.pcap" -nn 2>"$work/c.err" & ;;
	esac
	cap_pid=$!
	pids+=("$cap_pid")
	sleep 1
}

# sets cd to "captured dropped" from the capturer's summary. Not to be run
# in $(...): a subshell cannot wait for the capturer, and would read the
# summary before the capturer has written it.
stop_capture() { # mode
	kill -INT "$cap_pid"
	wait "$cap_pid" || true
	cp "$work/c.err" "$out/last-$1.err"
	case $1 in
	tcrec_*) cd=$(awk '/packets? captured/ { c = $1 } /dropped by the ring buffer/ { d = $1 } END { print c + 0, d + 0 }' "$work/c.err") ;;
	tcpdump_*) cd=$(awk '/packets? captured/ { c = $1 } /dropped by kernel/ { d = $1 } END { print c + 0, d + 0 }' "$work/c.err") ;;
	esac
	# a capture that saw nothing measured nothing
	[ "${cd%% *}" -gt 0 ] || { echo "run.sh: $1 captured no packet (see $out/last-$1.err)" >&2; exit 1; }
}

log "capture tax: $reps x 4 runs of $secs s"
modes=(none tcrec_meta tcrec_s128 tcpdump_s128)
for ((rep = 0; rep < reps; rep++)); do
	for m in "${modes[@]}"; do
		cap_pid=
		[ $m = none ] || start_capture $m
		[ -z "$cap_pid" ] || c0=$(cpu_ticks "$cap_pid")
		ip netns exec $nsa iperf3 -c 10.77.0.2 -t "$secs" -J >"$work/iperf.json"
		gbps=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e9)' "$work/iperf.json")
		cpu=0 cd="0 0"
		if [ -n "$cap_pid" ]; then
			c1=$(cpu_ticks "$cap_pid")
			cpu=$(echo "($c1 - $c0) / $(getconf CLK_TCK) / $secs * 100" | bc -l)
			stop_capture $m
		fi
		put "tax.$m.$rep" "$gbps $cpu $cd"
		log "  $m: $gbps Gbit/s, cpu $cpu %, captured/dropped $cd"
	done
done

# BPF cost on live traffic: the kernel's own accounting of the attached program
log "BPF program cost (bpf_stats, live iperf3 traffic)"
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
start_capture tcrec_meta
prog_ids=$(awk '/prog_id/ { print $2 }' /proc/"$cap_pid"/fdinfo/* 2>/dev/null | sort -u)
ip netns exec $nsa iperf3 -c 10.77.0.2 -t "$secs" >/dev/null
# ingress and egress programs together
stats=$(for id in $prog_ids; do bpftool prog show id "$id" --json; echo; done 2>/dev/null |
	python3 -c 'import json,sys
t = c = 0
for line in sys.stdin:
    if line.strip():
        j = json.loads(line); t += j.get("run_time_ns", 0); c += j.get("run_cnt", 0)
print(t, c)')
stop_capture tcrec_meta
sysctl -qw kernel.bpf_stats_enabled="$old_stats"
put bpfstats.meta "$stats"

log "small packets: $flood x 60-byte frames"
for m in tcrec_meta tcpdump_s128; do
	start_capture $m
	# bounded: the generator retries ENOBUFS forever when the path stalls
	sent=$(ip netns exec $nsa timeout 60 "$build/tests/udpflood" -d 10.77.0.2 -n $flood -s 18 -b 64) ||
		{ echo "run.sh: udpflood did not finish in 60 s" >&2; sent=0; }
	sleep 0.5
	stop_capture $m
	put "flood.$m" "$sent $cd"
done

python3 "$here/report.py" "$res" "$out/bench.json" "$mode"
