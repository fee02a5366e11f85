# SPDX-License-Identifier: MIT
"""Chunk encoding 2 (columnar with per-flow prediction), decoded from
formats/FORMAT.md alone. decode() returns records as tuples in the field
order of encoding 1's 128-byte record, plus their packet bytes and (v3) their
socket reference."""
import struct

M32 = 0xFFFFFFFF
# (name, width, stored as value?) in mask-bit order
FIELDS = [("ip_id", 32, 0), ("tcp_seq", 32, 0), ("tcp_ack", 32, 0), ("ip_len", 16, 1),
          ("wire_len", 32, 0), ("tcp_win", 16, 0), ("tcp_flags", 8, 1), ("cap_len", 32, 0),
          ("flags", 16, 1), ("ttl", 8, 1), ("tos", 8, 1), ("ip_hlen", 8, 1),
          ("tcp_hlen", 8, 1), ("frag_off", 16, 1), ("udp_len", 16, 0), ("icmp_type", 8, 1),
          ("icmp_code", 8, 1), ("icmp_id", 16, 0), ("icmp_seq", 16, 0), ("mark", 32, 0),
          ("drops", 32, 0), ("sock_ref", 16, 0)]
IDX = {f[0]: i for i, f in enumerate(FIELDS)}


class Damage(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise Damage(msg)


class Column:
    def __init__(self, buf):
        self.buf, self.pos = buf, 0

    def varint(self, max_bytes):
        v = 0
        for i in range(max_bytes):
            need(self.pos < len(self.buf), "column ends inside a varint")
            b = self.buf[self.pos]
            self.pos += 1
            v |= (b & 0x7F) << (7 * i)
            if not b & 0x80:
                return v
        raise Damage("varint too long")

    def take(self, n):
        need(self.pos + n <= len(self.buf), "column too short")
        self.pos += n
        return self.buf[self.pos - n:self.pos]

    def done(self):
        return self.pos == len(self.buf)


def unzigzag(z):
    return (z >> 1) ^ -(z & 1)


def predict(f, st, cur, snap):
    prev = st["prev"]
    name = FIELDS[f][0]
    if name == "ip_id":
        x = prev[f] + st["sid"]
    elif name == "tcp_seq":
        x = prev[f]
        if st["proto"] == 6:
            h3 = prev[IDX["ip_hlen"]] - 40 if prev[IDX["flags"]] & 4 else prev[IDX["ip_hlen"]]
            tf = prev[IDX["tcp_flags"]]
            x += prev[IDX["ip_len"]] - h3 - prev[IDX["tcp_hlen"]] + (tf & 1) + ((tf >> 1) & 1)
    elif name == "wire_len":
        x = cur[IDX["ip_len"]] + prev[f] - prev[IDX["ip_len"]]
    elif name == "cap_len":
        x = min(cur[IDX["wire_len"]], snap)
    elif name == "udp_len":
        x = prev[f] + cur[IDX["ip_len"]] - prev[IDX["ip_len"]] if prev[f] else 0
    elif name == "icmp_seq":
        x = prev[f] + st["sseq"]
    else:
        x = prev[f]
    return (x & M32) & ((1 << FIELDS[f][1]) - 1)


def xor_be(b, cap, off, v, n):
    if off + n <= cap:
        for i in range(n):
            b[off + i] ^= (v >> (8 * (n - 1 - i))) & 0xFF


def unxor(f, key, b):
    cap = len(b)
    L = 14 + 4 * key["vlan_count"]
    T = L + f["ip_hlen"]
    if f["flags"] & 2:
        xor_be(b, cap, L + 2, f["ip_len"], 2)
        xor_be(b, cap, L + 4, f["ip_id"], 2)
    elif f["flags"] & 4:
        xor_be(b, cap, L + 4, f["ip_len"], 2)
    else:
        return
    if f["flags"] & 8 and key["ip_proto"] == 6:
        xor_be(b, cap, T + 4, f["tcp_seq"], 4)
        xor_be(b, cap, T + 8, f["tcp_ack"], 4)
        xor_be(b, cap, T + 14, f["tcp_win"], 2)


KEY = struct.Struct("<I16s16s6s6sH3H3HHHBBB")
assert KEY.size == 69


def decode(body, nrec, socks):
    """socks: a v3 payload (22 fields, 27 columns); else v1/v2 (21, 26)."""
    nf, ncol = (22, 27) if socks else (21, 26)
    hdr = 16 + 4 * ncol
    need(len(body) >= hdr, "payload shorter than its column table")
    base, unit = struct.unpack_from("<QQ", body, 0)
    need(unit >= 1, "time unit 0")
    lens = struct.unpack_from(f"<{ncol}I", body, 16)
    need(hdr + sum(lens) == len(body), "columns do not fill the payload")
    cols, o = [], hdr
    for n in lens:
        cols.append(Column(body[o:o + n]))
        o += n
    flowc, keysc, timec, maskc, bytesc = cols[0], cols[1], cols[2], cols[3], cols[25]
    fcol = [4 + f for f in range(21)] + [26]
    flows, recent, last, snap, t = [], [], None, 0, base
    out = []
    for _ in range(nrec):
        c = flowc.varint(5)
        if c < 16:
            need(c < len(recent), "recent flow beyond the list")
            fid = recent[c]
        else:
            fid = c - 16
            need(fid <= len(flows), "flow id beyond the next")
        if fid == len(flows):
            k = KEY.unpack(keysc.take(69))
            key = dict(ifindex=k[0], saddr=k[1], daddr=k[2], smac=k[3], dmac=k[4],
                       ethertype=k[5], tci=k[6:9], tpid=k[9:12], sport=k[12], dport=k[13],
                       dir=k[14], vlan_count=k[15], ip_proto=k[16])
            if last is None:
                st = dict(prev=[0] * 22, sid=0, sseq=0)
            else:
                s0 = flows[last][1]
                st = dict(prev=list(s0["prev"]), sid=s0["sid"], sseq=s0["sseq"])
            st["proto"] = key["ip_proto"]
            flows.append((key, st))
        if fid in recent:
            recent.remove(fid)
        recent.insert(0, fid)
        del recent[16:]
        last = fid
        key, st = flows[fid]
        t = (t + unzigzag(timec.varint(10)) * unit) & 0xFFFFFFFFFFFFFFFF
        mask = maskc.varint(5)
        need(mask < 1 << nf, "mask bits beyond the fields")
        cur = [0] * 22
        for f, (name, w, as_value) in enumerate(FIELDS[:nf]):
            p = predict(f, st, cur, snap)
            cur[f] = p
            if mask >> f & 1:
                z = cols[fcol[f]].varint(5)
                need(z < 1 << w, f"{name} wider than its field")
                if as_value:
                    need(z != p, f"{name} stored equal to its prediction")
                    cur[f] = z
                else:
                    need(z != 0, f"{name} difference 0 with its mask bit set")
                    cur[f] = (p + unzigzag(z)) & ((1 << w) - 1)
        prev = st["prev"]
        st["sid"] = (cur[0] - prev[0]) & M32
        st["sseq"] = (cur[18] - prev[18]) & M32
        st["prev"] = cur
        f = {name: cur[i] for i, (name, _, _) in enumerate(FIELDS)}
        if f["cap_len"] < f["wire_len"]:
            snap = f["cap_len"]
        need(f["cap_len"] <= 16384 and key["vlan_count"] <= 3 and key["dir"] <= 1,
             "record domain")
        b = bytearray(bytesc.take(f["cap_len"]))
        unxor(f, key, b)
        rec = (t, key["ifindex"], f["wire_len"], f["tcp_seq"], f["tcp_ack"], f["mark"],
               f["ip_id"], f["drops"], f["cap_len"], key["saddr"], key["daddr"], key["smac"],
               key["dmac"], key["ethertype"], *key["tci"], *key["tpid"], f["ip_len"],
               f["frag_off"], key["sport"], key["dport"], f["tcp_win"], f["udp_len"],
               f["icmp_id"], f["icmp_seq"], f["flags"], key["dir"], key["vlan_count"],
               key["ip_proto"], f["ttl"], f["tos"], f["ip_hlen"], f["tcp_flags"],
               f["tcp_hlen"], f["icmp_type"], f["icmp_code"], b"\0\0")
        out.append((rec, bytes(b), f["sock_ref"]))
    need(all(col.done() for col in cols), "column bytes left after the last record")
    return out
