"""A lens without a picture shows its engraving drawn: the marks, its shapes and its code."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor, QImage

from data import catalogue
from gui.engraving_drawing import INK, engraving_pixmap
from gui.widgets.gallery import THUMB, GalleryDelegate
from tests.factories import lens_values, make_refs


def ink_pixels(image: QImage, area: QRect) -> int:
    """Pixels painted in (nearly) the drawing's ink colour inside ``area``."""
    count = 0
    for y in range(area.top(), area.bottom() + 1):
        for x in range(area.left(), area.right() + 1):
            colour = image.pixelColor(x, y)
            if colour.alpha() > 200 and abs(colour.lightness() - INK.lightness()) < 40:
                count += 1
    return count


def nasal_half(size: QSize) -> QRect:
    """Under the nasal circle: the right half, below the marks."""
    return QRect(size.width() // 2 + 4, int(size.height() * 0.4), size.width() // 2 - 8, int(size.height() * 0.45))


def test_the_shapes_are_drawn_under_the_nasal_circle_at_gallery_size(qapp):
    plain = engraving_pixmap(THUMB, "e5").toImage()
    signed = engraving_pixmap(THUMB, "e5", ("oeil", "e_soleil")).toImage()
    area = nasal_half(THUMB)
    assert ink_pixels(signed, area) > ink_pixels(plain, area) + 40
    # The temporal side (left) carries nothing but its mark when the addition is unknown.
    left = QRect(8, int(THUMB.height() * 0.45), THUMB.width() // 2 - 16, 30)
    assert ink_pixels(signed, left) == ink_pixels(plain, left)
    with_addition = engraving_pixmap(THUMB, "e5", ("oeil",), addition="25").toImage()
    assert ink_pixels(with_addition, left) > 20


def test_an_unknown_shape_is_written_rather_than_dropped(qapp):
    known = engraving_pixmap(THUMB, "", ("cercle",)).toImage()
    unknown = engraving_pixmap(THUMB, "", ("forme_inconnue",)).toImage()
    nothing = engraving_pixmap(THUMB, "", ()).toImage()
    area = nasal_half(THUMB)
    assert ink_pixels(unknown, area) > ink_pixels(nothing, area)
    assert ink_pixels(known, area) > ink_pixels(nothing, area)


def test_the_drawing_is_cached_by_what_it_shows(qapp):
    assert engraving_pixmap(THUMB, "AIPZ", ("oeil",)) is engraving_pixmap(THUMB, "AIPZ", ["oeil"])
    assert engraving_pixmap(THUMB, "AIPZ") is not engraving_pixmap(THUMB, "AIPY")


def test_the_detail_pane_draws_a_lens_without_picture(sqlite_db, open_window):
    refs = make_refs(sqlite_db)
    catalogue.create_lens(sqlite_db, lens_values(refs, nom="A sans image", gravure_nasale="SPU50"))
    window = open_window(sqlite_db.url.render_as_string(hide_password=False))
    window.table.selectRow(0)
    image = window.detail.image
    assert image.status == "Pas d'image de gravure pour ce verre" and not image.has_image
    drawn = image.pixmap().toImage()
    assert ink_pixels(drawn, nasal_half(drawn.size())) > 30  # the code, in ink, under the nasal mark


@dataclass
class _Row:
    nom: str = "Essai"
    variante: str | None = None
    fournisseur: str = "Essilor"
    indice: float = 1.5
    gravure_nasale: str | None = "e5"
    image_id: int | None = None
    url_gravure: str | None = None
    symbols: tuple[str, ...] = ("oeil",)


def test_the_gallery_draws_a_lens_without_picture(qtbot):
    from PySide6.QtGui import QPainter, QPixmap
    from PySide6.QtWidgets import QStyleOptionViewItem

    from gui.models.lens_columns import ROW_ROLE

    class _Index:
        def data(self, role):
            return _Row() if role == ROW_ROLE else None

    class _Images:
        def is_broken(self, _key):
            return False

    delegate = GalleryDelegate(_Images())  # type: ignore[arg-type]
    canvas = QPixmap(240, 210)
    canvas.fill(QColor("white"))
    painter = QPainter(canvas)
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 224, 196)
    delegate.paint(painter, option, _Index())  # type: ignore[arg-type]
    painter.end()
    expected = engraving_pixmap(THUMB, "e5", ("oeil",)).toImage()
    shown = canvas.toImage().copy(QRect(8, 8, THUMB.width(), THUMB.height()))
    assert ink_pixels(shown, nasal_half(THUMB)) == ink_pixels(expected, nasal_half(THUMB)) > 40


def ink_outside_the_lens(image: QImage) -> int:
    """Ink pixels on or outside the lens's outline (the ellipse ``draw_engraving`` draws, less
    a pixel for its antialiasing)."""
    w, h = image.width(), image.height()
    cx, cy, a, b = w / 2, h / 2, 0.47 * w - 1.5, 0.45 * h - 1.5
    outside = 0
    for y in range(h):
        for x in range(w):
            colour = image.pixelColor(x, y)
            if colour.alpha() > 200 and abs(colour.lightness() - INK.lightness()) < 40:
                if ((x + 0.5 - cx) / a) ** 2 + ((y + 0.5 - cy) / b) ** 2 >= 1:
                    outside += 1
    return outside


def test_a_sign_of_several_shapes_stays_inside_the_lens(qapp):
    for size in (THUMB, QSize(180, 110), QSize(150, 95), QSize(360, 200)):
        for code, shapes in (("e5", ("oeil", "pi", "e_soleil")), ("7", ("note", "etoile", "lune", "v_cercle")),
                             ("BbA6 KSP", ("cercle", "barre_horizontale", "triangle"))):
            image = engraving_pixmap(size, code, shapes, "+2,00").toImage()
            assert ink_outside_the_lens(image) == 0, (size, code, shapes)
            # Every shape is still drawn, on the nasal side.
            assert ink_pixels(image, nasal_half(size)) > 40
