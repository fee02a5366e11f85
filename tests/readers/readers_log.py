# SPDX-License-Identifier: MIT
"""What the reader oracles share: making the log under test from a trace,
reading a trace's frames."""
import os
import struct
import subprocess
import sys


def run(cmd, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    return r.returncode, r.stdout, r.stderr


def make_log(gen, trace, snap, work):
    """(trace, log): trace 'edge' is first written by make_edge_pcap.py; the
    log comes from pcap2tclog (-s snap when given). None on failure, said on
    stderr."""
    if trace == 'edge':
        trace = os.path.join(work, 'edge.pcap')
        here = os.path.dirname(os.path.abspath(__file__))
        rc, _, err = run([sys.executable, os.path.join(here, 'make_edge_pcap.py'), trace])
        if rc:
            print('make_edge_pcap.py failed: ' + err, file=sys.stderr)
            return None
    log = os.path.join(work, 'trace.tclog')
    rc, _, err = run([gen] + (['-s', str(snap)] if snap is not None else []) + [trace, log])
    if rc:
        print('pcap2tclog failed: ' + err, file=sys.stderr)
        return None
    return trace, log


def read_frames(path):
    """The captured bytes of each frame of a pcap or pcapng file, in order."""
    with open(path, 'rb') as fh:
        data = fh.read()
    frames = []
    if data[:4] == b'\x0a\x0d\x0d\x0a':
        order = '<' if data[8:12] == b'\x4d\x3c\x2b\x1a' else '>'
        pos = 0
        while pos + 12 <= len(data):
            btype, blen = struct.unpack(order + 'II', data[pos:pos + 8])
            if blen < 12:
                break
            if btype == 6:  # enhanced packet block
                caplen = struct.unpack(order + 'I', data[pos + 20:pos + 24])[0]
                frames.append(data[pos + 28:pos + 28 + caplen])
            pos += blen
        return frames
    if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        order = '<'
    elif data[:4] in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        order = '>'
    else:
        raise ValueError(f'{path}: neither pcap nor pcapng')
    pos = 24
    while pos + 16 <= len(data):
        caplen = struct.unpack(order + 'I', data[pos + 8:pos + 12])[0]
        frames.append(data[pos + 16:pos + 16 + caplen])
        pos += 16 + caplen
    return frames
