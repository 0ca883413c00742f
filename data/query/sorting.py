"""The order of a lens query: text sorts on folded columns with a binary collation, then ``id``;
empty values last in both directions, read as two parts (filled rows, then empty ones) so that
each part is one plain index ``(col, id)`` read in order, on every database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, literal_column, select

from data.models import Fournisseur, Verre
from data.query.filters import filter_clauses
from data.query.values import DEFAULT_PLAN, LensQuery, QueryPlan


def _sort_column(key: str) -> tuple[Any, bool]:
    """(column, may_be_empty) for a sort key."""
    return {
        "nom": (Verre.tri_nom, False),
        "variante": (Verre.tri_variante, True),
        "fournisseur": (Fournisseur.nom_normalise, False),
        "gamme": (Verre.tri_gamme, True),
        "serie": (Verre.tri_serie, True),
        "materiau": (Verre.tri_materiau, True),
        "indice": (Verre.indice, False),
        "hauteur_min": (Verre.hauteur_min, True),
        "hauteur_max": (Verre.hauteur_max, True),
        "gravure_nasale": (Verre.tri_gravure, True),
    }[key]


def may_be_empty(query: LensQuery) -> bool:
    return bool(_sort_column(query.sort)[1])


def order_by(query: LensQuery, reverse: bool = False) -> list[Any]:
    """ORDER BY terms in one statement (``reverse`` gives the exact mirror).

    The split reading (``sort_parts``) gives the same order faster; this form is for callers that
    need a single statement. The "empty last" flag is a literal CASE (bound 1/0 would hide it).
    """
    column, empty_possible = _sort_column(query.sort)
    descending = query.descending != reverse
    terms: list[Any] = []
    if empty_possible:
        empty = case((column.is_(None), literal_column("1")), else_=literal_column("0"))
        terms.append(empty.desc() if reverse else empty.asc())
    terms.append(column.desc() if descending else column.asc())
    terms.append(Verre.id.desc() if descending else Verre.id.asc())
    return terms


def _plain_order(query: LensQuery, reverse: bool) -> list[Any]:
    column, _ = _sort_column(query.sort)
    descending = query.descending != reverse
    if descending:
        return [column.desc(), Verre.id.desc()]
    return [column.asc(), Verre.id.asc()]


def with_sort_joins(stmt: Select[Any], query: LensQuery) -> Select[Any]:
    """Join the reference table a sort needs (and nothing else)."""
    if query.sort == "fournisseur":
        return stmt.join(Fournisseur, Fournisseur.id == Verre.fournisseur_id)
    return stmt


@dataclass(frozen=True)
class SortPart:
    """One part of a result in reading order: its statement without OFFSET/LIMIT."""

    statement: Select[Any]
    filled: bool  # the part holding rows whose sort column has a value
    order: tuple[Any, ...] = ()  # its ORDER BY terms (to put rows read by id back in order)


def sort_parts(
    base: Select[Any], query: LensQuery, plan: QueryPlan = DEFAULT_PLAN, reverse: bool = False
) -> list[SortPart]:
    """The result as parts read one after the other: one part, or filled then empty rows.

    ``base`` is a SELECT over ``verres`` with the joins its columns and the sort need
    (``with_sort_joins``); filters and ORDER BY are added here. From the end (``reverse``) the empty rows come first.
    """
    clauses = filter_clauses(query, plan)
    stmt = base
    if clauses:
        stmt = stmt.where(and_(*clauses))
    column, empty_possible = _sort_column(query.sort)
    plain = tuple(_plain_order(query, reverse))
    if not empty_possible:
        return [SortPart(stmt.order_by(*plain), True, plain)]
    filled = SortPart(stmt.where(column.is_not(None)).order_by(*plain), True, plain)
    empty_order = (Verre.id.desc() if query.descending != reverse else Verre.id.asc(),)
    empty = SortPart(stmt.where(column.is_(None)).order_by(*empty_order), False, empty_order)
    return [empty, filled] if reverse else [filled, empty]


def ids_statement(query: LensQuery, reverse: bool = False) -> Select[Any]:
    """All ids in order, in one statement (the split reading is in ``data.catalogue``)."""
    stmt = with_sort_joins(select(Verre.id), query)
    clauses = filter_clauses(query)
    if clauses:
        stmt = stmt.where(and_(*clauses))
    return stmt.order_by(*order_by(query, reverse))

