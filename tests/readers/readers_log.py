# SPDX-License-Identifier: MIT
"""What the reader oracles share: making the log under test from a trace."""
import os
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
