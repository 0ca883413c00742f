"""The filter lists: suppliers, materials, ranges, series (with their lens counts), indices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, null, select
from sqlalchemy.orm import Session

from data.catalogue.values import ReferenceItem
from data.database import Database
from data.models import Fournisseur, Gamme, Materiau, Serie, Verre


def _reference_items(session: Session, stmt: Select[Any]) -> list[ReferenceItem]:
    return [
        ReferenceItem(id=r[0], nom=r[1], parent_id=r[2], lens_count=int(r[3] or 0))
        for r in session.execute(stmt)
    ]


def _counts(fk: Any) -> Any:
    """Lenses per reference, all references at once (one pass over the lenses)."""
    return select(fk.label("ref_id"), func.count().label("n")).group_by(fk).subquery()


def _own_count(fk: Any, ref_id: Any) -> Any:
    """Lenses of each listed reference only, read from the index that leads with ``fk``: a
    supplier's few ranges are counted without a pass over the whole catalogue."""
    return select(func.count()).where(fk == ref_id).correlate_except(Verre).scalar_subquery()


def list_suppliers(db: Database) -> list[ReferenceItem]:
    counts = _counts(Verre.fournisseur_id)
    stmt = (
        select(Fournisseur.id, Fournisseur.nom, null(), counts.c.n)
        .outerjoin(counts, counts.c.ref_id == Fournisseur.id)
        .order_by(Fournisseur.nom_normalise, Fournisseur.id)
    )
    with db.transaction() as session:
        return _reference_items(session, stmt)


def list_materials(db: Database) -> list[ReferenceItem]:
    counts = _counts(Verre.materiau_id)
    stmt = (
        select(Materiau.id, Materiau.nom, null(), counts.c.n)
        .outerjoin(counts, counts.c.ref_id == Materiau.id)
        .order_by(Materiau.nom_normalise, Materiau.id)
    )
    with db.transaction() as session:
        return _reference_items(session, stmt)


def list_ranges(db: Database, supplier_ids: Iterable[int] = ()) -> list[ReferenceItem]:
    """Ranges (of ``supplier_ids`` when given) with their lens counts."""
    suppliers = tuple(supplier_ids)
    if suppliers:
        stmt = select(Gamme.id, Gamme.nom, Gamme.fournisseur_id, _own_count(Verre.gamme_id, Gamme.id))
        stmt = stmt.where(Gamme.fournisseur_id.in_(suppliers))
    else:
        counts = _counts(Verre.gamme_id)
        stmt = select(Gamme.id, Gamme.nom, Gamme.fournisseur_id, counts.c.n).outerjoin(
            counts, counts.c.ref_id == Gamme.id
        )
    with db.transaction() as session:
        return _reference_items(session, stmt.order_by(Gamme.nom_normalise, Gamme.id))


def list_series(db: Database, range_ids: Iterable[int] = ()) -> list[ReferenceItem]:
    """Series (of ``range_ids`` when given) with their lens counts."""
    ranges = tuple(range_ids)
    if ranges:
        stmt = select(Serie.id, Serie.nom, Serie.gamme_id, _own_count(Verre.serie_id, Serie.id))
        stmt = stmt.where(Serie.gamme_id.in_(ranges))
    else:
        counts = _counts(Verre.serie_id)
        stmt = select(Serie.id, Serie.nom, Serie.gamme_id, counts.c.n).outerjoin(
            counts, counts.c.ref_id == Serie.id
        )
    with db.transaction() as session:
        return _reference_items(session, stmt.order_by(Serie.nom_normalise, Serie.id))


def list_indices(db: Database) -> list[tuple[float, int]]:
    """The indices present (rounded to 3 decimals) with their lens counts."""
    stmt = select(Verre.indice, func.count()).group_by(Verre.indice).order_by(Verre.indice)
    merged: dict[float, int] = {}
    with db.transaction() as session:
        for value, n in session.execute(stmt):
            key = round(float(value), 3)
            merged[key] = merged.get(key, 0) + int(n)
    return sorted(merged.items())

