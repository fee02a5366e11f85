#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""An independent reader of tcrec log format v3 (and v2, v1), written from
formats/FORMAT.md alone (zstd frames are decoded by the zstd command line
tool, which also verifies their content checksum). Prints the same text as
tclog_dump so that the conformance test can compare the two; exits 1 with a
message on any violation of the specification."""
import struct
import subprocess
import sys

import tclog_spec_columnar


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def die(msg):
    sys.exit(f"spec reader: {msg}")


def need(cond, msg):
    if not cond:
        die(msg)


def read_str(buf, off, maxlen):
    (n,) = struct.unpack_from("<H", buf, off)
    need(n <= maxlen, f"string of {n} bytes at {off}")
    s = buf[off + 2:off + 2 + n]
    need(b"\0" not in s, "NUL in string")
    return s, off + 2 + n


def cstr(b, what):
    need(b"\0" in b, f"{what} not terminated")
    return b.split(b"\0")[0].decode()


def iface(buf, off, version):
    ifindex, mtu, mac, lflags, name = struct.unpack_from("<II6sH16s", buf, off)
    d = dict(ifindex=ifindex, mtu=mtu, mac=mac.hex(), flags=lflags, name=cstr(name, "name"),
             netns=0, ns_name="", container="")
    if version >= 2:
        netns, nsn, cont = struct.unpack_from("<Q32s64s", buf, off + 32)
        d.update(netns=netns, ns_name=cstr(nsn, "ns_name"), container=cstr(cont, "container"))
    return d


RECORD = struct.Struct("<QIIIIIIII16s16s6s6sH3H3HHHHHHHHHHBBBBBBBBBBH")
assert RECORD.size == 128


def strings(tab, o, n, maxlen):
    col = []
    for _ in range(n):
        need(o < len(tab), "socket table ends inside a string")
        ln = tab[o]
        need(ln <= maxlen and o + 1 + ln <= len(tab), "socket table string length")
        sv = tab[o + 1:o + 1 + ln]
        need(b"\0" not in sv, "NUL in a socket table string")
        col.append(sv)
        o += 1 + ln
    return col, o


def sock_table(body, nrec):
    """v3: the socket table at the start of a chunk of records. Returns its
    sockets (dicts; tuple None = its first record's) and the offset of the
    records after it."""
    need(len(body) >= 12, "payload shorter than a socket table")
    (tlen,) = struct.unpack_from("<I", body, 0)
    need(8 <= tlen <= len(body) - 4, "socket table length")
    tab = body[4:4 + tlen]
    m, n = struct.unpack_from("<II", tab, 0)
    need(n <= 65535 and n <= nrec and m <= n and 8 + 23 * m + 8 * n <= tlen, "socket table counts")
    o = 8
    cg = struct.unpack_from(f"<{m}Q", tab, o)
    pid, tid, uid = (struct.unpack_from(f"<{m}I", tab, o + 8 * m + 4 * m * i) for i in range(3))
    o += 20 * m
    comm, o = strings(tab, o, m, 15)
    cgroup, o = strings(tab, o, m, 255)
    cont, o = strings(tab, o, m, 63)
    cookie, c = [], 0
    for _ in range(n):  # zigzag varint differences to the previous cookie
        z, sh = 0, 0
        while True:
            need(o < tlen and sh <= 63, "socket table: cookie varint")
            z |= (tab[o] & 0x7F) << sh
            sh += 7
            o += 1
            if not tab[o - 1] & 0x80:
                break
        c = (c + ((z >> 1) ^ -(z & 1))) & 0xFFFFFFFFFFFFFFFF
        cookie.append(c)
    need(o + 7 * n <= tlen, "socket table: sockets past its end")
    owner = struct.unpack_from(f"<{n}H", tab, o)
    flags = struct.unpack_from(f"<{n}I", tab, o + 2 * n)
    kind = tab[o + 6 * n:o + 7 * n]
    o += 7 * n
    k = sum(1 for x in kind if x == 0)
    need(all(x in (0, 1) for x in kind) and all(c != 0 for c in cookie)
         and all(w < m for w in owner), "socket table: cookie, owner or tuple kind")
    need(o + 38 * k == tlen, "socket table: bytes after its explicit tuples")
    fam, pro = tab[o:o + k], tab[o + k:o + 2 * k]
    lp = struct.unpack_from(f"<{k}H", tab, o + 2 * k)
    rp = struct.unpack_from(f"<{k}H", tab, o + 4 * k)
    la = [tab[o + 6 * k + 16 * i:o + 6 * k + 16 * i + 16] for i in range(k)]
    ra = [tab[o + 22 * k + 16 * i:o + 22 * k + 16 * i + 16] for i in range(k)]
    socks, j = [], 0
    for i in range(n):
        w = owner[i]
        e = dict(cookie=cookie[i], cg=cg[w], pid=pid[w], tid=tid[w], uid=uid[w], flags=flags[i],
                 comm=comm[w], cgroup=cgroup[w], cont=cont[w], tuple=None)
        if kind[i] == 0:
            need(fam[j] in (0, 4, 6), "socket family")
            e["tuple"] = (fam[j], pro[j], lp[j], rp[j], la[j], ra[j])
            j += 1
        socks.append(e)
    return socks, 4 + tlen


def resolve(socks, recs):
    """recs: (fields, bytes, ref) of one chunk; returns (fields, bytes,
    (cookie, printed socket)) with the tuples of the sockets that take
    theirs from their first record."""
    out = []
    for f, b, ref in recs:
        need(ref <= len(socks), f"socket reference {ref} past the table of {len(socks)}")
        if not ref:
            out.append((f, b, (0, "-")))
            continue
        e = socks[ref - 1]
        if e["tuple"] is None:
            rflags, dr = f[28], f[29]
            need(rflags & 6, "tuple from a record that is not IP")
            sa, da, sp, dp = (f[9], f[10], f[22], f[23]) if dr else (f[10], f[9], f[23], f[22])
            e["tuple"] = (4 if rflags & 2 else 6, f[31], sp, dp, sa, da)
        out.append((f, b, e))
    need(all(e["tuple"] is not None for e in socks), "socket tuple from no record")
    res = []
    for f, b, e in out:
        if isinstance(e, dict):
            fam, pro, lp, rp, la, ra = e["tuple"]
            txt = ",".join(str(x) for x in (e["cookie"], e["cg"], e["pid"], e["tid"], e["uid"],
                                            e["flags"], fam, pro, lp, rp, la.hex(), ra.hex(),
                                            e["comm"].hex(), e["cgroup"].hex(), e["cont"].hex()))
            e = (e["cookie"], txt)
        res.append((f, b, e))
    return res


def main(path):
    data = open(path, "rb").read()
    out = []
    need(data[0:8] == b"TCRECLOG", "magic")
    version, flags, hlen = struct.unpack_from("<HHI", data, 8)
    entry, maxif, maxh = (32, 64, 65536) if version == 1 else (136, 1024, 262144)
    need(version in (1, 2, 3) and flags == 0 and 52 <= hlen <= maxh, "header fixed part")
    need(struct.unpack_from("<I", data, hlen - 4)[0] == crc32c(data[:hlen - 4]), "header crc")
    start, clk, snaplen, snapcap = struct.unpack_from("<QqII", data, 16)
    host, off = read_str(data, 40, 63)
    kernel, off = read_str(data, off, 63)
    filt, off = read_str(data, off, 4095)
    (nif,) = struct.unpack_from("<H", data, off)
    off += 2
    need(nif <= maxif and off + entry * nif == hlen - 4, "interface table end")
    out.append(f"header start_ns={start} clock_offset_ns={clk} snaplen={snaplen} "
               f"snap_cap={snapcap} host={host.decode()} kernel={kernel.decode()} "
               f"filter={filt.hex()} n_ifaces={nif}")
    table = [iface(data, off + entry * i, version) for i in range(nif)]

    # Footer and trailer.
    size = len(data)
    need(data[-8:] == b"TCLOGEND", "footer magic (file not closed cleanly)")
    toff, tlen, fcrc = struct.unpack_from("<QII", data, size - 24)
    need(fcrc == crc32c(data[size - 24:size - 12]), "footer crc")
    need(toff + tlen + 24 == size, "footer sizes")
    tr = data[toff:toff + tlen]
    need(tr[0:4] == b"TCTR", "trailer magic")
    tl, nch, nslots, tflags, res, total = struct.unpack_from("<IIIIIQ", tr, 4)
    need(tl == tlen == 36 + 32 * nch + 64 * nslots and res == 0, "trailer length")
    need(struct.unpack_from("<I", tr, tlen - 4)[0] == crc32c(tr[:tlen - 4]), "trailer crc")
    index = [struct.unpack_from("<QQQII", tr, 32 + 32 * i) for i in range(nch)]

    # Walk the chunks.
    pos, walked, records = hlen, [], []
    while pos < toff:
        h = data[pos:pos + 48]
        need(h[0:4] == b"TCCK", f"chunk magic at {pos}")
        enc, cflags, nrec, raw, comp, pcrc, first, last, res, hcrc = struct.unpack_from(
            "<HHIIIIQQII", h, 4)
        need(hcrc == crc32c(h[:44]) and cflags == 0 and res == 0, f"chunk header at {pos}")
        need(1 <= nrec <= 65536 and 1 <= raw <= 32 << 20 and first <= last, "chunk ranges")
        payload = data[pos + 48:pos + 48 + comp]
        need(len(payload) == comp and crc32c(payload) == pcrc, f"payload crc at {pos}")
        need(payload[0:4] == bytes([0x28, 0xB5, 0x2F, 0xFD]) and payload[4] & 4,
             "zstd frame with content checksum")
        dec = subprocess.run(["zstd", "-d", "-c", "-q"], input=payload, capture_output=True)
        need(dec.returncode == 0, f"zstd: {dec.stderr.decode().strip()}")
        body = dec.stdout
        need(len(body) == raw, "raw size")
        need(enc in (1, 2) or (enc == 3 and version >= 2), f"encoding {enc}")
        socks, o = [], 0
        if enc in (1, 2) and version >= 3:
            socks, o = sock_table(body, nrec)
            body = body[o:]
        kind = 1 if enc == 3 else 0
        if enc == 3:
            need(raw == 4 + 136 * nrec, "interface chunk size")
            (slot,) = struct.unpack_from("<I", body, 0)
            need(slot + nrec <= 1024, "interface chunk slots")
            while len(table) < slot:
                table.append(dict(ifindex=0, mtu=0, mac="000000000000", flags=0, name="",
                                  netns=0, ns_name="", container=""))
            for i in range(nrec):
                e = iface(body, 4 + 136 * i, 2)
                if slot + i < len(table):
                    table[slot + i] = e
                else:
                    table.append(e)
        elif enc == 2:
            try:
                recs = tclog_spec_columnar.decode(body, nrec, version >= 3)
            except tclog_spec_columnar.Damage as e:
                die(f"chunk at {pos}: {e}")
            for f, b, ref in recs:
                need(first <= f[0] <= last, "record time in chunk range")
            chunk_recs = recs
        o = 0
        if enc == 1:
            chunk_recs = []
        for _ in range(nrec if enc == 1 else 0):
            f = RECORD.unpack_from(body, o)
            cap = f[8]
            need(cap <= 16384 and f[30] <= 3 and f[29] <= 1, "record domain")
            need(first <= f[0] <= last, "record time in chunk range")
            # v3: the last two bytes are the socket reference; pad before
            ref = f[-1] if version >= 3 else 0
            chunk_recs.append((f, body[o + 128:o + 128 + cap], ref))
            o += 128 + cap
        need(enc != 1 or o == len(body), "records fill the payload")
        if enc in (1, 2):
            records.extend(resolve(socks, chunk_recs))
        walked.append((pos, first, last, nrec, kind))
        pos += 48 + comp
    need(pos == toff, "chunks end at the trailer")
    need(walked == index, "trailer index equals the walked chunks")
    need(total == len(records), "total records")

    for c in walked:
        if c[4] == 0:
            out.append(f"chunk offset={c[0]} records={c[3]} first={c[1]} last={c[2]}")
    for f, b, (cookie, sock) in records:
        (ts, ifindex, wire, seq, ack, mark, ipid, drops, cap, sa, da, sm, dm, eth,
         v0, v1, v2, t0, t1, t2, iplen, frag, sport, dport, win, udplen, icid, icseq,
         rflags, dr, vc, proto, ttl, tos, iphl, tfl, thl, ity, ico, _pad) = f
        out.append(
            f"rec ts={ts} ifindex={ifindex} wire_len={wire} seq={seq} ack={ack} mark={mark} "
            f"ip_id={ipid} drops={drops} cap_len={cap} saddr={sa.hex()} daddr={da.hex()} "
            f"smac={sm.hex()} dmac={dm.hex()} ethertype={eth} vlan={v0},{v1},{v2} "
            f"tpid={t0},{t1},{t2} ip_len={iplen} frag={frag} sport={sport} dport={dport} "
            f"win={win} udp_len={udplen} icmp_id={icid} icmp_seq={icseq} flags={rflags} "
            f"dir={dr} vlan_count={vc} proto={proto} ttl={ttl} tos={tos} ip_hlen={iphl} "
            f"tcp_flags={tfl} tcp_hlen={thl} icmp_type={ity} icmp_code={ico} bytes={b.hex()} "
            f"sock_cookie={cookie} sock={sock}")
    for i, e in enumerate(table):
        out.append(f"iface {i} ifindex={e['ifindex']} mtu={e['mtu']} mac={e['mac']} "
                   f"flags={e['flags']} name={e['name']} netns={e['netns']} "
                   f"ns_name={e['ns_name']} container={e['container']}")
    need(nslots in (0, len(table)), "trailer slots equal the final table")
    if tflags & 1:
        o = 32 + 32 * nch
        for s in range(nslots):
            for d in range(2):
                seen, rec, filt_, drop = struct.unpack_from("<QQQQ", tr, o)
                o += 32
                out.append(f"final slot={s} dir={d} seen={seen} recorded={rec} "
                           f"filtered={filt_} dropped={drop}")
    print("\n".join(out))


if __name__ == "__main__":
    need(crc32c(b"123456789") == 0xE3069283, "crc32c check value")
    main(sys.argv[1])
