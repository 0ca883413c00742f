"""The ranked search: what the box's words find, in the order an optician judges them, and the
ways out of an empty result.

The box is read once (:func:`data.identify.parse`, against
:func:`data.catalogue.vocabulary.vocabulary`); the typed index,
fitting height and maker, range, series and material names narrow in SQL, together with the
filters ticked in the lists (``LensQuery``). Each text word then gathers a small candidate set:

- **code keys** (``verres_codes``, :mod:`data.catalogue.code_keys`): lenses with a key whose
  skeleton starts with the typed skeleton (a range of the primary key, which holds the exact
  code and its misreadings too), or is one of its one-edit neighbours (an IN list), joined to
  the lens for the filters; consecutive words are also looked up joined (``spu 50``);
- **names**: the folded search column (name, variant, code) through the catalogue's planner,
  and the lenses of the ranges, series, makers and materials whose names hold the word, in name
  order;

each capped at ``limit`` (:mod:`data.catalogue.candidates`). A lens must account for every word (or a joined run of them): the
sets are intersected before the lenses' fields are read in one query, and
:func:`data.identify.rank` orders them with a reason. Nothing here reads every lens.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from data import formatting
from data.catalogue.candidates import (
    MIN_EDIT,
    RANKED_LIMIT,
    candidate_ids,
    is_narrowed,
    read_candidates,
    search_filters,
)
from data.catalogue.code_keys import code_candidates, stored_skeleton
from data.catalogue.sign_ranking import picked_symbols, symbol_ranked
from data.catalogue.values import RankedResult
from data.database import Database
from data.identify import IndexTerm, Kind, ParsedQuery, compact, neighbours, rank
from data.identify.words import format_index
from data.models import Verre
from data.query import LensQuery


def ranked_search(
    db: Database, query: LensQuery, parsed: ParsedQuery, limit: int | None = None
) -> RankedResult | None:
    """The lenses the box's words find, best first, each with its reason; None when the box
    holds no text word and no shape is picked (only an index, a height or names: the caller
    shows the usual sorted list, narrowed by the same filters). Shapes picked in the palette
    (``query.symbols``) or typed by name rank the lenses of a sign (:func:`symbol_ranked`).

    ``query`` carries the filters ticked in the lists (its ``text`` is ignored: ``parsed`` is
    the box); ``limit`` caps each candidate set, :data:`RANKED_LIMIT` by default
    (``RankedResult.cut`` says when one was cut: a lens may be missing).
    """
    picked = picked_symbols(query, parsed)
    if picked:
        with db.transaction() as session:
            return symbol_ranked(session, query, parsed, picked, RANKED_LIMIT if limit is None else limit)
    if not parsed.texts:
        return None
    with db.transaction() as session:
        return _ranked(session, query, parsed, RANKED_LIMIT if limit is None else limit)


def _ranked(session: Session, query: LensQuery, parsed: ParsedQuery, limit: int) -> RankedResult:
    found = candidate_ids(session, query, parsed, limit)
    ranked = rank(parsed, read_candidates(session, found.ids), is_narrowed(query, parsed))
    return RankedResult(
        tuple(r.id for r in ranked), {r.id: r.reason for r in ranked}, found.cut
    )


# ---------------------------------------------------------------- nothing found


def near_misses(db: Database, query: LensQuery, parsed: ParsedQuery) -> list[str]:
    """French ways out of an empty result, nearest first: the same words without the index
    (« sans l'indice : 3 verres »), nearby codes of other lenses (« code proche : SPU50 »),
    without the maker (« sans le fabricant : 2 verres »). Each is one small ranked search or
    a few key lookups; a way that finds nothing is not offered."""
    offers: list[str] = []
    with db.transaction() as session:
        has_index = bool(parsed.indices or query.indices)
        if has_index:
            count = _count_without(session, replace(query, indices=()), _without(parsed, IndexTerm))
            if count:
                offers.append(f"sans l'indice : {formatting.lenses(count)}")
        wanted = {round(v, 2) for v in (*parsed.indices, *query.indices)}
        for code, indices in _near_codes(session, parsed).items():
            # A near code that exists only at other indices says so: its way out drops the index.
            other = sorted(indices) if wanted and not wanted & set(indices) else []
            where = f" (indice {' ou '.join(format_index(v) for v in other[:3])})" if other else ""
            offers.append(f"code proche : {code}{where}")
        makers = [t for t in parsed.references if t.kind is Kind.SUPPLIER]
        if makers or query.supplier_ids:
            lighter = ParsedQuery(parsed.text, tuple(t for t in parsed.terms if t not in makers))
            count = _count_without(session, replace(query, supplier_ids=()), lighter)
            if count:
                offers.append(f"sans le fabricant : {formatting.lenses(count)}")
    return offers


def _without(parsed: ParsedQuery, kind: type) -> ParsedQuery:
    return ParsedQuery(parsed.text, tuple(t for t in parsed.terms if not isinstance(t, kind)))


def _count_without(session: Session, query: LensQuery, parsed: ParsedQuery) -> int:
    if not parsed.texts:
        stmt = select(func.count()).select_from(Verre)
        clauses = search_filters(query, parsed)
        if clauses:
            stmt = stmt.where(and_(*clauses))
        return int(session.execute(stmt).scalar_one())
    return len(_ranked(session, query, parsed, 200))


def _near_codes(session: Session, parsed: ParsedQuery, most: int = 3) -> dict[str, set[float]]:
    """Engravings (as written) that a typed code word comes close to, whatever the filters:
    equal or one edit away once misreadings are folded, and not the typed code itself; each
    with the indices (2 decimals) of its lenses."""
    codes: dict[str, set[float]] = {}
    for word in parsed.texts:
        if len(word.code) < MIN_EDIT:
            continue
        typed = stored_skeleton(word.code)
        ids, _ = code_candidates(session, [typed, *neighbours(typed)], [], [], 50)
        candidates = {c.id: c for c in read_candidates(session, ids)}
        for candidate in rank(ParsedQuery(word.text, (word,)), candidates.values()):
            found = candidates[candidate.id]
            engraving = found.engraving
            if engraving and compact(engraving) != word.code and (engraving in codes or len(codes) < most):
                codes.setdefault(engraving, set())
                if found.index is not None:
                    codes[engraving].add(round(found.index, 2))
    return codes
