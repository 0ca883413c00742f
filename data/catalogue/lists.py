"""The filter lists: suppliers, materials, ranges, series and indices, with their lens counts.

Each list's counts follow the OTHER active filters (``others``: the ticks of the other lists, the
fitting height, and the box's index, height and names): with 1,67 and 16 mm active the maker list
says « ZEISS (6) », not « ZEISS (72) ». A list's own filter never narrows its own counts, so
ticking a second maker still shows what it would add.

Speed at a million lenses: one ``GROUP BY`` per list over the rows the other filters keep,
reached through their filter indexes. A filter that keeps most of the catalogue (an index held by
a quarter of the lenses, a fitting height alone) would make that a pass over hundreds of
thousands of rows: when the rows the other filters may keep exceed :data:`FILTERED_COUNT_ROWS`
(an upper bound read from the unfiltered counts, at no cost), the list shows its unfiltered
counts and says so (``FilterLists.unfiltered``) rather than keeping the lists waiting.

Indices an optician names the same are one entry (:func:`group_indices`): 1,59 and 1,591, 1,6 and
1,604 are « 1,59 » and « 1,60 », whose count is the sum and whose tick filters every raw value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, func, null, select
from sqlalchemy.orm import Session

from data.catalogue.values import ReferenceItem
from data.database import Database
from data.models import Fournisseur, Gamme, Materiau, Serie, Verre
from data.query import INDEX_DECIMALS, LensQuery, filter_clauses

#: Above this many rows (an upper bound: the smallest of the other filters' unfiltered counts)
#: a list shows its unfiltered counts. Measured at a million lenses (bench catalogue, SQLite):
#: a list's ``GROUP BY`` takes about 1 ms per 1,000 rows (120 to 250 ms for the 180,000 lenses
#: at 1,67), and up to four lists count: 100,000 rows keep the whole read near half a second.
FILTERED_COUNT_ROWS = 100_000

#: Kinds of list, as named in ``FilterLists.unfiltered``.
SUPPLIERS, RANGES, SERIES, MATERIALS, INDICES = "fournisseur", "gamme", "serie", "materiau", "indice"


def _reference_items(session: Session, stmt: Select[Any]) -> list[ReferenceItem]:
    return [
        ReferenceItem(id=r[0], nom=r[1], parent_id=r[2], lens_count=int(r[3] or 0))
        for r in session.execute(stmt)
    ]


def _has_filters(others: LensQuery | None) -> bool:
    return others is not None and others.has_reference_filters


def _counts(fk: Any, others: LensQuery | None = None) -> Any:
    """Lenses per reference, all references at once (one pass over the lenses the other
    filters keep)."""
    stmt = select(fk.label("ref_id"), func.count().label("n"))
    if others is not None:
        stmt = stmt.where(*filter_clauses(others))
    return stmt.group_by(fk).subquery()


def _own_count(fk: Any, ref_id: Any) -> Any:
    """Lenses of each listed reference only, read from the index that leads with ``fk``: a
    supplier's few ranges are counted without a pass over the whole catalogue."""
    return select(func.count()).where(fk == ref_id).correlate_except(Verre).scalar_subquery()


def list_suppliers(db: Database, others: LensQuery | None = None) -> list[ReferenceItem]:
    """Every supplier with its lens count (among the lenses ``others`` keeps, when given)."""
    counts = _counts(Verre.fournisseur_id, others if _has_filters(others) else None)
    stmt = (
        select(Fournisseur.id, Fournisseur.nom, null(), counts.c.n)
        .outerjoin(counts, counts.c.ref_id == Fournisseur.id)
        .order_by(Fournisseur.nom_normalise, Fournisseur.id)
    )
    with db.transaction() as session:
        return _reference_items(session, stmt)


def list_materials(db: Database, others: LensQuery | None = None) -> list[ReferenceItem]:
    """Every material with its lens count (among the lenses ``others`` keeps, when given)."""
    counts = _counts(Verre.materiau_id, others if _has_filters(others) else None)
    stmt = (
        select(Materiau.id, Materiau.nom, null(), counts.c.n)
        .outerjoin(counts, counts.c.ref_id == Materiau.id)
        .order_by(Materiau.nom_normalise, Materiau.id)
    )
    with db.transaction() as session:
        return _reference_items(session, stmt)


def list_ranges(
    db: Database, supplier_ids: Iterable[int] = (), others: LensQuery | None = None
) -> list[ReferenceItem]:
    """Ranges (of ``supplier_ids`` when given) with their lens counts."""
    suppliers = tuple(supplier_ids)
    if _has_filters(others):
        counts = _counts(Verre.gamme_id, others)
        stmt = select(Gamme.id, Gamme.nom, Gamme.fournisseur_id, counts.c.n).outerjoin(
            counts, counts.c.ref_id == Gamme.id
        )
        if suppliers:
            stmt = stmt.where(Gamme.fournisseur_id.in_(suppliers))
    elif suppliers:
        stmt = select(Gamme.id, Gamme.nom, Gamme.fournisseur_id, _own_count(Verre.gamme_id, Gamme.id))
        stmt = stmt.where(Gamme.fournisseur_id.in_(suppliers))
    else:
        counts = _counts(Verre.gamme_id)
        stmt = select(Gamme.id, Gamme.nom, Gamme.fournisseur_id, counts.c.n).outerjoin(
            counts, counts.c.ref_id == Gamme.id
        )
    with db.transaction() as session:
        return _reference_items(session, stmt.order_by(Gamme.nom_normalise, Gamme.id))


def list_series(
    db: Database, range_ids: Iterable[int] = (), others: LensQuery | None = None
) -> list[ReferenceItem]:
    """Series (of ``range_ids`` when given) with their lens counts."""
    ranges = tuple(range_ids)
    if _has_filters(others):
        counts = _counts(Verre.serie_id, others)
        stmt = select(Serie.id, Serie.nom, Serie.gamme_id, counts.c.n).outerjoin(
            counts, counts.c.ref_id == Serie.id
        )
        if ranges:
            stmt = stmt.where(Serie.gamme_id.in_(ranges))
    elif ranges:
        stmt = select(Serie.id, Serie.nom, Serie.gamme_id, _own_count(Verre.serie_id, Serie.id))
        stmt = stmt.where(Serie.gamme_id.in_(ranges))
    else:
        counts = _counts(Verre.serie_id)
        stmt = select(Serie.id, Serie.nom, Serie.gamme_id, counts.c.n).outerjoin(
            counts, counts.c.ref_id == Serie.id
        )
    with db.transaction() as session:
        return _reference_items(session, stmt.order_by(Serie.nom_normalise, Serie.id))


def list_indices(db: Database, others: LensQuery | None = None) -> list[tuple[float, int]]:
    """The indices present (rounded to 3 decimals) with their lens counts."""
    stmt = select(Verre.indice, func.count())
    if _has_filters(others):
        assert others is not None
        stmt = stmt.where(*filter_clauses(others))
    stmt = stmt.group_by(Verre.indice).order_by(Verre.indice)
    merged: dict[float, int] = {}
    with db.transaction() as session:
        for value, n in session.execute(stmt):
            key = round(float(value), INDEX_DECIMALS)
            merged[key] = merged.get(key, 0) + int(n)
    return sorted(merged.items())


# ---------------------------------------------------------------- indices named alike


@dataclass(frozen=True)
class IndexGroup:
    """One entry of the index list: the 2-decimal ``value`` an optician names (1.59), the raw
    values it stands for (1.59 and 1.591) and their summed lens count."""

    value: float
    members: tuple[float, ...]
    lens_count: int


def index_group_of(value: float) -> float:
    """The 2-decimal value an index is named by: the nearest one (1.591 -> 1.59, 1.604 -> 1.6,
    1.595 -> 1.6), computed on thousandths so that binary fractions never tip a tie."""
    thousandths = round(float(value) * 1000)
    return ((thousandths + 5) // 10) / 100


def group_indices(indices: Iterable[tuple[float, int]]) -> list[IndexGroup]:
    """Indices within 0.005 of the same 2-decimal value as one entry, in increasing order."""
    members: dict[float, list[tuple[float, int]]] = {}
    for value, n in indices:
        members.setdefault(index_group_of(value), []).append((value, n))
    return [
        IndexGroup(key, tuple(sorted(v for v, _ in found)), sum(n for _, n in found))
        for key, found in sorted(members.items())
    ]


# ---------------------------------------------------------------- every list at once


@dataclass(frozen=True)
class BaseCounts:
    """Every list's counts without any filter: read once, kept until the catalogue changes.
    They bound how many rows a filter may keep, and stand in for counts too broad to read."""

    suppliers: tuple[ReferenceItem, ...]
    ranges: tuple[ReferenceItem, ...]
    series: tuple[ReferenceItem, ...]
    materials: tuple[ReferenceItem, ...]
    indices: tuple[tuple[float, int], ...]

    @property
    def total(self) -> int:
        return sum(item.lens_count for item in self.suppliers)


def base_counts(db: Database) -> BaseCounts:
    return BaseCounts(
        tuple(list_suppliers(db)), tuple(list_ranges(db)), tuple(list_series(db)),
        tuple(list_materials(db)), tuple(list_indices(db)),
    )


@dataclass(frozen=True)
class FilterLists:
    """Every list of the panel, read for the filters in ``query`` (the ticks and the box's
    words that are filters); ``unfiltered`` names the lists whose counts ignore the other
    filters (too many rows to count at once)."""

    query: LensQuery
    suppliers: list[ReferenceItem]
    ranges: list[ReferenceItem]
    series_ranges: tuple[int, ...]  # the ranges whose series are listed (all when empty)
    series: list[ReferenceItem]
    materials: list[ReferenceItem]
    indices: list[IndexGroup]
    unfiltered: frozenset[str]
    base: BaseCounts


def series_ranges(
    suppliers: Sequence[int], ranges: Sequence[int], listed_ranges: Sequence[int]
) -> tuple[int, ...] | None:
    """The ranges whose series to list: the chosen ones, else those listed for the chosen
    suppliers (None: suppliers chosen but none has a range), else all (empty tuple)."""
    if ranges:
        return tuple(ranges)
    if suppliers:
        return tuple(listed_ranges) or None
    return ()


def rows_bound(query: LensQuery, base: BaseCounts) -> int:
    """At most how many lenses ``query``'s filters keep, from the unfiltered counts alone."""
    bound = base.total

    def chosen(items: Iterable[ReferenceItem], ids: Sequence[int]) -> int:
        wanted = set(ids)
        return sum(item.lens_count for item in items if item.id in wanted)

    for items, ids in (
        (base.suppliers, query.supplier_ids), (base.ranges, query.range_ids),
        (base.series, query.series_ids), (base.materials, query.material_ids),
    ):
        if ids:
            bound = min(bound, chosen(items, ids))
    if query.indices:
        wanted = {round(v, INDEX_DECIMALS) for v in query.indices}
        bound = min(bound, sum(n for v, n in base.indices if v in wanted))
    return bound


def read_lists(db: Database, query: LensQuery, base: BaseCounts | None = None) -> FilterLists:
    """Every list for the filters of ``query`` (its text is ignored). The range list holds the
    ranges of the chosen suppliers, the series list the series of the chosen (or listed)
    ranges; each list counts with the other filters only."""
    base = base if base is not None else base_counts(db)
    query = replace(query, text="")
    unfiltered: set[str] = set()

    def others(kind: str, **own: Any) -> LensQuery | None:
        rest = replace(query, **own)
        if not rest.has_reference_filters:
            return None
        if rows_bound(rest, base) > FILTERED_COUNT_ROWS:
            unfiltered.add(kind)
            return None
        return rest

    suppliers = _read(base.suppliers, others(SUPPLIERS, supplier_ids=()), lambda o: list_suppliers(db, o))
    materials = _read(base.materials, others(MATERIALS, material_ids=()), lambda o: list_materials(db, o))
    index_others = others(INDICES, indices=())
    indices = list(base.indices) if index_others is None else list_indices(db, index_others)
    chosen_suppliers = set(query.supplier_ids)
    range_others = others(RANGES, range_ids=())
    if range_others is None and (not chosen_suppliers or RANGES in unfiltered):
        ranges = [r for r in base.ranges if not chosen_suppliers or r.parent_id in chosen_suppliers]
    else:
        ranges = list_ranges(db, query.supplier_ids, range_others)
    listed = series_ranges(query.supplier_ids, query.range_ids, [r.id for r in ranges if r.lens_count])
    series: list[ReferenceItem] = []
    if listed is not None:
        series_others = others(SERIES, series_ids=())
        if series_others is None and (not listed or SERIES in unfiltered):
            wanted = set(listed)
            series = [s for s in base.series if not wanted or s.parent_id in wanted]
        else:
            series = list_series(db, listed, series_others)
    return FilterLists(query, suppliers, ranges, listed or (), series, materials, group_indices(indices),
                       frozenset(unfiltered), base)


def _read(
    base: Sequence[ReferenceItem], others: LensQuery | None, read: Any
) -> list[ReferenceItem]:
    return list(base) if others is None else list(read(others))
