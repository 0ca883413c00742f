"""The lens dialog (new, edit, duplicate): validates as the user types, saves through the service.

The same rules run three times: here on every keystroke (``data.validation``), again in the
service before the write, and last in the database constraints. A save that fails for any reason
keeps the dialog open with the user's input intact and the reason shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from data import catalogue
from data.catalogue import Changes, LensDetail, ReferenceItem
from data.database import Database
from data.errors import CatalogueError, ConflictError, ValidationError
from data.validation import FIELD_LABELS, ReferenceFacts, validate_lens
from gui import file_pickers
from gui.dialogs.write_guard import WriteGuard
from gui.images import placeholder
from gui.ops import Ops
from gui.widgets.reference_combo import COMBO_FIELDS, KIND_OF, NEW_ITEM, NEW_LABEL, ReferenceCombo

TEXT_FIELDS = ("nom", "variante", "indice", "hauteur_min", "hauteur_max", "gravure_nasale",
               "url_gravure", "url_source")
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


def _lists(db: Database, supplier: int | None, range_id: int | None) -> dict[str, list[ReferenceItem]]:
    """The four reference lists a lens needs (ranges of its supplier, series of its range)."""
    return {
        "fournisseur_id": catalogue.list_suppliers(db),
        "materiau_id": catalogue.list_materials(db),
        "gamme_id": catalogue.list_ranges(db, [supplier]) if supplier else [],
        "serie_id": catalogue.list_series(db, [range_id]) if range_id else [],
    }


class LensDialog(WriteGuard):
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
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lensDialog")
        self.ops = ops
        self.lens = None if duplicate else lens
        self.version = lens.version if lens and not duplicate else None
        self._image: bytes | None = None
        self._image_changed = lens is None or duplicate  # an edit keeps its picture unless changed
        self._image_preview: QImage | None = None
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
        row = 0
        for name in ("nom", "variante", "fournisseur_id", "gamme_id", "serie_id", "materiau_id",
                     "indice", "hauteur_min", "hauteur_max", "gravure_nasale", "url_gravure", "url_source"):
            widget: QLineEdit | ReferenceCombo
            if name in COMBO_FIELDS:
                widget = ReferenceCombo(name, optional=name != "fournisseur_id")
                widget.currentIndexChanged.connect(lambda _i, n=name: self._combo_changed(n))
                widget.editTextChanged.connect(lambda _t: self.validate())
            else:
                widget = QLineEdit()
                widget.setObjectName(f"field_{name}")
                widget.setPlaceholderText(PLACEHOLDERS.get(name, ""))
                widget.textChanged.connect(lambda _t: self.validate())
            label = QLabel(FIELD_LABELS[name] + (" *" if name in ("nom", "fournisseur_id", "indice") else "") + " :")
            label.setBuddy(widget)
            error = QLabel()
            error.setObjectName(f"error_{name}")
            error.setStyleSheet("color: #c62828; font-size: 9pt;")
            error.setWordWrap(True)
            error.hide()
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(widget, row, 1)
            grid.addWidget(error, row + 1, 1)
            self.inputs[name] = widget
            self.errors[name] = error
            row += 2

        grid.setRowStretch(row, 1)  # spare height goes below the fields, not between them

        self.image_label = QLabel()
        self.image_label.setObjectName("field_image")
        self.image_label.setFixedSize(QSize(300, 190))
        self.image_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image_error = QLabel()
        self.image_error.setObjectName("error_image")
        self.image_error.setStyleSheet("color: #c62828; font-size: 9pt;")
        self.image_error.setWordWrap(True)
        self.image_error.hide()
        self.errors["image"] = self.image_error
        pick = QPushButton("Choisir une image…")
        pick.setObjectName("pickImageButton")
        pick.clicked.connect(self.pick_image)
        remove = QPushButton("Retirer l'image")
        remove.setObjectName("removeImageButton")
        remove.clicked.connect(self.remove_image)
        image_box = QVBoxLayout()
        image_box.addWidget(QLabel("<b>Image de la gravure</b> (PNG ou JPEG, 5 Mo max.)"))
        image_box.addWidget(self.image_label)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(pick)
        buttons_row.addWidget(remove)
        image_box.addLayout(buttons_row)
        image_box.addWidget(self.image_error)
        image_box.addStretch(1)

        self.save_button = QPushButton("Enregistrer")
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.why_disabled = QLabel()
        self.why_disabled.setObjectName("saveHint")
        self.why_disabled.setStyleSheet("color: #8e1b10;")
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
        body.addLayout(image_box, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(body)
        layout.addLayout(bottom)

        self._load_references(lens)
        if lens is not None:
            self._fill(lens)
        self._show_image(image_bytes)
        if lens is not None and lens.image_id is not None and image_bytes is None:
            image_id = lens.image_id
            ops.run(lambda db: catalogue.get_image(db, image_id)[0],
                    lambda content: self._stored_image(content, duplicate),
                    lambda _exc: self._show_image(None), key=f"lens.image.{id(self)}", quick=True, name="image")
        self.validate()
        self.resize(980, 640)

    # ------------------------------------------------------------ references
    def _stored_image(self, content: bytes, duplicate: bool) -> None:
        self._show_image(content)
        if duplicate:
            self._image = content

    def _load_references(self, lens: LensDetail | None) -> None:
        supplier, range_id = (lens.fournisseur_id, lens.gamme_id) if lens else (None, None)
        self.ops.run(lambda db: _lists(db, supplier, range_id), lambda lists: self._show_references(lists, lens),
                     self._read_failed, key=f"lens.lists.{id(self)}", quick=True, name="listes")

    def _show_references(self, lists: dict[str, list[ReferenceItem]], lens: LensDetail | None) -> None:
        self._references.update(lists)
        chosen = {
            "fournisseur_id": lens.fournisseur_id if lens else None, "materiau_id": lens.materiau_id if lens else None,
            "gamme_id": lens.gamme_id if lens else None, "serie_id": lens.serie_id if lens else None,
        }
        for name in COMBO_FIELDS:
            self._combo(name).set_items(lists[name], chosen[name])
        self._combo("gamme_id").setEnabled(self._int_value("fournisseur_id") is not None)
        self._combo("serie_id").setEnabled(self._int_value("gamme_id") is not None)
        self.validate()

    def _read_failed(self, exc: CatalogueError) -> None:
        self._show_banner(f"Lecture impossible : {exc.message}")

    def _combo(self, name: str) -> ReferenceCombo:
        widget = self.inputs[name]
        assert isinstance(widget, ReferenceCombo)
        return widget

    def _int_value(self, name: str) -> int | None:
        value = self._combo(name).value()
        return value if isinstance(value, int) else None

    def _reload_ranges(self, selected: int | None = None, then_series: int | None = None) -> None:
        """Ranges of the chosen supplier, then (once shown) the series of the chosen range."""
        supplier = self._int_value("fournisseur_id")

        def show(ranges: list[ReferenceItem]) -> None:
            self._references["gamme_id"] = ranges
            self._combo("gamme_id").set_items(ranges, selected)
            self._combo("gamme_id").setEnabled(supplier is not None)
            self._reload_series(then_series)

        self.ops.run(lambda db: catalogue.list_ranges(db, [supplier]) if supplier else [], show,
                     self._read_failed, key=f"lens.ranges.{id(self)}", quick=True, name="gammes")

    def _reload_series(self, selected: int | None = None) -> None:
        range_id = self._int_value("gamme_id")

        def show(series: list[ReferenceItem]) -> None:
            self._references["serie_id"] = series
            self._combo("serie_id").set_items(series, selected)
            self._combo("serie_id").setEnabled(range_id is not None)
            self.validate()

        self.ops.run(lambda db: catalogue.list_series(db, [range_id]) if range_id else [], show,
                     self._read_failed, key=f"lens.series.{id(self)}", quick=True, name="séries")

    def _combo_changed(self, name: str) -> None:
        combo = self._combo(name)
        if combo.currentData() == NEW_ITEM:
            self._create_reference(name)
            return
        if name == "fournisseur_id":
            self._reload_ranges()
        elif name == "gamme_id":
            self._reload_series()
        self.validate()

    def _create_reference(self, name: str) -> None:
        combo = self._combo(name)
        kind = KIND_OF[name]
        parent_id = None
        if kind == "gamme":
            parent_id = self._int_value("fournisseur_id")
        elif kind == "serie":
            parent_id = self._int_value("gamme_id")
        text, ok = QInputDialog.getText(self, NEW_LABEL[name].rstrip("…"), "Nom :")

        def none_chosen() -> None:
            combo.blockSignals(True)
            combo.setCurrentIndex(0 if combo.optional else -1)
            combo.blockSignals(False)
            self.validate()

        def failed(exc: CatalogueError) -> None:
            QMessageBox.warning(self, "Création impossible", exc.message)
            none_chosen()

        if not (ok and text.strip()):
            none_chosen()
            return
        self.ops.run(lambda db: self._create_and_list(db, name, kind, text, parent_id),
                     lambda answer: self._reference_created(name, *answer), failed, quick=True, name="référence")

    @staticmethod
    def _create_and_list(db: Database, name: str, kind: str, text: str, parent_id: int | None) -> Any:
        changes = catalogue.create_reference(db, kind, text, parent_id)  # type: ignore[arg-type]
        created = changes.reference_id
        listed = {"fournisseur_id": catalogue.list_suppliers, "materiau_id": catalogue.list_materials}
        items = listed[name](db) if name in listed else []
        return created, changes, items

    def _reference_created(self, name: str, created: int, changes: Changes, items: list[ReferenceItem]) -> None:
        self.changed.emit(changes)
        combo = self._combo(name)
        if name in ("fournisseur_id", "materiau_id"):
            self._references[name] = items
            combo.set_items(items, created)
            if name == "fournisseur_id":
                self._reload_ranges()
        elif name == "gamme_id":
            self._reload_ranges(created)
        else:
            self._reload_series(created)
        self.validate()

    def _facts(self) -> ReferenceFacts:
        return ReferenceFacts(
            supplier_ids=frozenset(r.id for r in self._references.get("fournisseur_id", [])),
            material_ids=frozenset(r.id for r in self._references.get("materiau_id", [])),
            range_supplier={r.id: r.parent_id for r in self._references.get("gamme_id", []) if r.parent_id},
            series_range={r.id: r.parent_id for r in self._references.get("serie_id", []) if r.parent_id},
        )

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

    def raw_values(self) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        for name, widget in self.inputs.items():
            raw[name] = widget.value() if isinstance(widget, ReferenceCombo) else widget.text()
        return raw

    def validate(self) -> bool:
        _values, report = validate_lens(self.raw_values(), self._facts())
        for name, label in self.errors.items():
            if name == "image":
                continue
            message = report.get(name)
            label.setText(message or "")
            label.setVisible(bool(message))
            self.inputs[name].setStyleSheet(ERROR_STYLE if message else "")
        valid = report.is_valid and not self.image_error.isVisible()
        self.save_button.setEnabled(valid)
        count = len(report.errors) + (1 if self.image_error.isVisible() else 0)
        self.why_disabled.setText(
            "" if valid else f"Enregistrement impossible : {count} champ{'s' if count > 1 else ''} à corriger."
        )
        return valid

    # ------------------------------------------------------------ image
    def _show_image(self, content: bytes | None) -> None:
        image = QImage.fromData(content) if content else QImage()
        if image.isNull():
            self.image_label.setPixmap(placeholder(self.image_label.size(), "Pas d'image"))
            return
        self.image_label.setPixmap(
            QPixmap.fromImage(image).scaled(
                self.image_label.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def pick_image(self) -> None:
        path = file_pickers.open_file(
            self, "image", "Choisir l'image de la gravure", "Images (*.png *.jpg *.jpeg)"
        )
        if path:
            self.set_image_file(path)

    def set_image_file(self, path: Path) -> bool:
        """Load an image file into the dialog; refuse what is not a PNG/JPEG under 5 MB."""
        try:
            content = path.read_bytes()
        except OSError as exc:
            self._image_problem(f"Lecture impossible : {exc.strerror or exc}")
            return False
        _mime, problem = catalogue.decode_check_image(content)
        if problem:
            self._image_problem(problem)
            return False
        self._image = content
        self._image_changed = True
        self.image_error.hide()
        self._show_image(content)
        self.validate()
        return True

    def _image_problem(self, message: str) -> None:
        self.image_error.setText(message)
        self.image_error.show()
        self.validate()

    def remove_image(self) -> None:
        self._image = None
        self._image_changed = True
        self.image_error.hide()
        self._show_image(None)
        self.validate()

    # ------------------------------------------------------------ saving
    def save(self) -> None:
        """Save through ``ops``; while the write runs, a second save and closing are refused."""
        if self.writing or not self.validate():
            return
        raw, image, image_changed = self.raw_values(), self._image, self._image_changed
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
        self._image, self._image_changed = None, False
        self._load_references(current)
        self._fill(current)
        self.banner.hide()
        self.validate()
