"""The ranked search's candidates: the lenses each typed word may stand for, gathered through small
indexed lookups and intersected, then read with the fields ranking needs.

The typed index, fitting height and maker, range, series and material names narrow in SQL
(:func:`browse_query`, :func:`filters`), together with the filters ticked in the lists. Each text
word then gathers a small candidate set — code keys (``verres_codes``: the typed skeleton's
range, its one-edit neighbours), and names (the folded search column through the catalogue's
planner, and the lenses of references whose names hold the word) — each capped at ``limit``.
Consecutive words are also looked up joined (``spu 50``). Nothing here reads every lens.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from data.catalogue.code_keys import SKELETON_MAX, code_candidates, one_of, stored_skeleton
from data.catalogue.planner import plan_query
from data.identify import Candidate, Kind, ParsedQuery, TextTerm, faded_neighbours, neighbours
from data.identify.ranking import NEAR_INDEX, narrows
from data.models import Fournisseur, Gamme, Materiau, Serie, Verre
from data.query import LensQuery, QueryPlan, filter_clauses

#: Neighbours (faded, extra, swapped characters) need this many typed characters, as in
#: :func:`data.identify.match_code`; fewer find the codes with one more (faded) character
#: when an index or a maker narrows the search.
MIN_EDIT = 3
#: Runs of consecutive text words longer than this are not looked up joined.
MAX_JOINED_RUN = 4
#: Candidates of a 1- or 2-character code word, and of a word's name matches (ranked after
#: every code match): the nearest ones only, so that ranking stays a few milliseconds.
SHORT_LIMIT = 300
#: Candidates when the box holds one 1- or 2-character word and nothing narrows it (no index,
#: no maker): the first keystrokes of a code. Thousands of lenses start so; the list shows the
#: nearest hundred and says it was cut (« précisez »), as the palette does for shapes alone.
FRAGMENT_LIMIT = 100
_CHUNK = 500
#: Candidates per word by default: a ranked page shows the best hundred; their keys are read
#: best first (the typed code, its misreadings and the codes starting with it, then the one-edit
#: neighbours), and ranking 2,000 candidates took 50 ms at a million lenses.
RANKED_LIMIT = 300
#: Words this short are read as codes first (see ``_code_like``).
SHORT_CODE = 3
UNINDEXED = QueryPlan(no_filter_index=True)
_INDEX_EPSILON = 1e-9

_REFERENCE_COLUMN = {
    Kind.SUPPLIER: Verre.fournisseur_id,
    Kind.RANGE: Verre.gamme_id,
    Kind.SERIES: Verre.serie_id,
    Kind.MATERIAL: Verre.materiau_id,
}
_REFERENCE_MODEL: dict[Kind, Any] = {
    Kind.SUPPLIER: Fournisseur,
    Kind.RANGE: Gamme,
    Kind.SERIES: Serie,
    Kind.MATERIAL: Materiau,
}



# ---------------------------------------------------------------- filters


_QUERY_FIELD = {
    Kind.SUPPLIER: "supplier_ids",
    Kind.RANGE: "range_ids",
    Kind.SERIES: "series_ids",
    Kind.MATERIAL: "material_ids",
}


def browse_query(query: LensQuery, parsed: ParsedQuery) -> LensQuery:
    """The lists' filters with the box's words that are filters: a typed index (exact), a
    fitting height, maker, range, series and material names (each replacing what the list of
    its kind says: the chips and the lists agree), without the text. For the sorted list shown
    when the box holds no text word (``essilor``, ``1,67``), and under a ranked search."""
    changes: dict[str, Any] = {"text": ""}
    if parsed.indices:
        changes["indices"] = parsed.indices
    if parsed.height is not None:
        changes["fitting_height"] = parsed.height
    for kind, name in _QUERY_FIELD.items():
        typed = [i for t in parsed.references if t.kind is kind for i in t.ids]
        if typed:
            changes[name] = tuple(dict.fromkeys(typed))
    return replace(query, **changes)


def search_filters(query: LensQuery, parsed: ParsedQuery) -> list[ColumnElement[bool]]:
    """The lists' filters and the box's words as clauses over ``verres``: as
    :func:`browse_query`, but a typed index keeps the indices within 0.02 of it too (ranking
    puts the exact ones first)."""
    narrowed = replace(browse_query(query, parsed), indices=() if parsed.indices else query.indices)
    # "+ 0" on the filtered columns: the lenses are reached from their keys (or the name
    # order), by id, never through a filter index that would read every lens of a maker.
    clauses = filter_clauses(narrowed, UNINDEXED)
    if parsed.indices:
        clauses.append(or_(*(
            (Verre.indice + 0).between(v - NEAR_INDEX - _INDEX_EPSILON, v + NEAR_INDEX + _INDEX_EPSILON)
            for v in parsed.indices
        )))
    return clauses


# ---------------------------------------------------------------- candidates


@dataclass
class Found:
    """One fragment's candidate ids, and whether its lookup was cut at the limit."""

    ids: set[int]
    cut: bool


def _code_found(
    session: Session,
    code: str,
    filters: Sequence[ColumnElement[bool]],
    limit: int,
    narrowed: bool = False,
) -> Found:
    typed = stored_skeleton(code)
    exact: frozenset[str] = frozenset()
    if len(code) >= MIN_EDIT and len(typed) < SKELETON_MAX:
        exact = neighbours(typed)
    elif narrowed and len(code) < MIN_EDIT:
        exact = faded_neighbours(typed)
    if len(code) < MIN_EDIT:
        limit = min(limit, SHORT_LIMIT)
    ids, cut = code_candidates(session, exact, [typed], filters, limit)
    return Found(set(ids), cut)


def _code_like(word: TextTerm) -> bool:
    """A word an optician types for a code rather than a name: with a digit (``spu50``,
    ``e3s``), or of at most :data:`SHORT_CODE` characters (``ai``, ``hde``). When its code
    lookup finds lenses, its name search is skipped: name matches rank after every code match
    (a name holding ``spu50`` is that code's lens anyway)."""
    return any(ch.isdigit() for ch in word.code) or len(word.code) <= SHORT_CODE


def _name_references(session: Session, folded: str) -> dict[Kind, list[int]]:
    """Reference ids whose folded name holds the word: anywhere from 3 characters, at the start
    of one of its words for 1 or 2 (as :func:`data.identify.rank` judges name matches)."""
    found: dict[Kind, list[int]] = {}
    for kind, model in _REFERENCE_MODEL.items():
        column = model.nom_normalise
        if len(folded) >= 3:
            condition = column.contains(folded, autoescape=True)
        else:
            condition = or_(
                column.startswith(folded, autoescape=True),
                column.contains(" " + folded, autoescape=True),
            )
        ids = [int(i) for i in session.execute(select(model.id).where(condition)).scalars()]
        if ids:
            found[kind] = ids
    return found


def _name_found(
    session: Session,
    query: LensQuery,
    word: TextTerm,
    filters: Sequence[ColumnElement[bool]],
    limit: int,
) -> Found:
    """Lenses whose name, variant or code (the search column, through the catalogue's planner)
    or range, series, maker or material name holds the word, in name order, capped."""
    limit = min(limit, SHORT_LIMIT)
    searched = LensQuery(text=word.folded)
    plan = plan_query(session, replace(query, text=word.folded))
    stmt = select(Verre.id).where(*filters, *filter_clauses(searched, plan))
    found = _ordered_ids(session, stmt, limit)
    if found.ids or found.cut or not word.folded.isalpha():
        return found
    # Nothing by name, variant or code: the lenses of the ranges, series, makers and materials
    # whose names hold the word (ranked after every other match).
    references = _name_references(session, word.folded)
    if not references:
        return found
    return _ordered_ids(session, select(Verre.id).where(
        *filters, or_(*(_REFERENCE_COLUMN[k].in_(v) for k, v in references.items()))
    ), limit)


def _ordered_ids(session: Session, stmt: Any, limit: int) -> Found:
    found = session.execute(stmt.order_by(Verre.tri_nom, Verre.id).limit(limit + 1)).scalars().all()
    return Found({int(i) for i in found[:limit]}, len(found) > limit)


def runs(parsed: ParsedQuery) -> list[list[TextTerm]]:
    """Consecutive text words (as ranking reads them: a run may be one code typed in pieces)."""
    runs: list[list[TextTerm]] = []
    previous_text = False
    for term in parsed.terms:
        if isinstance(term, TextTerm):
            if not previous_text:
                runs.append([])
            runs[-1].append(term)
        previous_text = isinstance(term, TextTerm)
    return runs


def meet(sets: Sequence[Found]) -> Found:
    """Lenses in every set. A cut set may miss lenses the others hold: it then narrows only
    when every set is cut (the result is then cut too)."""
    whole = [s for s in sets if not s.cut]
    if not whole:
        return Found(set.intersection(*(s.ids for s in sets)), True)
    return Found(set.intersection(*(s.ids for s in whole)), False)


def join(sets: Iterable[Found]) -> Found:
    found = Found(set(), False)
    for one in sets:
        found.ids |= one.ids
        found.cut = found.cut or one.cut
    return found


def _compositions(size: int) -> Iterable[list[tuple[int, int]]]:
    """Every way of cutting ``size`` consecutive words into segments."""
    for cuts in itertools.product((True, False), repeat=size - 1):
        bounds = [0, *(i + 1 for i, cut in enumerate(cuts) if cut), size]
        yield list(itertools.pairwise(bounds))


def run_found(
    session: Session,
    query: LensQuery,
    run: list[TextTerm],
    filters: Sequence[ColumnElement[bool]],
    limit: int,
    narrowed: bool = False,
) -> Found:
    """Lenses that may account for every word of the run, one by one or joined."""
    segments: dict[tuple[int, int], Found] = {}
    for i, word in enumerate(run):
        code = _code_found(session, word.code, filters, limit, narrowed)
        if code.ids and _code_like(word):
            segments[(i, i + 1)] = code  # its name matches would rank after all of these
        else:
            segments[(i, i + 1)] = join((code, _name_found(session, query, word, filters, limit)))
    if len(run) > MAX_JOINED_RUN:
        return meet(list(segments.values()))
    for start, end in itertools.combinations(range(len(run) + 1), 2):
        if end - start > 1:
            joined = "".join(w.code for w in run[start:end])
            segments[(start, end)] = _code_found(session, joined, filters, limit, narrowed)
    return join(
        meet([segments[s] for s in composition]) for composition in _compositions(len(run))
    )


def is_narrowed(query: LensQuery, parsed: ParsedQuery) -> bool:
    """Whether an index or a maker, typed or ticked, narrows the search (one or two legible
    characters then also find codes with one faded character more)."""
    return narrows(parsed) or bool(query.indices or query.supplier_ids)


def candidate_ids(
    session: Session, query: LensQuery, parsed: ParsedQuery, limit: int
) -> Found:
    filters = search_filters(query, parsed)
    narrowed = is_narrowed(query, parsed)
    texts = parsed.texts
    if len(texts) == 1 and len(texts[0].code) < MIN_EDIT and not narrowed:
        limit = min(limit, FRAGMENT_LIMIT)
    return meet([
        run_found(session, query, run, filters, limit, narrowed) for run in runs(parsed)
    ])


_CANDIDATE_COLUMNS = (
    Verre.id,
    Verre.gravure_nasale,
    Verre.nom,
    Verre.variante,
    Gamme.nom,
    Serie.nom,
    Verre.fournisseur_id,
    Fournisseur.nom,
    Materiau.nom,
    Verre.indice,
)


def read_candidates(session: Session, ids: Iterable[int]) -> list[Candidate]:
    """The fields ranking needs, for ``ids`` (a few IN lists)."""
    wanted = sorted(ids)
    postgresql = session.get_bind().dialect.name == "postgresql"
    found: list[Candidate] = []
    for start in range(0, len(wanted), _CHUNK):
        stmt = (
            select(*_CANDIDATE_COLUMNS)
            .join(Fournisseur, Fournisseur.id == Verre.fournisseur_id)
            .outerjoin(Gamme, Gamme.id == Verre.gamme_id)
            .outerjoin(Serie, Serie.id == Verre.serie_id)
            .outerjoin(Materiau, Materiau.id == Verre.materiau_id)
            .where(one_of(Verre.id, wanted[start : start + _CHUNK], postgresql))
        )
        # Plain rows (a core statement, fetched at once): the ORM's row handling and a fetch
        # per row were a sixth of the time of 300 candidates (2.8 -> 2.35 ms).
        for row in session.connection().execute(stmt).all():
            found.append(Candidate(
                id=int(row[0]), engraving=row[1], name=row[2], variant=row[3], range=row[4],
                series=row[5], supplier_id=int(row[6]), supplier=row[7], material=row[8],
                index=float(row[9]) if row[9] is not None else None,
            ))
    return found
