"""The shapes of nasal signs as Qt draws them: paths, icons, and which shapes the catalogue knows.

One drawing per shape, as data (``data.symbols``): its path string is read into strokes
(:func:`data.symbols.strokes`) and turned into a ``QPainterPath`` once per path. Icons are
painted from that path at the size asked (crisp at 24 px: round caps, a line about 1.6 px wide,
as the SVG files in ``resources/symbols``) in the colour asked, so that a palette follows the
window's text colour; they are cached by path, colour and size.

Which shapes exist is the database's vocabulary (``data.catalogue.list_symbols``, an admin's
shapes included) once it has been read; until then, and for a key it does not know, the built-in
vocabulary (``data.symbols.SHAPES``). The filter panel reads the vocabulary and tells this module
(:func:`remember_shapes`), so that the gallery and the detail pane can draw a lens's sign from
its keys alone. A key that nobody knows is drawn as its name, never as an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from data import catalogue
from data.symbols import GROUPS, SHAPES, PathError, strokes
from data.symbols.drawing import BOX

ICON_SIZE = 24
_ICON_PAD = 6.0  # box units left around a drawing, as in the SVG files


class ShapeLike(Protocol):
    """What the GUI needs of a shape: ``data.symbols.Shape`` and the catalogue's items alike."""

    @property
    def key(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def group(self) -> str: ...

    @property
    def path(self) -> str: ...


@dataclass(frozen=True)
class SymbolShape:
    """A shape as the GUI holds it (a copy of the catalogue's item, without its counts)."""

    key: str
    label: str
    group: str
    path: str
    lens_count: int | None = None


def _copy(item: ShapeLike) -> SymbolShape:
    count = getattr(item, "lens_count", None)
    return SymbolShape(item.key, item.label, item.group, item.path, count if isinstance(count, int) else None)


_BUILT_IN: dict[str, SymbolShape] = {shape.key: _copy(shape) for shape in SHAPES}
_known: dict[str, SymbolShape] = dict(_BUILT_IN)


def read_vocabulary(db: Any) -> list[SymbolShape]:
    """The shapes the catalogue holds, an admin's included (run off the UI thread)."""
    return [_copy(item) for item in catalogue.list_symbols(db)]


def remember_shapes(shapes: Iterable[ShapeLike]) -> None:
    """The catalogue's vocabulary was read: draw its shapes from now on (admin's ones too)."""
    for shape in shapes:
        _known[shape.key] = _copy(shape)


def known_shapes() -> list[SymbolShape]:
    return list(_known.values())


def shape_of(key: str) -> SymbolShape | None:
    return _known.get(key)


def label_of(key: str) -> str:
    shape = _known.get(key)
    return shape.label if shape is not None else key.replace("_", " ")


def grouped(shapes: Sequence[ShapeLike]) -> list[tuple[str, list[ShapeLike]]]:
    """Shapes by group, the vocabulary's groups first in their order, others after."""
    order = list(GROUPS) + sorted({s.group for s in shapes} - set(GROUPS))
    return [(group, [s for s in shapes if s.group == group]) for group in order
            if any(s.group == group for s in shapes)]


@lru_cache(maxsize=512)
def painter_path(path: str) -> QPainterPath:
    """The drawing in its 100×100 box as a ``QPainterPath`` (empty for a drawing that does not
    read: an admin's shape is checked when stored, so this is only a guard)."""
    result = QPainterPath()
    try:
        lines = strokes(path)
    except PathError:
        return result
    for line in lines:
        result.moveTo(QPointF(*line[0]))
        for point in line[1:]:
            result.lineTo(QPointF(*point))
    return result


def paint_shape(painter: QPainter, path: str, rect: QRectF, color: QColor, width: float) -> None:
    """Draw a shape into ``rect`` (square part centred), ``width`` pixels wide, round ends."""
    side = min(rect.width(), rect.height())
    scale = side / (BOX + 2 * _ICON_PAD)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(rect.center().x() - side / 2, rect.center().y() - side / 2)
    painter.scale(scale, scale)
    painter.translate(_ICON_PAD, _ICON_PAD)
    pen = QPen(color, width / scale)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(painter_path(path))
    painter.restore()


def line_width(size: float) -> float:
    """The line of a shape drawn ``size`` pixels square: about 1.6 px at 24 px, thicker when big."""
    return max(1.5, size / 15)


@lru_cache(maxsize=2048)
def _pixmap(path: str, color: str, size: int, ratio: float) -> QPixmap:
    pixels = round(size * ratio)
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    paint_shape(painter, path, QRectF(0, 0, pixels, pixels), QColor(color), line_width(size) * ratio)
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def shape_pixmap(path: str, color: QColor, size: int = ICON_SIZE, ratio: float = 1.0) -> QPixmap:
    return _pixmap(path, color.name(QColor.NameFormat.HexArgb), size, ratio)


def shape_icon(path: str, color: QColor, size: int = ICON_SIZE, disabled: QColor | None = None) -> QIcon:
    """The shape's icon, sharp on plain and double-density screens; greyed when disabled."""
    icon = QIcon()
    for ratio in (1.0, 2.0):
        icon.addPixmap(shape_pixmap(path, color, size, ratio), QIcon.Mode.Normal)
        if disabled is not None:
            icon.addPixmap(shape_pixmap(path, disabled, size, ratio), QIcon.Mode.Disabled)
    return icon


def strip_pixmap(paths: Sequence[str], color: QColor, size: int = 20, gap: int = 3) -> QPixmap:
    """Shapes side by side on one line (a lens's picked shapes on a button)."""
    width = max(1, len(paths) * (size + gap) - gap)
    pixmap = QPixmap(QSize(width, size))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    for i, path in enumerate(paths):
        paint_shape(painter, path, QRectF(i * (size + gap), 0, size, size), color, line_width(size))
    painter.end()
    return pixmap
