#!/bin/bash
# SPDX-License-Identifier: MIT
# Where record --metrics listens, and what stops it at the start:
# - a port in use: exit 1 with one line naming the address, before anything
#   is attached or created;
# - malformed ADDR:PORT: usage errors (exit 2);
# - --metrics-file in a missing directory, or in one -Z USER cannot write:
#   exit 1 naming it, and no output file left behind;
# - [::1]:PORT answers on IPv6 loopback only; 0.0.0.0:PORT also on the
#   veth's address;
# - with two namespaces recorded, interfaces are labelled NS/IF.
#
#   start_errors.sh TCREC HOOKCTL
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# >= 2)) || tl_fail "usage: start_errors.sh TCREC HOOKCTL"
TCREC=$1 HOOKCTL=$2
PORT=9978

tl_require_root
tl_require_tools ip tc curl "$TL_PYTHON"
tl_require_bpf
[[ -x $TCREC ]] || tl_fail "tcrec binary not found: $TCREC"
id nobody >/dev/null 2>&1 || tl_skip "no user 'nobody'"

ns_a=me$$a ns_b=me$$b if_a=me$$x if_b=me$$y
net=10.199.$(($$ % 250))
addr_a=$net.1
tl_netns_add "$ns_a"
tl_netns_add "$ns_b"
tl_veth_pair "$ns_a" "$if_a" "$ns_b" "$if_b"
ip -n "$ns_a" addr add "$addr_a/24" dev "$if_a"
# IPv6 on the namespace's loopback (tl_veth_pair turns it off on the veths)
tl_in "$ns_a" sysctl -qw net.ipv6.conf.lo.disable_ipv6=0 || true
tmp=''
tl_tmpdir tmp
chmod 755 "$tmp"

# record OUT ARGS...: tcrec record on the veth, status in $rc, stderr in OUT.err.
record() {
	local out=$1
	shift
	rc=0
	tl_in "$ns_a" "$TCREC" record -i "$if_a" -w "$out" "$@" 2>"$out.err" || rc=$?
}
expect() {
	local want=$1 out=$2 pattern=$3
	((rc == want)) || { cat "$out.err" >&2; tl_fail "$out: exit $rc, expected $want"; }
	grep -qF -- "$pattern" "$out.err" || { cat "$out.err" >&2; tl_fail "$out: no line with '$pattern'"; }
	[[ $want == 2 || ! -e $out ]] || tl_fail "$out: created by a run that failed at the start"
	tl_log "$(basename "$out"): exit $rc: $(head -1 "$out.err")"
}

# a port in use: nothing attached, nothing created
ip netns exec "$ns_a" "$TL_PYTHON" -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(60)' "$PORT" &
tl_track_pid $!
taken() { tl_in "$ns_a" ss -ltnH "sport = :$PORT" | grep -q .; }
tl_wait_for 10 "the test's listener" taken || tl_fail "the test's listener did not start"
before=$(tc_hook_state "$ns_a" "$if_a" ingress "$HOOKCTL"; tc_hook_state "$ns_a" "$if_a" egress "$HOOKCTL")
record "$tmp/inuse.tclog" --metrics "127.0.0.1:$PORT"
expect 1 "$tmp/inuse.tclog" "--metrics 127.0.0.1:$PORT: cannot listen: Address already in use"
after=$(tc_hook_state "$ns_a" "$if_a" ingress "$HOOKCTL"; tc_hook_state "$ns_a" "$if_a" egress "$HOOKCTL")
[[ $before == "$after" ]] || tl_fail "a failed start changed the hooks: '$before' -> '$after'"

# malformed addresses: usage errors
i=0
for bad in 127.0.0.1 :0 :65536 localhost:9100 1.2.3:9100 '::1:9100' '[::1]' ':9x'; do
	record "$tmp/bad$i.tclog" --metrics "$bad"
	expect 2 "$tmp/bad$i.tclog" "--metrics $bad: "
	i=$((i + 1))
done

# --metrics-file where it cannot be written
record "$tmp/nodir.tclog" --metrics-file "$tmp/none/m.prom"
expect 1 "$tmp/nodir.tclog" "--metrics-file $tmp/none/m.prom: directory $tmp/none"
mkdir -m 755 "$tmp/rootonly"
record "$tmp/z.tclog" -Z nobody --metrics-file "$tmp/rootonly/m.prom"
expect 1 "$tmp/z.tclog" "--metrics-file $tmp/rootonly/m.prom: cannot write in $tmp/rootonly"

# get_code NS URL: the HTTP status, or "refused"/"curl N".
get_code() {
	local rc=0 code
	code=$(tl_in "$1" curl -g -sS --max-time 3 -o /dev/null -w '%{http_code}' "$2" 2>/dev/null) || rc=$?
	((rc == 0)) && echo "$code" || { ((rc == 7)) && echo refused || echo "curl $rc"; }
}
# serve ADDR URL: tcrec listening on ADDR; returns once URL answers 200.
serve() {
	ip netns exec "$ns_a" "$TCREC" record -i "$if_a" -w "$tmp/serve$1.tclog" -q \
		--metrics "$2" --duration 30 2>"$tmp/serve$1.err" &
	srv=$!
	tl_track_pid "$srv"
	up() { [[ $(get_code "$ns_a" "$1") == 200 ]]; }
	tl_wait_for 30 "$3" up "$3" || { cat "$tmp/serve$1.err" >&2; tl_fail "--metrics $2: no answer on $3"; }
}
unserve() {
	kill -INT "$srv"
	wait "$srv" || tl_fail "tcrec --metrics exited with $? after SIGINT"
}

# the test's listener holds 127.0.0.1:PORT: the next ports are free
PORT=$((PORT + 1))
serve 6 "[::1]:$PORT" "http://[::1]:$PORT/metrics"
code=$(get_code "$ns_a" "http://127.0.0.1:$PORT/metrics")
[[ $code == refused ]] || tl_fail "--metrics [::1]:$PORT: 127.0.0.1 gives '$code', expected refused"
unserve
tl_log "[::1]:$PORT: answers on ::1 only"

PORT=$((PORT + 1))
serve 0 "0.0.0.0:$PORT" "http://$addr_a:$PORT/metrics"
[[ $(get_code "$ns_a" "http://127.0.0.1:$PORT/metrics") == 200 ]] ||
	tl_fail "--metrics 0.0.0.0:$PORT: no answer on 127.0.0.1"
unserve
tl_log "0.0.0.0:$PORT: answers on $addr_a and 127.0.0.1"
# several namespaces (tcrec in the host's, on a free port of its loopback):
# the interfaces are labelled NS/IF, as print names them
hport=$("$TL_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$TCREC" record --netns "$ns_a" --netns "$ns_b" -i "me$$*" -w "$tmp/multi.tclog" -q \
	--metrics "127.0.0.1:$hport" --duration 30 2>"$tmp/multi.err" &
srv=$!
tl_track_pid "$srv"
labelled() {
	curl -sS --max-time 3 "http://127.0.0.1:$hport/metrics" >"$tmp/multi.txt" 2>/dev/null &&
		grep -qF "tcrec_packets_seen_total{interface=\"$ns_a/$if_a\",direction=\"egress\"}" "$tmp/multi.txt" &&
		grep -qF "tcrec_packets_seen_total{interface=\"$ns_b/$if_b\",direction=\"ingress\"}" "$tmp/multi.txt"
}
tl_wait_for 30 "NS/IF labels" labelled ||
	{ cat "$tmp/multi.err" "$tmp/multi.txt" >&2; tl_fail "two namespaces: no $ns_a/$if_a and $ns_b/$if_b labels"; }
unserve
tl_log "two namespaces: labelled $ns_a/$if_a and $ns_b/$if_b"
echo "PASS: --metrics and --metrics-file start errors, listening addresses and labels"
