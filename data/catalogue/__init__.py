"""Catalogue service: lens queries and every write, each in one transaction.

Every write validates first (``data.validation``) and raises a domain error
(``ValidationError``, ``ConflictError``, ``NotFoundError``, ``ReferenceInUseError``,
``ReadOnlyError``, ``DBOperationError``) — never a half-written row. Values crossing into the GUI
are frozen dataclasses and plain ids, never live ORM objects.

Every write also writes its audit entry (``data.history``) in the same transaction. Writers take
optional keyword arguments ``author`` (overrides ``history.who``) and ``batch`` (the ``lot`` an
entry belongs to, e.g. an import's id from ``history.record_import``). The shipped sample
(``exemple=True``) is not an edit and writes no entry.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, and_, delete, func, literal, null, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from data import history
from data.catalogue.values import EVERYTHING as EVERYTHING
from data.catalogue.values import Changes as Changes
from data.database import Database
from data.errors import (
    ConflictError,
    NotFoundError,
    ReadOnlyError,
    ReferenceInUseError,
    ValidationError,
)
from data.models import (
    Fournisseur,
    Gamme,
    ImageGravure,
    Materiau,
    Serie,
    Verre,
    utcnow,
)
from data.query import (
    DEFAULT_PLAN,
    FTS_TABLE,
    FTS_VOCAB,
    POSTGRESQL_WHOLE_PLAN,
    LensQuery,
    QueryPlan,
    filter_clauses,
    fts_string,
    has_pair,
    rows_statement,
    sort_parts,
    trigrams,
    with_sort_joins,
)
from data.text import fold, folded_search_key
from data.validation import (
    ID_MAX,
    LENS_FIELDS,
    REFERENCE_NAME_MAX,
    LensValues,
    ReferenceFacts,
    ValidationReport,
    check_image_bytes,
    validate_lens,
    validate_name,
)

ReferenceKind = Literal["fournisseur", "materiau", "gamme", "serie"]
REFERENCE_MODELS: dict[str, Any] = {
    "fournisseur": Fournisseur,
    "materiau": Materiau,
    "gamme": Gamme,
    "serie": Serie,
}
REFERENCE_LABELS = {
    "fournisseur": ("Le fournisseur", "ce fournisseur"),
    "materiau": ("Le matériau", "ce matériau"),
    "gamme": ("La gamme", "cette gamme"),
    "serie": ("La série", "cette série"),
}
LENS_FK = {
    "fournisseur": Verre.fournisseur_id,
    "materiau": Verre.materiau_id,
    "gamme": Verre.gamme_id,
    "serie": Verre.serie_id,
}


@dataclass(frozen=True)
class LensRow:
    """The cells of one table row."""

    id: int
    nom: str
    variante: str | None
    fournisseur: str
    gamme: str | None
    serie: str | None
    materiau: str | None
    indice: float
    hauteur_min: int | None
    hauteur_max: int | None
    gravure_nasale: str | None
    image_id: int | None
    url_gravure: str | None
    version: int


@dataclass(frozen=True)
class LensDetail:
    """Every field of one lens, for the detail pane and the edit dialog."""

    id: int
    nom: str
    variante: str | None
    fournisseur_id: int
    fournisseur: str
    gamme_id: int | None
    gamme: str | None
    serie_id: int | None
    serie: str | None
    materiau_id: int | None
    materiau: str | None
    indice: float
    hauteur_min: int | None
    hauteur_max: int | None
    gravure_nasale: str | None
    url_gravure: str | None
    url_source: str | None
    image_id: int | None
    exemple: bool
    version: int
    cree_le: datetime
    modifie_le: datetime

    def form_values(self) -> dict[str, object]:
        """The raw values ``validate_lens`` takes, as they are now."""
        return {name: getattr(self, name) for name in LENS_FIELDS}


@dataclass(frozen=True)
class ReferenceItem:
    id: int
    nom: str
    parent_id: int | None = None
    lens_count: int = 0


def _row(cells: Sequence[Any]) -> LensRow:
    """A row of ``rows_statement`` (its columns are ``LensRow``'s fields, in order: a test holds
    it), read as plain tuples: a page is 100 rows, the window asks for many."""
    return LensRow(*cells)


# ---------------------------------------------------------------- queries


FTS_SORT_LIMIT = 10_000  # up to this many search matches (estimated), read them by id and sort
FTS_SCAN_LIMIT = 300_000  # above, matches are dense: a plain scan in sort order finds a page at once
BROAD_FILTER_ROWS = 20_000  # rows above which sorting the filtered rows costs more than a scan
MAX_TRIGRAMS = 40  # trigrams of one search word looked up (the LIKE checks the whole word)
# A search page is first read in sort order (SQLite) for at most this many virtual machine steps
# (400,000: about 10 ms through the name index, which carries the search text) or this long if
# the steps come slower (rows read one by one from another sort index, a loaded machine).
SCAN_FIRST_STEPS = 400_000
SCAN_FIRST_BUDGET_S = 0.030
SCAN_CHECK_STEPS = 2_000  # steps between two looks at that budget
# SQLite: before that scan, each word is looked up in the trigram index, up to this many lenses
# (under 2 ms for a common word at 1,000,000 lenses): a word found in fewer is rare, and the page
# is read from its lenses at once, without spending the scan's budget in vain (``_rare_match``).
RARE_WORD_ROWS = 1_000
# PostgreSQL: a page searching a 2-character word found in at most this many lenses (estimated)
# reads them through the index of pairs, then sorts them (``_rare_pair``).
PAIR_PAGE_ROWS = 2_000
_clock = time.perf_counter


def count_lenses(db: Database, query: LensQuery) -> int:
    stmt = select(func.count()).select_from(Verre)
    with db.transaction() as session:
        clauses = filter_clauses(query, plan_query(session, query, whole=True))
        if clauses:
            stmt = stmt.where(and_(*clauses))
        return int(session.execute(stmt).scalar_one())


def lens_ids(
    db: Database, query: LensQuery, cancelled: Callable[[], bool] | None = None
) -> array[int]:
    """The ordered ids of the whole result, compact (8 bytes a lens).

    ``cancelled`` is polled between chunks of 20,000 ids: a caller whose query was replaced can
    stop early (the ids returned are then incomplete, shorter than the count).
    """
    result = array("q")
    with db.transaction() as session:
        plan = plan_query(session, query, whole=True)
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
    db: Database, query: LensQuery, offset: int, limit: int, reverse: bool = False
) -> list[LensRow]:
    """Rows ``offset``..``offset+limit`` of the result (counted from the end when ``reverse``).

    A search on SQLite with a rare word (``_rare_match``) reads that word's lenses from the
    trigram index and sorts them. Otherwise it first reads the sort order within a budget
    (``SCAN_FIRST_STEPS`` of SQLite's steps, ``SCAN_FIRST_BUDGET_S`` at most): a common fragment
    fills a page within a few thousand lenses (the name index carries the folded search text, so
    no lens row is read to test it). Only when that budget runs out are the trigram index's
    estimates and candidates asked for: matches far down the order.
    """
    with db.transaction() as session:
        rows: list[Any] | None = None
        scan = None
        if _scan_first(session, query):
            rare = _rare_match(session, query.terms)
            if rare is not None:
                return [_row(r) for r in _page_rows(session, query, QueryPlan(fts_match=rare), offset, limit, reverse)]
            scan = scan_plan(session, query)
            rows = _page_within_budget(session, query, scan, offset, limit, reverse)
        if rows is None:
            plan = plan_query(session, query, scan=scan)
            rows = _page_rows(session, query, plan, offset, limit, reverse)
    return [_row(r) for r in rows]


def _page_rows(
    session: Session, query: LensQuery, plan: QueryPlan, offset: int, limit: int, reverse: bool
) -> list[Any]:
    by_id = _ids_first(session, query)
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


def _ids_first(session: Session, query: LensQuery) -> bool:
    """PostgreSQL, a search in name order: find the page's ids first, then read those lenses.

    The name-order indexes carry the search text (``tri_nom, id, recherche``, and the filter
    indexes that keep the name order), but a PostgreSQL index scan reads each lens row before
    it tests the search (SQLite and MariaDB test it in the index): selecting only ids lets it
    test the search in the index alone (an index-only scan) and read the page's 100 lens rows
    instead of every one it passes over (``ai`` at 100,000 lenses: 8 ms -> 3 ms). Other sort
    indexes, and the fitting height, need the lens row anyway: there it would only add a join.
    """
    return (
        bool(query.terms)
        and query.sort == "nom"
        and query.fitting_height is None
        and session.get_bind().dialect.name == "postgresql"
    )


def _scan_first(session: Session, query: LensQuery) -> bool:
    """Is this a SQLite search the trigram index could serve (a word of 2+ characters)?"""
    return session.get_bind().dialect.name == "sqlite" and any(len(t) >= 2 for t in query.terms)


def _rare_match(session: Session, terms: Sequence[str]) -> str | None:
    """SQLite: the FTS5 expression of a word of the search found in fewer than
    ``RARE_WORD_ROWS`` lenses, if one is (None otherwise), each word's lookup cut short as soon
    as it reaches that many.

    A word of 3+ characters: its lenses in the trigram index (all its trigrams), read up to that
    many. A 2-character word: the trigrams starting with it, their lenses summed (an upper
    bound) until the sum reaches that many; a common pair stops after its first few trigrams.
    """
    connection = session.connection()
    for term in terms:
        if len(term) >= 3:
            match = " AND ".join(fts_string(gram) for gram in trigrams(term)[:MAX_TRIGRAMS])
            found = connection.exec_driver_sql(
                f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? LIMIT ?)",
                (match, RARE_WORD_ROWS),
            ).scalar_one()
            if found < RARE_WORD_ROWS:
                return match if found else ""
        elif len(term) == 2:
            pairs = _rare_pair_match(connection, term)
            if pairs is not None:
                return pairs
    return None


def _rare_pair_match(connection: Any, term: str) -> str | None:
    """The trigrams starting with ``term`` (OR), if their lenses sum to fewer than
    ``RARE_WORD_ROWS``; None as soon as they reach it."""
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(
            f"SELECT term, doc FROM {FTS_VOCAB} WHERE term >= ? AND term <= ?", (term, term + "\U0010ffff")
        )
        grams: list[str] = []
        total = 0
        for gram, documents in cursor:  # each row is counted as it is read: stop early
            total += int(documents)
            if total >= RARE_WORD_ROWS:
                return None
            grams.append(str(gram))
    finally:
        cursor.close()
    return "(" + " OR ".join(fts_string(gram) for gram in grams) + ")" if grams else ""


def _page_within_budget(
    session: Session, query: LensQuery, plan: QueryPlan, offset: int, limit: int, reverse: bool
) -> list[Any] | None:
    """The page read with ``plan``, or None if SQLite had not found it within the budget."""
    dbapi = session.connection().connection.dbapi_connection
    deadline = _clock() + SCAN_FIRST_BUDGET_S
    steps = 0
    spent = False

    def over_budget() -> int:
        nonlocal spent, steps
        steps += SCAN_CHECK_STEPS
        spent = steps > SCAN_FIRST_STEPS or _clock() > deadline
        return int(spent)  # non-zero interrupts the statement (a read: nothing to undo)

    dbapi.set_progress_handler(over_budget, SCAN_CHECK_STEPS)  # type: ignore[union-attr]
    try:
        return _page_rows(session, query, plan, offset, limit, reverse)
    except OperationalError:
        if spent:
            return None
        raise
    finally:
        dbapi.set_progress_handler(None, SCAN_CHECK_STEPS)  # type: ignore[union-attr]


def _part_size(session: Session, stmt: Select[Any]) -> int:
    counted = select(func.count()).select_from(stmt.order_by(None).subquery())
    return int(session.execute(counted).scalar_one())


# ---------------------------------------------------------------- query plans (SQLite)


def plan_query(
    session: Session, query: LensQuery, whole: bool = False, scan: QueryPlan | None = None
) -> QueryPlan:
    """How SQLite should read ``query``: decided per query from cheap estimates.

    ``whole``: the whole result is read (a count, all ids), not one page in sort order.
    ``scan``: ``scan_plan``'s answer when the caller already has it. Another database plans by
    itself (PostgreSQL has statistics and a trigram index; a whole result, or a page searching a
    rare 2-character word, also uses its index of pairs: ``_rare_pair``).
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return POSTGRESQL_WHOLE_PLAN if whole or _rare_pair(session, query) else DEFAULT_PLAN
    if dialect != "sqlite" or query.is_empty:
        return DEFAULT_PLAN
    match, estimate = _search_match(session, query.terms)
    if match is not None and (whole or estimate <= FTS_SORT_LIMIT):
        # Few matches (or all of them wanted): read them through the trigram index, then sort.
        return QueryPlan(fts_match=match)
    if scan is None:
        scan = scan_plan(session, query)
    if match is not None and estimate <= FTS_SCAN_LIMIT:
        return replace(scan, fts_match=match, fts_in_sort_order=True)
    return scan


def _rare_pair(session: Session, query: LensQuery) -> bool:
    """PostgreSQL, a page searching 2-character words (none longer): does one of them occur in
    so few lenses (``PAIR_PAGE_ROWS``, by the planner's estimate) that finding them through
    the index of pairs and sorting them beats reading the name order until a page is full?

    A rare pair (``zq``) otherwise reads every lens in name order (44 ms at 100,000 lenses,
    0.4 ms through the index); a common one (``ai``) fills a page within a few hundred lenses,
    and through the index would sort thousands (18 ms). pg_trgm serves longer words itself.
    """
    terms = query.terms
    pairs = [term for term in terms if len(term) == 2]
    if not pairs or any(len(term) > 2 for term in terms):
        return False
    return min(_pair_rows(session, pair) for pair in pairs) <= PAIR_PAGE_ROWS


def _pair_rows(session: Session, pair: str) -> float:
    """The planner's estimate of the lenses whose search text holds ``pair`` (its statistics
    of the index of pairs: no lens is read)."""
    stmt = select(literal(1)).select_from(Verre).where(has_pair(pair))
    connection = session.connection()
    compiled = stmt.compile(dialect=connection.dialect)
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def scan_plan(session: Session, query: LensQuery) -> QueryPlan:
    """Reading the sort order and testing every filter row by row (no trigram index)."""
    no_filter_index = False
    if query.has_reference_filters and (query.sort != "nom" or _several_values(query)):
        # The filter indexes give the name order for one value each; otherwise SQLite would sort
        # every filtered row: when they are many, reading the sort index in order is faster.
        no_filter_index = _filtered_rows(session, query) > BROAD_FILTER_ROWS
    return QueryPlan(no_filter_index=no_filter_index)


def _several_values(query: LensQuery) -> bool:
    return any(
        len(values) > 1
        for values in (
            query.supplier_ids, query.range_ids, query.series_ids, query.material_ids, query.indices
        )
    )


def _filtered_rows(session: Session, query: LensQuery) -> int:
    """Rows kept by the filters other than the search, counted up to ``BROAD_FILTER_ROWS + 1``."""
    kept = select(literal(1)).select_from(Verre).where(*filter_clauses(replace(query, text="")))
    capped = kept.limit(BROAD_FILTER_ROWS + 1).subquery()
    return int(session.execute(select(func.count()).select_from(capped)).scalar_one())


def _pair_group(session: Session, term: str) -> tuple[int, str]:
    """Two characters: any trigram starting with them (their documents summed: an upper bound)."""
    found = session.execute(
        text(f"SELECT term, doc FROM {FTS_VOCAB} WHERE term >= :low AND term <= :high"),
        {"low": term, "high": term + "\U0010ffff"},
    ).all()
    count = sum(int(r[1]) for r in found)
    return count, "(" + " OR ".join(fts_string(str(r[0])) for r in found) + ")"


def _word_group(session: Session, term: str) -> tuple[int, str]:
    """Three characters or more: all its trigrams (the rarest one's documents: an upper bound)."""
    wanted = trigrams(term)[:MAX_TRIGRAMS]
    counts = []
    for gram in wanted:
        doc = session.execute(
            text(f"SELECT doc FROM {FTS_VOCAB} WHERE term = :t"), {"t": gram}
        ).scalar_one_or_none()
        counts.append(int(doc or 0))
    return min(counts, default=0), " AND ".join(fts_string(gram) for gram in wanted)


def _search_match(session: Session, terms: Sequence[str]) -> tuple[str | None, int]:
    """(FTS5 expression naming every lens that can match, an upper bound of its rows).

    The expression serves the word with the fewest matches (by the index's own counts).
    A word of 3+ characters needs all its trigrams; a 2-character word needs one of the trigrams
    that start with it (the index holds ``recherche`` plus a separator, so every pair of
    characters starts a trigram). 1-character words are left to the LIKE. ``(None, 0)``: no word
    the index can serve; ``("", 0)``: a word no lens contains.
    """
    groups: list[tuple[int, str]] = []
    for term in terms:
        if len(term) < 2:
            continue
        count, group = _pair_group(session, term) if len(term) == 2 else _word_group(session, term)
        if count == 0:
            return "", 0
        groups.append((count, group))
    if not groups:
        return None, 0
    # Only the rarest word's trigrams: fewer ids to gather, and the LIKE checks every word.
    estimate, group = min(groups)
    return group, estimate


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
                found[cells[0]] = _row(cells)
    return [found[i] for i in ids if i in found]


def get_lens(db: Database, lens_id: int) -> LensDetail:
    with db.transaction() as session:
        return _detail(session, lens_id)


_DETAIL_LENS_COLUMNS = (
    "id", "nom", "variante", "fournisseur_id", "gamme_id", "serie_id", "materiau_id", "indice",
    "hauteur_min", "hauteur_max", "gravure_nasale", "url_gravure", "url_source", "image_id",
    "exemple", "version", "cree_le", "modifie_le",
)


def _detail_statement() -> Select[Any]:
    """The fields of ``LensDetail`` only (not the folded copies nor the sort keys)."""
    return (
        select(
            *(getattr(Verre, name) for name in _DETAIL_LENS_COLUMNS),
            Fournisseur.nom.label("fournisseur"),
            Gamme.nom.label("gamme"),
            Serie.nom.label("serie"),
            Materiau.nom.label("materiau"),
        )
        .select_from(Verre)
        .join(Fournisseur, Fournisseur.id == Verre.fournisseur_id)
        .outerjoin(Gamme, Gamme.id == Verre.gamme_id)
        .outerjoin(Serie, Serie.id == Verre.serie_id)
        .outerjoin(Materiau, Materiau.id == Verre.materiau_id)
    )


def _detail(session: Session, lens_id: int) -> LensDetail:
    found = session.execute(_detail_statement().where(Verre.id == lens_id)).first()
    if found is None:
        raise NotFoundError(f"Le verre n° {lens_id} n'existe pas (ou plus).")
    return _detail_from(found)


def _details(session: Session, ids: Sequence[int]) -> dict[int, LensDetail]:
    """Several lenses at once (by chunks of 500): a merge may move thousands."""
    found: dict[int, LensDetail] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        for row in session.execute(_detail_statement().where(Verre.id.in_(chunk))):
            found[row.id] = _detail_from(row)
    return found


_DETAIL_FIELDS = tuple(LensDetail.__dataclass_fields__)


def lens_state(detail: LensDetail) -> dict[str, Any]:
    """A lens as the audit trail keeps it: every field, with the names of its references.

    A shallow copy (every field is a plain value): ``asdict`` deep-copies and is slow in bulk.
    """
    return {name: getattr(detail, name) for name in _DETAIL_FIELDS}


def _detail_from(found: Any) -> LensDetail:
    row = found._mapping
    return LensDetail(**{name: row[name] for name in _DETAIL_FIELDS})


def get_image(db: Database, image_id: int) -> tuple[bytes, str]:
    with db.transaction() as session:
        found = session.execute(
            select(ImageGravure.donnees, ImageGravure.type_mime).where(ImageGravure.id == image_id)
        ).first()
    if found is None:
        raise NotFoundError(f"L'image n° {image_id} n'existe pas (ou plus).")
    return bytes(found[0]), found[1]


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


# ---------------------------------------------------------------- writes


def ensure_writable(db: Database) -> None:
    if db.read_only:
        raise ReadOnlyError(db.read_only_reason or "La base est ouverte en lecture seule.")


def reference_facts(session: Session, raw: Mapping[str, object]) -> ReferenceFacts:
    """What the database says about the references named in ``raw`` (a few indexed reads)."""

    def ids(name: str) -> list[int]:
        # Only ids a 32-bit INTEGER column can hold: a larger one would fail in PostgreSQL's
        # query itself instead of being reported by the validation as "référence invalide".
        value = raw.get(name)
        try:
            ident = int(str(value)) if value not in (None, "") else 0
        except ValueError:
            return []
        return [ident] if 0 < ident <= ID_MAX else []

    suppliers = ids("fournisseur_id")
    materials = ids("materiau_id")
    ranges = ids("gamme_id")
    series = ids("serie_id")
    return ReferenceFacts(
        supplier_ids=frozenset(
            session.execute(select(Fournisseur.id).where(Fournisseur.id.in_(suppliers))).scalars()
        )
        if suppliers
        else frozenset(),
        material_ids=frozenset(
            session.execute(select(Materiau.id).where(Materiau.id.in_(materials))).scalars()
        )
        if materials
        else frozenset(),
        range_supplier=dict(
            session.execute(
                select(Gamme.id, Gamme.fournisseur_id).where(Gamme.id.in_(ranges))
            ).tuples().all()
        )
        if ranges
        else {},
        series_range=dict(
            session.execute(select(Serie.id, Serie.gamme_id).where(Serie.id.in_(series))).tuples().all()
        )
        if series
        else {},
    )


def check_lens(db: Database, raw: Mapping[str, object]) -> tuple[LensValues | None, ValidationReport]:
    """Validate ``raw`` including its references (what the dialog calls as the user types)."""
    with db.transaction() as session:
        return validate_lens(raw, reference_facts(session, raw))


def _validated(session: Session, raw: Mapping[str, object]) -> LensValues:
    values, report = validate_lens(raw, reference_facts(session, raw))
    if values is None:
        raise ValidationError(report)
    return values


def _columns(values: LensValues) -> dict[str, Any]:
    """The lens's columns with their folded copies (a shallow copy: ``asdict`` is slow).

    Each text is folded once (an import computes this for every lens of the file)."""
    columns = dict(values.__dict__)  # its fields, in declaration order (no copy of each value)
    name, variant, engraving = fold(values.nom), fold(values.variante), fold(values.gravure_nasale)
    columns["recherche"] = folded_search_key(name, variant, engraving)
    columns["tri_nom"] = name
    columns["tri_variante"] = variant or None
    columns["tri_gravure"] = engraving or None
    return columns


SORT_KEY_COLUMNS = (
    ("gamme_id", "tri_gamme", Gamme),
    ("serie_id", "tri_serie", Serie),
    ("materiau_id", "tri_materiau", Materiau),
)


def add_sort_keys(session: Session, columns: dict[str, Any]) -> dict[str, Any]:
    """Copy the folded names of the lens's range, series and material onto it (sort keys).

    Sorting a million lenses by range needs the name on the lens row itself, in an index;
    ``rename_reference`` and ``merge_references`` keep these copies right.
    """
    for id_column, key_column, model in SORT_KEY_COLUMNS:
        ref_id = columns.get(id_column)
        columns[key_column] = (
            None
            if ref_id is None
            else session.execute(select(model.nom_normalise).where(model.id == ref_id)).scalar_one_or_none()
        )
    return columns


def refresh_sort_keys(session: Session, kind: str, ref_id: int) -> None:
    """After a rename or a merge: the lenses of reference ``ref_id`` get its current folded name."""
    for id_column, key_column, model in SORT_KEY_COLUMNS:
        if REFERENCE_MODELS[kind] is model:
            name = select(model.nom_normalise).where(model.id == ref_id).scalar_subquery()
            session.execute(
                update(Verre)
                .where(getattr(Verre, id_column) == ref_id)
                .values({key_column: name})
                .execution_options(synchronize_session=False)
            )


def decode_check_image(content: bytes) -> tuple[str | None, str | None]:
    """Signature, size, and a real decode with Pillow: (mime, None) or (None, message)."""
    mime, problem = check_image_bytes(content)
    if problem:
        return None, problem
    try:
        from PIL import Image  # local: Pillow is only needed when images are written

        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except Exception:  # noqa: BLE001 - any decoder failure means "not an image we accept"
        return None, "Le fichier n'est pas une image PNG ou JPEG lisible."
    return mime, None


def store_image(session: Session, content: bytes) -> int:
    """Store an engraving image once (deduplicated by SHA-256); return its id."""
    mime, problem = decode_check_image(content)
    if problem or mime is None:
        raise ValidationError(ValidationReport({"image": problem or "Image invalide."}))
    digest = hashlib.sha256(content).hexdigest()
    existing = session.execute(
        select(ImageGravure.id).where(ImageGravure.sha256 == digest)
    ).scalar_one_or_none()
    if existing is not None:
        return int(existing)
    image = ImageGravure(donnees=content, type_mime=mime, taille=len(content), sha256=digest)
    session.add(image)
    session.flush()
    return image.id


_KEEP_IMAGE = object()


def create_lens(
    db: Database,
    raw: Mapping[str, object],
    image: bytes | None = None,
    exemple: bool = False,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> int:
    ensure_writable(db)
    with db.transaction() as session:
        return insert_lens(session, raw, image, exemple, batch=batch, author=author)


def insert_lens(
    session: Session,
    raw: Mapping[str, object],
    image: bytes | None,
    exemple: bool,
    *,
    batch: int | None = None,
    author: str | None = None,
    audit: bool = True,
) -> int:
    """Validate and insert one lens in the caller's transaction, with its ``creation`` entry.

    ``batch``: the import's id (``history.record_import``) so the lens's history shows where it
    came from. No entry for the shipped sample (``exemple``) or when ``audit`` is False.
    """
    values = _validated(session, raw)
    columns = add_sort_keys(session, _columns(values))
    if image is not None:
        columns["image_id"] = store_image(session, image)
    lens = Verre(**columns, exemple=exemple)
    session.add(lens)
    session.flush()
    if audit and not exemple:
        state = lens_state(_detail(session, lens.id))
        history.record(
            session,
            history.CREATION,
            "verre",
            lens.id,
            history.lens_label(state),
            None,
            state,
            batch=batch,
            author=author,
        )
    return lens.id


def update_lens(
    db: Database,
    lens_id: int,
    raw: Mapping[str, object],
    expected_version: int,
    image: bytes | None | object = _KEEP_IMAGE,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> int:
    """Save an edit made on version ``expected_version``; return the new version.

    ``image``: new PNG/JPEG bytes, ``None`` to remove the image, omitted to keep it.
    Raises ``ConflictError`` when someone else saved (or deleted) the lens meanwhile.
    """
    ensure_writable(db)
    with db.transaction() as session:
        return apply_lens_update(
            session, lens_id, raw, expected_version, image, batch=batch, author=author
        )


def apply_lens_update(
    session: Session,
    lens_id: int,
    raw: Mapping[str, object],
    expected_version: int,
    image: bytes | None | object = _KEEP_IMAGE,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> int:
    """``update_lens`` in the caller's transaction (an import updating many lenses at once).

    Writes a ``modification`` entry with only the fields that changed; a save that changes
    nothing still bumps the version but writes no entry. A conflict writes nothing.
    """
    values = _validated(session, raw)
    columns = add_sort_keys(session, _columns(values))
    if image is None:
        columns["image_id"] = None
    elif isinstance(image, bytes):
        columns["image_id"] = store_image(session, image)
    columns["version"] = expected_version + 1
    columns["modifie_le"] = utcnow()
    before = _details(session, [lens_id]).get(lens_id)
    result = session.execute(
        update(Verre)
        .where(Verre.id == lens_id, Verre.version == expected_version)
        .values(**columns)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1 or before is None:  # type: ignore[attr-defined]
        current = session.execute(
            select(Verre.version).where(Verre.id == lens_id)
        ).scalar_one_or_none()
        if current is None:
            raise ConflictError("Ce verre a été supprimé par un autre poste entre-temps.")
        raise ConflictError(
            "Ce verre a été modifié par un autre poste depuis son ouverture. "
            "Rechargez-le pour voir sa version actuelle avant de l'enregistrer."
        )
    after = lens_state(_detail(session, lens_id))
    old, new = history.diff(lens_state(before), after)
    if old or new:
        history.record(
            session,
            history.MODIFICATION,
            "verre",
            lens_id,
            history.lens_label(after),
            old,
            new,
            batch=batch,
            author=author,
        )
    return expected_version + 1


def snapshot_lenses(session: Session, lens_ids: Sequence[int]) -> dict[int, LensDetail]:
    """The lenses as they are now, by id (missing ids left out): the ``before`` of ``audit_lenses``."""
    return _details(session, list(lens_ids))


def audit_lenses(
    session: Session,
    lens_ids: Sequence[int],
    *,
    before: Mapping[int, LensDetail] | None = None,
    batch: int | None = None,
    author: str | None = None,
) -> int:
    """Audit entries for lenses written in bulk by SQL (an import): return how many were written.

    A lens found in ``before`` (from ``snapshot_lenses`` taken before the writes) gets a
    ``modification`` entry with the fields that changed; any other a ``creation`` entry.
    """
    before = before or {}
    changes = []
    for lens_id, detail in _details(session, list(lens_ids)).items():
        now = lens_state(detail)
        old_detail = before.get(lens_id)
        if old_detail is None:
            changes.append(
                history.Change(history.CREATION, "verre", lens_id, history.lens_label(now), None, now)
            )
            continue
        old, new = history.diff(lens_state(old_detail), now)
        if old or new:
            changes.append(
                history.Change(history.MODIFICATION, "verre", lens_id, history.lens_label(now), old, new)
            )
    return history.record_many(session, changes, batch=batch, author=author)


def delete_lenses(
    db: Database,
    lens_ids: Iterable[int],
    *,
    batch: int | None = None,
    author: str | None = None,
) -> list[LensDetail]:
    """Delete lenses; return what they were (for undo). Unknown ids are an error.

    Each deletion's entry keeps the whole lens (``history.restore_deleted`` rebuilds it).
    """
    ensure_writable(db)
    wanted = sorted(set(lens_ids))
    if not wanted:
        return []
    with db.transaction() as session:
        found = _details(session, wanted)
        for lens_id in wanted:
            if lens_id not in found:
                raise NotFoundError(f"Le verre n° {lens_id} n'existe pas (ou plus).")
        snapshots = [found[lens_id] for lens_id in wanted]
        history.record_many(
            session,
            (
                history.Change(
                    history.SUPPRESSION,
                    "verre",
                    snap.id,
                    history.lens_label(lens_state(snap)),
                    old=lens_state(snap),
                )
                for snap in snapshots
            ),
            batch=batch,
            author=author,
        )
        session.execute(
            delete(Verre).where(Verre.id.in_(wanted)).execution_options(synchronize_session=False)
        )
        return snapshots


def restore_lens(db: Database, snapshot: LensDetail, *, author: str | None = None) -> int:
    """Re-create a deleted lens from its snapshot (same id when it is still free): the undo."""
    ensure_writable(db)
    with db.transaction() as session:
        return reinsert_lens(
            session,
            lens_state(snapshot),
            deletion_entry=history.last_deletion_id(session, snapshot.id),
            author=author,
        )


_FORM_FIELDS = tuple(
    name for name in LensDetail.__dataclass_fields__ if name in LensValues.__dataclass_fields__
)


def reinsert_lens(
    session: Session,
    state: Mapping[str, Any],
    *,
    deletion_entry: int | None = None,
    author: str | None = None,
) -> int:
    """Insert a deleted lens again from its recorded state, validated again; return its id.

    It keeps its id when free, its creation date, and a version above the one it had, so that
    an edit dialog still open on the old lens cannot overwrite it silently. Writes the
    ``restauration`` entry, linked to the deletion it undoes.
    """
    values = _validated(session, {name: state.get(name) for name in _FORM_FIELDS})
    columns = add_sort_keys(session, _columns(values))
    image_id = state.get("image_id")
    if image_id is not None and session.get(ImageGravure, int(image_id)) is None:
        image_id = None
    columns["image_id"] = image_id
    columns["version"] = int(state.get("version") or 0) + 1
    created = state.get("cree_le")
    if isinstance(created, str):
        try:
            created = datetime.fromisoformat(created)
        except ValueError:
            created = None
    if isinstance(created, datetime):
        columns["cree_le"] = created
    old_id = state.get("id")
    free = old_id is not None and session.get(Verre, int(old_id)) is None
    lens = Verre(
        **columns,
        exemple=bool(state.get("exemple", False)),
        **({"id": int(old_id)} if free and old_id is not None else {}),
    )
    session.add(lens)
    session.flush()
    after = lens_state(_detail(session, lens.id))
    history.record(
        session,
        history.RESTAURATION,
        "verre",
        lens.id,
        history.lens_label(after),
        None if lens.id == old_id else {"id": old_id},
        after,
        author=author,
        undoes=deletion_entry,
    )
    return lens.id


# ---------------------------------------------------------------- reference data


def _reference_name(kind: str, name: object) -> tuple[str, str]:
    label = REFERENCE_LABELS[kind][0].split(" ", 1)[1]
    cleaned, message = validate_name(name, f"Le nom {_de(label)}", REFERENCE_NAME_MAX)
    if message:
        raise ValidationError(ValidationReport({"nom": message}))
    return cleaned, fold(cleaned)


def _de(label: str) -> str:
    return ("de l'" if label[0] in "aeiouéèAEIOUÉ" else "du " if label in ("fournisseur", "matériau") else "de la ") + label


def _parent_column(kind: str) -> Any:
    return {"gamme": Gamme.fournisseur_id, "serie": Serie.gamme_id}.get(kind)


def find_reference(session: Session, kind: str, name: str, parent_id: int | None = None) -> int | None:
    model = REFERENCE_MODELS[kind]
    stmt = select(model.id).where(model.nom_normalise == fold(name))
    parent = _parent_column(kind)
    if parent is not None:
        stmt = stmt.where(parent == parent_id)
    return session.execute(stmt).scalar_one_or_none()


def reference_state(session: Session, kind: str, row: Any) -> dict[str, Any]:
    """A reference as the audit trail keeps it: its name and, for a range or series, its parent."""
    state: dict[str, Any] = {"nom": row.nom}
    if kind == "gamme":
        supplier = session.get(Fournisseur, row.fournisseur_id)
        state.update(fournisseur_id=row.fournisseur_id, fournisseur=supplier.nom if supplier else None)
    elif kind == "serie":
        range_ = session.get(Gamme, row.gamme_id)
        state.update(gamme_id=row.gamme_id, gamme=range_.nom if range_ else None)
    return state


def get_or_create_reference(
    session: Session,
    kind: str,
    name: str,
    parent_id: int | None = None,
    exemple: bool = False,
    *,
    batch: int | None = None,
    author: str | None = None,
    audit: bool = True,
) -> int:
    """The id of the reference named ``name`` (case and accents ignored), created when missing.

    A creation writes its ``creation`` entry (not for the shipped sample, nor when ``audit``
    is False).
    """
    cleaned, folded = _reference_name(kind, name)
    existing = find_reference(session, kind, cleaned, parent_id)
    if existing is not None:
        return existing
    model = REFERENCE_MODELS[kind]
    extra: dict[str, Any] = {}
    if kind == "gamme":
        extra["fournisseur_id"] = _require_parent(session, Fournisseur, parent_id, "fournisseur")
    elif kind == "serie":
        extra["gamme_id"] = _require_parent(session, Gamme, parent_id, "gamme")
    row = model(nom=cleaned, nom_normalise=folded, exemple=exemple, **extra)
    session.add(row)
    session.flush()
    if audit and not exemple:
        history.record(
            session,
            history.CREATION,
            kind,
            int(row.id),
            cleaned,
            None,
            reference_state(session, kind, row),
            batch=batch,
            author=author,
        )
    return int(row.id)


def _require_parent(session: Session, model: Any, parent_id: int | None, label: str) -> int:
    if parent_id is None or session.get(model, parent_id) is None:
        raise ValidationError(ValidationReport({"parent": f"Choisissez d'abord un(e) {label} existant(e)."}))
    return parent_id


def create_reference(
    db: Database,
    kind: ReferenceKind,
    name: str,
    parent_id: int | None = None,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> int:
    """Add a supplier, material, range or series; an existing one (same folded name) is refused."""
    ensure_writable(db)
    with db.transaction() as session:
        cleaned, _ = _reference_name(kind, name)
        if find_reference(session, kind, cleaned, parent_id) is not None:
            raise ValidationError(
                ValidationReport({"nom": f"« {cleaned} » existe déjà (majuscules et accents ignorés)."})
            )
        return get_or_create_reference(
            session, kind, cleaned, parent_id, batch=batch, author=author
        )


def rename_reference(
    db: Database,
    kind: ReferenceKind,
    ref_id: int,
    name: str,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> None:
    """Rename a reference; writes a ``renommage`` entry when the name really changes."""
    ensure_writable(db)
    model = REFERENCE_MODELS[kind]
    with db.transaction() as session:
        row = session.get(model, ref_id)
        if row is None:
            raise NotFoundError(f"{REFERENCE_LABELS[kind][0]} n° {ref_id} n'existe pas (ou plus).")
        cleaned, folded = _reference_name(kind, name)
        parent = _parent_column(kind)
        other = find_reference(
            session, kind, cleaned, getattr(row, parent.key) if parent is not None else None
        )
        if other is not None and other != ref_id:
            raise ValidationError(
                ValidationReport({"nom": f"« {cleaned} » existe déjà : fusionnez plutôt les deux."})
            )
        old_name, old_folded = row.nom, row.nom_normalise
        row.nom, row.nom_normalise = cleaned, folded
        if old_folded != folded:
            session.flush()
            refresh_sort_keys(session, kind, ref_id)
        if old_name != cleaned:
            history.record(
                session,
                history.RENOMMAGE,
                kind,
                ref_id,
                cleaned,
                {"nom": old_name},
                {"nom": cleaned},
                batch=batch,
                author=author,
            )


def delete_reference(
    db: Database,
    kind: ReferenceKind,
    ref_id: int,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> None:
    """Delete an unused reference; one that lenses (or child ranges/series) use is refused.

    Unused ranges (and their series) of a deleted supplier, or series of a deleted range, go
    with it; the entry names them.
    """
    ensure_writable(db)
    model = REFERENCE_MODELS[kind]
    with db.transaction() as session:
        row = session.get(model, ref_id)
        if row is None:
            raise NotFoundError(f"{REFERENCE_LABELS[kind][0]} n° {ref_id} n'existe pas (ou plus).")
        used = session.execute(
            select(func.count()).select_from(Verre).where(LENS_FK[kind] == ref_id)
        ).scalar_one()
        if used:
            plural = "verres l'utilisent" if used > 1 else "verre l'utilise"
            raise ReferenceInUseError(
                f"Impossible de supprimer {REFERENCE_LABELS[kind][1]} : {used} {plural}. "
                "Fusionnez-le avec un autre ou modifiez d'abord ces verres.",
                int(used),
            )
        old = reference_state(session, kind, row)
        if kind == "fournisseur":
            ranges = select(Gamme.id).where(Gamme.fournisseur_id == ref_id)
            old["gammes"] = _names(session, select(Gamme.nom).where(Gamme.fournisseur_id == ref_id))
            old["series"] = _names(session, select(Serie.nom).where(Serie.gamme_id.in_(ranges)))
            session.execute(delete(Serie).where(Serie.gamme_id.in_(ranges)))
            session.execute(delete(Gamme).where(Gamme.fournisseur_id == ref_id))
        elif kind == "gamme":
            old["series"] = _names(session, select(Serie.nom).where(Serie.gamme_id == ref_id))
            session.execute(delete(Serie).where(Serie.gamme_id == ref_id))
        history.record(
            session, history.SUPPRESSION, kind, ref_id, row.nom, _compact(old), None,
            batch=batch, author=author,
        )
        session.execute(delete(model).where(model.id == ref_id))


def _names(session: Session, stmt: Select[Any]) -> list[str]:
    return sorted(str(n) for n in session.execute(stmt).scalars())


def _compact(state: dict[str, Any]) -> dict[str, Any]:
    """Drop empty child lists so an entry shows only what happened."""
    return {k: v for k, v in state.items() if v != []}


def merge_references(
    db: Database,
    kind: ReferenceKind,
    source_id: int,
    target_id: int,
    *,
    batch: int | None = None,
    author: str | None = None,
) -> int:
    """Merge ``source`` into ``target``: its lenses (and ranges/series) follow; return lenses moved.

    Writes one ``fusion`` entry for the reference, then one per lens moved (its old and new
    supplier/range/series/material) with the merge entry as ``lot``, so each lens's own history
    says why it changed.
    """
    ensure_writable(db)
    if source_id == target_id:
        raise ValidationError(ValidationReport({"nom": "Choisissez deux éléments différents."}))
    model = REFERENCE_MODELS[kind]
    with db.transaction() as session:
        source, target = session.get(model, source_id), session.get(model, target_id)
        if source is None or target is None:
            raise NotFoundError(f"{REFERENCE_LABELS[kind][0]} à fusionner n'existe plus.")
        if kind == "gamme" and source.fournisseur_id != target.fournisseur_id:
            raise ValidationError(
                ValidationReport({"nom": "Deux gammes de fournisseurs différents ne se fusionnent pas."})
            )
        if kind == "serie" and source.gamme_id != target.gamme_id:
            raise ValidationError(
                ValidationReport({"nom": "Deux séries de gammes différentes ne se fusionnent pas."})
            )
        author = author or history.who(session)
        moved_ids = list(
            session.execute(select(Verre.id).where(LENS_FK[kind] == source_id)).scalars()
        )
        before = _details(session, moved_ids)
        entry = history.record(
            session,
            history.FUSION,
            kind,
            target_id,
            target.nom,
            {"id": source_id, **reference_state(session, kind, source)},
            {"id": target_id, **reference_state(session, kind, target), "verres_deplaces": len(moved_ids)},
            batch=batch,
            author=author,
        )
        if kind == "materiau":
            _move_lenses(session, {Verre.materiau_id: source_id}, {"materiau_id": target_id})
        elif kind == "fournisseur":
            _merge_suppliers(session, source_id, target_id, entry, author)
        elif kind == "gamme":
            _merge_ranges(session, source_id, target_id, entry, author)
        else:
            _move_lenses(session, {Verre.serie_id: source_id}, {"serie_id": target_id})
        session.execute(delete(model).where(model.id == source_id))
        refresh_sort_keys(session, kind, target_id)
        _record_moves(session, before, entry, author)
        return len(moved_ids)


def _record_moves(
    session: Session, before: Mapping[int, LensDetail], entry: int, author: str
) -> None:
    after = _details(session, list(before))
    changes = []
    for lens_id, old_detail in before.items():
        new_detail = after.get(lens_id)
        if new_detail is None:
            continue
        old, new = history.diff(lens_state(old_detail), lens_state(new_detail))
        if old or new:
            changes.append(
                history.Change(
                    history.FUSION, "verre", lens_id, history.lens_label(lens_state(old_detail)), old, new
                )
            )
    history.record_many(session, changes, batch=entry, author=author)


def _move_lenses(session: Session, where: Mapping[Any, int], values: Mapping[str, Any]) -> None:
    stmt = update(Verre).where(*(col == val for col, val in where.items()))
    session.execute(
        stmt.values(**values, version=Verre.version + 1, modifie_le=utcnow()).execution_options(
            synchronize_session=False
        )
    )


def _merge_ranges(
    session: Session, source_id: int, target_id: int, entry: int | None = None, author: str | None = None
) -> None:
    """Series of the source range join the target (same-named ones merge); lenses follow."""
    for serie in session.execute(select(Serie).where(Serie.gamme_id == source_id)).scalars().all():
        twin = find_reference(session, "serie", serie.nom, target_id)
        if twin is None:
            twin = get_or_create_reference(
                session, "serie", serie.nom, target_id, serie.exemple, batch=entry, author=author
            )
        _move_lenses(
            session,
            {Verre.gamme_id: source_id, Verre.serie_id: serie.id},
            {"gamme_id": target_id, "serie_id": twin},
        )
        session.execute(delete(Serie).where(Serie.id == serie.id))
    _move_lenses(session, {Verre.gamme_id: source_id}, {"gamme_id": target_id})


def _merge_suppliers(
    session: Session, source_id: int, target_id: int, entry: int | None = None, author: str | None = None
) -> None:
    """Ranges move to the target supplier (same-named ones merge); lenses follow."""
    for gamme in session.execute(select(Gamme).where(Gamme.fournisseur_id == source_id)).scalars().all():
        twin = find_reference(session, "gamme", gamme.nom, target_id)
        if twin is None:
            twin = get_or_create_reference(
                session, "gamme", gamme.nom, target_id, gamme.exemple, batch=entry, author=author
            )
        # Lenses of this range: move supplier and range together (composite key stays valid),
        # dropping the series for a moment, then re-attach them to the twin range's series.
        for serie in session.execute(select(Serie).where(Serie.gamme_id == gamme.id)).scalars().all():
            twin_serie = find_reference(session, "serie", serie.nom, twin)
            if twin_serie is None:
                twin_serie = get_or_create_reference(
                    session, "serie", serie.nom, twin, serie.exemple, batch=entry, author=author
                )
            _move_lenses(
                session,
                {Verre.serie_id: serie.id},
                {"fournisseur_id": target_id, "gamme_id": twin, "serie_id": twin_serie},
            )
        _move_lenses(
            session,
            {Verre.gamme_id: gamme.id},
            {"fournisseur_id": target_id, "gamme_id": twin},
        )
        session.execute(delete(Serie).where(Serie.gamme_id == gamme.id))
        session.execute(delete(Gamme).where(Gamme.id == gamme.id))
    _move_lenses(session, {Verre.fournisseur_id: source_id}, {"fournisseur_id": target_id})
