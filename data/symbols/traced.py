"""A drawing made by hand (the admin's pad) written as a shape's path, like the vocabulary's own.

The strokes come in the pad's pixels (y downwards). They are fitted, proportions kept, into the
100×100 box with a margin, centred, thinned (Ramer–Douglas–Peucker: a hand's hundreds of points
become the few that carry the line) and written as ``M x y L x y …``, one ``M`` per stroke.
The result reads back through :func:`data.symbols.drawing.strokes` like any other shape, so the
palette paints it and the recogniser uses it as its template with no special case.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from data.symbols.drawing import BOX, Point

MARGIN = 10.0  # box units left around a traced drawing, so it reads as large as the built-in ones
TOLERANCE = 0.8  # box units a thinned line may stray from the hand's (under a pixel at 96 px)


def path_from_strokes(drawn: Iterable[Sequence[Point]], margin: float = MARGIN) -> str:
    """The path of strokes in any coordinates; ``ValueError`` when there is nothing drawn."""
    lines = [[(float(x), float(y)) for x, y in stroke] for stroke in drawn if len(stroke) > 0]
    if not lines:
        raise ValueError("nothing drawn")
    xs = [x for line in lines for x, _ in line]
    ys = [y for line in lines for _, y in line]
    size = max(max(xs) - min(xs), max(ys) - min(ys))
    room = BOX - 2 * margin
    scale = room / size if size > 0 else 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    parts = []
    for line in lines:
        fitted = [(BOX / 2 + (x - cx) * scale, BOX / 2 + (y - cy) * scale) for x, y in line]
        kept = _thin(fitted, TOLERANCE)
        if len(kept) == 1:
            kept = [kept[0], kept[0]]  # a dot: a line of no length, still drawn
        head, *rest = kept
        parts.append(f"M {_number(head[0])} {_number(head[1])} "
                     + "L " + " ".join(f"{_number(x)} {_number(y)}" for x, y in rest))
    return " ".join(parts)


def _number(value: float) -> str:
    return f"{round(value, 1):g}"


def _thin(points: list[Point], tolerance: float) -> list[Point]:
    """Ramer–Douglas–Peucker, iterative (a long stroke never reaches the recursion limit)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    pending = [(0, len(points) - 1)]
    while pending:
        first, last = pending.pop()
        far, index = 0.0, -1
        for i in range(first + 1, last):
            gap = _distance_to_segment(points[i], points[first], points[last])
            if gap > far:
                far, index = gap, i
        if index >= 0 and far > tolerance:
            keep[index] = True
            pending += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _distance_to_segment(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    if length == 0:
        return math.dist(p, a)
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    return math.dist(p, (a[0] + t * dx, a[1] + t * dy))
