"""The palette of shapes, its chips, and the drawing pad's proposals: in the real window on the
sample catalogue, and the pad on its own driven by mouse events."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton

from data.query import LensQuery
from data.symbols import GROUPS, SHAPES
from gui.symbol_art import known_shapes, shape_pixmap
from gui.widgets.symbol_palette import SymbolPalette
from gui.widgets.symbol_search import SymbolSearch

QUERY_HAS_SYMBOLS = "symbols" in LensQuery.__dataclass_fields__


def palette_of(window, qtbot) -> SymbolPalette:
    palette = window.findChild(SymbolPalette, "symbolPalette")
    assert palette is not None
    qtbot.waitUntil(lambda: len(palette.keys()) >= len(SHAPES), timeout=10_000)
    return palette


def test_the_palette_has_one_checkable_button_per_shape_under_its_group(window, qtbot):
    palette = palette_of(window, qtbot)
    for shape in SHAPES:
        button = palette.findChild(QToolButton, f"symbol_{shape.key}")
        assert button is not None and button.isCheckable() and not button.isChecked()
        assert button.toolTip() == shape.label
        assert not button.icon().isNull()
        assert button.width() <= 28 and button.isVisibleTo(window)
    headers = [label.text() for label in palette.findChildren(QLabel) if label.property("groupHeader")]
    assert headers == list(GROUPS) == ["Traits", "Figures", "Objets", "e d'Essilor"]
    # It fits the filter panel: no wider than the panel, and well under the window's height.
    assert palette.width() <= window.filters.width() and palette.height() < 320


def test_a_picked_shape_filters_and_shows_a_chip_whose_cross_unpicks_it(window, qtbot):
    palette = palette_of(window, qtbot)
    eye = palette.button("oeil")
    assert eye is not None
    qtbot.mouseClick(eye, Qt.MouseButton.LeftButton)
    assert eye.isChecked() and palette.checked_keys() == ("oeil",)
    assert "Symbole Œil" in window.filters.chips.labels()
    if QUERY_HAS_SYMBOLS:
        assert window.filters.build_query().symbols == ("oeil",)
    chip = next(c for c in window.filters.chips.chips() if c.spec.label == "Symbole Œil")
    qtbot.mouseClick(chip.button, Qt.MouseButton.LeftButton)
    assert not eye.isChecked() and "Symbole Œil" not in window.filters.chips.labels()


def test_esc_twice_in_the_box_unpicks_the_shapes_and_empties_the_pad(window, qtbot):
    palette = palette_of(window, qtbot)
    palette.set_key_checked("cercle")
    palette.set_key_checked("etoile")
    window.filters.symbols.pad.add_stroke([(10, 10), (60, 60)])
    box = window.filters.search_box
    box.setFocus()
    qtbot.keyClicks(box, "e5")
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert palette.checked_keys() == ("cercle", "etoile")  # the first Esc only empties the box
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert palette.checked_keys() == () and window.filters.chips.labels() == []
    assert window.filters.symbols.pad.is_empty()


def test_icons_follow_the_text_colour(qtbot):
    palette = SymbolPalette()
    qtbot.addWidget(palette)
    palette.set_shapes(known_shapes())
    light = QPalette(palette.palette())
    light.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    palette.setPalette(light)
    image = palette.button("barre_horizontale").icon().pixmap(24, 24).toImage()
    middle = image.pixelColor(12, 12)
    assert middle.alpha() > 200 and middle.red() > 200  # a light line on a dark theme
    # Cached: the same drawing in the same colour is painted once.
    assert shape_pixmap(SHAPES[0].path, QColor("#000")) is shape_pixmap(SHAPES[0].path, QColor("#000"))


def wobbly_circle(centre: tuple[int, int], radius: float, steps: int = 40) -> list[QPoint]:
    points = []
    for i in range(steps + 3):  # a little past the start, as a hand closes a circle
        angle = 2 * math.pi * i / steps
        r = radius * (1 + 0.08 * math.sin(5 * angle) + 0.04 * math.cos(3 * angle))
        points.append(QPoint(round(centre[0] + r * math.cos(angle)), round(centre[1] + 0.9 * r * math.sin(angle))))
    return points


def test_a_badly_drawn_circle_proposes_the_circle_and_a_click_picks_it(qtbot):
    section = SymbolSearch()
    qtbot.addWidget(section)
    section.set_shapes(known_shapes())
    section.show()
    pad = section.pad
    assert pad.objectName() == "sketchPad"
    points = wobbly_circle((60, 58), 38)
    with qtbot.waitSignal(section.proposalsShown, timeout=10_000):
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
        for point in points[1:]:
            QTest.mouseMove(pad, point)
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1])
    assert len(pad.strokes()) == 1 and len(pad.strokes()[0]) > 20
    buttons = [section.findChild(QToolButton, f"sketchProposal_{rank}") for rank in range(1, 6)]
    keys = [button.property("symbolKey") for button in buttons]
    assert len(set(keys)) == 5 and all(keys)
    assert "cercle" in keys[:3]
    assert all(not button.icon().isNull() and button.toolTip() for button in buttons)

    circle = buttons[keys.index("cercle")]
    qtbot.mouseClick(circle, Qt.MouseButton.LeftButton)
    assert section.checked_keys() == ("cercle",)

    qtbot.mouseClick(section.findChild(QPushButton, "sketchClear"), Qt.MouseButton.LeftButton)
    assert pad.is_empty() and section.proposed_keys() == []
    assert all(not button.isVisibleTo(section) for button in buttons)
    assert section.checked_keys() == ("cercle",)  # clearing the pad keeps what was picked


def test_an_answer_to_an_older_drawing_is_dropped(qtbot):
    section = SymbolSearch()
    qtbot.addWidget(section)
    section.set_shapes(known_shapes())
    shown: list[list[str]] = []
    section.proposalsShown.connect(lambda: shown.append(section.proposed_keys()))
    section.pad.add_stroke([(10, 60), (110, 60)])
    section.pad.clear()  # before the first answer came back
    section.recogniser.wait()
    qtbot.wait(50)
    assert section.proposed_keys() == [] and all(keys == [] for keys in shown)


def test_shapes_picked_without_text_rank_the_signs_every_shape_first_then_one_missing(window, qtbot):
    """Issue 19: the palette alone ranks (every picked shape present first, then one missing),
    instead of hiding the lenses whose sign lacks one of the shapes."""
    from data.catalogue import lens_ids
    from data.catalogue.symbols import lens_symbols

    with window.db.transaction() as session:
        signs = lens_symbols(session, lens_ids(window.db, LensQuery()))
    # Two shapes of one sign, the first also on a sign without the second.
    first, second = next(
        (shapes[0], other) for shapes in signs.values() if len(shapes) >= 2 for other in shapes[1:]
        if any(shapes[0] in s and other not in s for s in signs.values())
    )
    palette = palette_of(window, qtbot)
    model = window.model
    palette.set_key_checked(first)
    palette.set_key_checked(second)
    qtbot.waitUntil(lambda: model.shown_query.symbols == (first, second) and not model.loading
                    and model.rowCount() > 0, timeout=10_000)
    assert model.ranked
    shown = [model.lens_id_at(row) for row in range(model.rowCount())]
    reasons = [model.reason_at(row) or "" for row in range(model.rowCount())]
    both = [lens for lens, shapes in signs.items() if first in shapes and second in shapes]
    assert set(shown[: len(both)]) == set(both)
    assert all("manquant" not in reason for reason in reasons[: len(both)])
    assert any("1 symbole manquant" in reason for reason in reasons[len(both):])
    assert reasons[0].startswith("symboles : ")
