#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Print the per-trace table the replay tests collected; fail if any row
says tcrec and tcpdump differ. Skipped (77) when no replay test ran."""
import sys

HEAD = ("trace", "sent", "tcpdump", "tcrec", "equal", "verdict")


def main():
    try:
        with open(sys.argv[1]) as f:
            rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    except FileNotFoundError:
        rows = []
    if not rows:
        print("no replay test produced a row (all skipped?)", file=sys.stderr)
        return 77
    widths = [max(len(r[i]) for r in rows + [HEAD]) for i in range(len(HEAD))]
    for r in [HEAD] + rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths))))
    bad = [r[0] for r in rows if r[-1] != "equal"]
    if bad:
        print("different: " + ", ".join(bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
