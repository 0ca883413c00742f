"""The filter panel's value lists — index, supplier, range, series, material — and their counts.

Each list shows only the values with lenses under the other filters, plus what is ticked or
typed; its counts follow the other filters (``data.catalogue.lists``). They are read through
``Ops``, the latest answer only, once the results they accompany are painted (``read_now``, or
a timer when no table tells): the first page never waits behind a GROUP BY, nor competes with
one for the interpreter while it paints. A small local catalogue reads them at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from data.catalogue import BaseCounts, FilterLists, ReferenceItem, read_lists
from data.query import LensQuery
from gui.models.lens_columns import FRENCH, format_index
from gui.ops import Ops
from gui.widgets.check_list import CheckList

LISTS_AFTER_MS = 400  # longest wait for the results before the lists are read anyway
UNFILTERED_NOTE = "Comptes sans les autres filtres (trop de verres pour les compter à chaque clic)."
KINDS = ("index", "supplier", "range", "series", "material")


def _label(item: ReferenceItem, suffix: str = "") -> str:
    extra = f" — {suffix}" if suffix else ""
    return f"{item.nom}{extra} ({FRENCH.toString(item.lens_count)})"


class ValueLists(QObject):
    """The five lists; ``shown(lists)`` once an answer is on screen."""

    shown = Signal(object)  # the FilterLists just shown

    def __init__(self, ops: Ops, query: Callable[[], LensQuery], typed: Callable[[str], list[object]],
                 parent: QWidget) -> None:
        """``query()``: the filters the lists count with; ``typed(kind)``: the values of that
        kind the search box names (shown even without lenses, like the ticked ones)."""
        super().__init__(parent)
        self._ops = ops
        self._query = query
        self._typed = typed
        self._base: BaseCounts | None = None
        self.supplier_names: dict[int, str] = {}
        self.range_names: dict[int, str] = {}
        self.index_list = CheckList("indexFilter")
        self.supplier_list = CheckList("supplierFilter")
        self.range_list = CheckList("rangeFilter")
        self.series_list = CheckList("seriesFilter")
        self.material_list = CheckList("materialFilter")
        self.note = QLabel(UNFILTERED_NOTE, parent)
        self.note.setObjectName("countsNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #6b5a2e; font-size: 90%;")
        self.note.setVisible(False)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(LISTS_AFTER_MS)
        self._timer.timeout.connect(self.read_now)

    def by_kind(self) -> dict[str, CheckList]:
        return dict(zip(KINDS, self.all(), strict=True))

    def all(self) -> tuple[CheckList, ...]:
        return (self.index_list, self.supplier_list, self.range_list, self.series_list, self.material_list)

    # ------------------------------------------------------------ reading
    def reload(self) -> None:
        """Re-read the lists and their unfiltered counts (after an edit, import or restore),
        keeping the ticks."""
        self._base = None
        self.read()

    def read(self) -> None:
        """Ask for the lists once the results are shown (see ``read_now``); a small local
        catalogue reads them at once. Lists still being read for the filters before are not
        wanted any more: they stop."""
        self._ops.latest("filters.lists")
        if self._ops.inline_ok():
            self._timer.stop()
            self._read_from_database()
            return
        for widget in self.all():
            if widget.count() == 0:
                widget.show_loading()
        self._timer.start()

    def read_now(self) -> None:
        """The results are painted (or the lists waited long enough): read the pending lists."""
        if self._timer.isActive() or self.sender() is self._timer:
            self._timer.stop()
            self._read_from_database()

    def _read_from_database(self) -> None:
        query, base = self._query(), self._base
        self._ops.run(lambda db: read_lists(db, query, base), self._show,
                      key="filters.lists", quick=True, background=True, name="listes des filtres")

    # ------------------------------------------------------------ showing
    def _show(self, lists: FilterLists) -> None:
        self._base = lists.base
        self.supplier_names = {s.id: s.nom for s in lists.base.suppliers}
        self.range_names = {r.id: r.nom for r in lists.base.ranges}
        shown_suppliers = set(lists.query.supplier_ids)
        self._fill(self.supplier_list, lists.suppliers, "supplier")
        self._fill(self.material_list, lists.materials, "material")
        self._fill(self.range_list, lists.ranges, "range",
                   None if len(shown_suppliers) == 1 else self.supplier_names)
        self._fill(self.series_list, lists.series, "series",
                   None if len(lists.series_ranges) == 1 else self.range_names)
        keep = set(self.index_list.checked_values()) | set(self._typed("index"))
        self.index_list.set_values(
            (g.value, f"{format_index(g.value)} ({FRENCH.toString(g.lens_count)})", g.members)
            for g in lists.indices if g.lens_count or g.value in keep
        )
        self.note.setVisible(bool(lists.unfiltered))
        self.shown.emit(lists)

    def _fill(self, widget: CheckList, items: list[ReferenceItem], kind: str,
              parents: dict[int, str] | None = None) -> None:
        keep = set(widget.checked_values()) | set(self._typed(kind))
        widget.set_values(
            (item.id, _label(item, parents.get(item.parent_id or 0, "") if parents else ""))
            for item in items
            if item.lens_count or item.id in keep
        )
