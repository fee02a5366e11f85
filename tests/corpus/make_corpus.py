#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the project's own packet corpus: deterministic pcap traces that take
every path the parsers, encoders, header synthesis, filters and diff have.
Nothing here decides what a packet means: the tests ask tcpdump, tshark and
libpcap about these bytes, as they would about a trace recorded elsewhere.

    make_corpus.py OUTDIR        writes OUTDIR/<mix>.pcap (OUTDIR/offline/ for those a
                                 veth cannot carry) and OUTDIR/MANIFEST

Mixes (all Ethernet, microsecond pcap):
  mixed        a LAN: DNS, HTTP, TLS-like TCP over IPv4 and IPv6, ARP, ICMP, ICMPv6
               echo and neighbour discovery, SCTP, RIP, LLC/SNAP, a few VLAN frames
  dns          DNS over UDP and TCP, IPv4 and IPv6, mDNS and LLMNR, zero UDP checksums,
               UDP length fields that disagree with the IP length
  vlan         802.1Q, 802.1ad+802.1Q, three tags, priority and DEI bits, CDP-like LLC
  frag         IPv4 options, DF/MF fragments, overlapping and lone last fragments, IPv6
               hop-by-hop/routing/destination/fragment headers, a chain longer than
               the capture parser follows
  bulk         one long TCP transfer: options, window changes, loss, SACK,
               retransmissions, sequence numbers that wrap, data both ways, FIN
  short-flows  thousands of flows of 2-5 packets (TCP, UDP, ICMP, IPv4 and IPv6)
  edge         runts, jumbo frames, captures cut short inside each header (offline
               readers only: a veth cannot carry these)
"""
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from frames import (ACK, cdp, ETH_ARP, ETH_IP, ETH_IP6, FIN, PROTO_ICMP, PROTO_SCTP, PROTO_UDP, PSH,  # noqa: E402
                    RST, SYN, URG, ECE, CWR, DSTOPTS, FRAGMENT, HOPOPTS, NONXT, ROUTING,
                    TPID_8021AD, TPID_8021Q, arp, dns, eth, ext_fragment, ext_opts, ext_routing,
                    icmp, icmp6, ip, ipv4, ipv4_frags, ipv6, llc_snap, mac, sctp, sctp_chunk, tcp,
                    tcp_opts, udp)

BROADCAST = 'ff:ff:ff:ff:ff:ff'
GW_MAC = '00:13:c3:df:ae:18'          # the LAN's router
START_US = 1_700_000_000 * 1_000_000  # 2023-11-14, a fixed origin


class Trace:
    """Frames with their times; orig_len > len(frame) marks a capture cut short."""

    def __init__(self, name, seed):
        self.name = name
        self.rng = random.Random(seed)
        self.t = START_US
        self.frames = []

    def add(self, frame, gap_us=None, orig_len=None):
        self.t += gap_us if gap_us is not None else self.rng.randint(20, 3000)
        self.frames.append((self.t, frame, orig_len if orig_len is not None else len(frame)))

    def write(self, path):
        with open(path, 'wb') as f:
            f.write(struct.pack('<IHHiIII', 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
            for t, frame, orig in self.frames:
                f.write(struct.pack('<IIII', t // 1_000_000, t % 1_000_000, len(frame), orig))
                f.write(frame)


def host_mac(addr):
    """A locally administered MAC derived from an address, stable per host."""
    b = ip(addr)[-4:]
    return '02:%02x:%02x:%02x:%02x:%02x' % (len(addr) % 256, b[0], b[1], b[2], b[3])


def l3(src, dst, l4, **kw):
    if ':' in src:
        return ETH_IP6, ipv6(src, dst, 0, l4, **kw)
    return ETH_IP, ipv4(src, dst, 0, l4, **kw)


def frame(src, dst, l4, smac=None, dmac=None, tags=(), **kw):
    et, pkt = l3(src, dst, l4, **kw)
    return eth(dmac or host_mac(dst), smac or host_mac(src), et, pkt, tags)


class TcpConn:
    """Both ends of one TCP connection; tracks sequence numbers and timestamps."""

    def __init__(self, trace, cli, srv, cport, sport, isn_c=None, isn_s=None, ts=True, mss=1460,
                 tags=(), cmac=None, smac=None, ttl_c=64, ttl_s=64):
        r = trace.rng
        self.tr, self.tags = trace, tags
        self.ends = {True: [cli, cport, isn_c if isn_c is not None else r.getrandbits(32),
                            cmac or host_mac(cli), ttl_c, r.getrandbits(16)],
                     False: [srv, sport, isn_s if isn_s is not None else r.getrandbits(32),
                             smac or host_mac(srv), ttl_s, r.getrandbits(16)]}
        self.ts = ts
        self.tsval = {True: r.getrandbits(31), False: r.getrandbits(31)}
        self.mss = mss
        self.win = {True: 64240, False: 65160}

    def seg(self, from_cli, flags, data=b'', gap_us=None, opts=None, seq=None, win=None, sack=()):
        me, peer = self.ends[from_cli], self.ends[not from_cli]
        if opts is None:
            opts = b''
            if self.ts:
                self.tsval[from_cli] += 1
                opts = tcp_opts(ts=(self.tsval[from_cli], self.tsval[not from_cli]), sack=sack)
            elif sack:
                opts = tcp_opts(sack=sack)
        s = me[2] if seq is None else seq
        ack = peer[2] if flags & ACK else 0
        seg = tcp(me[1], peer[1], s, ack, flags, win=self.win[from_cli] if win is None else win,
                  data=data, opts=opts)
        me[5] = (me[5] + 1) & 0xFFFF
        kw = {'hlim': me[4]} if ':' in me[0] else {'ttl': me[4], 'ident': me[5], 'df': True}
        self.tr.add(frame(me[0], peer[0], seg, smac=me[3], dmac=peer[3], tags=self.tags, **kw),
                    gap_us)
        if seq is None:
            me[2] = (me[2] + len(data) + (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF

    def handshake(self, wscale=7):
        o = tcp_opts(mss=self.mss, sack_perm=True, ts=(self.tsval[True], 0) if self.ts else None,
                     wscale=wscale)
        self.seg(True, SYN, opts=o)
        o = tcp_opts(mss=self.mss, sack_perm=True,
                     ts=(self.tsval[False], self.tsval[True]) if self.ts else None, wscale=wscale)
        self.seg(False, SYN | ACK, opts=o)
        self.seg(True, ACK)

    def close(self, from_cli=True):
        self.seg(from_cli, FIN | ACK)
        self.seg(not from_cli, FIN | ACK)
        self.seg(from_cli, ACK)


def http_request(host, path):
    return ('GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: corpus/1\r\nAccept: */*\r\n\r\n'
            % (path, host)).encode()


def http_response(rng, size):
    body = bytes(rng.getrandbits(8) for _ in range(size))
    return ('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n'
            'Content-Length: %d\r\n\r\n' % size).encode() + body


def send_stream(conn, from_cli, data, mss):
    for off in range(0, len(data), mss):
        last = off + mss >= len(data)
        conn.seg(from_cli, ACK | (PSH if last else 0), data[off:off + mss])
        if (off // mss) % 2 or last:
            conn.seg(not from_cli, ACK)


def tls_like(rng, n):
    """TLS application-data records: the corpus needs their shape, not their crypto."""
    out = b''
    while len(out) < n:
        ln = rng.randint(30, 400)
        out += struct.pack('!BHH', 23, 0x0303, ln) + bytes(rng.getrandbits(8) for _ in range(ln))
    return out


# ---------------------------------------------------------------- mixes

def dns_exchange(tr, cli, srv, qid, name, qtype, answers, tcp_conn=None, rcode=0, tags=(),
                 sport=None, dport=53, dmac=None):
    q = dns(qid, name, qtype)
    a = dns(qid, name, qtype, response=True, answers=answers, rcode=rcode)
    sp = sport or tr.rng.randint(32768, 60999)
    tr.add(frame(cli, srv, udp(sp, dport, q), tags=tags, dmac=dmac))
    tr.add(frame(srv, cli, udp(dport, sp, a), tags=tags))


def mix_mixed():
    tr = Trace('mixed', 1)
    r = tr.rng
    lan = ['10.0.0.%d' % i for i in (1, 2, 3, 6, 9)]
    dns_srv = '10.0.0.138'
    web4 = ['212.199.202.9', '192.168.1.20', '93.184.216.34']
    web6 = ('2601:647:4d01:8f0::17', '2620:1ec:c11::200')
    for rnd in range(12):
        # ARP for the router, then name lookups, then a web fetch
        c = lan[rnd % len(lan)]
        tr.add(eth(BROADCAST, host_mac(c), ETH_ARP, arp(1, host_mac(c), c, '00:00:00:00:00:00',
                                                        '10.0.0.138')))
        tr.add(eth(host_mac(c), GW_MAC, ETH_ARP, arp(2, GW_MAC, '10.0.0.138', host_mac(c), c)))
        srv = web4[rnd % len(web4)]
        dns_exchange(tr, c, dns_srv, r.getrandbits(16), 'www%d.example.com' % rnd, 1,
                     [(1, ip(srv))], dmac=GW_MAC)
        conn = TcpConn(tr, c, srv, r.randint(44000, 45000), 8080 if rnd % 4 == 3 else 8870 if rnd % 4 == 2 else 80,
                       smac=GW_MAC, ttl_s=52)
        conn.handshake()
        conn.seg(True, ACK | PSH, http_request('www%d.example.com' % rnd, '/p/%d' % rnd))
        conn.seg(False, ACK)
        send_stream(conn, False, http_response(r, r.randint(200, 9000)), 1448)
        conn.close()
        # TLS over IPv6 and IPv4
        v6c = '2601:647:4d01:8f0::%x' % (0x100 + rnd)
        conn = TcpConn(tr, v6c, web6[rnd % 2], r.randint(50000, 60000), 443, smac=GW_MAC)
        conn.handshake()
        send_stream(conn, True, tls_like(r, 600), 1428)
        send_stream(conn, False, tls_like(r, 5000), 1428)
        conn.close(from_cli=False)
        conn = TcpConn(tr, c, '212.199.202.9', r.randint(50000, 60000), 443, smac=GW_MAC)
        conn.handshake()
        send_stream(conn, True, tls_like(r, 300), 1448)
        send_stream(conn, False, tls_like(r, 2000), 1448)
        conn.seg(True, RST | ACK)
        # ICMP echo, and an error quoting a UDP header
        ident = r.getrandbits(16)
        for s in range(3):
            payload = bytes(range(56))
            tr.add(eth(GW_MAC, host_mac(c), ETH_IP,
                       ipv4(c, '8.8.8.8', PROTO_ICMP, icmp(8, 0, struct.pack('!HH', ident, s), payload),
                            ident=r.getrandbits(16))))
            tr.add(eth(host_mac(c), GW_MAC, ETH_IP,
                       ipv4('8.8.8.8', c, PROTO_ICMP, icmp(0, 0, struct.pack('!HH', ident, s), payload),
                            ttl=117, ident=r.getrandbits(16))))
        quoted = ipv4(c, '10.0.0.200', PROTO_UDP, udp(40000 + rnd, 33434, b''))[:28]
        tr.add(eth(host_mac(c), GW_MAC, ETH_IP,
                   ipv4('10.0.0.138', c, PROTO_ICMP, icmp(3, 3, bytes(4), quoted), ttl=255)))
        tr.add(eth(host_mac(c), GW_MAC, ETH_IP,
                   ipv4('10.0.0.138', c, PROTO_ICMP, icmp(11, 0, bytes(4), quoted), ttl=255)))
        # ICMPv6: neighbour solicitation/advertisement, echo
        sn = 'ff02::1:ff00:%04x' % (0x100 + rnd)
        tr.add(eth('33:33:ff:00:%02x:%02x' % ((0x100 + rnd) >> 8, (0x100 + rnd) & 0xFF), GW_MAC,
                   ETH_IP6, ipv6('fe80::213:c3ff:fedf:ae18', sn, 0,
                                 icmp6(135, 0, bytes(4), ip(v6c) + bytes([1, 1]) + mac(GW_MAC)), hlim=255)))
        tr.add(eth(GW_MAC, host_mac(v6c), ETH_IP6,
                   ipv6(v6c, 'fe80::213:c3ff:fedf:ae18', 0,
                        icmp6(136, 0, bytes([0x60, 0, 0, 0]), ip(v6c) + bytes([2, 1]) +
                              mac(host_mac(v6c))), hlim=255)))
        tr.add(frame(v6c, '2620:1ec:c11::200', icmp6(128, 0, struct.pack('!HH', ident, 1), b'ping6'),
                     dmac=GW_MAC))
        tr.add(frame('2620:1ec:c11::200', v6c, icmp6(129, 0, struct.pack('!HH', ident, 1), b'ping6'),
                     smac=GW_MAC, hlim=57))
        # router solicitation / advertisement
        if rnd % 4 == 0:
            tr.add(eth('33:33:00:00:00:02', host_mac(v6c), ETH_IP6,
                       ipv6('fe80::1:%x' % rnd, 'ff02::2', 0, icmp6(133, 0, bytes(4)), hlim=255)))
            tr.add(eth('33:33:00:00:00:01', GW_MAC, ETH_IP6,
                       ipv6('fe80::213:c3ff:fedf:ae18', 'ff02::1', 0,
                            icmp6(134, 0, bytes([64, 0, 0x07, 0x08]) + bytes(8)), hlim=255)))
        # NFS and SSH with the file server
        conn = TcpConn(tr, c, '10.118.213.211', r.randint(600, 1023), 2049 if rnd % 2 else 22)
        conn.handshake()
        for _ in range(r.randint(2, 5)):
            send_stream(conn, True, bytes(r.getrandbits(8) for _ in range(r.randint(40, 300))), 1448)
            send_stream(conn, False, bytes(r.getrandbits(8) for _ in range(r.randint(100, 3000))), 1448)
        conn.close()
        # mDNS and RIP multicast; an RTP-like stream between high ports
        tr.add(eth('01:00:5e:00:00:fb', host_mac(c), ETH_IP,
                   ipv4(c, '224.0.0.251', 0, udp(5353, 5353, dns(0, 'printer-%d.local' % rnd, 12)),
                        ttl=255)))
        if rnd % 3 == 0:
            rip = struct.pack('!BBH', 2, 2, 0) + struct.pack('!HHIIII', 2, 0, 0x0A760000 + rnd,
                                                              0xFFFFFF00, 0, 1)
            tr.add(eth('01:00:5e:00:00:09', GW_MAC, ETH_IP,
                       ipv4('10.0.0.138', '224.0.0.9', 0, udp(520, 520, rip), ttl=1)))
        sp, dp = r.randint(16384, 32767), r.randint(16384, 32767)
        for k in range(8):
            tr.add(frame(c, '192.168.7.40', udp(sp, dp, struct.pack('!BBHII', 0x80, 0, k, k * 160, 7) +
                                                 bytes(160)), dmac=GW_MAC), gap_us=20000)
        # SCTP association start and a DATA chunk
        if rnd % 2 == 0:
            vt = r.getrandbits(32)
            init = sctp_chunk(1, 0, struct.pack('!IIHHI', vt, 65536, 10, 10, r.getrandbits(32)))
            tr.add(frame(c, '10.0.0.9', sctp(7777, 7777, 0, init)))
            ack = sctp_chunk(2, 0, struct.pack('!IIHHI', r.getrandbits(32), 65536, 10, 10,
                                               r.getrandbits(32)) + struct.pack('!HH', 7, 12) + bytes(8))
            tr.add(frame('10.0.0.9', c, sctp(7777, 7777, vt, ack)))
            data = sctp_chunk(0, 3, struct.pack('!IHHI', 1, 0, 0, 46) + b'hello sctp')
            tr.add(frame(c, '10.0.0.9', sctp(7777, 7777, vt, data)))
        # CDP-like LLC/SNAP frame and a VLAN-tagged ping
        if rnd % 4 == 1:
            tr.add(llc_snap('01:00:0c:cc:cc:cc', GW_MAC, bytes([0, 0, 0x0C]), 0x2000,
                            cdp(b'switch')))
            tr.add(eth(GW_MAC, host_mac(c), 0x8100, struct.pack('!HH', 10, ETH_IP) +
                       ipv4(c, '10.118.10.1', PROTO_ICMP, icmp(8, 0, struct.pack('!HH', 9, rnd), bytes(32)))))
        # an IPv4 header with a router-alert option (IGMP-like)
        if rnd % 6 == 5:
            tr.add(eth('01:00:5e:00:00:16', host_mac(c), ETH_IP,
                       ipv4(c, '224.0.0.22', 2, icmp(0x22, 0, bytes(4)), ttl=1,
                            options=bytes([0x94, 4, 0, 0]))))
    return tr


def mix_dns():
    tr = Trace('dns', 2)
    r = tr.rng
    names = ['example.com', 'www.example.org', 'mail.example.net', 'a.very.long.name.in.a.deep.zone.test',
             'printer.local', 'nxdomain.invalid', 'txt.example.com', '_sip._udp.example.com']
    clients4 = ['192.168.10.%d' % i for i in range(2, 12)]
    clients6 = ['2001:db8:10::%x' % i for i in range(2, 8)]
    for k in range(160):
        name = names[k % len(names)]
        qid = r.getrandbits(16)
        if k % 5 == 4:
            c, s = clients6[k % len(clients6)], '2001:db8:10::53'
            qtype, ans = 28, [(28, ip('2001:db8:99::%x' % k))]
        else:
            c, s = clients4[k % len(clients4)], '192.168.10.1'
            qtype, ans = 1, [(1, ip('198.51.100.%d' % (k % 250))), (1, ip('198.51.100.%d' % ((k + 1) % 250)))]
        rcode = 0
        if name.startswith('nxdomain'):
            ans, rcode = [], 3
        elif name.startswith('txt'):
            qtype, ans = 16, [(16, b'\x0bhello=world')]
        elif name.startswith('_sip'):
            qtype, ans = 33, [(33, struct.pack('!HHH', 10, 5, 5060) + b'\x03sip\xc0\x11')]
        dns_exchange(tr, c, s, qid, name, qtype, ans, rcode=rcode)
    # reverse lookups
    for k in range(20):
        c = clients4[k % len(clients4)]
        dns_exchange(tr, c, '192.168.10.1', r.getrandbits(16), '%d.100.51.198.in-addr.arpa' % k, 12,
                     [(12, b'\x04host\xc0\x0c')])
    # mDNS (IPv4 and IPv6 multicast) and LLMNR
    for k in range(30):
        c = clients4[k % len(clients4)]
        tr.add(eth('01:00:5e:00:00:fb', host_mac(c), ETH_IP,
                   ipv4(c, '224.0.0.251', 0, udp(5353, 5353, dns(0, 'svc%d.local' % k, 12)), ttl=255)))
        c6 = 'fe80::%x' % (k + 2)
        tr.add(eth('33:33:00:00:00:fb', host_mac(c6), ETH_IP6,
                   ipv6(c6, 'ff02::fb', 0, udp(5353, 5353, dns(0, 'svc%d.local' % k, 28)), hlim=255)))
        sp = r.randint(49152, 65535)
        tr.add(eth('01:00:5e:00:00:fc', host_mac(c), ETH_IP,
                   ipv4(c, '224.0.0.252', 0, udp(sp, 5355, dns(r.getrandbits(16), 'wpad', 1)), ttl=1)))
    # zero UDP checksums, and UDP lengths that disagree with IP's
    for k in range(12):
        c = clients4[k % len(clients4)]
        sp = r.randint(32768, 60999)
        tr.add(frame(c, '192.168.10.1', udp(sp, 53, dns(k, 'zero.example.com', 1), zero_csum=True)))
        q = dns(k + 100, 'short.example.com', 1)
        tr.add(frame(c, '192.168.10.1', udp(sp, 53, q, length=8 + len(q) + 20, zero_csum=True)))
        tr.add(frame(c, '192.168.10.1', udp(sp, 53, q, length=8 + len(q) - 6, zero_csum=True)))
    # DNS over TCP: a zone-transfer-sized answer
    conn = TcpConn(tr, '192.168.10.5', '192.168.10.1', 41234, 53)
    conn.handshake()
    q = dns(0x4242, 'example.com', 252)
    conn.seg(True, ACK | PSH, struct.pack('!H', len(q)) + q)
    big = dns(0x4242, 'example.com', 252, response=True,
              answers=[(1, ip('198.51.100.%d' % i)) for i in range(150)])
    send_stream(conn, False, struct.pack('!H', len(big)) + big, 1448)
    conn.close()
    return tr


def mix_vlan():
    tr = Trace('vlan', 3)
    r = tr.rng
    a, b = '10.118.10.2', '10.118.10.1'
    shapes = [((0x8100, 118),), ((0x8100, 0xA000 | 10),), ((0x8100, 0x1000 | 20),),
              ((TPID_8021AD, 209), (0x8100, 20)), ((0x8100, 209), (0x8100, 20)),
              ((TPID_8021AD, 0x2000 | 300), (0x8100, 10), (0x8100, 118))]
    for k in range(8):
        for tags in shapes:
            ident = r.getrandbits(16)
            req = icmp(8, 0, struct.pack('!HH', ident, k), bytes(range(48)))
            rep = icmp(0, 0, struct.pack('!HH', ident, k), bytes(range(48)))
            tr.add(eth(host_mac(b), host_mac(a), ETH_IP, ipv4(a, b, PROTO_ICMP, req, ident=ident), tags))
            tr.add(eth(host_mac(a), host_mac(b), ETH_IP, ipv4(b, a, PROTO_ICMP, rep, ident=ident ^ 1), tags))
        tr.add(eth(BROADCAST, host_mac(a), ETH_ARP, arp(1, host_mac(a), a, '00:00:00:00:00:00', b),
                   ((0x8100, 118),)))
        tr.add(eth(host_mac(a), host_mac(b), ETH_ARP, arp(2, host_mac(b), b, host_mac(a), a), ((0x8100, 118),)))
        tr.add(frame('2001:db8:118::2', '2001:db8:118::1',
                     udp(40000 + k, 53, dns(k, 'v6.vlan.test', 28)), tags=((0x8100, 118),)))
        tr.add(frame('10.118.10.2', '10.118.10.1', udp(40000 + k, 514, b'<13>syslog over qinq'),
                     tags=((TPID_8021AD, 209), (0x8100, 20))))
        tr.add(llc_snap('01:00:0c:cc:cc:cc', host_mac(b), bytes([0, 0, 0x0C]), 0x2000,
                        cdp(b'sw-%03d' % k)))
    # segments sized for a 1500-byte MTU under two tags, as a QinQ access
    # link negotiates them (a veth passes only one tag beyond its MTU)
    conn = TcpConn(tr, a, b, 51000, 80, tags=((TPID_8021AD, 209), (0x8100, 20)), mss=1440)
    conn.handshake()
    conn.seg(True, ACK | PSH, http_request('vlan.test', '/'))
    send_stream(conn, False, http_response(r, 3000), 1440 - 12)
    conn.close()
    return tr


def mix_frag():
    tr = Trace('frag', 4)
    r = tr.rng
    cli, srv = '10.118.213.50', '10.118.213.211'
    for k in range(60):
        # NFS-over-UDP sized datagrams in MF fragments, IDs increasing
        body = udp(800 + k % 100, 2049, bytes(r.getrandbits(8) for _ in range(r.choice((4000, 8192, 1600)))))
        body = body.finish(ip(cli), ip(srv))
        for f in ipv4_frags(cli, srv, PROTO_UDP, body, 1480, ident=0x3000 + k):
            tr.add(eth(host_mac(srv), host_mac(cli), ETH_IP, f))
        # a big ping, fragmented, and its fragmented reply
        ping = icmp(8, 0, struct.pack('!HH', 0x77, k), bytes(3000))
        for f in ipv4_frags(cli, srv, PROTO_ICMP, ping, 1480, ident=0x5000 + k):
            tr.add(eth(host_mac(srv), host_mac(cli), ETH_IP, f))
        pong = icmp(0, 0, struct.pack('!HH', 0x77, k), bytes(3000))
        for f in ipv4_frags(srv, cli, PROTO_ICMP, pong, 1480, ident=0x6000 + k):
            tr.add(eth(host_mac(cli), host_mac(srv), ETH_IP, f))
    # overlapping fragments, a last fragment alone, a fragment with DF+MF, tiny fragments
    body = udp(5000, 6000, bytes(range(200))).finish(ip(cli), ip(srv))
    tr.add(eth(host_mac(srv), host_mac(cli), ETH_IP, ipv4(cli, srv, PROTO_UDP, body[:96], ident=0x7001, mf=True)))
    tr.add(eth(host_mac(srv), host_mac(cli), ETH_IP, ipv4(cli, srv, PROTO_UDP, body[64:160], ident=0x7001,
                                                         frag_off=64, mf=True)))
    tr.add(eth(host_mac(srv), host_mac(cli), ETH_IP, ipv4(cli, srv, PROTO_UDP, body[152:], ident=0x7001,
                                                         frag_off=152)))
    tr.add(eth(host_mac(srv), host_mac(cli), ETH_IP, ipv4(cli, srv, PROTO_UDP, bytes(40), ident=0x7002,
                                                         frag_off=2960)))
    tr.add(eth(host_mac(srv), host_mac(cli), ETH_IP, ipv4(cli, srv, PROTO_UDP, bytes(8), ident=0x7003,
                                                         df=True, mf=True)))
    for off in range(0, 64, 8):
        tr.add(eth(host_mac(srv), host_mac(cli), ETH_IP, ipv4(cli, srv, 6, bytes(range(off, off + 8)), ident=0x7004,
                                                             frag_off=off, mf=off < 56)))
    # IPv4 options: record route, timestamp, NOP/EOL padding, router alert
    rr = bytes([7, 11, 4]) + bytes(8) + b'\0'
    tsopt = bytes([68, 12, 5, 0]) + bytes(8)
    for opts in (rr, tsopt, bytes([1, 1, 1, 0]), bytes([0x94, 4, 0, 0])):
        tr.add(frame(cli, srv, udp(5001, 6001, b'options'), options=opts))
        tr.add(frame(cli, srv, tcp(40001, 80, 1000, 0, SYN, opts=tcp_opts(mss=1460)), options=opts))
    # IPv6: fragments of a UDP datagram, extension header chains
    c6, s6 = '2001:db8:f::1', '2001:db8:f::2'
    for k in range(20):
        body = udp(7000 + k, 2049, bytes(r.getrandbits(8) for _ in range(3000))).finish(ip(c6), ip(s6))
        for off in range(0, len(body), 1448):
            piece = body[off:off + 1448]
            tr.add(eth(host_mac(s6), host_mac(c6), ETH_IP6,
                       ipv6(c6, s6, PROTO_UDP, piece,
                            exts=[(FRAGMENT, ext_fragment(off, off + 1448 < len(body), 0x900 + k))])))
    chains = [
        [(HOPOPTS, ext_opts(0, router_alert=True))],
        [(HOPOPTS, ext_opts(0)), (DSTOPTS, ext_opts(1))],
        [(ROUTING, ext_routing(1))],
        [(HOPOPTS, ext_opts(0)), (ROUTING, ext_routing(1)), (DSTOPTS, ext_opts(0))],
        [(DSTOPTS, ext_opts(0)), (FRAGMENT, ext_fragment(0, False, 0x42))],
        # longer than the capture parser follows (six headers)
        [(HOPOPTS, ext_opts(0))] + [(DSTOPTS, ext_opts(0))] * 7,
    ]
    for k in range(6):
        for chain in chains:
            tr.add(eth(host_mac(s6), host_mac(c6), ETH_IP6,
                       ipv6(c6, s6, 0, udp(6000 + k, 53, dns(k, 'ext.test', 28)), exts=chain)))
            tr.add(eth(host_mac(s6), host_mac(c6), ETH_IP6,
                       ipv6(c6, s6, 0, tcp(45000 + k, 443, 5000, 0, SYN, opts=tcp_opts(mss=1440)), exts=chain)))
        tr.add(eth(host_mac(s6), host_mac(c6), ETH_IP6,
                   ipv6(c6, s6, NONXT, b'', exts=[(DSTOPTS, ext_opts(0))])))
        tr.add(eth(host_mac(s6), host_mac(c6), ETH_IP6,
                   ipv6(c6, s6, 0, icmp6(128, 0, struct.pack('!HH', 5, k), bytes(32)),
                        exts=[(HOPOPTS, ext_opts(0))])))
    return tr


def mix_bulk():
    tr = Trace('bulk', 5)
    r = tr.rng
    cli, srv = '172.16.5.10', '172.16.5.20'
    # sequence numbers that wrap during the transfer
    conn = TcpConn(tr, cli, srv, 47002, 5001, isn_c=0xFFFF0000, isn_s=0xFFF00000)
    conn.handshake()
    conn.seg(True, ACK | PSH, b'SEND 6000000\r\n', gap_us=200)
    mss = 1448
    sent = 0
    lost = set(r.sample(range(200, 3000), 6))
    k = 0
    while sent < 4_500_000:
        data = bytes([(sent + i) & 0xFF for i in range(mss)])
        start = conn.ends[False][2]
        if k in lost:
            # the segment is lost past the capture point, SACKed, then retransmitted
            conn.ends[False][2] = (start + mss) & 0xFFFFFFFF
            nxt = conn.ends[False][2]
            conn.seg(False, ACK, bytes(mss), gap_us=12)
            conn.seg(True, ACK, gap_us=30, sack=((nxt, nxt + mss),))
            conn.seg(False, ACK | PSH, data, seq=start, gap_us=40)
        else:
            conn.seg(False, ACK, data, gap_us=12)
        sent += mss
        k += 1
        if k % 2 == 0:
            if k % 500 == 0:
                conn.win[True] = r.choice((1024, 8192, 32768, 64240))
            conn.seg(True, ACK, gap_us=25)
    # a small request the other way before closing
    conn.seg(True, ACK | PSH, b'STATS\r\n')
    conn.seg(False, ACK | PSH, b'OK 4500000 bytes\r\n')
    conn.close(from_cli=False)
    return tr


def mix_short_flows():
    tr = Trace('short-flows', 6)
    r = tr.rng
    for k in range(2200):
        c = '10.%d.%d.%d' % (20 + k % 4, (k >> 8) & 0xFF, (k & 0xFF) | 1)
        s = '10.99.%d.%d' % (k % 7, 10 + k % 13)
        kind = k % 6
        gap = r.randint(5, 200)
        if kind in (0, 1):      # HTTP-ish: handshake, request, response, close (5+ packets)
            conn = TcpConn(tr, c, s, 30000 + k % 30000, 80, ts=kind == 0)
            conn.handshake()
            conn.seg(True, ACK | PSH | FIN, b'GET /%d HTTP/1.0\r\n\r\n' % k, gap_us=gap)
            conn.seg(False, ACK | PSH | FIN, b'HTTP/1.0 204 No Content\r\n\r\n', gap_us=gap)
        elif kind == 2:         # refused: SYN, RST
            conn = TcpConn(tr, c, s, 30000 + k % 30000, 8443, ts=False)
            conn.seg(True, SYN, opts=tcp_opts(mss=1460))
            conn.ends[False][2] = 0
            conn.seg(False, RST | ACK, gap_us=gap, opts=b'')
        elif kind == 3:         # DNS query and answer
            dns_exchange(tr, c, s, r.getrandbits(16), 'f%d.example' % k, 1, [(1, ip(s))])
        elif kind == 4:         # ping pair over IPv6
            c6, s6 = '2001:db8:20::%x' % (k + 1), '2001:db8:99::%x' % (k % 13 + 1)
            tr.add(frame(c6, s6, icmp6(128, 0, struct.pack('!HH', k, 1), b'abcd')))
            tr.add(frame(s6, c6, icmp6(129, 0, struct.pack('!HH', k, 1), b'abcd')), gap_us=gap)
        else:                   # an IPv6 TCP flow cut short: SYN, SYN-ACK, ACK, RST
            c6, s6 = '2001:db8:20::%x' % (k + 1), '2001:db8:99::%x' % (k % 13 + 1)
            conn = TcpConn(tr, c6, s6, 30000 + k % 30000, 22, ts=False)
            conn.handshake()
            conn.seg(True, RST | ACK, gap_us=gap)
    return tr


def mix_edge():
    tr = Trace('edge', 7)
    r = tr.rng
    a, b = '192.0.2.1', '198.51.100.7'
    whole = [
        frame(a, b, tcp(1234, 80, 100, 200, ACK | PSH | URG, urg=7, data=b'x' * 10)),
        frame(a, b, tcp(1234, 80, 4000000000, 5, SYN | ECE | CWR, opts=tcp_opts(mss=1460, wscale=7))),
        frame(a, b, udp(4000, 4001, bytes(100)), tos=0xB8, ttl=3),
        frame('2001:db8::1', '2001:db8::2', tcp(80, 1234, 5, 6, ACK, data=b'y' * 40), tclass=0x2e, flow=0xABCDE),
        frame(a, b, udp(53, 53, dns(1, 'edge.test', 1))),
    ]
    # every whole frame, then the same frames cut short after each header boundary
    for f in whole:
        tr.add(f)
        for cut in (6, 13, 14, 18, 24, 33, 34, 38, 46, 53, 54, 60):
            if cut < len(f):
                tr.add(f[:cut], orig_len=len(f))
    # a snapped capture (-s 96) of a full-size frame
    big = frame(a, b, tcp(5555, 443, 1, 1, ACK, data=bytes(1448)))
    tr.add(big[:96], orig_len=len(big))
    # runts on the wire (shorter than Ethernet's minimum), frames shorter than their header
    tr.add(eth('02:00:00:00:00:02', '02:00:00:00:00:01', ETH_IP, b'\x45\x00'))
    tr.add(bytes.fromhex('0200000000020200000000'))
    tr.add(eth('02:00:00:00:00:02', '02:00:00:00:00:01', ETH_IP6, bytes(10)))
    # IP headers that lie about their lengths
    tr.add(eth('02:00:00:00:00:02', '02:00:00:00:00:01', ETH_IP, ipv4(a, b, PROTO_UDP, udp(1, 2, b'zz'), total=400)))
    tr.add(eth('02:00:00:00:00:02', '02:00:00:00:00:01', ETH_IP, ipv4(a, b, PROTO_UDP, udp(1, 2, b'zz'), total=12)))
    tr.add(eth('02:00:00:00:00:02', '02:00:00:00:00:01', ETH_IP6,
               ipv6('2001:db8::1', '2001:db8::2', 0, udp(1, 2, b'zz'), plen=900)))
    # jumbo frames
    for n in (9000, 9216):
        tr.add(frame(a, b, udp(9000, 9001, bytes(r.getrandbits(8) for _ in range(n - 42)))))
    tr.add(frame('2001:db8::1', '2001:db8::2', tcp(9000, 9001, 1, 1, ACK, data=bytes(8900))))
    # unknown ethertypes, an 802.3 frame without SNAP, a bad IPv4 checksum, a bad TCP checksum
    tr.add(eth('02:00:00:00:00:02', '02:00:00:00:00:01', 0x88B5, bytes(46)))
    tr.add(eth('02:00:00:00:00:02', '02:00:00:00:00:01', 0x88CC, bytes(46)))
    tr.add(bytes.fromhex('0180c20000000200000000010026') + bytes([0x42, 0x42, 0x03]) + bytes(35))
    tr.add(eth('02:00:00:00:00:02', '02:00:00:00:00:01', ETH_IP, ipv4(a, b, PROTO_UDP, udp(1, 2, b'q'), bad_csum=True)))
    tr.add(frame(a, b, tcp(7, 8, 9, 10, ACK, bad_csum=True, data=b'bad')))
    tr.add(eth('02:00:00:00:00:02', '02:00:00:00:00:01', ETH_IP, ipv4(a, b, 253, b'z' * 30)))
    return tr


MIXES = [mix_mixed, mix_dns, mix_vlan, mix_frag, mix_bulk, mix_short_flows, mix_edge]
# Traces a veth can carry (tcpreplay on one end, capture on the other).
WIRE = ['mixed', 'dns', 'vlan', 'frag', 'bulk', 'short-flows']


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: make_corpus.py OUTDIR')
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    lines = []
    for mix in MIXES:
        tr = mix()
        # traces a veth cannot carry live apart, so that a test given the
        # directory can replay everything in it
        where = out if tr.name in WIRE else os.path.join(out, 'offline')
        os.makedirs(where, exist_ok=True)
        path = os.path.join(where, tr.name + '.pcap')
        tmp = path + '.tmp'
        tr.write(tmp)
        os.replace(tmp, path)
        size = os.path.getsize(path)
        lines.append('%s\t%d packets\t%d bytes\t%s' % (tr.name, len(tr.frames), size,
                                                     'wire' if tr.name in WIRE else 'offline'))
    with open(os.path.join(out, 'MANIFEST'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
