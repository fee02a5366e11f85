#!/bin/bash
# Forced ring-buffer drops: tcrec records a veth end with a 4 KiB ring while
# the test runs tcrec's own ingress program 200000 times in a burst through
# BPF_PROG_TEST_RUN (pinned to CPU 0), then once more after a pause so that
# the drops still pending on that CPU are reported in a record. The export
# must carry the recorder's drop count in the interface statistics (osdrop)
# and, summed over packets, in epb_dropcount; its packet count must equal
# the packets the recorder says it captured. Every run of the program is a
# packet seen and either captured or dropped: captured + dropped = seen =
# the runs injected (the veth ends have no address and no IPv6, so nothing
# else crosses them).
#   drops.sh TCREC HOOKCTL BURST
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
. "$here/../lib/netns.sh"
. "$here/../lib/capture.sh"

(($# == 3)) || tl_fail "usage: drops.sh TCREC HOOKCTL BURST"
TCREC=$1 HOOKCTL=$2 BURST=$3
tl_require_root
tl_require_tools ip tc tshark capinfos python3 taskset
tl_require_bpf

ns_s=exs$$ ns_r=exr$$ if_s=exa$$ if_r=exb$$
tl_netns_add "$ns_s"
tl_netns_add "$ns_r"
tl_veth_pair "$ns_s" "$if_s" "$ns_r" "$if_r"
tl_tmpdir tmp

tcrec_start rec_pid "$ns_r" "$if_r" "$tmp/rec.tclog" "$HOOKCTL" --attach tcx --ringbuf-size 4096
prog=$(tl_in "$ns_r" "$HOOKCTL" query "$if_r" ingress | awk '$2 == "tcrec_ingress" { print $1; exit }')
[[ -n $prog ]] || tl_fail "tcrec's ingress program not found on $if_r"
ifindex=$(tl_ifindex "$ns_r" "$if_r")
tl_in "$ns_r" taskset -c 0 "$BURST" "$prog" "$ifindex" 200000 >/dev/null
sleep 1.5
tl_in "$ns_r" taskset -c 0 "$BURST" "$prog" "$ifindex" 1 >/dev/null
injected=200001
sleep 1.5
tcrec_stop "$rec_pid" "$tmp/rec.tclog"
captured=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "$tmp/rec.tclog.err")
seen=$(sed -n 's/^\([0-9]*\) packets\{0,1\} seen on the hooks$/\1/p' "$tmp/rec.tclog.err")
dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by the ring buffer$/\1/p' "$tmp/rec.tclog.err")
[[ -n $captured && -n $seen && -n $dropped ]] || { cat "$tmp/rec.tclog.err" >&2; tl_fail "no summary from tcrec"; }

"$TCREC" export -q "$tmp/rec.tclog" -o "$tmp/rec.pcapng" || tl_fail "export failed"
exported=$(capinfos -c -M "$tmp/rec.pcapng" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }')
epb=$(tshark -r "$tmp/rec.pcapng" -T fields -e frame.drop_count 2>/dev/null | awk '{ d += $1 } END { print d + 0 }')
isb=$(python3 "$here/pcapng_isb.py" "$tmp/rec.pcapng")
osdrop=$(sed -n 's/.* osdrop=\([0-9]*\).*/\1/p' <<<"$isb")
echo "injected $injected; tcrec: $seen seen, $captured captured, $dropped dropped by the ring buffer;" \
	"export: $exported packets, epb_dropcount sum $epb, ISB osdrop ${osdrop:-none}"
echo "ISB: $isb"
((dropped > 0)) || tl_fail "no drops were forced: nothing to check"
((seen == injected)) || tl_fail "tcrec saw $seen packets on the hooks, $injected injected"
((captured + dropped == injected)) ||
	tl_fail "captured $captured + dropped $dropped = $((captured + dropped)), $injected injected"
((exported == captured)) || tl_fail "export holds $exported packets, tcrec captured $captured"
((osdrop == dropped)) || tl_fail "ISB osdrop ${osdrop:-none}, tcrec dropped $dropped"
((epb == dropped)) || tl_fail "epb_dropcount sums to $epb, tcrec dropped $dropped"
echo PASS
