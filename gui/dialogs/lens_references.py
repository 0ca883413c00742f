"""The lens dialog's reference fields: supplier, range, series and material, kept consistent.

The ranges listed are the chosen supplier's, the series the chosen range's; each list is read
through ``Ops`` (the latest answer only) and re-read when its parent changes. « Nouveau… » in a
list creates the reference at once (its ``Changes`` leave through the dialog's ``changed``) and
selects it. ``LensReferenceFields`` is mixed into ``LensDialog``, which provides what it declares.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from data import catalogue
from data.catalogue import Changes, LensDetail, ReferenceItem
from data.database import Database
from data.errors import CatalogueError
from data.validation import ReferenceFacts
from gui.ops import Ops
from gui.widgets.reference_combo import COMBO_FIELDS, KIND_OF, NEW_ITEM, NEW_LABEL, ReferenceCombo


def _lists(db: Database, supplier: int | None, range_id: int | None) -> dict[str, list[ReferenceItem]]:
    """The four reference lists a lens needs (ranges of its supplier, series of its range)."""
    return {
        "fournisseur_id": catalogue.list_suppliers(db),
        "materiau_id": catalogue.list_materials(db),
        "gamme_id": catalogue.list_ranges(db, [supplier]) if supplier else [],
        "serie_id": catalogue.list_series(db, [range_id]) if range_id else [],
    }


class LensReferenceFields:
    """The reference half of the lens dialog (a mixin: the dialog is the widget)."""

    ops: Ops
    inputs: dict[str, QLineEdit | ReferenceCombo]
    _references: dict[str, list[ReferenceItem]]
    changed: Any  # the dialog's Signal(object) of Changes

    def validate(self) -> bool:
        raise NotImplementedError

    def _show_banner(self, message: str) -> None:
        raise NotImplementedError

    def _parent(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self

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
        text, ok = QInputDialog.getText(self._parent(), NEW_LABEL[name].rstrip("…"), "Nom :")

        def none_chosen() -> None:
            combo.blockSignals(True)
            combo.setCurrentIndex(0 if combo.optional else -1)
            combo.blockSignals(False)
            self.validate()

        def failed(exc: CatalogueError) -> None:
            QMessageBox.warning(self._parent(), "Création impossible", exc.message)
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
