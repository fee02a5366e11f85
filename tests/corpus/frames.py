# SPDX-License-Identifier: MIT
"""Packet builders for the test corpus: Ethernet and its tags, IPv4/IPv6 with
options and extension headers, TCP/UDP/SCTP/ICMP/ICMPv6/ARP/LLC, with correct
checksums unless a caller asks for a wrong one on purpose. Standard library
only, so that a clone builds its corpus on a bare Debian."""
import ipaddress
import struct

ETH_IP, ETH_IP6, ETH_ARP = 0x0800, 0x86DD, 0x0806
TPID_8021Q, TPID_8021AD = 0x8100, 0x88A8
PROTO_ICMP, PROTO_TCP, PROTO_UDP, PROTO_ICMP6, PROTO_SCTP = 1, 6, 17, 58, 132
HOPOPTS, ROUTING, FRAGMENT, DSTOPTS, NONXT = 0, 43, 44, 60, 59

FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80


def mac(text):
    return bytes.fromhex(text.replace(':', ''))


def ip(text):
    return ipaddress.ip_address(text).packed


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC32C[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def eth(dst, src, ethertype, payload, tags=()):
    """tags: (tpid, tci) pairs, outermost first."""
    hdr = mac(dst) + mac(src)
    for tpid, tci in tags:
        hdr += struct.pack('!HH', tpid, tci)
    return hdr + struct.pack('!H', ethertype) + payload


def llc_snap(dst, src, oui, pid, payload):
    """802.3 frame with an LLC/SNAP header (length field instead of an ethertype)."""
    body = bytes([0xAA, 0xAA, 0x03]) + oui + struct.pack('!H', pid) + payload
    return mac(dst) + mac(src) + struct.pack('!H', len(body)) + body


class L4:
    """A transport header whose checksum needs the IP pseudo-header."""

    def __init__(self, proto, data, csum_at, bad_csum=False, zero_csum=False):
        self.proto, self.data, self.csum_at = proto, data, csum_at
        self.bad_csum, self.zero_csum = bad_csum, zero_csum

    def finish(self, src, dst):
        if self.csum_at is None or self.zero_csum:
            return self.data
        if len(src) == 4:
            pseudo = src + dst + struct.pack('!BBH', 0, self.proto, len(self.data))
        else:
            pseudo = src + dst + struct.pack('!IxxxB', len(self.data), self.proto)
        c = csum(pseudo + self.data)
        if self.proto == PROTO_UDP and c == 0:
            c = 0xFFFF
        if self.bad_csum:
            c ^= 0x5A5A
        d = self.data
        return d[:self.csum_at] + struct.pack('!H', c) + d[self.csum_at + 2:]


def _payload(p, src, dst):
    return p.finish(src, dst) if isinstance(p, L4) else p


def ipv4(src, dst, proto, payload, ident=1, ttl=64, tos=0, df=False, mf=False, frag_off=0,
         options=b'', total=None, bad_csum=False):
    s, d = ip(src), ip(dst)
    body = _payload(payload, s, d)
    if isinstance(payload, L4):
        proto = payload.proto
    assert len(options) % 4 == 0
    ihl = 5 + len(options) // 4
    length = total if total is not None else 4 * ihl + len(body)
    flags = (0x4000 if df else 0) | (0x2000 if mf else 0) | (frag_off // 8)
    hdr = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, tos, length, ident & 0xFFFF, flags, ttl, proto,
                      0, s, d) + options
    c = csum(hdr) ^ (0x1111 if bad_csum else 0)
    return hdr[:10] + struct.pack('!H', c) + hdr[12:] + body


def ipv4_frags(src, dst, proto, body, frag_size, ident, **kw):
    """body is the whole transport segment (already checksummed); frag_size a multiple of 8."""
    out = []
    for off in range(0, len(body), frag_size):
        piece = body[off:off + frag_size]
        out.append(ipv4(src, dst, proto, piece, ident=ident, frag_off=off,
                        mf=off + frag_size < len(body), **kw))
    return out


def ipv6(src, dst, nh, payload, hlim=64, tclass=0, flow=0, exts=(), plen=None):
    """exts: (type, bytes-with-next-header-placeholder) in order; the next
    header fields are filled in here."""
    s, d = ip(src), ip(dst)
    body = _payload(payload, s, d)
    if isinstance(payload, L4):
        nh = payload.proto
    chain = b''
    types = [e[0] for e in exts] + [nh]
    for i, (_, raw) in enumerate(exts):
        chain += bytes([types[i + 1]]) + raw[1:]
    first = types[0]
    length = plen if plen is not None else len(chain) + len(body)
    return struct.pack('!IHBB', 6 << 28 | tclass << 20 | flow, length, first, hlim) + s + d + \
        chain + body


def ext_opts(len8=0, router_alert=False):
    """Hop-by-hop or destination options header of (len8+1)*8 bytes."""
    size = (len8 + 1) * 8
    opts = b''
    if router_alert:
        opts = bytes([5, 2, 0, 0])
    pad = size - 2 - len(opts)
    if pad == 1:
        opts += b'\0'
    elif pad >= 2:
        opts += bytes([1, pad - 2]) + bytes(pad - 2)
    return bytes([0, len8]) + opts


def ext_routing(segments=1):
    """Type 0 routing header with segments-left 0, so that no parser follows it."""
    return bytes([0, 2 * segments, 0, 0]) + bytes(4) + bytes(16 * segments)


def ext_fragment(offset, more, ident):
    return struct.pack('!BBHI', 0, 0, (offset // 8) << 3 | (1 if more else 0), ident)


def tcp(sport, dport, seq, ack, flags, win=65535, data=b'', opts=b'', urg=0, bad_csum=False):
    pad = (-len(opts)) % 4
    opts += b'\x01' * pad
    off = (20 + len(opts)) // 4
    hdr = struct.pack('!HHIIBBHHH', sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, off << 4,
                      flags, win, 0, urg)
    return L4(PROTO_TCP, hdr + opts + data, 16, bad_csum=bad_csum)


def tcp_opts(mss=None, sack_perm=False, ts=None, wscale=None, sack=()):
    o = b''
    if mss is not None:
        o += struct.pack('!BBH', 2, 4, mss)
    # the order Linux uses: SACK-permitted shares the timestamp's padding
    if ts is not None:
        o += (b'\x04\x02' if sack_perm else b'\x01\x01') + \
            struct.pack('!BBII', 8, 10, ts[0] & 0xFFFFFFFF, ts[1] & 0xFFFFFFFF)
    elif sack_perm:
        o += b'\x01\x01\x04\x02'
    if wscale is not None:
        o += struct.pack('!BBBB', 1, 3, 3, wscale)
    if sack:
        o += b'\x01\x01' + struct.pack('!BB', 5, 2 + 8 * len(sack))
        for a, b in sack:
            o += struct.pack('!II', a & 0xFFFFFFFF, b & 0xFFFFFFFF)
    return o


def udp(sport, dport, data, length=None, zero_csum=False, bad_csum=False):
    ln = length if length is not None else 8 + len(data)
    return L4(PROTO_UDP, struct.pack('!HHHH', sport, dport, ln, 0) + data, 6,
              zero_csum=zero_csum, bad_csum=bad_csum)


def icmp(typ, code, rest, data=b''):
    body = struct.pack('!BBH', typ, code, 0) + rest + data
    return body[:2] + struct.pack('!H', csum(body)) + body[4:]


def icmp6(typ, code, rest, data=b''):
    return L4(PROTO_ICMP6, struct.pack('!BBH', typ, code, 0) + rest + data, 2)


def sctp(sport, dport, vtag, chunks):
    body = struct.pack('!HHII', sport, dport, vtag, 0) + chunks
    # SCTP's CRC32c covers no pseudo-header: done here, not by L4.finish
    return L4(PROTO_SCTP, body[:8] + struct.pack('<I', crc32c(body)) + body[12:], None)


def sctp_chunk(typ, flags, value):
    ln = 4 + len(value)
    return struct.pack('!BBH', typ, flags, ln) + value + bytes((-ln) % 4)


def cdp(device_id, ttl=180):
    """A CDP v2 payload with one Device-ID TLV, for an LLC/SNAP frame."""
    body = struct.pack('!BBH', 2, ttl, 0) + struct.pack('!HH', 1, 4 + len(device_id)) + device_id
    return body[:2] + struct.pack('!H', csum(body)) + body[4:]


def arp(op, sha, spa, tha, tpa):
    return struct.pack('!HHBBH', 1, ETH_IP, 6, 4, op) + mac(sha) + ip(spa) + mac(tha) + ip(tpa)


def dns_name(name):
    out = b''
    for label in name.rstrip('.').split('.'):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b'\0'


def dns(qid, name, qtype=1, response=False, answers=(), rcode=0):
    """answers: (type, rdata bytes) for the question's name (compressed pointer)."""
    flags = (0x8180 if response else 0x0100) | rcode
    msg = struct.pack('!HHHHHH', qid, flags, 1, len(answers), 0, 0)
    msg += dns_name(name) + struct.pack('!HH', qtype, 1)
    for typ, rdata in answers:
        msg += struct.pack('!HHHIH', 0xC00C, typ, 1, 300, len(rdata)) + rdata
    return msg
