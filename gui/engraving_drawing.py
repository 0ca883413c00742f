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

from collections.abc import Sequence
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
    painter.drawEllipse(rect.adjusted(0.03 * w, 0.05 * h, -0.03 * w, -0.05 * h))  # the lens

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

    # Under the nasal circle: the shapes, then the characters as read.
    top = nasal.y() + radius + 0.06 * h
    half = min(apart / 2 - 4, rect.right() - 8 - nasal.x())
    room = QRectF(nasal.x() - half, top, 2 * half, rect.bottom() - top - (small + 6))
    _draw_sign(painter, room, code, symbols)
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


def _draw_sign(painter: QPainter, room: QRectF, code: str | None, symbols: Sequence[str]) -> None:
    text = (code or "").strip()
    known = [(key, shape_of(key)) for key in symbols]
    paths = [shape.path for _key, shape in known if shape is not None]
    unknown = [label_of(key) for key, shape in known if shape is None]
    if not paths and not text and not unknown:
        text = "—"
    text_height = room.height() * (0.42 if paths else 0.55)
    size = min(room.height() - (text_height if text or unknown else 0) - 2, 0.5 * room.height() + 8, 40.0)
    if paths:
        size = min(size, (room.width() - 4 * (len(paths) - 1)) / len(paths))
        total = len(paths) * size + 4 * (len(paths) - 1)
        x = room.center().x() - total / 2
        for path in paths:
            paint_shape(painter, path, QRectF(x, room.top(), size, size), INK, line_width(size) * 1.1)
            x += size + 4
    words = " ".join([text, *unknown]).strip()
    if words:
        below = room.adjusted(0, (size + 2) if paths else 0, 0, 0)
        font = _font(painter, min(text_height * 0.8, 28), bold=True)
        while QFontMetricsF(font).horizontalAdvance(words) > below.width() and font.pixelSize() > 8:
            font.setPixelSize(font.pixelSize() - 1)
        painter.setFont(font)
        painter.setPen(INK)
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
