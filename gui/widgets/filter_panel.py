"""The filter panel: the search box and its chips, the reference lists, indices and height.

The box is read once per (debounced) change with the catalogue's vocabulary (the names of the
makers, ranges, series and materials, fetched through ``Ops`` and kept until a write changes a
list): each word becomes a chip, and the words that are filters (an index, a height, a name)
show in their list (bold, half-ticked) or in the height field, without becoming ticks. Typed
names replace the ticks of their kind (``data.catalogue.ranked.browse_query``).

Lists show only values with lenses under the other filters, plus what is ticked or typed; each
list's counts follow the other filters (``data.catalogue.lists``), read through ``Ops`` after
every change, the latest answer only. The panel only builds a ``LensQuery``; it never runs a
lens query itself.

Keys in the box: Enter or Down asks for the results (``resultsRequested``), Esc clears the text,
Esc in an empty box clears every filter (``statusMessage`` says so).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from data.catalogue import (
    Changes,
    FilterLists,
    index_group_of,
)
from data.catalogue.candidates import browse_query
from data.catalogue.vocabulary import vocabulary
from data.database import Database
from data.identify import HeightTerm, IndexTerm, Kind, ParsedQuery, ReferenceTerm, Vocabulary, parse
from data.query import LensQuery
from gui.events import Events
from gui.ops import Ops
from gui.symbol_art import SymbolShape, read_vocabulary, remember_shapes
from gui.widgets.height_field import HeightField
from gui.widgets.search_box import SearchBox
from gui.widgets.search_chips import LIST, ChipSpec, SearchChips
from gui.widgets.symbol_search import SymbolSearch
from gui.widgets.value_lists import ValueLists

SEARCH_DELAY_MS = 250
_CHIP_KIND = {"supplier": "Fabricant", "range": "Gamme", "series": "Série", "material": "Matériau",
              "index": "Indice"}
_TERM_KIND = {Kind.SUPPLIER: "supplier", Kind.RANGE: "range", Kind.SERIES: "series", Kind.MATERIAL: "material"}
_QUERY_FIELD = {"supplier": "supplier_ids", "range": "range_ids", "series": "series_ids",
                "material": "material_ids", "index": "indices"}


def _ids(values: list[object]) -> tuple[int, ...]:
    return tuple(int(str(v)) for v in values)


class FilterPanel(QWidget):
    """Emits ``changed`` whenever the filters describe a different set of lenses."""

    changed = Signal()
    listsReloaded = Signal()  # the value lists were re-read (at once or from a pool thread)
    resultsRequested = Signal()  # Enter or Down in the box: go to the first result
    statusMessage = Signal(str)  # a short French message for the status bar
    vocabularyReady = Signal()

    def __init__(self, source: Database | Ops, parent: QWidget | None = None, events: Events | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterPanel")
        self.ops = source if isinstance(source, Ops) else Ops(source, parent=self)
        if events is not None:
            events.changed.connect(self._catalogue_changed)
            events.database_replaced.connect(self.set_database)
        self._vocabulary = Vocabulary()
        self.vocabulary_ready = False
        self._parsed = ParsedQuery("")

        self.search_box = SearchBox(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("Gravure, indice, fabricant, hauteur… (Ctrl+F)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip(
            "Tapez ce qui est lu sur le verre, dans n'importe quel ordre : « zeiss spu50 1,5 16 mm ».\n"
            "Entrée ou ↓ : aller aux résultats. Échap : effacer le texte, deux fois : tous les filtres."
        )
        self.search_box.setAccessibleName("Rechercher un verre")
        self.chips = SearchChips(self)
        self.chips.removeRequested.connect(self._remove_chip)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search_settled)
        self.search_box.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_box.resultsRequested.connect(self._go_to_results)
        self.search_box.cleared.connect(self._text_cleared)
        self.search_box.clearAllRequested.connect(self._clear_all_by_key)

        self.lists = ValueLists(self.ops, self.lists_query, self._typed, self)
        self.lists.shown.connect(self._lists_shown)
        self.index_list, self.supplier_list = self.lists.index_list, self.lists.supplier_list
        self.range_list, self.series_list = self.lists.range_list, self.lists.series_list
        self.material_list, self.note = self.lists.material_list, self.lists.note
        self.height_box = HeightField(self)
        self.height_box.textChanged.connect(lambda _t: self._filters_changed())
        self.clear_button = QPushButton("Effacer les filtres", self)
        self.clear_button.setObjectName("clearFiltersButton")
        self.clear_button.setToolTip("Efface la recherche, les listes et la hauteur (Échap deux fois dans la recherche)")
        self.clear_button.clicked.connect(self.clear)

        for widget in self.lists.all():
            widget.checkedChanged.connect(self._filters_changed)
        self.symbols = SymbolSearch(self)
        self.symbols.changed.connect(self._filters_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        # When a chip comes, the panel grows before its parts are placed (not squeezed first, then
        # placed again once the scroll area has made it taller), and a panel that grows or
        # shrinks paints only what comes into view: the palette and the lists under the chips
        # are moved, never painted again (see the loop at the end).
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        layout.addWidget(QLabel("<b>Rechercher</b>"))
        box_and_chips = QVBoxLayout()  # the chips take no room, not even a gap, while there are none
        box_and_chips.setSpacing(0)
        box_and_chips.addWidget(self.search_box)
        box_and_chips.addWidget(self.chips)
        layout.addLayout(box_and_chips)
        height_row = QHBoxLayout()
        height_row.addWidget(self.height_box)
        height_row.addStretch(1)
        form = QFormLayout()
        form.addRow("Hauteur de montage :", height_row)
        layout.addLayout(form)
        layout.addWidget(self.symbols)
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
        layout.addWidget(self.note)
        layout.addWidget(self.clear_button)  # pinned below the scrolling panel by ``FilterSide``
        layout.addStretch(1)
        # A chip that comes or goes moves everything under it. Opaque parts are moved by
        # copying their pixels; otherwise the palette's fifty buttons and the lists were painted
        # again (twice), on the UI thread, while the search the chip came with ran: 10 to 15 ms
        # of the UI thread, and the search slowed by as much.
        for part in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if not isinstance(part, QAbstractButton):
                part.setAutoFillBackground(True)
        self._read_vocabulary()
        self.reload()

    # ------------------------------------------------------------ the box read
    def parsed(self) -> ParsedQuery:
        """The box as last read (after the typing pause): its terms, in the order typed."""
        return self._parsed

    def _read_vocabulary(self) -> None:
        def arrived(found: Vocabulary) -> None:
            self._vocabulary, self.vocabulary_ready = found, True
            self.vocabularyReady.emit()
            if self._reparse():
                self.changed.emit()

        self.ops.run(vocabulary, arrived, key="filters.vocabulary", quick=True, background=True, name="vocabulaire")
        self.ops.run(read_vocabulary, self._shapes_arrived, key="filters.symbols", quick=True, background=True, name="symboles")

    def _shapes_arrived(self, shapes: list[SymbolShape]) -> None:
        remember_shapes(shapes)
        self.symbols.set_shapes(shapes)

    def _reparse(self) -> bool:
        """Read the box again; True when what it says changed."""
        parsed = parse(self.search_box.text(), self._vocabulary)
        if parsed == self._parsed:
            return False
        structured_before = browse_query(LensQuery(), self._parsed)
        self._parsed = parsed
        self._show_typed()
        self._show_chips()
        if browse_query(LensQuery(), parsed) != structured_before:
            self.lists.read()
        return True

    def _search_settled(self) -> None:
        self._reparse()
        self.changed.emit()

    def flush_search(self) -> None:
        """Apply a pending search at once (Enter in the box, a chip removed, tests)."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self._search_settled()

    def _typed(self, kind: str) -> list[object]:
        if kind == "index":
            return [index_group_of(v) for v in self._parsed.indices]
        return [i for t in self._parsed.references if _TERM_KIND[t.kind] == kind for i in t.ids]

    def _typed_symbols(self) -> tuple[str, ...]:
        """The shapes named in the box."""
        return self._parsed.symbols

    def _show_typed(self) -> None:
        """The lists and the height field show what the box says (nothing is ticked, no signal)."""
        for kind, widget in self.lists.by_kind().items():
            widget.set_typed(self._typed(kind))
        self.symbols.palette_widget.set_typed(self._typed_symbols())
        self.height_box.show_typed(self._parsed.height)

    # ------------------------------------------------------------ chips
    def _show_chips(self) -> None:
        specs = [ChipSpec(term.label, ("term", i)) for i, term in enumerate(self._parsed.terms)]
        for kind, widget in self.lists.by_kind().items():
            if self._typed(kind):
                continue  # typed names of this kind replace its ticks: they are not active
            for value in widget.checked_values():
                label = (widget.label_of(value) or "").rsplit(" (", 1)[0].split(" — ")[0]
                specs.append(ChipSpec(f"{_CHIP_KIND[kind]} {label} (liste)", ("list", kind, value), LIST,
                                      "Décocher dans la liste"))
        specs += [ChipSpec(f"Symbole {self.symbols.label_of(key)}", ("symbol", key), "palette",
                           "Décocher dans la palette") for key in self.symbols.checked_keys()]
        own = self.fitting_height()
        if own is not None and self._parsed.height is None:
            specs.append(ChipSpec(f"Hauteur {own} mm (champ)", ("height",), LIST, "Vider le champ de hauteur"))
        self.chips.set_chips(specs)

    def _remove_chip(self, key: object) -> None:
        assert isinstance(key, tuple)
        if key[0] == "term":
            terms = self._parsed.terms
            if key[1] < len(terms):
                self.search_box.setText(self._parsed.without(terms[key[1]]))
                self._search_timer.start()
                self.flush_search()
        elif key[0] == "list":
            widget = self.lists.by_kind()[key[1]]
            widget.set_checked([v for v in widget.checked_values() if v != key[2]])
        elif key[0] == "symbol":
            self.symbols.palette_widget.set_key_checked(key[1], False)
        else:
            self.height_box.clear()

    # ------------------------------------------------------------ keys
    def _go_to_results(self) -> None:
        self.flush_search()
        self.resultsRequested.emit()

    def _text_cleared(self) -> None:
        self.flush_search()
        if self._has_filters():
            self.statusMessage.emit("Recherche effacée — Échap encore : effacer aussi les filtres.")
        else:
            self.statusMessage.emit("Recherche effacée.")

    def _clear_all_by_key(self) -> None:
        active = self._has_filters()
        self.clear()
        self.statusMessage.emit("Tous les filtres sont effacés." if active else "Aucun filtre actif.")

    def _has_filters(self) -> bool:
        return self.build_query().has_reference_filters or bool(self.symbols.checked_keys())

    # ------------------------------------------------------------ lists
    def set_database(self, db: Database) -> None:
        if db is not self.ops.db:
            self.ops.set_database(db)
        self._read_vocabulary()
        self.reload()

    def _catalogue_changed(self, changes: Changes) -> None:
        """A write may change a list, its counts, the names the box knows or the shapes (the
        palette, the pad's proposals and the names typed in the box follow an admin's new one)."""
        if changes.empty:
            return
        if changes.references or changes.everything or changes.symbols:
            self._read_vocabulary()
        self.reload()

    def reload(self) -> None:
        """Re-read the value lists and their unfiltered counts (after an edit, import or
        restore), keeping the ticks."""
        self.lists.reload()

    def _filters_changed(self) -> None:
        self._show_chips()
        self.lists.read()
        self.changed.emit()

    def lists_query(self) -> LensQuery:
        """The filters the lists count with: the ticks, the height and the box's filter words."""
        return browse_query(replace(self.build_ticked_query(), text=""), self._parsed)

    def read_lists_now(self) -> None:
        """The results are painted: read the lists now if they wait (``ValueLists.read_now``)."""
        self.lists.read_now()

    def _lists_shown(self, lists: FilterLists) -> None:
        self._show_chips()
        self.listsReloaded.emit()
        if self.lists_query() != lists.query:
            # A tick was dropped with its value (a range of an unticked maker): say so.
            self.lists.read()
            self.changed.emit()

    # ------------------------------------------------------------ query
    def fitting_height(self) -> int | None:
        """The height field's own value (a height typed in the box is in ``parsed()``)."""
        return self.height_box.own_value()

    def build_ticked_query(self, sort: str = "nom", descending: bool = False) -> LensQuery:
        """The lists, the height field, the shapes picked and the box text as typed."""
        return LensQuery(
            supplier_ids=_ids(self.supplier_list.checked_values()),
            range_ids=_ids(self.range_list.checked_values()),
            series_ids=_ids(self.series_list.checked_values()),
            material_ids=_ids(self.material_list.checked_values()),
            indices=tuple(float(str(v)) for v in self.index_list.checked_members()),
            fitting_height=self.fitting_height(),
            text=self.search_box.text(),
            symbols=tuple(self.symbols.checked_keys()),
            sort=sort,
            descending=descending,
        )

    def build_query(self, sort: str = "nom", descending: bool = False) -> LensQuery:
        """What to show: the ticks, with the box's filter words (index, height, names) in place
        of the ticks of their kind, and the box's other words as ``text``. A ranked search reads
        the words from ``parsed()`` (it ignores ``text``)."""
        query = browse_query(self.build_ticked_query(sort, descending), self._parsed)
        rest = self._parsed.text
        for term in reversed(self._parsed.terms):  # from the end: earlier spans stay valid
            if isinstance(term, IndexTerm | HeightTerm | ReferenceTerm):
                rest = ParsedQuery(rest, (term,)).without(term)
        return replace(query, text=rest if self._parsed.text == self.search_box.text() else self.search_box.text())

    def clear(self) -> None:
        """Every filter off: the box, the lists, the height field (their chips go too)."""
        self.blockSignals(True)
        for widget in self.lists.all():
            widget.clear_checks()
        self.symbols.blockSignals(True)
        self.symbols.clear()
        self.symbols.blockSignals(False)
        self._search_timer.stop()
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.height_box.reset()
        self._reparse()
        self.blockSignals(False)
        self._show_chips()
        self.lists.read()
        self.changed.emit()
