# SPDX-License-Identifier: MIT
"""The diff half of svg_check.py: the delay bars are the histogram diff
--json reports (bounds and counts, summing to the matched packets), the
loss lines sum to its lost and added counts and, when the test left
packets out itself (--lost FILE of their times), lost packets sit in the
buckets of those times; bars and lines where the scale says, in their
colours in the PNG."""
import json
import sys

# c is svg_check run as the program (its helpers and its list of failures):
# importing svg_check here would make a second copy with a list of its own.


def check_bars(c, root, panel, rows, d):
    g = [g for g in root.iter(c.SVG + 'g') if g.get('data-series') == 'delay']
    hist = d['delay']['histogram']
    if not g:
        if d['matched']:
            c.fail(f'no delay bars, diff matched {d["matched"]}')
        return
    g = g[0]
    counts = c.values(g)
    lo = [int(x) for x in g.get('data-lo-ns').split()]
    hi = [int(x) for x in g.get('data-hi-ns').split()]
    drawn = [(a, b, n) for a, b, n in zip(lo, hi, counts) if n]
    want = [(h['lo_ns'], h['hi_ns'], h['count']) for h in hist]
    if drawn != want:
        c.fail(f'delay bars {drawn} are not diff --json histogram {want}')
    if sum(counts) != d['matched'] or sum(counts) != d['delay']['count']:
        c.fail(f'delay bars sum to {sum(counts)}, diff matched {d["matched"]}')
    fill = c.rgb(g.get('fill'))
    for i, (r, n) in enumerate(zip(g.iter(c.SVG + 'rect'), counts)):
        x, y = float(r.get('x')), float(r.get('y'))
        w, h = float(r.get('width')), float(r.get('height'))
        if abs(panel.px(i) - (x + w / 2)) > 1 or abs(panel.py(n) - y) > 1 or \
                abs(panel.py(0) - (y + h)) > 1:
            c.fail(f'bar {i} ({n}) drawn at x {x}+{w}, y {y}+{h}, not where the scale puts it')
        if h >= 3:
            px = rows[int(y + h / 2)][int(x + w / 2)]
            if not c.near(px, fill, 10):
                c.fail(f'bar {i}: pixel {px} inside it is not its fill {fill}')
    print(f'delay bars: {len(counts)}, {sum(counts)} packets', file=sys.stderr)


def check_loss(c, root, panel, rows, d, lost_times):
    lines = {el.get('data-series'): el for el in root.iter(c.SVG + 'polyline')}
    drawn = []
    for name, key in (('added', 'added'), ('lost', 'lost')):
        el = lines.get(name)
        if el is None:
            c.fail(f'no {name} line')
            continue
        v = c.values(el)
        bucket, start = int(el.get('data-bucket-ns')), int(el.get('data-start-ns'))
        if sum(v) != d[key]:
            c.fail(f'{name} over time sums to {sum(v)}, diff --json says {d[key]}')
        if not 1 <= len(v) <= 400:
            c.fail(f'{name}: {len(v)} buckets')
        for i, ((x, y), n) in enumerate(zip(c.points(el), v)):
            if abs(panel.px((i + 0.5) * bucket / 1e9) - x) > 1 or abs(panel.py(n) - y) > 1:
                c.fail(f'{name} bucket {i} ({n}) drawn at ({x},{y}), not where the scale puts it')
                break
        if name == 'lost' and lost_times is not None:
            want = [0] * len(v)
            for t in lost_times:
                j = (t - start) // bucket
                if 0 <= j < len(v):
                    want[j] += 1
                else:
                    c.fail(f'a packet left out at {t} ns is outside the buckets')
            if want != v:
                c.fail(f'lost per bucket {v} is not where the test left packets out: {want}')
        drawn.append((name, c.rgb(el.get('stroke')), c.points(el)))
    c.check_lines(rows, drawn, 'loss')


def check(c, svg, png, js):
    root, panels = c.load(svg)
    d = json.load(open(js))
    rows = c.check_png_size(png)
    lost_times = None
    if '--lost' in sys.argv:
        lost_times = [int(x) for x in open(sys.argv[sys.argv.index('--lost') + 1])]
    check_bars(c, root, panels['delay'], rows, d)
    check_loss(c, root, panels['loss'], rows, d, lost_times)
