"""The lens query: what the browser asks for, turned into SQL that all three databases run alike.

Sort and filter run in SQL, never in Python over all rows. Text sorts use folded columns with a
binary collation, then ``id``; empty values sort last in both directions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, or_, select

from data.models import Fournisseur, Gamme, Materiau, Serie, Verre
from data.text import fold, like_escape

LIKE_ESCAPE = "!"
INDEX_TOLERANCE = 0.0005  # indices compare rounded to 3 decimals

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

    def __post_init__(self) -> None:
        if self.sort not in SORT_KEYS:
            raise ValueError(f"unknown sort key {self.sort!r}")

    @property
    def terms(self) -> tuple[str, ...]:
        """Folded search words; each must appear in the name, variant or engraving code."""
        return tuple(t for t in fold(self.text).split(" ") if t)

    @property
    def is_empty(self) -> bool:
        return not (
            self.supplier_ids
            or self.range_ids
            or self.series_ids
            or self.material_ids
            or self.indices
            or self.fitting_height is not None
            or self.terms
        )


def filter_clauses(query: LensQuery) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if query.supplier_ids:
        clauses.append(Verre.fournisseur_id.in_(query.supplier_ids))
    if query.range_ids:
        clauses.append(Verre.gamme_id.in_(query.range_ids))
    if query.series_ids:
        clauses.append(Verre.serie_id.in_(query.series_ids))
    if query.material_ids:
        clauses.append(Verre.materiau_id.in_(query.material_ids))
    if query.indices:
        # Ranges rather than round(): the index on indice still serves them.
        clauses.append(
            or_(
                *(
                    Verre.indice.between(value - INDEX_TOLERANCE, value + INDEX_TOLERANCE)
                    for value in sorted(set(query.indices))
                )
            )
        )
    if query.fitting_height is not None:
        clauses.append(
            or_(Verre.hauteur_min.is_(None), Verre.hauteur_min <= query.fitting_height)
        )
    for term in query.terms:
        pattern = "%" + like_escape(term, LIKE_ESCAPE) + "%"
        clauses.append(Verre.recherche.like(pattern, escape=LIKE_ESCAPE))
    return clauses


def _sort_column(key: str) -> tuple[Any, bool]:
    """(column, may_be_empty) for a sort key."""
    return {
        "nom": (Verre.tri_nom, False),
        "variante": (Verre.tri_variante, True),
        "fournisseur": (Fournisseur.nom_normalise, False),
        "gamme": (Gamme.nom_normalise, True),
        "serie": (Serie.nom_normalise, True),
        "materiau": (Materiau.nom_normalise, True),
        "indice": (Verre.indice, False),
        "hauteur_min": (Verre.hauteur_min, True),
        "hauteur_max": (Verre.hauteur_max, True),
        "gravure_nasale": (Verre.tri_gravure, True),
    }[key]


def order_by(query: LensQuery, reverse: bool = False) -> list[Any]:
    """ORDER BY terms; ``reverse`` gives the exact mirror (for reading from the end)."""
    column, may_be_empty = _sort_column(query.sort)
    descending = query.descending != reverse
    terms: list[Any] = []
    if may_be_empty:
        empty = case((column.is_(None), 1), else_=0)
        terms.append(empty.desc() if reverse else empty.asc())
    terms.append(column.desc() if descending else column.asc())
    terms.append(Verre.id.desc() if descending else Verre.id.asc())
    return terms


def with_sort_joins(stmt: Select[Any], query: LensQuery) -> Select[Any]:
    """Join the reference table a sort needs (and nothing else)."""
    if query.sort == "fournisseur":
        return stmt.join(Fournisseur, Fournisseur.id == Verre.fournisseur_id)
    if query.sort == "gamme":
        return stmt.outerjoin(Gamme, Gamme.id == Verre.gamme_id)
    if query.sort == "serie":
        return stmt.outerjoin(Serie, Serie.id == Verre.serie_id)
    if query.sort == "materiau":
        return stmt.outerjoin(Materiau, Materiau.id == Verre.materiau_id)
    return stmt


def ids_statement(query: LensQuery, reverse: bool = False) -> Select[Any]:
    stmt = with_sort_joins(select(Verre.id), query)
    clauses = filter_clauses(query)
    if clauses:
        stmt = stmt.where(and_(*clauses))
    return stmt.order_by(*order_by(query, reverse))


ROW_COLUMNS = (
    Verre.id,
    Verre.nom,
    Verre.variante,
    Fournisseur.nom.label("fournisseur"),
    Gamme.nom.label("gamme"),
    Serie.nom.label("serie"),
    Materiau.nom.label("materiau"),
    Verre.indice,
    Verre.hauteur_min,
    Verre.hauteur_max,
    Verre.gravure_nasale,
    Verre.image_id,
    Verre.url_gravure,
    Verre.version,
)


def rows_statement() -> Select[Any]:
    """The cells the table shows, with reference names joined in."""
    return (
        select(*ROW_COLUMNS)
        .select_from(Verre)
        .join(Fournisseur, Fournisseur.id == Verre.fournisseur_id)
        .outerjoin(Gamme, Gamme.id == Verre.gamme_id)
        .outerjoin(Serie, Serie.id == Verre.serie_id)
        .outerjoin(Materiau, Materiau.id == Verre.materiau_id)
    )


def page_statement(query: LensQuery, offset: int, limit: int, reverse: bool = False) -> Select[Any]:
    stmt = rows_statement()
    clauses = filter_clauses(query)
    if clauses:
        stmt = stmt.where(and_(*clauses))
    return stmt.order_by(*order_by(query, reverse)).offset(offset).limit(limit)
