"""A shape's drawing: a small subset of the SVG path language, read into strokes of points.

A drawing lives in a 100×100 box (x to the right, y downwards, as in SVG) and is a line drawing,
like the engraving it stands for. The subset is what a person writes by hand and what an admin
may paste from a vector editor:

- ``M x y`` starts a stroke; ``L x y``, ``H x``, ``V y`` draw lines;
- ``Q cx cy x y`` and ``C c1x c1y c2x c2y x y`` draw Bézier curves;
- ``A rx ry rotation large-arc sweep x y`` draws an elliptical arc (SVG's endpoint form);
- ``Z`` closes the stroke back to its start.

Lower-case letters take coordinates relative to the current point, numbers repeat their command
(after ``M`` they mean ``L``), exactly as in SVG. Anything else is refused with a French message,
so that a drawing typed by an admin is checked before it is stored.

The same strokes feed the SVG files, the painted palette and the sketch recogniser: there is one
definition per shape, as data, never code per shape.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Protocol

Point = tuple[float, float]
Stroke = list[Point]

BOX = 100.0  # a drawing's coordinates lie in [0, BOX] × [0, BOX]
DEFAULT_STEP = 2.0
_ARGUMENTS = {"M": 2, "L": 2, "H": 1, "V": 1, "Q": 4, "C": 6, "A": 7, "Z": 0}
_TOKEN = re.compile(r"\s*,?\s*([A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")
_FLAG = re.compile(r"\s*,?\s*([01])")


class PathError(ValueError):
    """A drawing that is not in the path subset; the message is French, for the admin."""


class HasPath(Protocol):
    @property
    def path(self) -> str: ...


def _commands(path: str) -> Iterator[tuple[str, list[float]]]:
    """``"M 0 0 L 1 1 2 2"`` -> ``("M", [0, 0]), ("L", [1, 1]), ("L", [2, 2])``."""
    pos = 0
    command: str | None = None
    text = path.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise PathError(f"dessin illisible près de « {text[pos:pos + 12]} »")
        token = match.group(1)
        if token.isalpha():
            if token.upper() not in _ARGUMENTS:
                raise PathError(f"commande « {token} » non prise en charge "
                                "(seules M, L, H, V, Q, C, A et Z le sont)")
            if command is None and token.upper() != "M":
                raise PathError("un dessin doit commencer par « M »")
            command = token
            pos = match.end()
            if token.upper() == "Z":
                yield token, []
            continue
        if command is None:
            raise PathError("un dessin doit commencer par « M »")
        if command.upper() == "Z":
            raise PathError("nombre inattendu après « Z »")
        values: list[float] = []
        wanted = _ARGUMENTS[command.upper()]
        for index in range(wanted):
            if command.upper() == "A" and index in (3, 4):  # flags may be written "01"
                flag = _FLAG.match(text, pos)
                if flag is None:
                    raise PathError("drapeau d'arc attendu (0 ou 1)")
                values.append(float(flag.group(1)))
                pos = flag.end()
                continue
            number = _TOKEN.match(text, pos)
            if number is None or number.group(1).isalpha():
                raise PathError(f"« {command} » attend {wanted} nombres")
            values.append(float(number.group(1)))
            pos = number.end()
        yield command, values
        if command == "M":
            command = "L"
        elif command == "m":
            command = "l"
        pos = _skip_space(text, pos)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and (text[pos].isspace() or text[pos] == ","):
        pos += 1
    return pos


def _line(a: Point, b: Point, step: float) -> list[Point]:
    count = max(1, math.ceil(math.dist(a, b) / step))
    return [(a[0] + (b[0] - a[0]) * i / count, a[1] + (b[1] - a[1]) * i / count)
            for i in range(1, count + 1)]


def _bezier(control: list[Point], step: float) -> list[Point]:
    """Points along a quadratic or cubic Bézier, about ``step`` apart (polygon length bound)."""
    length = sum(math.dist(p, q) for p, q in zip(control, control[1:], strict=False))
    count = max(2, math.ceil(length / step))
    points = []
    for i in range(1, count + 1):
        t = i / count
        u = 1 - t
        weights: tuple[float, ...]
        if len(control) == 3:
            weights = (u * u, 2 * u * t, t * t)
        else:
            weights = (u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t)
        points.append((sum(w * p[0] for w, p in zip(weights, control, strict=True)),
                       sum(w * p[1] for w, p in zip(weights, control, strict=True))))
    return points


def _arc(start: Point, values: list[float], step: float) -> list[Point]:
    """SVG's endpoint arc, converted to its centre form (SVG 1.1, appendix F.6.5)."""
    rx, ry, rotation, large, sweep, x, y = values
    end = (x, y)
    rx, ry = abs(rx), abs(ry)
    if rx == 0 or ry == 0 or start == end:
        return _line(start, end, step)
    phi = math.radians(rotation)
    cos_phi, sin_phi = math.cos(phi), math.sin(phi)
    dx, dy = (start[0] - x) / 2, (start[1] - y) / 2
    x1 = cos_phi * dx + sin_phi * dy
    y1 = -sin_phi * dx + cos_phi * dy
    scale = (x1 * x1) / (rx * rx) + (y1 * y1) / (ry * ry)
    if scale > 1:  # radii too small for the two ends: grow them, as SVG does
        rx, ry = rx * math.sqrt(scale), ry * math.sqrt(scale)
    numerator = rx * rx * ry * ry - rx * rx * y1 * y1 - ry * ry * x1 * x1
    denominator = rx * rx * y1 * y1 + ry * ry * x1 * x1
    factor = math.sqrt(max(0.0, numerator / denominator))
    if bool(large) == bool(sweep):
        factor = -factor
    cx1, cy1 = factor * rx * y1 / ry, -factor * ry * x1 / rx
    cx = cos_phi * cx1 - sin_phi * cy1 + (start[0] + x) / 2
    cy = sin_phi * cx1 + cos_phi * cy1 + (start[1] + y) / 2
    theta = math.atan2((y1 - cy1) / ry, (x1 - cx1) / rx)
    delta = math.atan2((-y1 - cy1) / ry, (-x1 - cx1) / rx) - theta
    if sweep and delta < 0:
        delta += 2 * math.pi
    elif not sweep and delta > 0:
        delta -= 2 * math.pi
    count = max(2, math.ceil(abs(delta) * max(rx, ry) / step))
    points = []
    for i in range(1, count + 1):
        angle = theta + delta * i / count
        ex, ey = rx * math.cos(angle), ry * math.sin(angle)
        points.append((cos_phi * ex - sin_phi * ey + cx, sin_phi * ex + cos_phi * ey + cy))
    points[-1] = end  # exact end, whatever the rounding
    return points


def strokes(path: str, step: float = DEFAULT_STEP) -> list[Stroke]:
    """The drawing as strokes of points at most about ``step`` apart (curves flattened).

    Raises :class:`PathError` on anything outside the subset. A stroke is one pen-down run: each
    ``M`` starts one; ``Z`` returns to its start.
    """
    if step <= 0:
        raise ValueError("step must be positive")
    result: list[Stroke] = []
    current: Stroke = []
    here: Point = (0.0, 0.0)
    start: Point = here
    for command, values in _commands(path):
        upper = command.upper()
        relative = command.islower()
        if upper == "M":
            if len(current) > 1:
                result.append(current)
            here = _absolute(here, values, relative)[0]
            start = here
            current = [here]
            continue
        if not current:
            current = [here]
        if upper == "Z":
            if here != start:
                current.extend(_line(here, start, step))
            here = start
            result.append(current)
            current = []
            continue
        if upper == "H":
            end = (values[0] + (here[0] if relative else 0.0), here[1])
            current.extend(_line(here, end, step))
        elif upper == "V":
            end = (here[0], values[0] + (here[1] if relative else 0.0))
            current.extend(_line(here, end, step))
        elif upper == "L":
            end = _absolute(here, values, relative)[0]
            current.extend(_line(here, end, step))
        elif upper in ("Q", "C"):
            control = _absolute(here, values, relative)
            end = control[-1]
            current.extend(_bezier([here, *control], step))
        else:  # A
            end = _absolute(here, values[5:], relative)[0]
            current.extend(_arc(here, [*values[:5], *end], step))
        here = end
    if len(current) > 1:
        result.append(current)
    if not result:
        raise PathError("le dessin ne trace aucun trait")
    return result


def _absolute(here: Point, values: list[float], relative: bool) -> list[Point]:
    dx, dy = here if relative else (0.0, 0.0)
    return [(values[i] + dx, values[i + 1] + dy) for i in range(0, len(values), 2)]


def check_path(path: str) -> None:
    """Refuse, with a French message, a drawing that does not parse or leaves the box."""
    margin = 0.05 * BOX
    for stroke in strokes(path):
        for x, y in stroke:
            if not (-margin <= x <= BOX + margin and -margin <= y <= BOX + margin):
                raise PathError(f"le dessin sort du cadre 0–{BOX:g} (point {x:.0f}, {y:.0f})")


def svg_document(
    shape: HasPath | str,
    size: int = 24,
    stroke_width: float | None = None,
    color: str = "#000000",
    title: str | None = None,
) -> str:
    """A standalone SVG of the drawing, ``size`` pixels square, round caps and joins.

    The default line is about 1.6 px wide at any ``size`` (at least 3 units of the box), which
    reads like an engraved line at 24 px and stays thin at 96 px.
    """
    path = shape if isinstance(shape, str) else shape.path
    if title is None and not isinstance(shape, str):
        title = getattr(shape, "label", None)
    strokes(path)  # refuse a bad drawing here rather than in the renderer
    width = stroke_width if stroke_width is not None else max(3.0, 1.6 * BOX / size)
    pad = 6.0
    title_element = f"<title>{_escape(title)}</title>" if title else ""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{size}" height="{size}" viewBox="{-pad:g} {-pad:g} {BOX + 2 * pad:g} {BOX + 2 * pad:g}">'
        f"{title_element}"
        f'<path d="{_escape(path)}" fill="none" stroke="{_escape(color)}" '
        f'stroke-width="{width:.2f}" stroke-linecap="round" stroke-linejoin="round"/>'
        "</svg>\n"
    )


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))
