# Shared by the export tests: the header fields that an export must show as
# the original packet did, and how tshark is run to read them.
# shellcheck shell=bash

EXPORT_FIELDS=(frame.len ip.src ip.dst ip.id ip.ttl ip.len ipv6.src ipv6.dst ipv6.flow
	tcp.srcport tcp.dstport tcp.seq_raw tcp.ack_raw tcp.flags tcp.window_size_value
	tcp.hdr_len tcp.len udp.srcport udp.dstport udp.length icmp.type icmp.code
	icmpv6.type icmpv6.code vlan.id)

# tshark_fields FILE OCCURRENCE [more tshark args]: one line per packet.
# Reassembly is off: a record describes one packet's own headers, while
# reassembly moves the L4 fields of a fragmented datagram to its last
# fragment. OCCURRENCE=f keeps the packet's own headers only (not those of
# a packet quoted inside an ICMP error); a shows every occurrence.
tshark_fields() {
	local file=$1 occ=$2
	shift 2
	local args=() f
	for f in "${EXPORT_FIELDS[@]}"; do args+=(-e "$f"); done
	tshark -n -r "$file" -o ip.defragment:FALSE -o ipv6.defragment:FALSE \
		-T fields -E occurrence="$occ" "${args[@]}" "$@" 2>/dev/null
}

# count_equal A B: lines equal at the same position (both files same length
# is checked by the caller).
count_equal() {
	awk 'NR == FNR { a[FNR] = $0; next } (FNR in a) && a[FNR] == $0 { n++ } END { print n + 0 }' "$1" "$2"
}

need_tools() {
	local t
	for t in "$@"; do
		if ! command -v "$t" >/dev/null; then
			echo "skip: $t is not installed" >&2
			exit 77
		fi
	done
}
