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
# fragment. OCCURRENCE=f is each field's first occurrence, a every one.
# Neither is "the headers a record holds": a field the packet's own headers
# lack comes from a header quoted in an ICMP error (udp.srcport of a port
# unreachable), and tshark shows headers the capture parser does not keep
# (a TCP header cut short, a seventh IPv6 extension header). To compare an
# export with the original, use record_view.
tshark_fields() {
	local file=$1 occ=$2
	shift 2
	local args=() f
	for f in "${EXPORT_FIELDS[@]}"; do args+=(-e "$f"); done
	tshark -n -r "$file" -o ip.defragment:FALSE -o ipv6.defragment:FALSE \
		-T fields -E occurrence="$occ" "${args[@]}" "$@" 2>/dev/null
}

# record_view [--no-time] FILE...: per packet, one line of what a record
# holds of it as tshark reads it (record_view.py says what that is). With
# several FILEs (one tshark for all), each line starts with FILE's number.
record_view() {
	python3 "$(dirname "${BASH_SOURCE[0]}")/record_view.py" "$@"
}

# view_of VIEWS N: the lines of the Nth FILE of a record_view FILE... output.
view_of() {
	awk -F '\t' -v n="$2" '$1 == n' "$1" | cut -f2-
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
