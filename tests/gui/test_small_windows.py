"""Small screens: at 800×600 and 1024×700 the banner keeps to one line with its button whole, the
toolbar keeps its actions in sight, « Effacer les filtres » is reachable; Import is under Données."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QMenu, QToolBar, QToolButton


def _shown_at(window, qtbot, width: int, height: int):
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.banner.isVisible())
    QApplication.processEvents()
    return window


@pytest.mark.parametrize("size", [(800, 600), (1024, 700)])
def test_the_sample_banner_keeps_to_one_line_with_its_button_whole(window, qtbot, size):
    _shown_at(window, qtbot, *size)
    window.table.selectRow(0)  # the detail pane takes its share of the width
    QApplication.processEvents()
    banner, button = window.banner, window.banner.remove_button
    assert banner.height() <= 3 * banner.fontMetrics().lineSpacing()
    assert button.width() >= button.sizeHint().width()
    assert button.mapTo(banner, QPoint(button.width(), 0)).x() <= banner.width()


@pytest.mark.parametrize("size", [(800, 600), (1024, 700)])
def test_the_toolbar_keeps_every_action_in_sight(window, qtbot, size):
    _shown_at(window, qtbot, *size)
    toolbar = window.findChild(QToolBar, "mainToolBar")
    overflow = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert overflow is None or not overflow.isVisible()
    for action in toolbar.actions():
        if action.isSeparator():
            continue
        button = toolbar.widgetForAction(action)
        assert button.isVisible(), action.objectName()
        assert toolbar.rect().contains(button.geometry()), action.objectName()


def test_a_wide_toolbar_shows_the_text_of_its_buttons(window, qtbot):
    _shown_at(window, qtbot, 1600, 1000)
    toolbar = window.findChild(QToolBar, "mainToolBar")
    assert toolbar.widgetForAction(window.action("newLensAction")).text() == "Nouveau verre"
    assert toolbar.toolButtonStyle().name == "ToolButtonTextBesideIcon"


def test_clear_filters_is_in_sight_at_1024_by_700(window, qtbot):
    _shown_at(window, qtbot, 1024, 700)
    button = window.filters.clear_button
    assert button.isVisible()
    where = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
    assert window.rect().contains(where)
    assert not button.visibleRegion().isEmpty()


def test_import_and_export_are_under_donnees_not_fichier(window):
    menus = {m.title().replace("&", ""): [a.objectName() for a in m.actions()]
             for m in window.menuBar().findChildren(QMenu) if m.title()}
    assert "importAction" in menus["Données"] and "exportAction" in menus["Données"]
    assert "importAction" not in menus["Fichier"]
