#!/bin/bash
# SPDX-License-Identifier: MIT
# `tcrec print LOG FILTER` selects the packets tcpdump selects with the same
# filter on the original trace: same count, same timestamps, for filters on
# the headers a metadata-only record can rebuild (not ARP bodies: "src net"
# alone also matches ARP senders, which a record does not hold). `tcrec stats`
# and `tcrec export` with the filter count the same packets, none of these
# filters draws the "reads bytes metadata-only records do not keep" warning,
# and a filter on payload bytes does.
#
# A record holds the headers its parser read whole. Where the trace itself
# ends inside a header (a capture cut short, a first fragment too small for
# its TCP header), the record lacks what tcpdump still reads from the bytes,
# and saying so is right; those packets, which tcpdump ends with "[|proto]",
# are left out of the metadata-only log. Records with every byte (-s 0) are
# filtered on the bytes, as tcpdump filters them: that log holds every packet
# and must select exactly what tcpdump selects, without a warning.
#   filter_vs_tcpdump.sh TCREC PCAP2TCLOG TRACE
set -euo pipefail

TCREC=$1
GEN=$2
TRACE=$3
command -v tcpdump >/dev/null || { echo "tcpdump not found: no oracle" >&2; exit 77; }
WORK=$(mktemp -d /tmp/tcrec-rd-filter.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# packet numbers of the lines tcpdump ends inside a header (not inside TCP
# options, which no record keeps and these filters do not read)
tcpdump -nn -r "$TRACE" 2>/dev/null | { grep -v "^[[:space:]]" || true; } |
	{ grep -nE '\[\|(ether|vlan|ip|ip6|tcp|udp|sctp|icmp|icmp6|hbhopt|dstopt|rt6|frag6|ah)\]>?$' || true; } |
	{ grep -v 'options \[' || true; } | cut -d: -f1 >"$WORK/cut"
META=$TRACE
if [ -s "$WORK/cut" ]; then
	command -v editcap >/dev/null || { echo "editcap not found: cannot set packets aside" >&2; exit 77; }
	META=$WORK/whole-headers.pcap
	editcap "$TRACE" "$META" $(cat "$WORK/cut")
	echo "$(wc -l <"$WORK/cut") packets end inside a header: not in the metadata-only log"
fi
"$GEN" "$META" "$WORK/t.tclog" >/dev/null
"$GEN" -s 0 "$TRACE" "$WORK/s0.tclog" >/dev/null

filters=(
	"tcp" "udp" "icmp" "arp" "ip6" "vlan"
	"port 53" "tcp port 80 or tcp port 443" "ip src net 10.0.0.0/8"
	"tcp[tcpflags] & (tcp-syn|tcp-fin) != 0" "ip[6:2] & 0x1fff != 0"
	"greater 1000" "less 100" "not ip and not ip6"
	"icmp[icmptype] == icmp-echo"
)
fails=0 matched=0
for f in "${filters[@]}"; do
	tcpdump -nn -tttt -r "$TRACE" "$f" 2>/dev/null | { grep -v "^[[:space:]]" || true; } | awk '{print $1, $2}' >"$WORK/ref"
	"$TCREC" print "$WORK/s0.tclog" "$f" 2>"$WORK/err" | awk '{print $1, $2}' >"$WORK/ours"
	if [ -s "$WORK/err" ] || ! cmp -s "$WORK/ref" "$WORK/ours"; then
		echo "FAIL: '$f' on whole packets: tcrec $(wc -l <"$WORK/ours"), tcpdump $(wc -l <"$WORK/ref")" \
			"packets; stderr: $(cat "$WORK/err")" >&2
		fails=$((fails + 1))
	fi
	[ "$META" = "$TRACE" ] ||
		tcpdump -nn -tttt -r "$META" "$f" 2>/dev/null | { grep -v "^[[:space:]]" || true; } |
		awk '{print $1, $2}' >"$WORK/ref"
	"$TCREC" print "$WORK/t.tclog" "$f" 2>"$WORK/err" | awk '{print $1, $2}' >"$WORK/ours"
	n=$(wc -l <"$WORK/ref")
	n_stats=$("$TCREC" stats --json "$WORK/t.tclog" "$f" 2>>"$WORK/err" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["packets"])')
	"$TCREC" export -q "$WORK/t.tclog" -o "$WORK/f.pcap" "$f" 2>>"$WORK/err"
	n_export=$(capinfos -M -c -T "$WORK/f.pcap" | awk -F'\t' 'NR==2{print $2}')
	if grep -q "do not keep" "$WORK/err"; then
		echo "FAIL: '$f' reads only headers, yet tcrec warned:" >&2
		cat "$WORK/err" >&2
		fails=$((fails + 1))
	fi
	if [ "$n_stats" != "$n" ] || [ "$n_export" != "$n" ]; then
		echo "FAIL: '$f': stats counts $n_stats, export $n_export, tcpdump $n packets" >&2
		fails=$((fails + 1))
	fi
	if cmp -s "$WORK/ref" "$WORK/ours"; then
		echo "ok: '$f': $n packets, same as tcpdump"
		[ "$n" -gt 0 ] && matched=$((matched + 1))
	else
		echo "FAIL: '$f': tcrec $(wc -l <"$WORK/ours"), tcpdump $n packets" >&2
		fails=$((fails + 1))
	fi
done
# Payload bytes (the first 4 bytes after a 20-byte TCP header; UDP payload)
# are not in a metadata-only record: tcrec must say so, once.
for f in "tcp[20:4] = 0x47455420" "udp[8] = 0"; do
	"$TCREC" print "$WORK/t.tclog" "$f" >/dev/null 2>"$WORK/err"
	w=$(grep -c "do not keep" "$WORK/err" || true)
	if [ "$w" = 1 ]; then
		echo "ok: '$f' reads payload: warned once"
	elif [ "$(tcpdump -nn -r "$META" "${f%%\[*}" 2>/dev/null | wc -l)" = 0 ]; then
		echo "ok: '$f': no ${f%%\[*} packet in this trace, nothing to warn about"
	else
		echo "FAIL: '$f' reads payload, expected one warning, got $w" >&2
		fails=$((fails + 1))
	fi
done
[ $fails -eq 0 ] || exit 1
# A filter list that selects nothing in this trace would prove nothing.
[ $matched -gt 0 ] || { echo "no filter selected any packet" >&2; exit 1; }
