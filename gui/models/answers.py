"""What the table shows for one query, computed off the UI thread: the box read once, then either
the ranked lenses or the sorted list.

- The box holds a text word (a code or name fragment): ``ranked_search`` gives the lenses best
  first with a reason each; the table shows them in that order and reads their rows by id, a page
  at a time. A header click sorts that ranked set by the column, in Python over its rows (a few
  thousand at most: the search keeps its best ``RANKED_LIMIT``); the Pertinence header brings the
  ranked order back. Re-ranking could not do it: a rank is not a column.
- Shapes are picked in the palette (with or without text): the lenses of a sign ranked as the
  ranked search ranks them (every picked shape first, then a look-alike, then one missing).
- The box holds only filters (an index, a height, a maker's name) or nothing, and no shape is
  picked: the usual sorted list runs in SQL, the typed words narrowing as the lists' filters do
  (``browse_query``).
- The box holds only punctuation (``%``): no word to read, so it is searched literally, as
  before, and finds what holds it.

Pure functions of the open ``Database``: no Qt here, they run in a pool thread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from data import catalogue
from data.catalogue import LensRow
from data.catalogue.candidates import RANKED_LIMIT, browse_query
from data.catalogue.ranked import ranked_search
from data.catalogue.values import RankedResult
from data.catalogue.vocabulary import vocabulary
from data.database import Database
from data.identify import ParsedQuery, Vocabulary, parse
from data.query import LensQuery
from data.text import fold


@dataclass(frozen=True)
class Answer:
    """One query's first page and how the rest is read.

    ``sql`` is the query the sorted pages and the count run (the box's filter words applied,
    its text taken out); ``ranked`` the ranked result when the box held a text word (best
    first); ``shown`` its ids in the order shown (the ranked order, or ``ranked_sort``'s
    column's); ``rows`` the first page; ``read`` every row already read (a sorted ranked set).
    """

    query: LensQuery
    sql: LensQuery
    rows: list[LensRow | None]
    ranked: RankedResult | None = None
    shown: tuple[int, ...] = ()
    ranked_sort: tuple[str, bool] | None = None
    parsed: ParsedQuery | None = None
    vocabulary: Vocabulary | None = None
    read: Mapping[int, LensRow] = field(default_factory=dict)


def first_answer(
    db: Database,
    query: LensQuery,
    size: int,
    known: Vocabulary | None = None,
    ranked_sort: tuple[str, bool] | None = None,
) -> Answer:
    """The first page of ``query`` as the table shows it (see the module's rules)."""
    if not query.text.strip() and not query.symbols:
        return Answer(query, query, list(catalogue.lens_page(db, query, 0, size)), vocabulary=known)
    words = known if known is not None else vocabulary(db)
    parsed = parse(query.text, words)
    if not parsed.terms and not query.symbols:
        return Answer(query, query, list(catalogue.lens_page(db, query, 0, size)), parsed=parsed, vocabulary=words)
    sql = browse_query(query, parsed)
    ranked = ranked_search(db, query, parsed, RANKED_LIMIT)
    if ranked is None:
        return Answer(query, sql, list(catalogue.lens_page(db, sql, 0, size)), parsed=parsed, vocabulary=words)
    if ranked_sort is None:
        return Answer(query, sql, rows_of(db, ranked.ids[:size]), ranked, ranked.ids, None, parsed, words)
    shown, read = resort(db, ranked, ranked_sort)
    rows: list[LensRow | None] = [read.get(i) for i in shown[:size]]
    return Answer(query, sql, rows, ranked, shown, ranked_sort, parsed, words, read)


def resort(db: Database, ranked: RankedResult, order: tuple[str, bool] | None
           ) -> tuple[tuple[int, ...], dict[int, LensRow]]:
    """The ranked lenses in a column's order (``order``), or in the ranked order (None), with
    every row read on the way."""
    rows = {row.id: row for row in catalogue.lens_rows(db, ranked.ids)}
    present = [rows[i] for i in ranked.ids if i in rows]
    ordered = present if order is None else sort_rows(present, *order)
    return tuple(row.id for row in ordered), rows


def rows_of(db: Database, ids: Sequence[int]) -> list[LensRow | None]:
    """The rows of ``ids`` in that order, None for a lens gone meanwhile."""
    found = {row.id: row for row in catalogue.lens_rows(db, ids)}
    return [found.get(i) for i in ids]


def _value(row: LensRow, key: str) -> str | float | None:
    value = getattr(row, key)
    if value is None or value == "":
        return None
    return fold(value) if isinstance(value, str) else value


def sort_rows(rows: Sequence[LensRow], key: str, descending: bool) -> list[LensRow]:
    """``rows`` by one column as SQL sorts the full list: folded text (case and accents
    ignored), then id; empty values last in both directions."""
    filled = [row for row in rows if _value(row, key) is not None]
    empty = [row for row in rows if _value(row, key) is None]
    filled.sort(key=lambda row: (_value(row, key), row.id), reverse=descending)
    empty.sort(key=lambda row: row.id, reverse=descending)
    return filled + empty
