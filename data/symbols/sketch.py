"""Which shapes a drawing on the pad looks like: a point-cloud matcher built on the vocabulary.

The method follows the published $P recogniser (Vatavu, Anthony and Wobbrock, 2012): a drawing
is a cloud of points, so the order and direction of strokes do not matter (a person draws an eye
from either corner, the pupil first or last, a square in one stroke or four), and two clouds are
compared by greedily pairing each point with the nearest free point of the other cloud, early
pairs weighing more, from a few starting points, in both directions.

Every template is the shape's own drawing (:func:`data.symbols.drawing.strokes` of its path),
so an admin's new shape is recognised without any training, and nothing is downloaded. Templates
are cached by path (a few milliseconds for the whole vocabulary).

Pure Python kept fast: the distances between two clouds are computed once, each point's
neighbours sorted once, and the greedy pairings walk those sorted lists. Before the full match, a
cheap screen (the mean distance of each point to the other cloud's nearest point, both ways) keeps
only the most plausible shapes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache

from data.symbols.drawing import Point, strokes
from data.symbols.vocabulary import SHAPES, Shape

POINTS = 32  # points per cloud: enough for a seven-part sign, few enough for pure Python
SCREENED = 16  # shapes kept by the cheap screen for the full match
_TEMPLATE_STEP = 1.0

ANGLE_WEIGHT = 0.6  # a full turn back counts as 60 % of the drawing's size
Cloud = tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]  # xs, ys, turns


def resample(drawn: Sequence[Sequence[Point]], n: int = POINTS) -> list[Point]:
    """``n`` points evenly spaced along the strokes' total length (pen-up jumps not counted)."""
    return [(x, y) for x, y, _ in _resample(drawn, n)]


def _resample(drawn: Sequence[Sequence[Point]], n: int) -> list[tuple[float, float, int]]:
    """:func:`resample`, each point with the index of its stroke."""
    lines = [list(stroke) for stroke in drawn if len(stroke) > 0]
    if not lines:
        raise ValueError("a drawing needs at least one point")
    length = sum(math.dist(p, q) for line in lines for p, q in zip(line, line[1:], strict=False))
    if length == 0:
        points = [(*p, index) for index, line in enumerate(lines) for p in line]
        return [points[i * len(points) // n] for i in range(n)]
    interval = length / (n - 1)
    result = [(*lines[0][0], 0)]
    travelled = 0.0
    for index, line in enumerate(lines):  # the run carries over a pen-up: only drawn length counts
        previous = line[0]
        for point in line[1:]:
            gap = math.dist(previous, point)
            while gap > 0 and travelled + gap >= interval:
                t = (interval - travelled) / gap
                previous = (previous[0] + t * (point[0] - previous[0]),
                            previous[1] + t * (point[1] - previous[1]))
                result.append((*previous, index))
                gap = math.dist(previous, point)
                travelled = 0.0
            travelled += gap
            previous = point
    last = (*lines[-1][-1], len(lines) - 1)
    while len(result) < n:
        result.append(last)
    return result[:n]


def _turning(points: list[tuple[float, float, int]]) -> tuple[float, ...]:
    """How sharply the line turns at each point, 0 (straight, or a stroke's end) to 1 (back)."""
    turns = []
    for i, (x, y, line) in enumerate(points):
        if 0 < i < len(points) - 1 and points[i - 1][2] == line == points[i + 1][2]:
            ax, ay = x - points[i - 1][0], y - points[i - 1][1]
            bx, by = points[i + 1][0] - x, points[i + 1][1] - y
            if (ax or ay) and (bx or by):
                turns.append(abs(math.atan2(ax * by - ay * bx, ax * bx + ay * by)) / math.pi)
                continue
        turns.append(0.0)
    return tuple(turns)


def cloud(drawn: Sequence[Sequence[Point]], n: int = POINTS) -> Cloud:
    """The drawing resampled, centred and scaled to a unit box (its proportions kept).

    Centred on its bounding box rather than on its centroid ($P's choice): a missing piece of a
    stroke moves the centroid but seldom the box (measured by ``bench.sketch``: top-1 78 -> 86 %).
    Each point also carries how sharply the line turns there, weighted by ``ANGLE_WEIGHT``
    (the idea of $P+): a square's corners then differ from a circle's arcs (measured: top-1
    86 -> 90 %, top-3 97 -> 98 %; weights 0.15, 0.3 and 0.6 tried, 0.6 best).
    """
    points = _resample(drawn, n)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    size = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx = (max(xs) + min(xs)) / 2
    cy = (max(ys) + min(ys)) / 2
    return (tuple((x - cx) / size for x in xs), tuple((y - cy) / size for y in ys),
            tuple(ANGLE_WEIGHT * turn for turn in _turning(points)))


@lru_cache(maxsize=1024)
def template(path: str, n: int = POINTS) -> Cloud:
    """The cloud of a shape's drawing (cached by path: any vocabulary, an admin's shapes too)."""
    return cloud(strokes(path, _TEMPLATE_STEP), n)


def _distances(a: Cloud, b: Cloud) -> list[list[float]]:
    bx, by, bt = b
    hypot = math.hypot
    return [[hypot(x - u, y - v, t - w) for u, v, w in zip(bx, by, bt, strict=True)]
            for x, y, t in zip(a[0], a[1], a[2], strict=True)]


def _screen(rows: list[list[float]]) -> float:
    """Mean nearest-point distance, both ways: cheap, and close to the full match's order."""
    there = sum(min(row) for row in rows)
    back = sum(min(column) for column in zip(*rows, strict=True))
    return (there + back) / (2 * len(rows))


def _greedy(rows: list[list[float]], orders: list[list[int]], best: float) -> float:
    """$P's weighted greedy pairing from a few starts; stops a start once it exceeds ``best``."""
    n = len(rows)
    step = max(1, int(n ** 0.5))
    for start in range(0, n, step):
        taken = bytearray(n)
        total = 0.0
        for k in range(n):
            i = (start + k) % n
            for j in orders[i]:
                if not taken[j]:
                    taken[j] = 1
                    total += (1 - k / n) * rows[i][j]
                    break
            if total >= best:
                break
        if total < best:
            best = total
    return best


def match(a: Cloud, b: Cloud) -> float:
    """$P's cloud distance between two clouds of the same size (lower is closer)."""
    return _match(_distances(a, b))


def _match(rows: list[list[float]]) -> float:
    columns = [list(column) for column in zip(*rows, strict=True)]
    index = range(len(rows))
    row_orders = [sorted(index, key=row.__getitem__) for row in rows]
    column_orders = [sorted(index, key=column.__getitem__) for column in columns]
    best = _greedy(rows, row_orders, math.inf)
    return _greedy(columns, column_orders, best)


def propose(
    drawn: Iterable[Sequence[Point]],
    shapes: Sequence[Shape] = SHAPES,
    n: int = 5,
) -> list[tuple[str, float]]:
    """The ``n`` shapes closest to the drawing, best first, as ``(key, closeness)``.

    ``drawn`` is the user's strokes in any coordinates (pad pixels, y downwards). Closeness is in
    (0, 1], 1 for a perfect match; it orders proposals, it is not a probability.
    """
    lines = [list(stroke) for stroke in drawn if len(stroke) > 0]
    if not lines or not shapes:
        return []
    drawing = cloud(lines)
    rows = {shape.key: _distances(drawing, template(shape.path)) for shape in shapes}
    screened = sorted(rows, key=lambda key: _screen(rows[key]))
    finalists = screened[: max(SCREENED, n)]
    # The weights sum to about POINTS / 2: the distance per point, in units of the drawing's size.
    weight = sum(1 - k / POINTS for k in range(POINTS))
    scored = [(key, _match(rows[key]) / weight) for key in finalists]
    scored.sort(key=lambda item: item[1])
    return [(key, 1.0 / (1.0 + 4.0 * distance)) for key, distance in scored[:n]]
