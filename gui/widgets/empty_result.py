"""When nothing is found: the table area says why and offers the nearest ways out.

« Aucun verre SPU5O à l'indice 1,67 » then one button per way out that
``data.catalogue.ranked.near_misses`` found (« sans l'indice : 3 verres », « code proche :
SPU50 », « sans le fabricant : 2 verres »; for a sign, « symbole Pi au lieu de « pi » » and
« sans la gravure »). A click edits what was typed (``WayOut``: the box's new text, the lists
to clear when the index or maker was ticked there rather than typed, the shapes to pick in the
palette); the window applies it. When no way out is found, the message still offers to clear the search
or the filters: an empty grey table is never the last word.

The message lies over the table (or the gallery), below the header, as a card; the ways out are
read off the UI thread through ``gui.ops`` (the latest empty result only).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from data import formatting
from data.catalogue.ranked import AS_SHAPE, SHAPES_ALONE, near_misses
from data.catalogue.sign_ranking import picked_symbols
from data.identify import (
    IndexTerm,
    Kind,
    ParsedQuery,
    ReferenceTerm,
    TextTerm,
    compact,
    engraving_key_roles,
)
from data.identify.words import format_index
from data.query import LensQuery
from data.symbols import find_by_name
from gui.ops import Ops
from gui.symbol_art import label_of

if TYPE_CHECKING:
    from gui.widgets.filter_panel import FilterPanel

CODE_NEAR = "code proche : "
WITHOUT_INDEX = "sans l'indice"
WITHOUT_MAKER = "sans le fabricant"


@dataclass(frozen=True)
class WayOut:
    """One way out of an empty result: the box's new text, and the lists to clear."""

    label: str
    text: str
    clear_indices: bool = False
    clear_suppliers: bool = False
    clear_all: bool = False
    symbols: tuple[str, ...] = ()  # shapes to pick in the palette


def take_way_out(filters: FilterPanel, way: WayOut) -> None:
    """Apply a way out to the filter panel: the box's text edited (and lists cleared)."""
    if way.clear_all:
        filters.clear()
        return
    if way.clear_indices:
        filters.index_list.set_checked([])
    if way.clear_suppliers:
        filters.supplier_list.set_checked([])
    if way.symbols:
        palette = filters.symbols.palette_widget
        filters.symbols.blockSignals(True)  # one search, once the box is edited too
        for key in way.symbols:
            palette.set_key_checked(key)
        filters.symbols.blockSignals(False)
    filters.search_box.setText(way.text)
    filters.flush_search()


def _remove(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the words at ``spans`` (spaces tidied)."""
    for start, end in sorted(spans, reverse=True):
        text = ParsedQuery(text).without(IndexTerm(0.0, (start, end)))
    return text


def _nearest_key(engraving: str, typed: str) -> str:
    """What to type for ``engraving`` in place of ``typed``: its key nearest to what was read
    (``SPU50`` of ``SPU50 14``, ``HM50`` of ``HM 50``), as engraved when plain letters and
    digits, else the alternative as written (``ΣIQ``)."""
    roles = [role for role in engraving_key_roles(engraving) if not role.second_part] or list(
        engraving_key_roles(engraving))
    if not roles:
        return engraving
    best = max(roles, key=lambda role: difflib.SequenceMatcher(None, role.key, typed).ratio())
    if best.written.lower() == best.key:
        return best.written
    return best.alternative if not any(ch.isspace() for ch in best.alternative) else best.key


def _shifted(parsed: ParsedQuery, word: TextTerm, text: str) -> tuple[IndexTerm, ...]:
    """The index terms of ``parsed`` moved to their place in ``text`` (``word`` replaced)."""
    shift = len(text) - len(parsed.text)
    return tuple(
        IndexTerm(t.value, (t.span[0] + shift, t.span[1] + shift) if t.span[0] >= word.span[1] else t.span)
        for t in parsed.terms if isinstance(t, IndexTerm)
    )


def ways_out(query: LensQuery, parsed: ParsedQuery, offers: list[str]) -> list[WayOut]:
    """The offers of ``near_misses`` as edits of what was typed; then, always, a way to clear."""
    found: list[WayOut] = []
    texts = parsed.texts
    for offer in offers:
        if offer.startswith(WITHOUT_INDEX):
            spans = [t.span for t in parsed.terms if isinstance(t, IndexTerm)]
            found.append(WayOut(offer, _remove(parsed.text, spans), clear_indices=bool(query.indices)))
        elif offer.startswith(WITHOUT_MAKER):
            spans = [t.span for t in parsed.references if t.kind is Kind.SUPPLIER]
            found.append(WayOut(offer, _remove(parsed.text, spans), clear_suppliers=bool(query.supplier_ids)))
        elif offer.startswith(CODE_NEAR) and texts:
            engraving, elsewhere, _ = offer[len(CODE_NEAR):].partition(" (indice ")
            target = compact(engraving)
            word = max(texts, key=lambda t: difflib.SequenceMatcher(None, t.code, target).ratio())
            start, end = word.span
            text = parsed.text[:start] + _nearest_key(engraving, word.code) + parsed.text[end:]
            if elsewhere:  # the near code exists at other indices only: the index goes too
                spans = [t.span for t in ParsedQuery(text, _shifted(parsed, word, text)).terms
                         if isinstance(t, IndexTerm)]
                text = _remove(text, spans)
            found.append(WayOut(offer, text, clear_indices=bool(elsewhere) and bool(query.indices)))
        elif offer.startswith(AS_SHAPE):
            typed = offer.rpartition(" au lieu de « ")[2].rpartition(" » : ")[0]
            named = next((t for t in texts if t.text == typed), None)
            shape = find_by_name(typed) if named is not None else None
            if named is not None and shape is not None:
                found.append(WayOut(offer, _remove(parsed.text, [named.span]), symbols=(shape.key,)))
        elif offer.startswith(SHAPES_ALONE):
            found.append(WayOut(offer, _remove(parsed.text, [t.span for t in texts])))
    if parsed.text.strip():
        found.append(WayOut("effacer la recherche", ""))
    if query.has_reference_filters:
        found.append(WayOut("effacer tous les filtres", "", clear_all=True))
    return found


def why(query: LensQuery, parsed: ParsedQuery) -> str:
    """« Aucun verre SPU5O de ZEISS à l'indice 1,67 » : what was looked for, in words."""
    words = ["Aucun verre"]
    codes = [t.text.upper() for t in parsed.terms if isinstance(t, TextTerm)]
    if codes:
        words.append(" ".join(codes))
    names = [n for t in parsed.terms if isinstance(t, ReferenceTerm) for n in t.names[:1]]
    if names:
        words.append(formatting.of(", ".join(names)))
    shapes = [label_of(key) for key in picked_symbols(query, parsed)]
    if shapes:
        listed = ", ".join(shapes[:-1]) + f" et {shapes[-1]}" if len(shapes) > 1 else shapes[0]
        words.append(f"avec le{'s' if len(shapes) > 1 else ''} symbole{'s' if len(shapes) > 1 else ''} {listed}")
    indices = parsed.indices or query.indices
    if indices:
        shown = " ou ".join(format_index(v) for v in indices)
        words.append(f"à l'indice {shown}")
    height = parsed.height if parsed.height is not None else query.fitting_height
    if height is not None:
        words.append(f"pour une hauteur de montage de {height} mm")
    ticked = query.supplier_ids or query.range_ids or query.series_ids or query.material_ids
    if ticked and not names:
        words.append("avec les filtres cochés")
    return " ".join(words)


class EmptyResultMessage(QFrame):
    """The card shown over an empty result; ``wayOutChosen`` carries the chosen ``WayOut``."""

    wayOutChosen = Signal(object)
    TOP = 34  # below the table's header
    MOST = 6  # ways out shown at most

    def __init__(self, ops: Ops, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("emptyResultMessage")
        self._ops = ops
        self.setStyleSheet(
            "#emptyResultMessage { background: #fffdf5; border: 1px solid #d9c48a; border-radius: 6px; }"
            " QPushButton[wayOut=\"true\"] { text-align: left; padding: 3px 8px; }"
        )
        self.title = QLabel(self)
        self.title.setObjectName("emptyResultTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.hint = QLabel("Essayez :", self)
        self.hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        self._pool: list[QPushButton] = []  # hidden buttons are left out of the layout
        for number in range(self.MOST):
            button = QPushButton(self)
            button.setObjectName(f"wayOut_{number}")
            button.setProperty("wayOut", True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _checked=False, n=number: self._chosen(n))
            button.hide()
            row = QHBoxLayout()
            row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
            self._pool.append(button)
        self.buttons: list[QPushButton] = []
        self.ways: list[WayOut] = []
        parent.installEventFilter(self)
        self.hide()

    def show_for(self, query: LensQuery, parsed: ParsedQuery | None) -> None:
        """An empty result for ``query``: look for the ways out, then show them."""
        read = parsed if parsed is not None else ParsedQuery(query.text)
        self._ops.run(lambda db: near_misses(db, query, read) if read.terms else [],
                      lambda offers: self._show(query, read, offers),
                      lambda _exc: self._show(query, read, []),
                      key="table.near", quick=True, name="pistes de recherche")

    def dismiss(self) -> None:
        self._ops.latest("table.near")  # an answer still due is dropped
        self.hide()

    def _show(self, query: LensQuery, parsed: ParsedQuery, offers: list[str]) -> None:
        self.ways = ways_out(query, parsed, offers)[: self.MOST]
        self.title.setText(why(query, parsed) + ".")
        for number, button in enumerate(self._pool):
            way = self.ways[number] if number < len(self.ways) else None
            button.setVisible(way is not None)
            if way is not None:
                button.setText(way.label[:1].upper() + way.label[1:])
                button.setToolTip(f"Rechercher « {way.text} »" if way.text else "")
        self.buttons = self._pool[: len(self.ways)]
        self.hint.setVisible(bool(self.ways))
        self._place()
        self.show()
        self.raise_()

    def _chosen(self, number: int) -> None:
        if number < len(self.ways):
            self.wayOutChosen.emit(self.ways[number])

    def _place(self) -> None:
        parent, layout = self.parentWidget(), self.layout()
        if parent is None or layout is None:
            return  # the card is always built in a results area, with its layout
        width = max(200, min(620, parent.width() - 24))
        layout.invalidate()
        layout.activate()  # the new ways out counted before the card takes its height
        height = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
        self.setFixedSize(width, max(height, layout.totalMinimumSize().height()))
        self.move((parent.width() - width) // 2, self.TOP)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return super().eventFilter(watched, event)
