"""Search reads: how many lenses match, their ordered ids, a page of rows, rows by id.

Each read asks the planner (``data.catalogue.planner``) how to read the query, with the
``PlannerLimits`` it is given.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from data.catalogue import planner
from data.catalogue.planner import LIMITS, PlannerLimits
from data.catalogue.values import LensRow, lens_row
from data.database import Database
from data.models import Verre
from data.progress import CancelCheck
from data.query import (
    LensQuery,
    QueryPlan,
    filter_clauses,
    rows_statement,
    sort_parts,
    with_sort_joins,
)


def count_lenses(db: Database, query: LensQuery, limits: PlannerLimits = LIMITS) -> int:
    stmt = select(func.count()).select_from(Verre)
    with db.transaction() as session:
        clauses = filter_clauses(query, planner.plan_query(session, query, whole=True, limits=limits))
        if clauses:
            stmt = stmt.where(and_(*clauses))
        return int(session.execute(stmt).scalar_one())


def lens_ids(
    db: Database,
    query: LensQuery,
    cancelled: CancelCheck | None = None,
    limits: PlannerLimits = LIMITS,
) -> array[int]:
    """The ordered ids of the whole result, compact (8 bytes a lens).

    ``cancelled`` is polled between chunks of 20,000 ids: a caller whose query was replaced can
    stop early (the ids returned are then incomplete, shorter than the count).
    """
    result = array("q")
    with db.transaction() as session:
        plan = planner.plan_query(session, query, whole=True, limits=limits)
        base = with_sort_joins(select(Verre.id), query)
        for part in sort_parts(base, query, plan):
            for chunk in _id_chunks(session, part.statement):
                result.extend(chunk)
                if cancelled is not None and cancelled():
                    return result
    return result


def _id_chunks(session: Session, stmt: Select[Any]) -> Iterator[list[int]]:
    """The ids ``stmt`` selects, by chunks. On SQLite through the driver's own cursor: a million
    ids then take a fraction of a second instead of seconds of row objects (while the window's
    threads wait for the interpreter)."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        for part in session.execute(stmt).scalars().partitions(20_000):
            yield list(part)
        return
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    values = tuple(params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), values)
        while chunk := cursor.fetchmany(20_000):
            yield [row[0] for row in chunk]
    finally:
        cursor.close()


def lens_page(
    db: Database,
    query: LensQuery,
    offset: int,
    limit: int,
    reverse: bool = False,
    limits: PlannerLimits = LIMITS,
) -> list[LensRow]:
    """Rows ``offset``..``offset+limit`` of the result (counted from the end when ``reverse``).

    A search on SQLite with a rare word (``planner.rare_match``) reads that word's lenses from
    the trigram index and sorts them. Otherwise it first reads the sort order within a budget
    (``limits.scan_first_steps`` of SQLite's steps, ``limits.scan_first_budget_s`` at most): a common fragment
    fills a page within a few thousand lenses (the name index carries the folded search text, so
    no lens row is read to test it). Only when that budget runs out are the trigram index's
    estimates and candidates asked for: matches far down the order.
    """
    with db.transaction() as session:
        rows: list[Any] | None = None
        scan = None
        if planner.scan_first(session, query):
            rare = planner.rare_match(session, query.terms, limits)
            if rare is not None:
                plan = QueryPlan(fts_match=rare)
                return [lens_row(r) for r in _page_rows(session, query, plan, offset, limit, reverse)]
            scan = planner.scan_plan(session, query, limits)
            in_order = scan
            rows = planner.page_within_budget(
                session, lambda: _page_rows(session, query, in_order, offset, limit, reverse), limits
            )
        if rows is None:
            plan = planner.plan_query(session, query, scan=scan, limits=limits)
            rows = _page_rows(session, query, plan, offset, limit, reverse)
    return [lens_row(r) for r in rows]


def _page_rows(
    session: Session, query: LensQuery, plan: QueryPlan, offset: int, limit: int, reverse: bool
) -> list[Any]:
    by_id = _ids_first(session, query, plan)
    base = with_sort_joins(select(Verre.id), query) if by_id else rows_statement()
    parts = sort_parts(base, query, plan, reverse)
    rows: list[Any] = []
    skip = offset
    for number, part in enumerate(parts):
        stmt = part.statement.offset(skip).limit(limit - len(rows))
        if by_id:
            stmt = rows_statement(stmt.subquery("page")).order_by(*part.order)
        found = session.connection().execute(stmt).all()
        rows.extend(found)
        if len(rows) >= limit or number == len(parts) - 1:
            break
        # The page goes on in the next part: skip what of the offset this part did not hold.
        skip = 0 if found else max(0, skip - _part_size(session, part.statement))
    return rows


def _ids_first(session: Session, query: LensQuery, plan: QueryPlan) -> bool:
    """Find the page's ids first, then read those lenses' rows (names, shapes)?

    SQLite, when it sorts the rows itself (a filter's index holding several values or not in
    the sort's order, or the trigram index's matches): it would compute every cell of every
    matching lens before sorting, the shapes' subquery included (a name such as « comfort »
    keeps 17,000 lenses at a million: 40 ms, against 7 ms when only ids and the sort key are
    sorted and the page's 100 rows read after).

    PostgreSQL, a search in name order: the name-order indexes carry the search text (``tri_nom,
    id, recherche``, and the filter indexes that keep the name order), but a PostgreSQL index
    scan reads each lens row before it tests the search (SQLite and MariaDB test it in the
    index): selecting only ids lets it test the search in the index alone (an index-only scan)
    and read the page's 100 lens rows instead of every one it passes over (``ai`` at 100,000
    lenses: 8 ms -> 3 ms). Other sort indexes, and the fitting height, need the lens row anyway:
    there it would only add a join.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return planner.sqlite_sorts(query, plan)
    return (
        bool(query.terms)
        and query.sort == "nom"
        and query.fitting_height is None
        and dialect == "postgresql"
    )


def _part_size(session: Session, stmt: Select[Any]) -> int:
    counted = select(func.count()).select_from(stmt.order_by(None).subquery())
    return int(session.execute(counted).scalar_one())



# One filter of a query alone, by the key ``hiding_filters`` names it with.
_FILTER_PARTS: dict[str, tuple[str, ...]] = {
    "fournisseur": ("supplier_ids",),
    "gamme": ("range_ids",),
    "serie": ("series_ids",),
    "materiau": ("material_ids",),
    "indice": ("indices",),
    "hauteur": ("fitting_height",),
    "symboles": ("symbols",),
    "recherche": ("text",),
}


def hiding_filters(db: Database, query: LensQuery, lens_id: int) -> tuple[str, ...]:
    """The filters of ``query`` that leave lens ``lens_id`` out, each tested alone (keys of
    ``_FILTER_PARTS``: ``fournisseur``, ``indice``, ``recherche``...): what a window says when a
    lens just written is not in the result it shows. Empty when the query keeps the lens (or the
    lens does not exist: nothing to say about filters)."""
    empty = LensQuery()
    hidden: list[str] = []
    with db.transaction() as session:
        if session.get(Verre, lens_id) is None:
            return ()
        for key, fields in _FILTER_PARTS.items():
            alone = replace(empty, **{name: getattr(query, name) for name in fields})
            clauses = filter_clauses(alone)
            if not clauses:
                continue
            kept = session.execute(select(Verre.id).where(Verre.id == lens_id, *clauses)).first()
            if kept is None:
                hidden.append(key)
    return tuple(hidden)


def lens_rows(db: Database, ids: Sequence[int]) -> list[LensRow]:
    """The rows of ``ids``, in that order (missing ids are skipped)."""
    if not ids:
        return []
    found: dict[int, LensRow] = {}
    with db.transaction() as session:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            stmt = rows_statement().where(Verre.id.in_(chunk))
            for cells in session.connection().execute(stmt):
                found[cells[0]] = lens_row(cells)
    return [found[i] for i in ids if i in found]

