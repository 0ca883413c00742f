"""The engraving drawn from what the catalogue knows, for a lens without a stored picture.

An optician compares what she sees under the lamp with a drawing laid out like the lens: the two
alignment circles 34 mm apart on the horizontal line, the nasal sign under the nasal circle (its
shapes drawn from the vocabulary, then its letters and digits as read), the addition under the
temporal circle when it is known. The temporal circle is on the left and the nasal one on the
right, as the sample catalogue's pictures draw them; both circles are named, so nobody has to
know the convention.

Vector (``QPainter``), readable from the gallery's thumbnail (208×130) to the detail pane; the
pixmaps are cached by what they show and their size. A shape key nobody knows is written as its
name rather than dropped: the drawing never hides part of a sign.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap

from gui.symbol_art import label_of, line_width, paint_shape, shape_of

MARKS_APART_MM = 34
BACKGROUND = QColor("#f6f7f9")
FRAME = QColor("#c5c9d0")
GUIDE = QColor("#9aa3ae")
INK = QColor("#1f2933")
NOTE = QColor("#6b7380")


def _font(painter: QPainter, pixels: float, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont(painter.font())
    font.setPixelSize(max(8, round(pixels)))
    font.setBold(bold)
    font.setItalic(italic)
    return font


def draw_engraving(
    painter: QPainter,
    rect: QRectF,
    code: str | None,
    symbols: Sequence[str] = (),
    addition: str | None = None,
    note: str | None = "Schéma : pas d'image",
) -> None:
    """Paint the engraving's drawing into ``rect`` (a frame, the marks, the sign, a short note)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    w, h = rect.width(), rect.height()
    painter.setPen(QPen(FRAME, 1, Qt.PenStyle.DashLine))
    painter.setBrush(BACKGROUND)
    painter.drawRoundedRect(rect.adjusted(1.5, 1.5, -1.5, -1.5), 6, 6)
    painter.setPen(QPen(FRAME, 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    lens = rect.adjusted(0.03 * w, 0.05 * h, -0.03 * w, -0.05 * h)
    painter.drawEllipse(lens)

    apart = min(0.56 * w, 1.9 * h)
    temporal = QPointF(rect.center().x() - apart / 2, rect.top() + 0.3 * h)
    nasal = QPointF(rect.center().x() + apart / 2, temporal.y())
    radius = max(4.0, 0.035 * min(w, 1.6 * h))
    small = max(9.0, 0.075 * h)

    # The horizontal line and the 34 mm between the marks.
    painter.setPen(QPen(GUIDE, 1, Qt.PenStyle.DotLine))
    painter.drawLine(QPointF(rect.left() + 0.04 * w, nasal.y()), QPointF(rect.right() - 0.04 * w, nasal.y()))
    painter.setFont(_font(painter, small))
    painter.setPen(NOTE)
    gap = QRectF(temporal.x() + radius, nasal.y() - small - 4, apart - 2 * radius, small + 2)
    painter.drawText(gap, Qt.AlignmentFlag.AlignCenter, f"{MARKS_APART_MM} mm")
    for centre, name in ((nasal, "nasal"), (temporal, "temporal")):
        painter.setPen(QPen(INK, max(1.2, radius / 4)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, radius, radius)
        painter.setPen(NOTE)
        above = QRectF(centre.x() - apart / 2, rect.top() + 2, apart, centre.y() - radius - rect.top() - 2)
        painter.drawText(above, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, name)

    # Under the nasal circle: the shapes, then the characters as read, inside the lens's outline
    # (from halfway between the marks to the outline's edge at their height).
    top = nasal.y() + radius + 0.06 * h
    room = QRectF(rect.center().x() + 4, top, rect.right() - rect.center().x() - 4, rect.bottom() - top - (small + 6))
    _draw_sign(painter, room, nasal.x(), _inner_edge(lens, margin=max(3.0, 0.02 * w)), code, symbols)
    if addition:
        painter.setPen(INK)
        painter.setFont(_font(painter, 0.16 * h, bold=True))
        under = QRectF(temporal.x() - apart / 2 + 4, top, apart - 8, 0.2 * h)
        painter.drawText(under, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, addition)
    if note:
        painter.setPen(NOTE)
        painter.setFont(_font(painter, small, italic=True))
        painter.drawText(rect.adjusted(6, 0, -8, -4), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, note)
    painter.restore()


def _inner_edge(lens: QRectF, margin: float) -> Callable[[float, float], float]:
    """The x, ``margin`` inside the lens's right outline, left free by the whole band from y0 to
    y1 (the outline comes closest at the band's end farthest from the lens's middle)."""
    centre, a, b = lens.center(), lens.width() / 2, lens.height() / 2

    def edge(y0: float, y1: float) -> float:
        off = max(abs(y0 - centre.y()), abs(y1 - centre.y()))
        return centre.x() + a * math.sqrt(max(0.0, 1 - (off / b) ** 2)) - margin

    return edge


def _draw_sign(painter: QPainter, room: QRectF, under: float, edge: Callable[[float, float], float],
               code: str | None, symbols: Sequence[str]) -> None:
    """The sign in ``room``: its shapes in a row, then its characters, centred under the nasal
    mark (x ``under``) and moved left, then made smaller, when they would cross the lens's
    outline (``edge``: the free x right of a band of height)."""
    text = (code or "").strip()
    known = [(key, shape_of(key)) for key in symbols]
    paths = [shape.path for _key, shape in known if shape is not None]
    unknown = [label_of(key) for key, shape in known if shape is None]
    if not paths and not text and not unknown:
        text = "—"
    text_height = room.height() * (0.42 if paths else 0.55)
    size = min(room.height() - (text_height if text or unknown else 0) - 2, 0.5 * room.height() + 8, 40.0)
    centre = under
    if paths:
        gaps = 4 * (len(paths) - 1)
        while True:  # the largest size whose row fits between the room's left and the outline
            total = len(paths) * size + gaps
            right = edge(room.top(), room.top() + size)
            centre = min(under, right - total / 2)
            if centre - total / 2 >= room.left() or size <= 6:
                break
            size -= 1
        x = max(room.left(), centre - total / 2)
        for path in paths:
            paint_shape(painter, path, QRectF(x, room.top(), size, size), INK, line_width(size) * 1.1)
            x += size + 4
    words = " ".join([text, *unknown]).strip()
    if words:
        top = room.top() + ((size + 2) if paths else 0)
        font = _font(painter, min(text_height * 0.8, 28), bold=True)
        while True:
            metrics = QFontMetricsF(font)
            half = min(centre - room.left(), edge(top, top + metrics.height()) - centre)
            if metrics.horizontalAdvance(words) <= 2 * half or font.pixelSize() <= 8:
                break
            font.setPixelSize(font.pixelSize() - 1)
        painter.setFont(font)
        painter.setPen(INK)
        below = QRectF(centre - half, top, 2 * half, room.bottom() - top)
        painter.drawText(below, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, words)


@lru_cache(maxsize=512)
def _pixmap(width: int, height: int, code: str | None, symbols: tuple[str, ...], addition: str | None,
            note: str | None) -> QPixmap:
    pixmap = QPixmap(QSize(width, height))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    draw_engraving(painter, QRectF(0, 0, width, height), code, symbols, addition, note)
    painter.end()
    return pixmap


def engraving_pixmap(size: QSize, code: str | None, symbols: Sequence[str] = (), addition: str | None = None,
                     note: str | None = "Schéma : pas d'image") -> QPixmap:
    """The drawing as a pixmap of ``size`` (cached: the gallery repaints often)."""
    return _pixmap(size.width(), size.height(), code, tuple(symbols), addition, note)
