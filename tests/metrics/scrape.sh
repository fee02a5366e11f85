#!/bin/bash
# SPDX-License-Identifier: MIT
# record --metrics and --metrics-file, run as -Z nobody in a -C -G -W ring, on
# a veth between two namespaces the test makes, with 200 pings (and tcpdump
# on the same veth as the oracle). Checked:
# - curl on 127.0.0.1:PORT in the recorder's namespace: /metrics answers
#   (GET and HEAD, after the privilege drop) during and after the traffic;
#   /other is 404, POST 405; the veth's own address does not answer;
# - the last scrape and the final metrics file equal the summary tcrec
#   prints at exit (seen/recorded/filtered/dropped per interface and
#   direction, packets written); recorded and wire bytes equal tcpdump's
#   packets and bytes; files written/rotated/deleted and bytes on disk
#   agree with the files left in the output directory;
# - `promtool check metrics` accepts every scrape and the final file;
# - the metrics file is replaced every ~10 s, and a reader polling it all
#   run long never sees a partial file; a symlink planted at its name is
#   replaced, not followed.
#
#   scrape.sh TCREC HOOKCTL TOOLS_DIR
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"
. "$here/promtool.sh"

(($# >= 3)) || tl_fail "usage: scrape.sh TCREC HOOKCTL TOOLS_DIR"
TCREC=$1 HOOKCTL=$2 TOOLS=$3
PORT=9977

tl_require_root
tl_require_tools ip tc tcpdump curl ping "$TL_PYTHON"
tl_require_bpf
[[ -x $TCREC ]] || tl_fail "tcrec binary not found: $TCREC"
id nobody >/dev/null 2>&1 || tl_skip "no user 'nobody'"
metrics_promtool "$TOOLS"

ns_a=mx$$a ns_b=mx$$b if_a=mx$$x if_b=mx$$y
net=10.198.$(($$ % 250))
addr_a=$net.1 addr_b=$net.2
tl_netns_add "$ns_a"
tl_netns_add "$ns_b"
tl_veth_pair "$ns_a" "$if_a" "$ns_b" "$if_b"
ip -n "$ns_a" addr add "$addr_a/24" dev "$if_a"
ip -n "$ns_b" addr add "$addr_b/24" dev "$if_b"
# static neighbours: no ARP after the pings, the counters stay still
mac() { tl_in "$1" cat "/sys/class/net/$2/address"; }
ip -n "$ns_a" neigh replace "$addr_b" lladdr "$(mac "$ns_b" "$if_b")" dev "$if_a" nud permanent
ip -n "$ns_b" neigh replace "$addr_a" lladdr "$(mac "$ns_a" "$if_a")" dev "$if_b" nud permanent
tmp=''
tl_tmpdir tmp
chmod 755 "$tmp"
mkdir -m 777 "$tmp/out" "$tmp/prom"
prom=$tmp/prom/tcrec.prom
echo victim >"$tmp/victim"
ln -s "$tmp/victim" "$prom"

# scrape OUT [PATH [CURL ARGS...]]: the HTTP status on stdout.
scrape() {
	local out=$1 path=${2:-/metrics}
	shift 2 || shift $#
	tl_in "$ns_a" curl -sS --max-time 5 -o "$out" -w '%{http_code}' "$@" \
		"http://127.0.0.1:$PORT$path"
}
promcheck() {
	"$PROMTOOL" check metrics <"$1" >"$1.promtool" 2>&1 ||
		{ cat "$1.promtool" >&2; tl_fail "promtool check metrics rejects $(basename "$1")"; }
}

tcpdump_start TD "$ns_a" "$if_a" "$tmp/oracle.pcap"
# a reader of the metrics file all run long: never a partial file
"$TL_PYTHON" "$here/file_reader.py" "$prom" "$tmp/reader.stop" "$tmp/reader.versions" \
	>"$tmp/reader.json" &
reader=$!
tl_track_pid "$reader"
TR=''
tcrec_start TR "$ns_a" "$if_a" "$tmp/rec" "$HOOKCTL" -w "$tmp/out/rec-%s.tclog" -C 1 -G 4 -W 2 \
	-Z nobody --metrics "127.0.0.1:$PORT" --metrics-file "$prom"
dropped() { [[ $(awk '/^Uid:/ {print $2}' "/proc/$TR/status") == "$(id -u nobody)" ]]; }
tl_wait_for 10 "tcrec to run as nobody" dropped || tl_fail "tcrec did not drop to nobody"

tl_in "$ns_a" ping -n -q -c 200 -i 0.01 "$addr_b" >"$tmp/ping.out" 2>&1 &
pinger=$!
sleep 1
code=$(scrape "$tmp/during.txt")
[[ $code == 200 ]] || tl_fail "GET /metrics during the traffic: HTTP $code"
wait "$pinger" || { cat "$tmp/ping.out" >&2; tl_fail "ping $addr_b: not every echo answered"; }
code=$(scrape "$tmp/after.txt")
[[ $code == 200 ]] || tl_fail "GET /metrics after the traffic: HTTP $code"
code=$(scrape "$tmp/head.txt" /metrics -I)
[[ $code == 200 ]] && grep -qi '^content-type: text/plain; version=0.0.4' "$tmp/head.txt" ||
	{ cat "$tmp/head.txt" >&2; tl_fail "HEAD /metrics: HTTP $code or not text format 0.0.4"; }
code=$(scrape "$tmp/other.txt" /other)
[[ $code == 404 ]] || tl_fail "GET /other: HTTP $code, expected 404"
code=$(scrape "$tmp/post.txt" /metrics -X POST)
[[ $code == 405 ]] || tl_fail "POST /metrics: HTTP $code, expected 405"
# curl's status 7: the connection was refused (nothing listens there)
for from in "$ns_a" "$ns_b"; do
	rc=0
	tl_in "$from" curl -sS --max-time 3 -o /dev/null "http://$addr_a:$PORT/metrics" 2>"$tmp/refused" || rc=$?
	((rc == 7)) || { cat "$tmp/refused" >&2; tl_fail "$addr_a:$PORT from $from: curl status $rc, expected 7 (refused): the server listens on 127.0.0.1 only"; }
done
tl_log "scrapes done; waiting for the metrics file's third version"
enough_versions() { (($(cat "$tmp/reader.versions" 2>/dev/null || echo 0) >= 3)); }
tl_wait_for 40 "three versions of $prom" enough_versions || tl_fail "$prom was not rewritten every ~10 s"

# the last scrape before the end (the counters are published every 0.5 s)
sleep 1
code=$(scrape "$tmp/last.txt")
[[ $code == 200 ]] || tl_fail "GET /metrics before the end: HTTP $code"
tcrec_stop "$TR" "$tmp/rec"
tcpdrops=$(tcpdump_stop "$TD" "$tmp/oracle.pcap")
((tcpdrops == 0)) || tl_fail "tcpdump dropped $tcpdrops packets: no oracle"
touch "$tmp/reader.stop"
wait "$reader" || { cat "$tmp/reader.json" >&2; tl_fail "the metrics file reader failed"; }

for f in during after last; do promcheck "$tmp/$f.txt"; done
promcheck "$prom"
[[ -f $prom && ! -L $prom ]] || tl_fail "$prom is not a regular file at the end"
[[ $(cat "$tmp/victim") == victim ]] || tl_fail "the symlink planted at $prom was followed"
left=$(find "$tmp/prom" -name '.*' -type f)
[[ -z $left ]] || tl_fail "temporary files left: $left"
"$TL_PYTHON" "$here/check.py" --summary "$tmp/rec.err" --iface "$if_a" --oracle "$tmp/oracle.pcap" \
	--during "$tmp/during.txt" --last "$tmp/last.txt" --final "$prom" --out-dir "$tmp/out" \
	--reader "$tmp/reader.json"
echo "PASS: metrics scraped and written equal the summary, tcpdump and the files"
