#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Code shape limits of the C sources: no file over 600 lines, no function
over 80 lines (help texts are string tables, not functions), the
command-line header included only by the command layer, and each room of
recorder/ including only the rooms it may call.

    tests/tools/code_shape.py SOURCE_ROOT

Functions are found as the project writes them (kernel style): a line that
starts a definition at column 0, its body from a '{' at column 0 to the
next '}' at column 0. Prints every breach and exits 1 when there is one.
"""
import pathlib
import re
import sys

MAX_FILE = 600
MAX_FUNC = 80
DIRS = ("recorder", "formats", "bpf")
CLI_HEADER = re.compile(r'#include\s+"(cli/)?cli\.h"')
INCLUDE = re.compile(r'#include\s+"([^"]+)"')
# What each room of recorder/ may include besides its own headers and
# logging.h (the README's layout table).
ROOM_CALLS = {
    "capture": {"formats", "bpf"},
    "filter": {"read", "formats", "bpf"},
    "read": {"formats", "bpf"},
    "diff": {"read", "filter", "formats", "bpf"},
    "cli": {"capture", "filter", "read", "diff", "formats", "bpf"},
}


def functions(lines):
    name, start = None, None
    for i, line in enumerate(lines):
        if line.startswith("{") and start is None:
            start = i
            for back in range(i - 1, max(i - 6, -1), -1):
                m = re.search(r"(\w+)\s*\(", lines[back])
                if m and not lines[back].startswith((" ", "\t")):
                    name = m.group(1)
                    break
        elif line.startswith("}") and start is not None:
            if name:
                yield name, start, i - start - 1
            name, start = None, None


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    breaches = []
    for d in DIRS:
        for path in sorted((root / d).rglob("*")):
            if path.suffix not in (".c", ".h"):
                continue
            rel = path.relative_to(root)
            lines = path.read_text(errors="replace").splitlines()
            if len(lines) > MAX_FILE:
                breaches.append(f"{rel}: {len(lines)} lines (limit {MAX_FILE})")
            for name, start, body in functions(lines):
                if body > MAX_FUNC:
                    breaches.append(f"{rel}:{start + 1}: {name}() {body} lines (limit {MAX_FUNC})")
            parts = rel.parts
            if parts[0] == "recorder" and len(parts) > 2 and parts[1] in ROOM_CALLS:
                for n, line in enumerate(lines, 1):
                    m = INCLUDE.search(line)
                    if not m or "/" not in m.group(1):
                        continue
                    other = m.group(1).split("/")[0]
                    if other != parts[1] and other not in ROOM_CALLS[parts[1]]:
                        breaches.append(f"{rel}:{n}: {parts[1]}/ may not include {m.group(1)}")
            if not str(rel).startswith("recorder/cli/"):
                for n, line in enumerate(lines, 1):
                    if CLI_HEADER.search(line):
                        breaches.append(f"{rel}:{n}: includes the command-line header")
    for b in breaches:
        print(b)
    print(f"code_shape: {len(breaches)} breaches")
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
