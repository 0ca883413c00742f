"""What the browser asks for (``LensQuery``) and how SQLite should find it (``QueryPlan``)."""

from __future__ import annotations

from dataclasses import dataclass

from data.text import fold

INDEX_DECIMALS = 3  # indices are stored rounded to 3 decimals (validation, import)

SORT_KEYS = (
    "nom",
    "variante",
    "fournisseur",
    "gamme",
    "serie",
    "materiau",
    "indice",
    "hauteur_min",
    "hauteur_max",
    "gravure_nasale",
)


@dataclass(frozen=True)
class LensQuery:
    """Everything the filter panel and the table header say about which lenses to show."""

    supplier_ids: tuple[int, ...] = ()
    range_ids: tuple[int, ...] = ()
    series_ids: tuple[int, ...] = ()
    material_ids: tuple[int, ...] = ()
    indices: tuple[float, ...] = ()
    fitting_height: int | None = None
    text: str = ""
    sort: str = "nom"
    descending: bool = False
    #: Shape keys picked in the palette (or typed: ``data.identify.SymbolTerm``): the lenses
    #: whose sign has at least one of them; the ranked search orders them by how many.
    symbols: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.sort not in SORT_KEYS:
            raise ValueError(f"unknown sort key {self.sort!r}")

    @property
    def terms(self) -> tuple[str, ...]:
        """Folded search words; each must appear in the name, variant or engraving code."""
        return tuple(t for t in fold(self.text).split(" ") if t)

    @property
    def is_empty(self) -> bool:
        return not (self.has_reference_filters or self.terms)

    @property
    def has_reference_filters(self) -> bool:
        """Filters other than the search text."""
        return bool(
            self.supplier_ids
            or self.range_ids
            or self.series_ids
            or self.material_ids
            or self.indices
            or self.fitting_height is not None
            or self.symbols
        )


@dataclass(frozen=True)
class QueryPlan:
    """How SQLite should find the rows (the results never depend on it, only the speed).

    ``fts_match``: an FTS5 expression whose rows include every lens matching the search terms
    (the ``LIKE`` clauses still decide). By default SQLite reads those rows by id and sorts
    them (few matches); with ``fts_in_sort_order`` it reads the sort index in order and keeps
    the ids found in the search index (many matches, maybe grouped far down the order).
    ``no_filter_index``: read the sort index in order and test the filters row by row, because
    they keep too many rows to sort.
    ``pair_index`` (PostgreSQL, whole results): 2-character words are looked up in the index of
    the pairs of characters (``has_pair``), which pg_trgm cannot do for them.
    """

    fts_match: str | None = None
    fts_in_sort_order: bool = False
    no_filter_index: bool = False
    pair_index: bool = False


DEFAULT_PLAN = QueryPlan()
POSTGRESQL_WHOLE_PLAN = QueryPlan(pair_index=True)
