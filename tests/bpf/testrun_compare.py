#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks every record testrun_trace got from the capture program against
tshark's dissection of the same packets.

For each capture mode (metadata only, -s 256 with an ifslots entry, -s 0,
and the egress program with -s 64 on the last slot)
testrun_trace feeds every packet of TRACE to the program and prints one TSV
line per record; tshark -T fields on TRACE gives, independently, what each
record field must be. Every field of every record is compared.

Not comparable with tshark, and checked by testrun_trace instead (its
"check" column, which must read "ok"): one record per packet, ts_ns (inside
the CLOCK_MONOTONIC window of the run), ifindex (lo, test_run's device), dir
(which program ran), mark (set per packet through the test_run context),
drops, the packet left unmodified, the verdict (TC_ACT_UNSPEC), pad bytes,
and the captured bytes equal to the packet's first cap_len bytes.

Exit: 0 all equal, 1 a mismatch or an error, 77 cannot run here.
"""
import argparse
import ipaddress
import os
import re
import shutil
import subprocess
import sys

SKIP = 77
MAX_REPORTED = 25
ETH_HLEN = 14
EXT_HEADERS = (0, 43, 44, 51, 60)   # hop-by-hop, routing, fragment, AH, destination
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bpf")


def defines(path):
    """Integer #defines of a C header: NAME -> value."""
    out = {}
    pat = re.compile(r"#define\s+(\w+)\s+\(?(\d+)u?(?:\s*<<\s*(\d+))?\)?\s*(?:/\*.*)?$")
    with open(path) as f:
        for line in f:
            m = pat.match(line.strip())
            if m:
                out[m[1]] = int(m[2]) << int(m[3] or 0)
    return out


# The contract (tcrec.h) and the parse limits both parsers follow
# (parse.h), read from the sources so that they cannot drift apart.
_C = {**defines(os.path.join(SRC, "tcrec.h")), **defines(os.path.join(SRC, "parse.h"))}
F_IPV4, F_IPV6, F_L4, F_FRAG, F_TRUNC, F_EXT_LIMIT, F_VLAN_MORE = (
    _C["TCREC_F_" + n] for n in ("IPV4", "IPV6", "L4", "FRAG", "TRUNC", "EXT_LIMIT", "VLAN_MORE"))
SNAP_MAX = _C["TCREC_SNAP_MAX"]
# in-packet tags the program parses (test_run never has an offloaded tag)
VLAN_INPKT_MAX = _C["TCREC_VLAN_INPKT_MAX"]
IPV6_EXT_MAX = _C["TCREC_IPV6_EXT_MAX"]
# Headers are parsed inside the first HDR_WIN bytes only; headers further
# in are given up on (TCREC_F_EXT_LIMIT), the packet is not truncated.
HDR_WIN = _C["TCREC_HDR_WIN"]

TSHARK_FIELDS = """
frame.number frame.len frame.cap_len frame.protocols
eth.src eth.dst eth.type eth.len
vlan.id vlan.priority vlan.dei vlan.etype vlan.len
ieee8021ad.id ieee8021ad.priority ieee8021ad.dei ieee8021ah.etype
ip.src ip.dst ip.id ip.ttl ip.dsfield ip.len ip.hdr_len ip.proto ip.flags ip.frag_offset
ipv6.src ipv6.dst ipv6.flow ipv6.hlim ipv6.tclass ipv6.plen ipv6.nxt
ipv6.hopopts.nxt ipv6.hopopts.len_oct ipv6.routing.nxt ipv6.routing.len_oct
ipv6.dstopts.nxt ipv6.dstopts.len_oct ipv6.fraghdr.nxt ipv6.fraghdr.offset
ipv6.fraghdr.more ah.next_header ah.length
tcp.srcport tcp.dstport tcp.seq_raw tcp.ack_raw tcp.flags tcp.window_size_value tcp.hdr_len
udp.srcport udp.dstport udp.length sctp.srcport sctp.dstport
icmp.type icmp.code icmp.ident icmp.seq
icmpv6.type icmpv6.code icmpv6.echo.identifier icmpv6.echo.sequence_number
""".split()

# testrun_trace's columns, in order; "frame" and "check" are handled apart.
COLUMNS = """frame len wire_len cap_len flags smac dmac ethertype vlan_count vlan_tpid
vlan_tci saddr daddr ip_proto ttl tos ip_len ip_hlen ip_id frag_off sport dport tcp_seq
tcp_ack tcp_flags tcp_win tcp_hlen udp_len icmp_type icmp_code icmp_id icmp_seq
check""".split()
COMPARED = [c for c in COLUMNS if c not in ("frame", "check")]

# Capture modes: testrun_trace options, and the snap length they mean. -S puts
# lo (test_run's device) in ifslots; without it the program must use slot 0.
RUNS = [
    ("metadata", [], 0),
    ("s256-slot5", ["-s", "256", "-S", "5"], 256),
    ("s0", ["-s", "0"], SNAP_MAX),
    ("egress-s64-slot63", ["-E", "-s", "64", "-S", "63"], 64),
]


class OracleGap(Exception):
    """tshark did not give a field the record must be compared with."""


def num(s):
    return int(s, 0)


def tshark_packets(trace):
    cmd = ["tshark", "-n", "-r", trace, "-T", "fields", "-E", "separator=/t",
           "-E", "occurrence=a", "-E", "aggregator=,",
           "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
           "-o", "tcp.desegment_tcp_streams:FALSE",
           "-o", "tcp.relative_sequence_numbers:FALSE"]
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    pkts = []
    for line in out.splitlines():
        vals = line.split("\t")
        if len(vals) != len(TSHARK_FIELDS):
            raise RuntimeError(f"tshark: {len(vals)} fields in a line, expected {len(TSHARK_FIELDS)}")
        pkts.append({f: (v.split(",") if v else []) for f, v in zip(TSHARK_FIELDS, vals)})
    return pkts


class Fields:
    """Occurrences of tshark fields; the first one is the outermost header."""

    def __init__(self, row):
        self.row = row
        self.used = {}

    def first(self, name, conv=num):
        vals = self.row[name]
        if not vals:
            raise OracleGap(name)
        return conv(vals[0])

    def nth(self, name, i, conv=num):
        vals = self.row[name]
        if len(vals) <= i:
            raise OracleGap(f"{name}#{i + 1}")
        return conv(vals[i])

    def next(self, name, conv=num):
        """Successive occurrences, for extension headers met in chain order."""
        i = self.used.get(name, 0)
        self.used[name] = i + 1
        return self.nth(name, i, conv)


def addr16(s):
    return ipaddress.ip_address(s).packed.ljust(16, b"\0").hex()


# tshark's layer name for a tag -> its fields (priority, DEI, ID, type after it)
TAG_FIELDS = {
    "vlan": ("vlan.priority", "vlan.dei", "vlan.id", "vlan.etype"),
    "ieee8021ad": ("ieee8021ad.priority", "ieee8021ad.dei", "ieee8021ad.id", "ieee8021ah.etype"),
}


def expect_l2(f, exp, layers, caplen):
    """Ethernet and in-packet tags; returns (L3 layer name or None, L3 offset)."""
    exp["smac"] = f.first("eth.src", str.lower)
    exp["dmac"] = f.first("eth.dst", str.lower)
    # The type (or 802.3 length) field before each tag, then after the last.
    kind = f.first("eth.type") if f.row["eth.type"] else f.first("eth.len")
    tpid, tci = [0, 0, 0], [0, 0, 0]
    count, l3 = 0, ""
    for layer in layers[1:]:
        if layer == "ethertype":
            continue
        if layer not in TAG_FIELDS:
            l3 = layer
            break
        if count == VLAN_INPKT_MAX:
            exp["flags"] |= F_VLAN_MORE   # one more tag than the record holds
            break
        if caplen < ETH_HLEN + 4 * (count + 1):
            exp["flags"] |= F_TRUNC       # the packet ends inside this tag
            break
        prio, dei, vid, etype = TAG_FIELDS[layer]
        tpid[count] = kind
        tci[count] = f.next(prio) << 13 | f.next(dei) << 12 | f.next(vid)
        count += 1
        if len(f.row[etype]) > f.used.get(etype, 0):
            kind = f.next(etype)
        else:
            kind = f.first("vlan.len")    # an 802.3 frame inside the tag
    exp["vlan_count"] = count
    exp["vlan_tpid"] = tuple(tpid)
    exp["vlan_tci"] = tuple(tci)
    exp["ethertype"] = kind
    if exp["flags"] & (F_TRUNC | F_VLAN_MORE):
        return None, 0
    return l3, ETH_HLEN + 4 * count


def expect_ipv4(f, exp):
    exp["flags"] |= F_IPV4
    exp["saddr"] = f.first("ip.src", addr16)
    exp["daddr"] = f.first("ip.dst", addr16)
    exp["ip_id"] = f.first("ip.id")
    exp["ttl"] = f.first("ip.ttl")
    exp["tos"] = f.first("ip.dsfield")
    exp["ip_len"] = f.first("ip.len")
    exp["ip_hlen"] = f.first("ip.hdr_len")
    exp["ip_proto"] = f.first("ip.proto")
    offset = f.first("ip.frag_offset")   # 8-byte units, as in the header
    flags3 = f.first("ip.flags")         # RB DF MF
    exp["frag_off"] = flags3 << 13 | offset
    if flags3 & 1 or offset:
        exp["flags"] |= F_FRAG
    return exp["ip_hlen"], offset == 0


def expect_ipv6(f, exp, off, caplen):
    """off: where the IPv6 header starts in the packet."""
    exp["flags"] |= F_IPV6
    exp["saddr"] = f.first("ipv6.src", addr16)
    exp["daddr"] = f.first("ipv6.dst", addr16)
    exp["ip_id"] = f.first("ipv6.flow")
    exp["ttl"] = f.first("ipv6.hlim")
    exp["tos"] = f.first("ipv6.tclass")
    exp["ip_len"] = f.first("ipv6.plen")
    nh, hlen, first_frag = f.first("ipv6.nxt"), 40, True
    ext = {0: "ipv6.hopopts", 43: "ipv6.routing", 60: "ipv6.dstopts"}
    for _ in range(IPV6_EXT_MAX):
        if nh in EXT_HEADERS and off + hlen + 8 > min(caplen, HDR_WIN):
            # the packet ends inside the chain, or the chain leaves the window
            exp["ip_proto"], exp["ip_hlen"] = nh, hlen
            exp["flags"] |= F_TRUNC if off + hlen + 8 > caplen else F_EXT_LIMIT
            return hlen, False
        if nh in ext:
            nxt, size = f.next(ext[nh] + ".nxt"), f.next(ext[nh] + ".len_oct")
        elif nh == 44:
            nxt, size = f.next("ipv6.fraghdr.nxt"), 8
            offset, more = f.next("ipv6.fraghdr.offset"), f.next("ipv6.fraghdr.more")
            exp["frag_off"] = offset << 3 | more
            exp["flags"] |= F_FRAG
            first_frag = offset == 0
        elif nh == 51:
            nxt, size = f.next("ah.next_header"), (f.next("ah.length") + 2) * 4
        else:
            break
        nh, hlen = nxt, hlen + size
    exp["ip_proto"] = nh
    exp["ip_hlen"] = min(hlen, 255)
    if nh in EXT_HEADERS:
        exp["flags"] |= F_EXT_LIMIT
        return hlen, False
    return hlen, first_frag


def expect_l4(f, exp, caplen, off):
    proto = exp["ip_proto"]
    need = {6: 20, 17: 8, 136: 8, 132: 4, 1: 4, 58: 4}.get(proto)
    if need is None:
        return
    if caplen < off + need:
        exp["flags"] |= F_TRUNC
        return
    if off + need > HDR_WIN:
        # complete, but beyond the headers the program reads: it gave up
        exp["flags"] |= F_EXT_LIMIT
        return
    if proto == 6:
        exp["sport"] = f.first("tcp.srcport")
        exp["dport"] = f.first("tcp.dstport")
        exp["tcp_seq"] = f.first("tcp.seq_raw")
        exp["tcp_ack"] = f.first("tcp.ack_raw")
        exp["tcp_flags"] = f.first("tcp.flags") & 0xff   # byte 13: without NS
        exp["tcp_win"] = f.first("tcp.window_size_value")
        exp["tcp_hlen"] = f.first("tcp.hdr_len")
    elif proto in (17, 136):
        exp["sport"] = f.first("udp.srcport")
        exp["dport"] = f.first("udp.dstport")
        exp["udp_len"] = f.first("udp.length")
    elif proto == 132:
        exp["sport"] = f.first("sctp.srcport")
        exp["dport"] = f.first("sctp.dstport")
    else:
        pre = "icmp" if proto == 1 else "icmpv6"
        exp["icmp_type"] = f.first(pre + ".type")
        exp["icmp_code"] = f.first(pre + ".code")
        if exp["icmp_type"] in ((0, 8) if proto == 1 else (128, 129)):
            if caplen < off + 8:
                exp["flags"] |= F_TRUNC
                return
            if proto == 1:
                exp["icmp_id"] = f.first("icmp.ident")
                exp["icmp_seq"] = f.first("icmp.seq")
            else:
                exp["icmp_id"] = f.first("icmpv6.echo.identifier")
                exp["icmp_seq"] = f.first("icmpv6.echo.sequence_number")
    exp["flags"] |= F_L4


def expected(row, snap):
    f = Fields(row)
    caplen, wirelen = f.first("frame.cap_len"), f.first("frame.len")
    exp = {c: 0 for c in COMPARED}
    exp.update(smac="", dmac="", saddr="00" * 16, daddr="00" * 16,
               vlan_tpid=(0, 0, 0), vlan_tci=(0, 0, 0))
    # test_run gets the bytes the trace holds: its skb->len is the caplen.
    exp["len"] = caplen
    exp["wire_len"] = caplen if caplen < wirelen else wirelen
    exp["cap_len"] = min(caplen, snap)
    layers = row["frame.protocols"][0].split(":") if row["frame.protocols"] else []
    if not layers or layers[0] != "eth":
        raise OracleGap("frame.protocols does not start with eth")
    l3, off = expect_l2(f, exp, layers, caplen)
    want_l3 = {0x0800: ("ip", 20), 0x86DD: ("ipv6", 40)}.get(exp["ethertype"])
    if l3 is None or want_l3 is None:
        return exp
    if caplen < off + want_l3[1]:
        exp["flags"] |= F_TRUNC   # the packet ends inside the IP header
        return exp
    if l3 != want_l3[0]:
        raise OracleGap(f"{want_l3[0]} layer after ethertype {exp['ethertype']:#06x}")
    if l3 == "ip":
        hlen, l4 = expect_ipv4(f, exp)
    else:
        hlen, l4 = expect_ipv6(f, exp, off, caplen)
    if l4:
        expect_l4(f, exp, caplen, off + hlen)
    return exp


def actual(line):
    vals = line.split("\t")
    if len(vals) != len(COLUMNS):
        raise RuntimeError(f"testrun_trace: {len(vals)} columns, expected {len(COLUMNS)}: {line!r}")
    rec = dict(zip(COLUMNS, vals))
    out = {}
    for c in COMPARED:
        v = rec[c]
        if c in ("smac", "dmac", "saddr", "daddr"):
            out[c] = v.lower()
        elif c in ("vlan_tpid", "vlan_tci"):
            out[c] = tuple(num(x) for x in v.split(","))
        else:
            out[c] = num(v)
    return int(rec["frame"]), out, rec["check"]


def show(c, v):
    if c in ("flags", "ethertype", "frag_off", "tcp_flags"):
        return hex(v)
    if c == "vlan_tpid":
        return ",".join(hex(x) for x in v)
    return str(v)


def run_mode(args, pkts, name, opts, snap):
    cmd = [args.harness] + opts + [args.trace]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sys.stderr.write(proc.stderr)
    if proc.returncode == SKIP:
        raise SystemExit(SKIP)
    lines = proc.stdout.splitlines()
    rows = [ln for ln in lines if ln and not ln.startswith("#")]
    counters = [ln for ln in lines if ln.startswith("#counters")]
    problems = []
    recorded = None
    if proc.returncode != 0:
        problems.append(f"testrun_trace exited {proc.returncode}")
    if len(rows) != len(pkts):
        problems.append(f"{len(rows)} lines from testrun_trace for {len(pkts)} packets")
    if len(counters) != 1:
        problems.append("no counters line from testrun_trace")
    else:
        kv = dict(x.split("=") for x in counters[0].split("\t")[1:])
        recorded = int(kv["recorded"])
        if not int(kv["seen"]) == recorded == len(pkts):
            problems.append(f"counters seen {kv['seen']} recorded {kv['recorded']}, "
                            f"tshark counts {len(pkts)} packets")

    compared = mismatches = 0
    for line, row in zip(rows, pkts):
        frame, got, check = actual(line)
        want_frame = int(row["frame.number"][0])
        if frame != want_frame:
            problems.append(f"record for frame {frame} where tshark has frame {want_frame}")
            break
        try:
            exp = expected(row, snap)
        except OracleGap as gap:
            mismatches += 1
            problems.append(f"frame {frame}: tshark gives no {gap} "
                            f"({row['frame.protocols'][0]}); record: {line}")
            continue
        for c in COMPARED:
            compared += 1
            if got[c] != exp[c]:
                mismatches += 1
                problems.append(f"frame {frame} {c}: record {show(c, got[c])} tshark {show(c, exp[c])}"
                                f" ({row['frame.protocols'][0]})")
        compared += 1
        if check != "ok":
            mismatches += 1
            problems.append(f"frame {frame}: self-check failed: {check}")

    print(f"{os.path.basename(args.trace)}\t{name}\tpackets={len(pkts)}\trecords={recorded}"
          f"\tfields_compared={compared}\tmismatches={mismatches}")
    for p in problems[:MAX_REPORTED]:
        print(f"  {p}")
    if len(problems) > MAX_REPORTED:
        print(f"  ... {len(problems) - MAX_REPORTED} more")
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--harness", required=True, help="path of testrun_trace")
    ap.add_argument("trace")
    args = ap.parse_args()
    if not shutil.which("tshark"):
        print("SKIP: tshark is needed as the oracle and is not installed", file=sys.stderr)
        return SKIP
    if not os.access(args.trace, os.R_OK):
        print(f"testrun_compare: {args.trace}: cannot read", file=sys.stderr)
        return 1
    if os.geteuid() != 0:
        print("SKIP: BPF_PROG_TEST_RUN needs root (CAP_BPF, CAP_NET_ADMIN)", file=sys.stderr)
        return SKIP
    pkts = tshark_packets(args.trace)
    if not pkts:
        print(f"testrun_compare: {args.trace}: tshark reads no packets", file=sys.stderr)
        return 1
    ok = True
    for name, opts, snap in RUNS:
        ok = run_mode(args, pkts, name, opts, snap) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
