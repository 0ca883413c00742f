"""Where a lens just written (created, duplicated, restored) stands in the result the window
shows: selected when the result holds it, else which filters leave it out.

A write re-runs the table's query (``LensTableModel.apply_changes``); the lens is looked for once
that result is shown, in the rows in memory or in the result's ordered ids (the ranked ids, or
the sorted list's, read once), never in the first page alone: a new lens far down the name order
is still in the result. When the result does not hold it, ``data.catalogue.hiding_filters`` says
which filters leave it out; a filter the box's words set (an index typed in the box) is told as
the search, since that is where the user set it.
"""

from __future__ import annotations

from collections.abc import Callable

from data import catalogue
from data.errors import CatalogueError
from data.query import LensQuery
from gui.models.lens_table import LensTableModel
from gui.ops import Ops

#: done(None): the lens is selected; done(keys): the filters that hide it (``hiding_filters``'s
#: keys, ``recherche`` for the box), empty when none could be named.
Located = Callable[[tuple[str, ...] | None], None]

# hiding_filters's key -> the field of the query the filter panel's lists set.
LIST_FIELDS = {
    "fournisseur": "supplier_ids",
    "gamme": "range_ids",
    "serie": "series_ids",
    "materiau": "material_ids",
    "indice": "indices",
    "hauteur": "fitting_height",
    "symboles": "symbols",
}


def set_by_lists(query: LensQuery, key: str) -> bool:
    """Whether filter ``key`` of a shown result came from the filter panel (else from the box)."""
    field = LIST_FIELDS.get(key)
    if field is None:
        return False
    value = getattr(query, field)
    return value is not None and value != ()


class WrittenLens:
    """Selects a lens just written once the refreshed result is shown (one at a time)."""

    def __init__(self, model: LensTableModel, ops: Ops, select_row: Callable[[int], None]) -> None:
        self._model = model
        self._ops = ops
        self._select_row = select_row
        self._pending: tuple[int, Located] | None = None

    @property
    def pending(self) -> bool:
        return self._pending is not None

    def locate(self, lens_id: int, done: Located) -> None:
        """Select ``lens_id`` in the result shown (once the running query is shown)."""
        if self._model.loading:
            self._pending = (lens_id, done)
            return
        self._pending = None
        self._locate(lens_id, done)

    def first_page_ready(self) -> bool:
        """The window's query is shown: look for the lens waiting, if any (True then)."""
        pending, self._pending = self._pending, None
        if pending is None:
            return False
        self._locate(*pending)
        return True

    def _locate(self, lens_id: int, done: Located) -> None:
        def found(row: int | None) -> None:
            if row is not None:
                self._select_row(row)
                done(None)
            else:
                self._why_hidden(lens_id, done)

        self._model.locate_lens(lens_id, found)

    def _why_hidden(self, lens_id: int, done: Located) -> None:
        model = self._model
        sql, lists, ranked = model.browse_query, model.shown_query, model.ranked

        def named(keys: tuple[str, ...]) -> None:
            names: list[str] = []
            for key in keys:
                name = key if key == "recherche" or set_by_lists(lists, key) else "recherche"
                if name not in names:
                    names.append(name)
            if ranked and not names:
                names.append("recherche")  # the lists keep it: the ranked search left it out
            done(tuple(names))

        def failed(_exc: CatalogueError) -> None:
            done(())

        self._ops.run(lambda db: catalogue.hiding_filters(db, sql, lens_id), named, failed,
                      quick=True, name="filtres")
