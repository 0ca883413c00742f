"""Write the symbol drawings from the vocabulary's own vector definitions.

    python -m resources.symbols.make_symbols               # resources/symbols/<key>.svg
    python -m resources.symbols.make_symbols --png DIR     # and contact sheets at 24 and 96 px

Every file is made here from :data:`data.symbols.SHAPES` (no picture comes from elsewhere).
The contact sheets are for a person to look at: is each shape readable at 24 px? They are
rendered with Qt's SVG renderer, the one the application paints with.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from data.symbols import SHAPES, Shape, svg_document

HERE = Path(__file__).resolve().parent


def write_svgs(folder: Path = HERE, shapes: tuple[Shape, ...] = SHAPES) -> list[Path]:
    """One ``<key>.svg`` per shape (24 px, scalable); returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for shape in shapes:
        target = folder / f"{shape.key}.svg"
        target.write_text(svg_document(shape, size=24), encoding="utf-8")
        written.append(target)
    return written


def render_sheet(target: Path, size: int, shapes: tuple[Shape, ...] = SHAPES,
                 columns: int = 8) -> None:
    """A PNG grid of every shape at ``size`` px, its key written under it."""
    from PySide6.QtCore import QByteArray, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    label_height = 14
    cell_w = max(size + 16, 110)
    cell_h = size + label_height + 16
    rows = (len(shapes) + columns - 1) // columns
    image = QImage(cell_w * columns, cell_h * rows, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont()
    font.setPixelSize(10)
    painter.setFont(font)
    for index, shape in enumerate(shapes):
        x = (index % columns) * cell_w
        y = (index // columns) * cell_h
        renderer = QSvgRenderer(QByteArray(svg_document(shape, size=size).encode("utf-8")))
        renderer.render(painter, QRectF(x + (cell_w - size) / 2, y + 6, size, size))
        painter.setPen(QColor("#555555"))
        painter.drawText(QRectF(x, y + size + 8, cell_w, label_height),
                         Qt.AlignmentFlag.AlignCenter, shape.key)
    painter.end()
    image.save(str(target))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Dessine les symboles du vocabulaire.")
    parser.add_argument("--png", type=Path, help="dossier où écrire les planches PNG (24 et 96 px)")
    args = parser.parse_args(argv)
    written = write_svgs()
    print(f"{len(written)} dessins écrits dans {HERE}")
    if args.png:
        args.png.mkdir(parents=True, exist_ok=True)
        for size in (24, 96):
            target = args.png / f"symbols-{size}.png"
            render_sheet(target, size)
            print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
