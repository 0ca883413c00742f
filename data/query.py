"""The lens query: what the browser asks for, turned into SQL that all three databases run alike.

Sort and filter run in SQL, never in Python over all rows. Text sorts use folded columns with a
binary collation, then ``id``; empty values sort last in both directions.

Speed at a million lenses (measured in ``make bench``) rests on three choices:

- **Empty last without a full sort.** A sort on a column that can be empty reads two parts, the
  filled rows (``col IS NOT NULL ORDER BY col, id``) then the empty ones (``col IS NULL ORDER BY
  id``): each part is one plain index ``(col, id)`` read in order, on every database, in both
  directions. ``SortParts`` gives the two statements; ``data.catalogue`` stitches the pages.
- **Filter indexes that keep the name order**: ``(fournisseur_id, tri_nom, id, recherche)``,
  ``(indice, tri_nom, id, recherche)``... and indices compared with ``=`` (values are stored
  rounded to 3 decimals).
- **A plan per query** (``QueryPlan``, SQLite only, computed by ``data.catalogue`` from cheap
  estimates): a search page first asks the trigram index ``verres_fts`` whether a word is rare
  (its lenses read up to ``RARE_WORD_ROWS``): then the page comes from that word's lenses at
  once. Otherwise it is read in sort order for a few milliseconds — the name-order indexes carry
  ``recherche``, so a common fragment fills a page without reading lens rows; only when that
  budget runs out are the trigram index's estimates and candidates used (the ``LIKE`` stays, so
  results are exactly those of a scan); broad filters read the sort index in
  order and stop after one page (``+ 0`` keeps SQLite off a filter index whose rows it would
  have to sort). PostgreSQL plans with its own statistics and a ``pg_trgm`` index; counts, all
  ids and pages of a rare one find 2-character words in its index of pairs (``has_pair``,
  revision 0005); a search page in name order finds its ids first, in the index alone
  (``data.catalogue._ids_first``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    bindparam,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from data.models import Fournisseur, Gamme, Materiau, Serie, Verre
from data.text import fold, like_escape

LIKE_ESCAPE = "!"
INDEX_DECIMALS = 3  # indices are stored rounded to 3 decimals (validation, import)
FTS_TABLE = "verres_fts"
FTS_VOCAB = "verres_fts_vocab"

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


def _unindexed(column: Any, plan: QueryPlan) -> Any:
    """``column + 0`` when the plan says so: same values, but SQLite will not pick its index."""
    return column + 0 if plan.no_filter_index else column


def index_values(indices: tuple[float, ...]) -> list[float]:
    """The wanted indices as stored (rounded to 3 decimals), without repeats."""
    return sorted({round(float(v), INDEX_DECIMALS) for v in indices})


def filter_clauses(query: LensQuery, plan: QueryPlan = DEFAULT_PLAN) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if query.supplier_ids:
        clauses.append(_unindexed(Verre.fournisseur_id, plan).in_(query.supplier_ids))
    if query.range_ids:
        clauses.append(_unindexed(Verre.gamme_id, plan).in_(query.range_ids))
    if query.series_ids:
        clauses.append(_unindexed(Verre.serie_id, plan).in_(query.series_ids))
    if query.material_ids:
        clauses.append(_unindexed(Verre.materiau_id, plan).in_(query.material_ids))
    if query.indices:
        # Equality: every write path stores indices rounded to 3 decimals (the integrity check
        # reports any that is not), and (indice, tri_nom, id) then serves the name order too.
        values = index_values(query.indices)
        indice = _unindexed(Verre.indice, plan)
        clauses.append(indice == values[0] if len(values) == 1 else indice.in_(values))
    if query.fitting_height is not None:
        height = _unindexed(Verre.hauteur_min, plan)
        clauses.append(or_(Verre.hauteur_min.is_(None), height <= query.fitting_height))
    if query.symbols:
        clauses.append(has_symbol(query.symbols))
    if plan.fts_match is not None:
        clauses.append(fts_candidates(plan.fts_match, plan.fts_in_sort_order))
    # PostgreSQL, whole results: a 2-character word is one of the text's pairs of characters,
    # found by their index (the trigram index serves any longer word better).
    pairs = plan.pair_index and not any(len(t) > 2 for t in query.terms)
    for term in query.terms:
        if pairs and len(term) == 2:
            clauses.append(has_pair(term))
            continue
        pattern = "%" + like_escape(term, LIKE_ESCAPE) + "%"
        clauses.append(Verre.recherche.like(pattern, escape=LIKE_ESCAPE))
    return clauses


def has_symbol(keys: tuple[str, ...]) -> ColumnElement[bool]:
    """Lenses whose sign has at least one of the shapes ``keys`` (through the index
    ``(symbole_id, verre_id)`` of ``verres_symboles``)."""
    from data.models import Symbole, VerreSymbole

    holders = (
        select(VerreSymbole.verre_id)
        .join(Symbole, Symbole.id == VerreSymbole.symbole_id)
        .where(Symbole.cle.in_(sorted(set(keys))))
    )
    return Verre.id.in_(holders)


def has_pair(pair: str) -> ColumnElement[bool]:
    """PostgreSQL: lenses whose search text holds ``pair`` (two characters), through the GIN
    index on ``recherche_paires(recherche)`` (revision 0005): exactly the lenses the LIKE keeps,
    without reading every lens. Not for pages: tested row by row (reading a sort index in order)
    the function costs 25 times a LIKE."""
    pairs = func.recherche_paires(Verre.recherche, type_=ARRAY(Text))
    return pairs.contains(bindparam("pair", [pair], type_=ARRAY(Text), unique=True))


def fts_candidates(match: str, in_sort_order: bool = False) -> ColumnElement[bool]:
    """Lenses the SQLite trigram index names for ``match`` (an empty match names none).

    ``in_sort_order``: ``id + 0`` so that SQLite tests ids against the (materialised) set while
    it reads the sort index, instead of reading the set's rows by id and sorting them.
    """
    if not match:
        return false()
    found: Select[Any] = select(literal_column("rowid")).select_from(text(FTS_TABLE)).where(
        text(f"{FTS_TABLE} MATCH :fts_match").bindparams(fts_match=match)
    )
    lens_id = Verre.id + 0 if in_sort_order else Verre.id
    return lens_id.in_(found)


# ---------------------------------------------------------------- sorting


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


# ---------------------------------------------------------------- search plan helpers


def fts_string(token: str) -> str:
    """A trigram as an FTS5 string (everything literal inside double quotes)."""
    return '"' + token.replace('"', '""') + '"'


def trigrams(term: str) -> list[str]:
    return sorted({term[i : i + 3] for i in range(len(term) - 2)})
