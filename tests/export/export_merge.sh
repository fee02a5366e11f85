#!/bin/bash
# Two logs from two hosts, two interfaces each (even packets in on trace0,
# odd packets out on trace1), one with ring-buffer drops, exported to one
# pcapng: four interface blocks, the right interface and direction on every
# packet, each host's packets reading as in its original trace (for all a
# record holds: record_view.py), epb_dropcount and
# the interface statistics in agreement.
# Usage: export_merge.sh TRACE_A TRACE_B TCREC TRACE_TO_LOG
set -euo pipefail
here=$(dirname "$0")
. "$here/fields.sh"
ta=$1 tb=$2 tcrec=$3 to_log=$4
need_tools tshark capinfos python3
[ -r "$ta" ] && [ -r "$tb" ] || { echo "FAIL: cannot read $ta or $tb" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$to_log" -2 -d -k 500 -H hostA "$ta" "$tmp/a.tclog" >/dev/null
"$to_log" -2 -k 300 -H hostB "$tb" "$tmp/b.tclog" >/dev/null
"$tcrec" export -q "$tmp/a.tclog" "$tmp/b.tclog" -o "$tmp/ab.pcapng"
"$tcrec" export -q "$tmp/b.tclog" "$tmp/a.tclog" -o "$tmp/ba.pcapng"
fail=0

nif=$(capinfos "$tmp/ab.pcapng" | grep -c '^Interface #')
echo "interface blocks: $nif (expected 4)"
[ "$nif" = 4 ] || fail=1

# Per packet: interface description, name and direction must agree with
# the split made when the logs were written.
tshark -r "$tmp/ab.pcapng" -T fields -e frame.interface_description -e frame.interface_name \
	-e frame.packet_flags_direction 2>/dev/null | sort | uniq -c >"$tmp/ifs"
cat "$tmp/ifs"
bad=$(awk '!(($3 == "on") && (($2 == "trace0" && $5 == "trace0" && $6 == "0x00000001") ||
	($2 == "trace1" && $5 == "trace1" && $6 == "0x00000002")))' "$tmp/ifs" | wc -l)
[ "$bad" = 0 ] || { echo "packets with a wrong interface or direction" >&2; fail=1; }

# Each host's packets, in order, read as in its original trace.
for h in A B; do
	[ $h = A ] && t=$ta || t=$tb
	record_view "$t" >"$tmp/orig"
	tshark -r "$tmp/ab.pcapng" -Y "frame.interface_description contains \"host$h\"" -w "$tmp/sel.pcapng" 2>/dev/null
	record_view "$tmp/sel.pcapng" >"$tmp/got"
	total=$(wc -l <"$tmp/orig")
	eq=$(count_equal "$tmp/orig" "$tmp/got")
	echo "host$h: $eq/$total packets reading the same, $(wc -l <"$tmp/got") exported"
	[ "$eq" = "$total" ] && [ "$(wc -l <"$tmp/got")" = "$total" ] || fail=1
done

# Merged by time whatever the argument order.
tshark -r "$tmp/ab.pcapng" -T fields -e frame.time_epoch -e frame.interface_description 2>/dev/null >"$tmp/o1"
tshark -r "$tmp/ba.pcapng" -T fields -e frame.time_epoch -e frame.interface_description 2>/dev/null >"$tmp/o2"
sort -s -n -k1,1 "$tmp/o1" | cmp -s - "$tmp/o1" || { echo "export not in time order" >&2; fail=1; }
cmp -s <(sort "$tmp/o1") <(sort "$tmp/o2") || { echo "argument order changed the packets" >&2; fail=1; }

# Drops: epb_dropcount (read by tshark) summed per interface equals the
# interface statistics' osdrop; ifrecv counts packets plus drops.
python3 "$here/pcapng_isb.py" "$tmp/ab.pcapng" >"$tmp/isb"
cat "$tmp/isb"
for id in 0 1 2 3; do
	read -r pk dr < <(tshark -r "$tmp/ab.pcapng" -Y "frame.interface_id == $id" -T fields \
		-e frame.drop_count 2>/dev/null | awk '{ n++; d += $1 } END { print n + 0, d + 0 }')
	line=$(awk -v id=$id '$1 == id' "$tmp/isb")
	want="osdrop=$dr usrdeliv=$pk ifrecv=$((pk + dr))"
	for kv in $want; do
		case " $line " in *" $kv "*) ;; *) echo "interface $id: ISB lacks $kv: $line" >&2; fail=1 ;; esac
	done
	echo "interface $id: $pk packets, $dr drops in epb_dropcount; ISB: $line"
done
total_drops=$(tshark -r "$tmp/ab.pcapng" -T fields -e frame.drop_count 2>/dev/null | awk '{ d += $1 } END { print d + 0 }')
[ "$total_drops" -gt 0 ] || { echo "no drops were exported" >&2; fail=1; }
exit $fail
