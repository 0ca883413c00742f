"""The filter panel: search box, reference lists, indices and fitting height.

Lists show only values that exist, with their lens counts; the range list follows the chosen
suppliers and the series list follows the chosen ranges. The panel only builds a ``LensQuery``;
it never runs a lens query itself.

Re-reading every list counts every lens (a few milliseconds for a real catalogue, a third of a
second at a million lenses): above ``SYNC_LISTS_LIMIT`` lenses it runs in a pool thread and the
lists keep their values and ticks until it is done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from data import catalogue
from data.catalogue import Changes, ReferenceItem
from data.database import Database
from data.query import LensQuery
from gui.events import Events
from gui.models.lens_table import FRENCH, format_index
from gui.ops import Ops

SEARCH_DELAY_MS = 250


class SearchBox(QLineEdit):
    """The search field: Esc clears it."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)


class CheckList(QListWidget):
    """A list of checkable values; ``checked_values`` keeps its order."""

    checkedChanged = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setUniformItemSizes(True)
        self.setAlternatingRowColors(False)
        self.itemChanged.connect(lambda _item: self.checkedChanged.emit())
        self.setMinimumHeight(60)

    def set_values(self, values: Iterable[tuple[object, str]]) -> None:
        """Replace the items, keeping the ticks of values still present (no signal)."""
        keep = set(self.checked_values())
        self.blockSignals(True)
        self.clear()
        for value, label in values:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value in keep else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.blockSignals(False)
        rows = min(max(self.count(), 2), 7)
        self.setFixedHeight(rows * self.sizeHintForRow(0) + 2 * self.frameWidth() + 4 if self.count() else 40)

    def show_loading(self) -> None:
        """A greyed « Chargement… » line while the values are read (it is not a value)."""
        self.blockSignals(True)
        self.clear()
        item = QListWidgetItem("Chargement…")
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.addItem(item)
        self.blockSignals(False)

    def values(self) -> list[object]:
        """Every value listed, ticked or not."""
        found = (self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count()))
        return [value for value in found if value is not None]

    def checked_values(self) -> list[object]:
        return [
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, values: Sequence[object]) -> None:
        wanted = set(values)
        self.blockSignals(True)
        for i in range(self.count()):
            item = self.item(i)
            state = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)
        self.blockSignals(False)
        self.checkedChanged.emit()

    def clear_checks(self) -> None:
        self.blockSignals(True)
        for i in range(self.count()):
            self.item(i).setCheckState(Qt.CheckState.Unchecked)
        self.blockSignals(False)


def _label(item: ReferenceItem, suffix: str = "") -> str:
    extra = f" — {suffix}" if suffix else ""
    return f"{item.nom}{extra} ({FRENCH.toString(item.lens_count)})"


@dataclass(frozen=True)
class FilterLists:
    """Every list of the panel, read in one go for the ticks it was asked with."""

    suppliers: list[ReferenceItem]
    materials: list[ReferenceItem]
    indices: list[tuple[float, int]]
    ticked_suppliers: tuple[int, ...]
    ranges: list[ReferenceItem]
    ticked_ranges: tuple[int, ...]
    series_ranges: tuple[int, ...]  # the ranges whose series are listed
    series: list[ReferenceItem]


def read_lists(db: Database, ticked_suppliers: tuple[int, ...], ticked_ranges: tuple[int, ...]) -> FilterLists:
    suppliers = catalogue.list_suppliers(db)
    materials = catalogue.list_materials(db)
    indices = catalogue.list_indices(db)
    ranges = catalogue.list_ranges(db, ticked_suppliers)
    series_ranges = _series_ranges(ticked_suppliers, ticked_ranges, [r.id for r in ranges if r.lens_count])
    series = [] if series_ranges is None else catalogue.list_series(db, series_ranges)
    return FilterLists(suppliers, materials, indices, ticked_suppliers, ranges, ticked_ranges,
                       series_ranges or (), series)


def _series_ranges(
    ticked_suppliers: Sequence[int], ticked_ranges: Sequence[int], listed_ranges: Sequence[int]
) -> tuple[int, ...] | None:
    """The ranges whose series to list: the ticked ones, else those listed for the ticked
    suppliers (None: suppliers ticked but none has a range), else all (empty tuple)."""
    if ticked_ranges:
        return tuple(ticked_ranges)
    if ticked_suppliers:
        return tuple(listed_ranges) or None
    return ()


class FilterPanel(QWidget):
    """Emits ``changed`` whenever the filters describe a different set of lenses."""

    changed = Signal()
    listsReloaded = Signal()  # the value lists were re-read (at once or from a pool thread)

    def __init__(self, source: Database | Ops, parent: QWidget | None = None, events: Events | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterPanel")
        self.ops = source if isinstance(source, Ops) else Ops(source, parent=self)
        if events is not None:
            events.changed.connect(self._catalogue_changed)
            events.database_replaced.connect(self.set_database)
        self._lists_generation = 0
        self._supplier_names: dict[int, str] = {}
        self._range_names: dict[int, str] = {}

        self.search_box = SearchBox(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("Gravure, nom ou variante (Ctrl+F)…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip(
            "Tapez quelques caractères lus sur le verre : majuscules et accents ignorés."
        )
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.changed)
        self.search_box.textChanged.connect(lambda _t: self._search_timer.start())

        self.supplier_list = CheckList("supplierFilter")
        self.range_list = CheckList("rangeFilter")
        self.series_list = CheckList("seriesFilter")
        self.material_list = CheckList("materialFilter")
        self.index_list = CheckList("indexFilter")
        self.height_box = QLineEdit(self)
        self.height_box.setObjectName("fittingHeightFilter")
        self.height_box.setValidator(QIntValidator(0, 100, self.height_box))
        self.height_box.setPlaceholderText("mm")
        self.height_box.setClearButtonEnabled(True)
        self.height_box.setToolTip(
            "Hauteur de montage du patient, en mm : garde les verres dont la hauteur minimale "
            "ne la dépasse pas (et ceux dont la hauteur minimale est inconnue)."
        )
        self.height_box.setMaximumWidth(90)
        self.height_box.textChanged.connect(lambda _t: self.changed.emit())
        self.clear_button = QPushButton("Effacer les filtres", self)
        self.clear_button.setObjectName("clearFiltersButton")
        self.clear_button.clicked.connect(self.clear)

        self.supplier_list.checkedChanged.connect(self._suppliers_changed)
        self.range_list.checkedChanged.connect(self._ranges_changed)
        for widget in (self.series_list, self.material_list, self.index_list):
            widget.checkedChanged.connect(self.changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        search_label = QLabel("<b>Rechercher</b>")
        layout.addWidget(search_label)
        layout.addWidget(self.search_box)
        height_row = QHBoxLayout()
        height_row.addWidget(self.height_box)
        height_row.addStretch(1)
        form = QFormLayout()
        form.addRow("Hauteur de montage :", height_row)
        layout.addLayout(form)
        for title, widget in (
            ("Indice", self.index_list),
            ("Fournisseur", self.supplier_list),
            ("Gamme", self.range_list),
            ("Série", self.series_list),
            ("Matériau", self.material_list),
        ):
            box = QGroupBox(title, self)
            inner = QVBoxLayout(box)
            inner.setContentsMargins(4, 4, 4, 4)
            inner.addWidget(widget)
            layout.addWidget(box)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        self.reload()

    # ------------------------------------------------------------ lists
    def set_database(self, db: Database) -> None:
        if db is not self.ops.db:
            self.ops.set_database(db)
        self.reload()

    def _catalogue_changed(self, changes: Changes) -> None:
        """Any write may change a list or its lens counts: the lists re-read themselves."""
        if not changes.empty:
            self.reload()

    def reload(self) -> None:
        """Re-read the value lists (after an edit, import or restore), keeping the ticks."""
        self._lists_generation += 1
        generation = self._lists_generation
        ticked_suppliers, ticked_ranges = self._ticked_suppliers(), self._ticked_ranges()
        if not self.ops.inline_ok():
            for widget in self._value_lists():
                if widget.count() == 0:
                    widget.show_loading()
        self.ops.run(lambda db: read_lists(db, ticked_suppliers, ticked_ranges),
                     lambda lists: self._show_lists(generation, lists),
                     key="filters.lists", quick=True, name="listes des filtres")

    def _show_lists(self, generation: int, lists: FilterLists) -> None:
        if generation != self._lists_generation:
            return  # a newer reload was asked for meanwhile
        self._supplier_names = {s.id: s.nom for s in lists.suppliers}
        self.supplier_list.set_values((s.id, _label(s)) for s in lists.suppliers if s.lens_count)
        self.material_list.set_values((m.id, _label(m)) for m in lists.materials if m.lens_count)
        self.index_list.set_values(
            (value, f"{format_index(value)} ({FRENCH.toString(n)})") for value, n in lists.indices
        )
        if (self._ticked_suppliers(), self._ticked_ranges()) == (lists.ticked_suppliers, lists.ticked_ranges):
            self._show_ranges(lists.ranges, lists.ticked_suppliers)
            self._show_series(lists.series, lists.series_ranges)
        else:  # ticks changed while the lists were read: read the dependent lists again
            self._fill_ranges()
        self.listsReloaded.emit()

    def _value_lists(self) -> tuple[CheckList, ...]:
        return (self.index_list, self.supplier_list, self.range_list, self.series_list, self.material_list)

    def _ticked_suppliers(self) -> tuple[int, ...]:
        return tuple(int(str(v)) for v in self.supplier_list.checked_values())

    def _ticked_ranges(self) -> tuple[int, ...]:
        return tuple(int(str(v)) for v in self.range_list.checked_values())

    def _fill_ranges(self) -> None:
        """The ranges of the ticked suppliers, then the series that follow from them."""
        suppliers = self._ticked_suppliers()

        def show(ranges: list[ReferenceItem]) -> None:
            self._show_ranges(ranges, suppliers)
            self._fill_series()

        self.ops.run(lambda db: catalogue.list_ranges(db, suppliers), show,
                     key="filters.ranges", quick=True, name="gammes")

    def _show_ranges(self, ranges: list[ReferenceItem], suppliers: Sequence[int]) -> None:
        self._range_names = {r.id: r.nom for r in ranges}
        show_supplier = len(suppliers) != 1
        self.range_list.set_values(
            (r.id, _label(r, self._supplier_names.get(r.parent_id or 0, "") if show_supplier else ""))
            for r in ranges
            if r.lens_count
        )

    def _fill_series(self) -> None:
        listed = [int(str(value)) for value in self.range_list.values()]
        ranges = _series_ranges(self._ticked_suppliers(), self._ticked_ranges(), listed)
        self.ops.run(lambda db: [] if ranges is None else catalogue.list_series(db, ranges),
                     lambda series: self._show_series(series, ranges or ()),
                     key="filters.series", quick=True, name="séries")

    def _show_series(self, series: list[ReferenceItem], ranges: Sequence[int]) -> None:
        show_range = len(ranges) != 1
        self.series_list.set_values(
            (s.id, _label(s, self._range_names.get(s.parent_id or 0, "") if show_range else ""))
            for s in series
            if s.lens_count
        )

    def _suppliers_changed(self) -> None:
        self._fill_ranges()
        self.changed.emit()

    def _ranges_changed(self) -> None:
        self._fill_series()
        self.changed.emit()

    # ------------------------------------------------------------ query
    def fitting_height(self) -> int | None:
        text = self.height_box.text().strip()
        return int(text) if text.isdigit() else None

    def build_query(self, sort: str = "nom", descending: bool = False) -> LensQuery:
        return LensQuery(
            supplier_ids=tuple(int(str(v)) for v in self.supplier_list.checked_values()),
            range_ids=tuple(int(str(v)) for v in self.range_list.checked_values()),
            series_ids=tuple(int(str(v)) for v in self.series_list.checked_values()),
            material_ids=tuple(int(str(v)) for v in self.material_list.checked_values()),
            indices=tuple(float(str(v)) for v in self.index_list.checked_values()),
            fitting_height=self.fitting_height(),
            text=self.search_box.text(),
            sort=sort,
            descending=descending,
        )

    def flush_search(self) -> None:
        """Apply a pending search at once (Enter in the box, tests)."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self.changed.emit()

    def clear(self) -> None:
        self.blockSignals(True)
        for widget in (self.supplier_list, self.range_list, self.series_list,
                       self.material_list, self.index_list):
            widget.clear_checks()
        self.search_box.clear()
        self.height_box.clear()
        self._search_timer.stop()
        self.blockSignals(False)
        self._fill_ranges()
        self.changed.emit()
