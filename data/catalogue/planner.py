"""How SQLite (and PostgreSQL, for pairs) should read a search: decided per query from cheap
estimates (the trigram index's own counts, a capped count of filtered rows, a planner estimate).

The tuning numbers are a frozen ``PlannerLimits`` value passed in (``LIMITS`` by default), so a
test or a tool tries other limits without touching module state. The trigram index is looked up
in one place (``pair_trigrams``, ``trigram_documents``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from data.models import Verre
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
    trigrams,
)


@dataclass(frozen=True)
class PlannerLimits:
    """The planner's tuning numbers (measured with ``make bench``).

    - ``fts_sort_limit``: up to this many search matches (estimated), read them by id and sort.
    - ``fts_scan_limit``: above, matches are dense: a plain scan in sort order finds a page at once.
    - ``broad_filter_rows``: rows above which sorting the filtered rows costs more than a scan.
    - ``max_trigrams``: trigrams of one search word looked up (the LIKE checks the whole word).
    - ``scan_first_steps``, ``scan_first_budget_s``: a search page is first read in sort order
      (SQLite) for at most this many virtual machine steps (400,000: about 10 ms through the name
      index, which carries the search text) or this long if the steps come slower (rows read one
      by one from another sort index, a loaded machine); ``scan_check_steps``: steps between two
      looks at that budget, on ``clock``.
    - ``rare_word_rows``: SQLite, before that scan, each word is looked up in the trigram index,
      up to this many lenses (under 2 ms for a common word at 1,000,000 lenses): a word found in
      fewer is rare, and the page is read from its lenses at once (``rare_match``).
    - ``pair_page_rows``: PostgreSQL, a page searching a 2-character word found in at most this
      many lenses (estimated) reads them through the index of pairs, then sorts them.
    """

    fts_sort_limit: int = 10_000
    fts_scan_limit: int = 300_000
    broad_filter_rows: int = 20_000
    max_trigrams: int = 40
    scan_first_steps: int = 400_000
    scan_first_budget_s: float = 0.030
    scan_check_steps: int = 2_000
    rare_word_rows: int = 1_000
    pair_page_rows: int = 2_000
    clock: Callable[[], float] = field(default=time.perf_counter, compare=False)


LIMITS = PlannerLimits()


def scan_first(session: Session, query: LensQuery) -> bool:
    """Is this a SQLite search the trigram index could serve (a word of 2+ characters)?"""
    return session.get_bind().dialect.name == "sqlite" and any(len(t) >= 2 for t in query.terms)


def rare_match(session: Session, terms: Sequence[str], limits: PlannerLimits = LIMITS) -> str | None:
    """SQLite: the FTS5 expression of a word of the search found in fewer than
    ``limits.rare_word_rows`` lenses, if one is (None otherwise), each word's lookup cut short as soon
    as it reaches that many.

    A word of 3+ characters: its lenses in the trigram index (all its trigrams), read up to that
    many. A 2-character word: the trigrams starting with it, their lenses summed (an upper
    bound) until the sum reaches that many; a common pair stops after its first few trigrams.
    """
    connection = session.connection()
    for term in terms:
        if len(term) >= 3:
            match = " AND ".join(fts_string(gram) for gram in trigrams(term)[: limits.max_trigrams])
            found = connection.exec_driver_sql(
                f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? LIMIT ?)",
                (match, limits.rare_word_rows),
            ).scalar_one()
            if found < limits.rare_word_rows:
                return match if found else ""
        elif len(term) == 2:
            pairs = _rare_pair_match(connection, term, limits.rare_word_rows)
            if pairs is not None:
                return pairs
    return None


def _rare_pair_match(connection: Any, term: str, rare_rows: int) -> str | None:
    """The trigrams starting with ``term`` (OR), if their lenses sum to fewer than
    ``rare_rows``; None as soon as they reach it."""
    grams: list[str] = []
    total = 0
    for gram, documents in pair_trigrams(connection, term):  # counted as read: stop early
        total += documents
        if total >= rare_rows:
            return None
        grams.append(gram)
    return "(" + " OR ".join(fts_string(gram) for gram in grams) + ")" if grams else ""


def page_within_budget(
    session: Session, read: Callable[[], list[Any]], limits: PlannerLimits = LIMITS
) -> list[Any] | None:
    """What ``read`` returns, or None if SQLite had not finished it within the scan's budget
    (``limits.scan_first_steps`` steps, ``limits.scan_first_budget_s`` seconds)."""
    dbapi = session.connection().connection.dbapi_connection
    clock = limits.clock
    deadline = clock() + limits.scan_first_budget_s
    every = limits.scan_check_steps
    steps = 0
    spent = False

    def over_budget() -> int:
        nonlocal spent, steps
        steps += every
        spent = steps > limits.scan_first_steps or clock() > deadline
        return int(spent)  # non-zero interrupts the statement (a read: nothing to undo)

    dbapi.set_progress_handler(over_budget, every)  # type: ignore[union-attr]
    try:
        return read()
    except OperationalError:
        if spent:
            return None
        raise
    finally:
        dbapi.set_progress_handler(None, every)  # type: ignore[union-attr]


def plan_query(
    session: Session,
    query: LensQuery,
    whole: bool = False,
    scan: QueryPlan | None = None,
    limits: PlannerLimits = LIMITS,
) -> QueryPlan:
    """How SQLite should read ``query``: decided per query from cheap estimates.

    ``whole``: the whole result is read (a count, all ids), not one page in sort order.
    ``scan``: ``scan_plan``'s answer when the caller already has it. Another database plans by
    itself (PostgreSQL has statistics and a trigram index; a whole result, or a page searching a
    rare 2-character word, also uses its index of pairs: ``_rare_pair``).
    ``limits``: the tuning numbers.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return POSTGRESQL_WHOLE_PLAN if whole or _rare_pair(session, query, limits) else DEFAULT_PLAN
    if dialect != "sqlite" or query.is_empty:
        return DEFAULT_PLAN
    match, estimate = search_match(session, query.terms, limits)
    if match is not None and (whole or estimate <= limits.fts_sort_limit):
        # Few matches (or all of them wanted): read them through the trigram index, then sort.
        return QueryPlan(fts_match=match)
    if scan is None:
        scan = scan_plan(session, query, limits)
    if match is not None and estimate <= limits.fts_scan_limit:
        return replace(scan, fts_match=match, fts_in_sort_order=True)
    return scan


def _rare_pair(session: Session, query: LensQuery, limits: PlannerLimits) -> bool:
    """PostgreSQL, a page searching 2-character words (none longer): does one of them occur in
    so few lenses (``limits.pair_page_rows``, by the planner's estimate) that finding them through
    the index of pairs and sorting them beats reading the name order until a page is full?

    A rare pair (``zq``) otherwise reads every lens in name order (44 ms at 100,000 lenses,
    0.4 ms through the index); a common one (``ai``) fills a page within a few hundred lenses,
    and through the index would sort thousands (18 ms). pg_trgm serves longer words itself.
    """
    terms = query.terms
    pairs = [term for term in terms if len(term) == 2]
    if not pairs or any(len(term) > 2 for term in terms):
        return False
    return min(pair_rows(session, pair) for pair in pairs) <= limits.pair_page_rows


def pair_rows(session: Session, pair: str) -> float:
    """The planner's estimate of the lenses whose search text holds ``pair`` (its statistics
    of the index of pairs: no lens is read)."""
    stmt = select(literal(1)).select_from(Verre).where(has_pair(pair))
    connection = session.connection()
    compiled = stmt.compile(dialect=connection.dialect)
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


def scan_plan(session: Session, query: LensQuery, limits: PlannerLimits = LIMITS) -> QueryPlan:
    """Reading the sort order and testing every filter row by row (no trigram index)."""
    no_filter_index = False
    if query.has_reference_filters and (query.sort != "nom" or _several_values(query)):
        # The filter indexes give the name order for one value each; otherwise SQLite would sort
        # every filtered row: when they are many, reading the sort index in order is faster.
        no_filter_index = _filtered_rows(session, query, limits.broad_filter_rows) > limits.broad_filter_rows
    return QueryPlan(no_filter_index=no_filter_index)


def sqlite_sorts(query: LensQuery, plan: QueryPlan) -> bool:
    """Whether SQLite sorts a page's rows itself under ``plan`` instead of reading them in an
    index's order: the trigram index's matches read by id, or a filter's index (several values,
    or another sort than the name's, and not ``no_filter_index``)."""
    if plan.fts_match is not None and not plan.fts_in_sort_order:
        return True
    return (
        query.has_reference_filters
        and not plan.no_filter_index
        and (query.sort != "nom" or _several_values(query))
    )


def _several_values(query: LensQuery) -> bool:
    return any(
        len(values) > 1
        for values in (
            query.supplier_ids, query.range_ids, query.series_ids, query.material_ids, query.indices
        )
    )


def _filtered_rows(session: Session, query: LensQuery, broad: int) -> int:
    """Rows kept by the filters other than the search, counted up to ``broad + 1``."""
    kept = select(literal(1)).select_from(Verre).where(*filter_clauses(replace(query, text="")))
    capped = kept.limit(broad + 1).subquery()
    return int(session.execute(select(func.count()).select_from(capped)).scalar_one())


def _pair_group(connection: Any, term: str) -> tuple[int, str]:
    """Two characters: any trigram starting with them (their documents summed: an upper bound)."""
    found = list(pair_trigrams(connection, term))
    count = sum(documents for _, documents in found)
    return count, "(" + " OR ".join(fts_string(gram) for gram, _ in found) + ")"


def _word_group(connection: Any, term: str, most: int) -> tuple[int, str]:
    """Three characters or more: all its trigrams (the rarest one's documents: an upper bound)."""
    wanted = trigrams(term)[:most]
    counts = [trigram_documents(connection, gram) for gram in wanted]
    return min(counts, default=0), " AND ".join(fts_string(gram) for gram in wanted)


def search_match(
    session: Session, terms: Sequence[str], limits: PlannerLimits = LIMITS
) -> tuple[str | None, int]:
    """(FTS5 expression naming every lens that can match, an upper bound of its rows).

    The expression serves the word with the fewest matches (by the index's own counts).
    A word of 3+ characters needs all its trigrams; a 2-character word needs one of the trigrams
    that start with it (the index holds ``recherche`` plus a separator, so every pair of
    characters starts a trigram). 1-character words are left to the LIKE. ``(None, 0)``: no word
    the index can serve; ``("", 0)``: a word no lens contains.
    """
    connection = session.connection()
    groups: list[tuple[int, str]] = []
    for term in terms:
        if len(term) < 2:
            continue
        if len(term) == 2:
            count, group = _pair_group(connection, term)
        else:
            count, group = _word_group(connection, term, limits.max_trigrams)
        if count == 0:
            return "", 0
        groups.append((count, group))
    if not groups:
        return None, 0
    # Only the rarest word's trigrams: fewer ids to gather, and the LIKE checks every word.
    estimate, group = min(groups)
    return group, estimate


# ---------------------------------------------------------------- the trigram index


def pair_trigrams(connection: Any, term: str) -> Iterator[tuple[str, int]]:
    """SQLite: the trigrams starting with the two characters ``term``, each with its number of
    lenses, read one by one from the driver's cursor (a caller may stop early)."""
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(
            f"SELECT term, doc FROM {FTS_VOCAB} WHERE term >= ? AND term <= ?", (term, term + "\U0010ffff")
        )
        for gram, documents in cursor:
            yield str(gram), int(documents)
    finally:
        cursor.close()


def trigram_documents(connection: Any, gram: str) -> int:
    """SQLite: how many lenses hold the trigram ``gram`` (the index's own count)."""
    found = connection.exec_driver_sql(
        f"SELECT doc FROM {FTS_VOCAB} WHERE term = ?", (gram,)
    ).scalar_one_or_none()
    return int(found or 0)
