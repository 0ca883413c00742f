"""The lens dialog (new, edit, duplicate): validates as the user types, saves through the service.

The same rules run three times: here on every keystroke (``data.validation``), again in the
service before the write, and last in the database constraints. A save that fails for any reason
keeps the dialog open with the user's input intact and the reason shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from data import catalogue
from data.catalogue import Changes, LensDetail, LensRow, ReferenceItem
from data.database import Database
from data.errors import CatalogueError, ConflictError, ValidationError
from data.validation import FIELD_LABELS, validate_lens
from gui.dialogs.field_messages import TouchedFields, error_label
from gui.dialogs.lens_image import LensImageField
from gui.dialogs.lens_references import LensReferenceFields
from gui.dialogs.lens_symbols import SymbolField
from gui.dialogs.write_guard import WriteGuard
from gui.ops import Ops
from gui.symbol_art import read_vocabulary
from gui.widgets.reference_combo import COMBO_FIELDS, ReferenceCombo

TEXT_FIELDS = ("nom", "variante", "indice", "hauteur_min", "hauteur_max", "gravure_nasale",
               "url_gravure", "url_source")
SYMBOLS = "symboles"  # the raw form's shape keys, in the order picked
ERROR_STYLE = "border: 1px solid #c62828; border-radius: 3px; background: #fff6f6;"
PLACEHOLDERS = {
    "nom": "ex. Varilux Comfort Max",
    "variante": "ex. Short, Transitions (facultatif)",
    "indice": "ex. 1,67",
    "hauteur_min": "mm",
    "hauteur_max": "mm",
    "gravure_nasale": "code lu sous la marque nasale, ex. AIPZ",
    "url_gravure": "https://… (facultatif)",
    "url_source": "https://… page du fabricant (facultatif)",
}


class LensDialog(LensReferenceFields, WriteGuard):
    """A new, edited or duplicated lens. Reads and writes go through ``ops``; every write's
    ``Changes`` leave through ``changed`` (a reference created on the way, then the save)."""

    changed = Signal(object)  # Changes

    def __init__(
        self,
        ops: Ops,
        lens: LensDetail | None = None,
        duplicate: bool = False,
        parent: QWidget | None = None,
        image_bytes: bytes | None = None,
        confirm_identical: Callable[[LensRow], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        #: Asked before a new or duplicated lens equal to another is saved (None: not asked).
        self.confirm_identical = confirm_identical
        self.setObjectName("lensDialog")
        self.ops = ops
        self.lens = None if duplicate else lens
        self.version = lens.version if lens and not duplicate else None
        self._references: dict[str, list[ReferenceItem]] = {}
        self.setWindowTitle(
            "Nouveau verre" if lens is None
            else ("Dupliquer le verre" if duplicate else f"Modifier « {lens.nom} »")
        )
        self.inputs: dict[str, QLineEdit | ReferenceCombo] = {}
        self.errors: dict[str, QLabel] = {}
        self.banner = QLabel()
        self.banner.setObjectName("dialogMessage")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fdecea; color: #8e1b10; padding: 6px; border-radius: 3px;")
        self.banner.hide()

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(0)  # each field's reserved message line is the gap to the next
        self.touched = TouchedFields(self)
        self.touched.left.connect(lambda _name: self.validate())
        if lens is not None:
            self.touched.touch_all()  # a lens to edit or copy: its problems show at once
        row = 0
        self.symbol_field = SymbolField(self)
        self.symbol_field.changed.connect(self.validate)
        for name in ("nom", "variante", "fournisseur_id", "gamme_id", "serie_id", "materiau_id",
                     "indice", "hauteur_min", "hauteur_max", "gravure_nasale", SYMBOLS, "url_gravure", "url_source"):
            widget: QLineEdit | ReferenceCombo | SymbolField
            if name == SYMBOLS:
                widget = self.symbol_field
            elif name in COMBO_FIELDS:
                widget = ReferenceCombo(name, optional=name != "fournisseur_id")
                widget.currentIndexChanged.connect(lambda _i, n=name: self._combo_changed(n))
                widget.editTextChanged.connect(lambda _t: self.validate())
            else:
                widget = QLineEdit()
                widget.setObjectName(f"field_{name}")
                widget.setPlaceholderText(PLACEHOLDERS.get(name, ""))
                widget.textChanged.connect(lambda _t: self.validate())
            label = QLabel(FIELD_LABELS.get(name, "Symboles") + (" *" if name in ("nom", "fournisseur_id", "indice") else "") + " :")
            label.setBuddy(widget)
            widget.setMinimumHeight(widget.sizeHint().height())  # the red border must not shrink it
            error = error_label(name, reserve=True, style="font-size: 9pt;")
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(widget, row, 1)
            grid.addWidget(error, row + 1, 1)
            if not isinstance(widget, SymbolField):
                self.inputs[name] = widget
            self.errors[name] = error
            self.touched.watch(name, widget)
            row += 2

        grid.setRowStretch(row, 1)  # spare height goes below the fields, not between them

        self.image = LensImageField(lens is None or duplicate, self)  # an edit keeps its picture unless changed
        self.image.changed.connect(self.validate)
        self.errors["image"] = self.image.error

        self.save_button = QPushButton("Enregistrer")
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.why_disabled = QLabel()
        self.why_disabled.setObjectName("saveHint")
        cancel = QPushButton("Annuler")
        cancel.setObjectName("cancelButton")
        cancel.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.why_disabled, 1)
        bottom.addWidget(cancel)
        bottom.addWidget(self.save_button)

        body = QHBoxLayout()
        body.addLayout(grid, 3)
        body.addSpacing(12)
        body.addWidget(self.image, 2, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(body)
        layout.addLayout(bottom)

        self._load_references(lens)
        ops.run(read_vocabulary, self.symbol_field.set_shapes, key=f"lens.symbols.{id(self)}", quick=True,
                name="symboles")
        if lens is not None:
            self._fill(lens)
        self.image.show_image(image_bytes)
        if lens is not None and lens.image_id is not None and image_bytes is None:
            image_id = lens.image_id
            ops.run(lambda db: catalogue.get_image(db, image_id)[0],
                    lambda content: self._stored_image(content, duplicate),
                    lambda _exc: self.image.show_image(None), key=f"lens.image.{id(self)}", quick=True, name="image")
        self.validate()
        self.inputs["nom"].setFocus()
        room = self.screen().availableGeometry()  # a 1024 × 700 or 800 × 600 screen holds it whole
        self.resize(min(980, room.width() * 95 // 100), min(640, room.height() * 95 // 100))

    # ------------------------------------------------------------ image
    def _stored_image(self, content: bytes, duplicate: bool) -> None:
        self.image.show_image(content)
        if duplicate:
            self.image.content = content

    # ------------------------------------------------------------ values
    def _fill(self, lens: LensDetail) -> None:
        values = lens.form_values()
        for name in TEXT_FIELDS:
            value = values.get(name)
            widget = self.inputs[name]
            assert isinstance(widget, QLineEdit)
            if name == "indice" and value is not None:
                widget.setText(f"{float(str(value)):.3f}".rstrip("0").rstrip(".").replace(".", ","))
            else:
                widget.setText("" if value is None else str(value))
        self.symbol_field.set_keys(lens.symbols)

    def raw_values(self) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        for name, widget in self.inputs.items():
            raw[name] = widget.value() if isinstance(widget, ReferenceCombo) else widget.text()
        raw[SYMBOLS] = self.symbol_field.keys()
        return raw

    def validate(self) -> bool:
        """Check the whole form; messages show for the fields left (all, once Save was tried)."""
        _values, report = validate_lens(self.raw_values(), self._facts())
        for name, label in self.errors.items():
            if name == "image":
                continue
            message = report.get(name) if self.touched.shown(name) else None
            label.setText(message or "")
            label.setVisible(bool(message))
            self.inputs.get(name, self.symbol_field).setStyleSheet(ERROR_STYLE if message else "")
        valid = report.is_valid and not self.image.has_problem()
        self.save_button.setEnabled(valid)
        self._say_why(valid, report.errors)
        return valid

    def _say_why(self, valid: bool, errors: dict[str, str]) -> None:
        """Under the form: what is left to fill in (grey) or how many fields to fix (red)."""
        shown = [name for name in errors if self.touched.shown(name)]
        count = len(shown) + (1 if self.image.has_problem() else 0)
        later = [FIELD_LABELS.get(name, name) for name in self.errors if name in errors and name not in shown]
        parts = [f"Enregistrement impossible : {count} champ{'s' if count > 1 else ''} à corriger"] if count else []
        if later:
            parts.append(("à remplir aussi : " if count else "À remplir : ") + ", ".join(later))
        text = "" if valid else " ; ".join(parts) + "."
        self.why_disabled.setText(text)
        self.why_disabled.setStyleSheet(f"color: {'#8e1b10' if count else '#555'};")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter tries to save even while Save is off: every message then shows."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.save_button.isEnabled():
            self.attempt_save()
            return
        super().keyPressEvent(event)

    def attempt_save(self) -> None:
        """Save, or show every problem and put the cursor in the first field to fix."""
        self.touched.touch_all()
        if self.validate():
            self.save()
            return
        for name, label in self.errors.items():
            if label.isVisible() and name in self.inputs:
                self.inputs[name].setFocus()
                break

    # ------------------------------------------------------------ image
    def set_image_file(self, path: Path) -> bool:
        """Load an image file into the dialog; refuse what is not a PNG/JPEG under 5 MB."""
        return self.image.set_image_file(path)

    # ------------------------------------------------------------ saving
    def save(self) -> None:
        """Save through ``ops``; while the write runs, a second save and closing are refused.

        A new (or duplicated) lens equal in every field to one already there is saved only
        once ``confirm_identical`` says so (``data.catalogue.identical_lens`` finds it)."""
        if self.writing or not self.validate():
            return
        raw, image = self.raw_values(), self.image.content
        if self.lens is not None or self.confirm_identical is None:
            self._write(raw, image)
            return
        self.writing = True
        self.save_button.setEnabled(False)
        self.ops.run(lambda db: catalogue.identical_lens(db, raw, image),
                     lambda found: self._identical_checked(raw, image, found), self._save_failed,
                     quick=True, name="verres identiques")

    def _identical_checked(self, raw: dict[str, Any], image: bytes | None, found: LensRow | None) -> None:
        self.writing = False
        if found is not None and self.confirm_identical is not None and not self.confirm_identical(found):
            self.validate()
            return
        self._write(raw, image)

    def _write(self, raw: dict[str, Any], image: bytes | None) -> None:
        image_changed = self.image.changed_by_user
        if self.lens is None:
            def call(db: Database) -> Changes:
                return catalogue.create_lens(db, raw, image=image)
        else:
            lens_id, version = self.lens.id, self.version
            assert version is not None

            def call(db: Database) -> Changes:
                if image_changed:
                    return catalogue.update_lens(db, lens_id, raw, version, image=image)
                return catalogue.update_lens(db, lens_id, raw, version)

        self.writing = True
        self.save_button.setEnabled(False)
        self.ops.run(call, self._saved, self._save_failed, quick=True, name="enregistrement")

    def _saved(self, changes: Changes) -> None:
        self.writing = False
        if changes.version is not None:
            self.version = changes.version
        self.changed.emit(changes)
        self.accept()

    def _save_failed(self, exc: CatalogueError) -> None:
        self.writing = False
        self.validate()
        if isinstance(exc, ValidationError):
            self._show_report(exc)
        elif isinstance(exc, ConflictError):
            self._conflict(exc.message)
        else:
            self._show_banner(f"Enregistrement impossible : {exc.message} Vos saisies sont conservées.")

    def _show_report(self, exc: ValidationError) -> None:
        for name, message in exc.report.errors.items():
            label = self.errors.get(name)
            if label is not None:
                label.setText(message)
                label.show()
        self._show_banner("Enregistrement refusé : " + exc.report.summary())
        self.save_button.setEnabled(False)

    def _show_banner(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.show()

    def _conflict(self, message: str) -> None:
        self._show_banner(message)
        box = QMessageBox(QMessageBox.Icon.Warning, "Modifié sur un autre poste", message, parent=self)
        box.setObjectName("conflictBox")
        reload_button = box.addButton("Recharger la version actuelle", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Garder mes saisies", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is reload_button:
            self.reload_from_database()

    def reload_from_database(self) -> None:
        """Replace the inputs with the lens as it is now (after a conflict)."""
        if self.lens is None:
            return
        lens_id = self.lens.id
        self.ops.run(lambda db: catalogue.get_lens(db, lens_id), self._reloaded,
                     lambda exc: self._show_banner(exc.message), quick=True, name="verre")

    def _reloaded(self, current: LensDetail) -> None:
        self.lens = current
        self.version = current.version
        self.image.forget_changes()
        self._load_references(current)
        self._fill(current)
        self.banner.hide()
        self.validate()
