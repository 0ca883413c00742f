"""What the form dialogs share about their messages: when a field's message shows, where it goes,
and a size that fits the dialog's text.

A message shows once its field has been left (or picked, for a list), or once Save was tried:
a new form never opens in red. Its label keeps its room while hidden, so the fields below do not
jump when it comes and goes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QGuiApplication
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QWidget

ERROR_COLOR = "#c62828"
_NOT_LEFT = (Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason)


def error_label(name: str, reserve: bool = False, style: str = "") -> QLabel:
    """The red message under field ``name`` (object name ``error_<name>``), hidden until needed;
    with ``reserve``, its line stays taken while hidden (and serves as the gap to the next row)."""
    label = QLabel()
    label.setObjectName(f"error_{name}")
    label.setStyleSheet(f"color: {ERROR_COLOR}; {style}")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    if reserve:
        policy = label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        label.setSizePolicy(policy)
        label.ensurePolished()
        label.setMinimumHeight(label.fontMetrics().lineSpacing() + 4)
    label.hide()
    return label


class TouchedFields(QObject):
    """The fields the user has left; all of them once Save was tried."""

    left = Signal(str)  # a field was left for the first time

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names: dict[QObject, str] = {}
        self._touched: set[str] = set()
        self.everything = False

    def watch(self, name: str, widget: QWidget) -> None:
        widgets: list[QWidget] = [widget]
        if isinstance(widget, QComboBox):
            widget.activated.connect(lambda _i: self.touch(name))
            line = widget.lineEdit()
            if line is not None:
                widgets.append(line)
        for each in widgets:
            self._names[each] = name
            each.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A list's popup or another window taking the focus is not leaving the field.
        if (isinstance(event, QFocusEvent) and event.type() == QEvent.Type.FocusOut and watched in self._names
                and event.reason() not in _NOT_LEFT):
            self.touch(self._names[watched])
        return False

    def touch(self, name: str) -> None:
        if name not in self._touched:
            self._touched.add(name)
            self.left.emit(name)

    def touch_all(self) -> None:
        self.everything = True

    def shown(self, name: str) -> bool:
        return self.everything or name in self._touched


def fit_to_text(dialog: QDialog, chars: int) -> None:
    """Give ``dialog`` room for about ``chars`` characters a line (within the screen) and the
    height its wrapped text needs at that width: at 150 % scaling the text grows, not the cut."""
    metrics = dialog.fontMetrics()
    width = metrics.averageCharWidth() * chars
    screen = dialog.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        width = min(width, screen.availableGeometry().width() * 9 // 10)
    layout = dialog.layout()
    if layout is None:
        return
    width = max(width, layout.minimumSize().width())
    height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
    height = max(height, layout.totalSizeHint().height())
    dialog.setMinimumWidth(width)
    dialog.resize(width, height)


def grow_to_fit(dialog: QDialog) -> None:
    """Taller when a message came that the height does not hold (never narrower, never shorter)."""
    layout = dialog.layout()
    if layout is None:
        return
    width = dialog.width()
    need = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
    if need > dialog.height():
        dialog.resize(width, need)
