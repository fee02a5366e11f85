#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks a picture of `tcrec stats --plot` or `tcrec diff --plot` against
the numbers the same command prints with --json, and the PNG rsvg-convert
made of it against the SVG's own series.

    svg_check.py stats SVG PNG STATS_JSON [--rotations FIRST_NS...]
    svg_check.py diff SVG PNG DIFF_JSON [--lost FILE]

The SVG: each series' data-values (exact numbers per bucket) must sum to
what --json reports; each drawn point must sit where the panel's scale puts
its value (within a pixel). The PNG (decoded here with zlib, no imaging
library): 960x540, and along each line its stroke colour, the last drawn
line's colour the commonest there; bars filled with theirs.
Exit 0 ok, 1 mismatch.
"""
import collections
import json
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

SVG = '{http://www.w3.org/2000/svg}'
WIDTH, HEIGHT = 960, 540
bad = []


def fail(msg):
    bad.append(msg)
    print('MISMATCH', msg, file=sys.stderr)


def png_pixels(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB/RGBA PNG."""
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError(f'{path}: not a PNG')
    pos, idat, ihdr = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError(f'{path}: PNG depth {depth} colour type {ctype} interlace {interlace}')
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def rgb(hexcolor):
    return tuple(int(hexcolor[i:i + 2], 16) for i in (1, 3, 5))


def near(c, want, tol=60):
    return max(abs(a - b) for a, b in zip(c, want)) <= tol


def around(rows, x, y, r=1):
    for yy in range(int(y) - r, int(y) + r + 1):
        for xx in range(int(x) - r, int(x) + r + 1):
            if 0 <= yy < len(rows) and 0 <= xx < len(rows[0]):
                yield rows[yy][xx]


class Panel:
    def __init__(self, g):
        a = g.attrib
        self.name = a['data-panel']
        self.x0, self.y0 = float(a['data-x0']), float(a['data-y0'])
        self.w, self.h = float(a['data-width']), float(a['data-height'])
        self.xmin, self.xmax = float(a['data-xmin']), float(a['data-xmax'])
        self.ymin, self.ymax = float(a['data-ymin']), float(a['data-ymax'])

    def px(self, x):
        return self.x0 + (x - self.xmin) / (self.xmax - self.xmin) * self.w

    def py(self, y):
        return self.y0 + self.h - (y - self.ymin) / (self.ymax - self.ymin) * self.h


def load(svg_path):
    root = ET.parse(svg_path).getroot()
    if root.get('width') != str(WIDTH) or root.get('height') != str(HEIGHT):
        fail(f'SVG size {root.get("width")}x{root.get("height")}, expected {WIDTH}x{HEIGHT}')
    panels = {g.get('data-panel'): Panel(g) for g in root.iter(SVG + 'g') if g.get('data-panel')}
    return root, panels


def values(el):
    return [int(v) for v in el.get('data-values', '').split()]


def points(el):
    return [tuple(float(c) for c in p.split(',')) for p in el.get('points').split()]


def check_png_size(png):
    w, h, rows = png_pixels(png)
    if (w, h) != (WIDTH, HEIGHT):
        fail(f'PNG is {w}x{h}, expected {WIDTH}x{HEIGHT}')
    return rows


def seg_dist(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = 0 if dx == dy == 0 else max(0, min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return ((ax + t * dx - px) ** 2 + (ay + t * dy - py) ** 2) ** 0.5


def passes(pts, i, p, r=2.5):
    """Whether the line through pts passes within r pixels of p near index i."""
    segs = [(pts[j], pts[j + 1]) for j in (i - 1, i) if 0 <= j and j + 1 < len(pts)]
    return any(seg_dist(p, a, b) <= r for a, b in segs) or (i < len(pts) and seg_dist(p, pts[i], pts[i]) <= r)


def check_lines(rows, lines, label):
    """Each vertex of each line shows its stroke colour or that of a line
    drawn later through the same place; each line's own colour shows unless
    later lines cover all of it; the last line's colour is the commonest
    along it."""
    for k, (name, colour, pts) in enumerate(lines):
        own, covered = 0, 0
        seen = collections.Counter()
        for i, (x, y) in enumerate(pts):
            seen[rows[int(y)][int(x)]] += 1
            later = [c for _, c, p2 in lines[k + 1:] if passes(p2, i, (x, y))]
            covered += bool(later)
            px = list(around(rows, x, y))
            if any(near(c, colour) for c in px):
                own += 1
            elif not any(near(c, col) for c in px for col in later):
                fail(f'{label} {name}: point {i} at ({x:.1f},{y:.1f}) shows none of the '
                     f'colours of the lines there')
                break
        if not own and covered < len(pts):
            fail(f'{label} {name}: its colour {colour} shows nowhere along it')
        if k == len(lines) - 1 and pts:
            common = seen.most_common(1)[0][0]
            if not near(common, colour, 40):
                fail(f'{label} {name}: commonest colour along it is {common}, stroke is {colour}')
        print(f'{label} {name}: own colour at {own}/{len(pts)} points, under later lines at '
              f'{covered}', file=sys.stderr)


def check_stats(svg, png, stats_json, rotations):
    root, panels = load(svg)
    st = json.load(open(stats_json))
    want = {}
    several = len({e['netns_ino'] for e in st['interfaces'] if e.get('netns_ino')}) > 1
    for e in st['interfaces']:
        name = e['ifname'] or 'if%d' % e['ifindex']
        if several and e.get('netns') and e['ifname']:
            name = f"{e['netns']}/{name}"
        if e['packets']:
            want[f"{name} {e['dir']}"] = e
    rows = check_png_size(png)
    start = None
    for kind, key in (('packets', 'packets'), ('bytes', 'bytes')):
        p = panels[kind]
        lines = [el for el in root.iter(SVG + 'polyline') if el.get('data-kind') == kind]
        got = {el.get('data-series'): el for el in lines}
        if set(got) != set(want):
            fail(f'{kind}: series {sorted(got)}, stats has {sorted(want)}')
        drawn = []
        for name, el in got.items():
            v = values(el)
            bucket = int(el.get('data-bucket-ns'))
            start = int(el.get('data-start-ns'))
            if name in want and sum(v) != want[name][key]:
                fail(f'{kind} {name}: plotted {sum(v)}, stats --json says {want[name][key]}')
            if not 1 <= len(v) <= 400:
                fail(f'{kind} {name}: {len(v)} buckets')
            if st['packets'] and (start != st['first_ns'] or start + len(v) * bucket <= st['last_ns']):
                fail(f'{kind} {name}: buckets {start}+{len(v)}x{bucket} do not cover '
                     f'{st["first_ns"]}..{st["last_ns"]}')
            pts = points(el)
            for i, ((x, y), n) in enumerate(zip(pts, v)):
                rate = n / (bucket / 1e9)
                ex, ey = p.px((i + 0.5) * bucket / 1e9), p.py(rate)
                if abs(ex - x) > 1 or abs(ey - y) > 1:
                    fail(f'{kind} {name} bucket {i}: drawn at ({x},{y}), {n} per bucket '
                         f'belongs at ({ex:.2f},{ey:.2f})')
                    break
            if rate_max(v, bucket) > p.ymax:
                fail(f'{kind} {name}: values above the axis top {p.ymax}')
            drawn.append((name, rgb(el.get('stroke')), pts))
        if kind == 'bytes':  # no markers there to hide the lines
            check_lines(rows, drawn, kind)
        check_rotations(root, p, kind, rotations, start)
    drops = sum(sum(values(g)) for g in root.iter(SVG + 'g')
                if (g.get('data-series') or '').startswith('drops '))
    if drops != st['record_drops']:
        fail(f'drop markers sum to {drops}, stats --json record_drops is {st["record_drops"]}')
    bg = rows[int(panels['bytes'].y0) + 3][int(panels['bytes'].x0) + 3]
    print(f'series {len(want)}, drops {drops}, rotations {len(rotations)}, background {bg}',
          file=sys.stderr)


def rate_max(v, bucket):
    return max(v, default=0) / (bucket / 1e9)


def check_rotations(root, p, kind, rotations, start):
    mine = []
    for g in root.iter(SVG + 'g'):
        if g.get('data-series') == 'rotations':
            mine += [float(l.get('x1')) for l in g.iter(SVG + 'line')
                     if abs(float(l.get('y1')) - p.y0) < 0.5 and float(l.get('x2')) == float(l.get('x1'))]
    want = [p.px((t - start) / 1e9) for t in rotations]
    if len(mine) != len(want) or any(abs(x - w) > 1 for x, w in zip(sorted(mine), sorted(want))):
        fail(f'{kind}: rotation lines at {mine}, the next files start at {want}')


def main():
    mode, svg, png, js = sys.argv[1:5]
    if mode == 'stats':
        rot = [int(x) for x in sys.argv[6:]] if sys.argv[5:6] == ['--rotations'] else []
        check_stats(svg, png, js, rot)
    else:
        import svg_check_diff
        svg_check_diff.check(sys.modules[__name__], svg, png, js)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
