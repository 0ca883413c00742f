"""The WHERE clauses of a lens query: reference filters, indices compared with ``=`` (stored
rounded to 3 decimals), the fitting height, shapes, and each search word as a ``LIKE`` on the
normalised search column, helped by the trigram indexes (SQLite ``verres_fts``, PostgreSQL's
index of pairs) when the plan says so."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    bindparam,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY

from data.models import Verre
from data.query.values import DEFAULT_PLAN, INDEX_DECIMALS, LensQuery, QueryPlan
from data.text import like_escape

LIKE_ESCAPE = "!"
FTS_TABLE = "verres_fts"
FTS_VOCAB = "verres_fts_vocab"


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



def fts_string(token: str) -> str:
    """A trigram as an FTS5 string (everything literal inside double quotes)."""
    return '"' + token.replace('"', '""') + '"'


def trigrams(term: str) -> list[str]:
    return sorted({term[i : i + 3] for i in range(len(term) - 2)})
