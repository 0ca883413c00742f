"""gui/widgets/search_chips: the chips follow the words typed, the chips on screen showing the
new words rather than being made anew, and each × hands back the key of what it shows."""

from __future__ import annotations

from PySide6.QtCore import Qt

from gui.widgets.search_chips import BOX, CHIPS_GAP, LIST, ChipSpec, SearchChips


def test_new_words_reuse_the_chips_on_screen_and_remove_what_they_now_show(qtbot):
    chips = SearchChips()
    qtbot.addWidget(chips)
    chips.show()
    chips.set_chips([ChipSpec("Gravure spu", ("term", 0)), ChipSpec("Indice 1,50", ("term", 1))])
    first, second = chips.chips()
    chips.set_chips([ChipSpec("Gravure spu50", ("term", 0)), ChipSpec("Indice 1,67 (liste)", ("list", 7), LIST,
                                                                     "Décocher dans la liste")])
    assert chips.chips() == [first, second]  # the same widgets, the new words
    assert chips.labels() == ["Gravure spu50", "Indice 1,67 (liste)"]
    assert first.label.text() == "Gravure spu50" and first.button.accessibleName() == "Retirer « Gravure spu50 »"
    assert second.property("source") == LIST and second.button.toolTip() == "Décocher dans la liste"
    removed: list[object] = []
    chips.removeRequested.connect(removed.append)
    qtbot.mouseClick(second.button, Qt.MouseButton.LeftButton)
    assert removed == [("list", 7)]  # what the chip shows now, not what it was made for
    chips.set_chips([ChipSpec("Gravure spu50", ("term", 0)), ChipSpec("Symbole Œil", ("symbol", "oeil"), "palette"),
                     ChipSpec("Hauteur 16 mm", ("height",), BOX)])
    assert chips.chips()[:2] == [first, second] and len(chips.chips()) == 3
    assert second.property("source") == "palette"
    qtbot.mouseClick(chips.chips()[2].button, Qt.MouseButton.LeftButton)
    assert removed[-1] == ("height",)
    chips.set_chips([ChipSpec("Gravure spu50", ("term", 0))])
    assert chips.chips() == [first] and chips.isVisible()
    qtbot.waitUntil(lambda: chips.heightForWidth(300) > CHIPS_GAP)  # the chip's line, under the gap
    chips.set_chips([])
    assert chips.chips() == [] and chips.heightForWidth(300) == 0  # no room taken, no gap


def test_the_next_chip_takes_the_focus_when_the_focused_one_goes(qtbot):
    chips = SearchChips()
    qtbot.addWidget(chips)
    chips.show()
    qtbot.waitExposed(chips)
    specs = [ChipSpec(f"Gravure c{n}", ("term", n)) for n in range(3)]
    chips.set_chips(specs)
    chips.activateWindow()
    chips.chips()[2].button.setFocus()
    qtbot.waitUntil(lambda: chips.chips()[2].button.hasFocus(), timeout=2000)
    chips.set_chips(specs[:2])  # the last word removed with the keyboard
    assert chips.chips()[1].button.hasFocus()
