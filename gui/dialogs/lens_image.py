"""The lens dialog's picture of the engraving: a preview, « Choisir une image… », « Retirer l'image ».

A picture is checked when chosen (a PNG or JPEG of 5 MB at most, ``data.catalogue``); a refused
file leaves the previous picture in place and says why in ``error_image``, which keeps Save off.
An edited lens keeps its stored picture unless the user chose or removed one (``changed_by_user``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from data import catalogue
from gui import file_pickers
from gui.images import decode, fit, placeholder


class LensImageField(QWidget):
    """``changed`` when the picture or its problem changes (the dialog validates again)."""

    changed = Signal()

    def __init__(self, changed_by_user: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.content: bytes | None = None  # what a save writes, when ``changed_by_user``
        self.changed_by_user = changed_by_user
        self.preview = QLabel()
        self.preview.setObjectName("field_image")
        self.preview.setFixedSize(QSize(300, 190))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error = QLabel()
        self.error.setObjectName("error_image")
        self.error.setStyleSheet("color: #c62828; font-size: 9pt;")
        self.error.setWordWrap(True)
        self.error.hide()
        pick = QPushButton("Choisir une image…")
        pick.setObjectName("pickImageButton")
        pick.clicked.connect(self.pick_image)
        remove = QPushButton("Retirer l'image")
        remove.setObjectName("removeImageButton")
        remove.clicked.connect(self.remove_image)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Image de la gravure</b> (PNG ou JPEG, 5 Mo max.)"))
        layout.addWidget(self.preview)
        buttons = QHBoxLayout()
        buttons.addWidget(pick)
        buttons.addWidget(remove)
        layout.addLayout(buttons)
        layout.addWidget(self.error)

    def has_problem(self) -> bool:
        return not self.error.isHidden()

    def show_image(self, content: bytes | None) -> None:
        """Preview ``content`` (a placeholder when there is none or it does not decode)."""
        # Decoded straight at the preview's size: a 5 MB photo is never held whole.
        image = decode(content, self.preview.size()) if content else QImage()
        if image.isNull():
            self.preview.setPixmap(placeholder(self.preview.size(), "Pas d'image"))
            return
        if image.width() < self.preview.width() and image.height() < self.preview.height():
            image = fit(image, self.preview.size())  # a small picture is shown as large as it fits
        self.preview.setPixmap(QPixmap.fromImage(image))

    def pick_image(self) -> None:
        path = file_pickers.open_file(
            self, "image", "Choisir l'image de la gravure", "Images (*.png *.jpg *.jpeg)"
        )
        if path:
            self.set_image_file(path)

    def set_image_file(self, path: Path) -> bool:
        """Load an image file; refuse what is not a PNG/JPEG under 5 MB."""
        try:
            content = path.read_bytes()
        except OSError as exc:
            self._problem(f"Lecture impossible : {exc.strerror or exc}")
            return False
        _mime, problem = catalogue.decode_check_image(content)
        if problem:
            self._problem(problem)
            return False
        self.content = content
        self.changed_by_user = True
        self.error.hide()
        self.show_image(content)
        self.changed.emit()
        return True

    def remove_image(self) -> None:
        self.content = None
        self.changed_by_user = True
        self.error.hide()
        self.show_image(None)
        self.changed.emit()

    def forget_changes(self) -> None:
        """The lens was reloaded: its stored picture stands again."""
        self.content, self.changed_by_user = None, False

    def _problem(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.changed.emit()
