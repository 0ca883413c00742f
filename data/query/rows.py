"""The cells the table shows: a lens row with its references' names and its shape keys, and
one page of them in a single statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Text, and_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from data.models import Fournisseur, Gamme, Materiau, Serie, Verre
from data.query.filters import filter_clauses
from data.query.sorting import order_by
from data.query.values import LensQuery

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


class symbol_keys(FunctionElement[str]):  # noqa: N801 (an SQL function's name)
    """The lens's shape keys, one text: ``symbol_keys(Verre.id)``, each key after its shape id
    padded to 7 digits, comma-separated, in no order (``data.catalogue.values.sign_keys`` sorts
    them); NULL without shapes. A correlated subquery on ``verres_symboles``'s primary key
    (a page reads 100 of them); written per database (no ordered aggregate on every SQLite)."""

    type = Text()
    inherit_cache = True
    name = "symbol_keys"


_SIGN_FROM = (
    "FROM verres_symboles AS vs_ JOIN symboles AS s_ ON s_.id = vs_.symbole_id "
    "WHERE vs_.verre_id = {lens})"
)


@compiles(symbol_keys)
def _symbol_keys_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    lens = compiler.process(element.clauses, **kw)
    return "(SELECT group_concat(substr('0000000' || s_.id, -7) || s_.cle, ',') " + (
        _SIGN_FROM.format(lens=lens)
    )


@compiles(symbol_keys, "postgresql")
def _symbol_keys_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    lens = compiler.process(element.clauses, **kw)
    return "(SELECT string_agg(lpad(s_.id::text, 7, '0') || s_.cle, ',') " + (
        _SIGN_FROM.format(lens=lens)
    )


@compiles(symbol_keys, "mysql")
def _symbol_keys_mysql(element: Any, compiler: Any, **kw: Any) -> str:
    lens = compiler.process(element.clauses, **kw)
    return "(SELECT GROUP_CONCAT(CONCAT(LPAD(s_.id, 7, '0'), s_.cle) SEPARATOR ',') " + (
        _SIGN_FROM.format(lens=lens)
    )


def rows_statement(ids: Any = None) -> Select[Any]:
    """The cells the table shows, with reference names joined in.

    ``ids``: a subquery of lens ids (a page found by ids first): only those lenses, the
    subquery read first (PostgreSQL joins in the order written, ``data.database``).
    """
    stmt = select(*ROW_COLUMNS, symbol_keys(Verre.id).label("symbols"))
    if ids is None:
        stmt = stmt.select_from(Verre)
    else:
        stmt = stmt.select_from(ids).join(Verre, Verre.id == ids.c.id)
    return (
        stmt
        .join(Fournisseur, Fournisseur.id == Verre.fournisseur_id)
        .outerjoin(Gamme, Gamme.id == Verre.gamme_id)
        .outerjoin(Serie, Serie.id == Verre.serie_id)
        .outerjoin(Materiau, Materiau.id == Verre.materiau_id)
    )


def page_statement(query: LensQuery, offset: int, limit: int, reverse: bool = False) -> Select[Any]:
    """One page in a single statement (``data.catalogue.lens_page`` reads it faster, in parts)."""
    stmt = rows_statement()
    clauses = filter_clauses(query)
    if clauses:
        stmt = stmt.where(and_(*clauses))
    return stmt.order_by(*order_by(query, reverse)).offset(offset).limit(limit)
