"""The ranked search: what the box's words find, in the order an optician judges them.

The box is read once (:func:`data.identify.parse`, against :func:`vocabulary`); the typed index,
fitting height and maker, range, series and material names narrow in SQL, together with the
filters ticked in the lists (``LensQuery``). Each text word then gathers a small candidate set:

- **code keys** (``verres_codes``, :mod:`data.catalogue.code_keys`): lenses with a key whose
  skeleton starts with the typed skeleton (a range of the primary key, which holds the exact
  code and its misreadings too), or is one of its one-edit neighbours (an IN list), joined to
  the lens for the filters; consecutive words are also looked up joined (``spu 50``);
- **names**: the folded search column (name, variant, code) through the catalogue's planner,
  and the lenses of the ranges, series, makers and materials whose names hold the word, in name
  order;

each capped at ``limit``. A lens must account for every word (or a joined run of them): the
sets are intersected before the lenses' fields are read in one query, and
:func:`data.identify.rank` orders them with a reason. Nothing here reads every lens.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from data.catalogue.code_keys import SKELETON_MAX, code_candidates, one_of, stored_skeleton
from data.catalogue.planner import plan_query
from data.database import Database
from data.identify import (
    Candidate,
    IndexTerm,
    Kind,
    ParsedQuery,
    TextTerm,
    Vocabulary,
    compact,
    faded_neighbours,
    neighbours,
    rank,
)
from data.identify.ranking import NEAR_INDEX, narrows
from data.identify.words import format_index
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


@dataclass(frozen=True)
class RankedResult:
    """The ranked lenses: ``ids`` best first, ``reasons`` the French reason of each (« code
    exact »), ``cut`` True when a candidate set reached the limit (a lens may be missing)."""

    ids: tuple[int, ...]
    reasons: Mapping[int, str] = field(default_factory=dict)
    cut: bool = False

    def __len__(self) -> int:
        return len(self.ids)


def vocabulary(db: Database) -> Vocabulary:
    """The reference names the box knows (makers, ranges, series, materials), by name.

    Read once per database and kept while a cheap marker (each reference table's row count,
    highest id and total name length: one statement) stays the same, and at most
    :data:`VOCABULARY_TTL_S` seconds (a rename keeping the name's length, on another PC)."""
    with db.transaction() as session:
        marker = tuple(session.execute(_VOCABULARY_MARKER).one())
        key = (id(db.engine), db.engine.url.render_as_string(hide_password=True))
        known = _VOCABULARIES.get(key)
        now = time.monotonic()
        if known is not None and known[0] == marker and now - known[1] < VOCABULARY_TTL_S:
            return known[2]
        found = _vocabulary(session)
    with _VOCABULARY_LOCK:
        _VOCABULARIES[key] = (marker, now, found)
    return found


#: Longest a vocabulary is kept without reading the names again.
VOCABULARY_TTL_S = 30.0
_VOCABULARIES: dict[tuple[int, str], tuple[tuple[Any, ...], float, Vocabulary]] = {}
_VOCABULARY_LOCK = threading.Lock()
_VOCABULARY_MARKER = select(*(
    select(aggregate).select_from(model).scalar_subquery()
    for model in _REFERENCE_MODEL.values()
    for aggregate in (func.count(), func.max(model.id), func.sum(func.length(model.nom)))
))


def _vocabulary(session: Session) -> Vocabulary:
    def entries(model: Any) -> tuple[tuple[int, str], ...]:
        found = session.execute(select(model.id, model.nom).order_by(model.nom_normalise, model.id))
        return tuple((int(i), str(n)) for i, n in found)

    from data.catalogue.symbols import shapes  # the shapes typed by name, an admin's included

    return Vocabulary(
        entries(Fournisseur), entries(Gamme), entries(Serie), entries(Materiau), shapes(session)
    )


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


def _filters(query: LensQuery, parsed: ParsedQuery) -> list[ColumnElement[bool]]:
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
class _Found:
    """One fragment's candidate ids, and whether its lookup was cut at the limit."""

    ids: set[int]
    cut: bool


def _code_found(
    session: Session,
    code: str,
    filters: Sequence[ColumnElement[bool]],
    limit: int,
    narrowed: bool = False,
) -> _Found:
    typed = stored_skeleton(code)
    exact: frozenset[str] = frozenset()
    if len(code) >= MIN_EDIT and len(typed) < SKELETON_MAX:
        exact = neighbours(typed)
    elif narrowed and len(code) < MIN_EDIT:
        exact = faded_neighbours(typed)
    if len(code) < MIN_EDIT:
        limit = min(limit, SHORT_LIMIT)
    ids, cut = code_candidates(session, exact, [typed], filters, limit)
    return _Found(set(ids), cut)


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
) -> _Found:
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


def _ordered_ids(session: Session, stmt: Any, limit: int) -> _Found:
    found = session.execute(stmt.order_by(Verre.tri_nom, Verre.id).limit(limit + 1)).scalars().all()
    return _Found({int(i) for i in found[:limit]}, len(found) > limit)


def _runs(parsed: ParsedQuery) -> list[list[TextTerm]]:
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


def _meet(sets: Sequence[_Found]) -> _Found:
    """Lenses in every set. A cut set may miss lenses the others hold: it then narrows only
    when every set is cut (the result is then cut too)."""
    whole = [s for s in sets if not s.cut]
    if not whole:
        return _Found(set.intersection(*(s.ids for s in sets)), True)
    return _Found(set.intersection(*(s.ids for s in whole)), False)


def _join(sets: Iterable[_Found]) -> _Found:
    found = _Found(set(), False)
    for one in sets:
        found.ids |= one.ids
        found.cut = found.cut or one.cut
    return found


def _compositions(size: int) -> Iterable[list[tuple[int, int]]]:
    """Every way of cutting ``size`` consecutive words into segments."""
    for cuts in itertools.product((True, False), repeat=size - 1):
        bounds = [0, *(i + 1 for i, cut in enumerate(cuts) if cut), size]
        yield list(itertools.pairwise(bounds))


def _run_found(
    session: Session,
    query: LensQuery,
    run: list[TextTerm],
    filters: Sequence[ColumnElement[bool]],
    limit: int,
    narrowed: bool = False,
) -> _Found:
    """Lenses that may account for every word of the run, one by one or joined."""
    segments: dict[tuple[int, int], _Found] = {}
    for i, word in enumerate(run):
        code = _code_found(session, word.code, filters, limit, narrowed)
        if code.ids and _code_like(word):
            segments[(i, i + 1)] = code  # its name matches would rank after all of these
        else:
            segments[(i, i + 1)] = _join((code, _name_found(session, query, word, filters, limit)))
    if len(run) > MAX_JOINED_RUN:
        return _meet(list(segments.values()))
    for start, end in itertools.combinations(range(len(run) + 1), 2):
        if end - start > 1:
            joined = "".join(w.code for w in run[start:end])
            segments[(start, end)] = _code_found(session, joined, filters, limit, narrowed)
    return _join(
        _meet([segments[s] for s in composition]) for composition in _compositions(len(run))
    )


def _narrowed(query: LensQuery, parsed: ParsedQuery) -> bool:
    """Whether an index or a maker, typed or ticked, narrows the search (one or two legible
    characters then also find codes with one faded character more)."""
    return narrows(parsed) or bool(query.indices or query.supplier_ids)


def _candidate_ids(
    session: Session, query: LensQuery, parsed: ParsedQuery, limit: int
) -> _Found:
    filters = _filters(query, parsed)
    narrowed = _narrowed(query, parsed)
    return _meet([
        _run_found(session, query, run, filters, limit, narrowed) for run in _runs(parsed)
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


def _candidates(session: Session, ids: Iterable[int]) -> list[Candidate]:
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
        for row in session.execute(stmt):
            found.append(Candidate(
                id=int(row[0]), engraving=row[1], name=row[2], variant=row[3], range=row[4],
                series=row[5], supplier_id=int(row[6]), supplier=row[7], material=row[8],
                index=float(row[9]) if row[9] is not None else None,
            ))
    return found


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
    found = _candidate_ids(session, query, parsed, limit)
    ranked = rank(parsed, _candidates(session, found.ids), _narrowed(query, parsed))
    return RankedResult(
        tuple(r.id for r in ranked), {r.id: r.reason for r in ranked}, found.cut
    )


# ---------------------------------------------------------------- signs (shapes picked)

#: Lenses read for a sign picked without text: those having the most picked shapes first (as
#: many as a word's candidates: ranking them stays a few milliseconds).
SYMBOL_LIMIT = RANKED_LIMIT


def picked_symbols(query: LensQuery, parsed: ParsedQuery) -> tuple[str, ...]:
    """The shapes asked for: picked in the palette, then typed by name, without repeats."""
    return tuple(dict.fromkeys((*query.symbols, *parsed.symbols)))


def symbol_ranked(
    session: Session, query: LensQuery, parsed: ParsedQuery, picked: Sequence[str], limit: int
) -> RankedResult:
    """The lenses of a sign: those with at least one picked shape, every picked shape present
    first, then a look-alike (:mod:`data.identify.signs`) in place of one, then one missing,
    then two...; within each, the ranked search's rules for the text words (the sign's letters
    and digits are its code: ``e5``), the typed index and maker. When no lens has any picked
    shape (with the text), the lenses with a look-alike of one are the answer.

    Lenses sharing one sign (the same shapes and code), supplier and index cannot be told apart
    by their engraving: they are one answer, the best ranked first and the others right after
    it (their reason says « même signe »). Reasons: « symboles : œil, « e » avec soleil »,
    « 1 symbole ressemblant », « 1 symbole manquant », then the text's reason (« code exact »).

    With text words, their candidates (as the ranked search finds them, narrowed to lenses with
    a picked shape) are ranked; with shapes only, the lenses having the most picked shapes are
    read through the index on ``verres_symboles`` (at most :data:`SYMBOL_LIMIT`)."""
    from data.catalogue.symbols import labels_of, lens_symbols, shapes
    from data.identify.signs import look_alikes, with_look_alikes

    ids, cut = _sign_candidates(session, query, parsed, tuple(picked), limit)
    if not ids:  # nothing with a picked shape: perhaps a look-alike was picked instead
        ids, cut = _sign_candidates(session, query, parsed, with_look_alikes(list(picked)), limit)
    if not ids:
        return RankedResult(())
    signs = lens_symbols(session, sorted(ids))
    candidates = {c.id: c for c in _candidates(session, ids)}
    wanted = set(picked)
    known = shapes(session)
    judged = []
    for order, (lens_id, reason) in enumerate(rank(parsed, candidates.values())):
        held = signs.get(lens_id, ())
        present = [key for key in held if key in wanted]
        near = [key for key in wanted if key not in held and look_alikes(key) & set(held)]
        if not present and not near:
            continue
        missing = len(wanted) - len(present) - len(near)
        words = [f"symboles : {', '.join(_lower_first(x) for x in labels_of(present, known))}"] if present else []
        if near:
            words.append(f"{len(near)} symbole{'s' if len(near) > 1 else ''} ressemblant{'s' if len(near) > 1 else ''}")
        if missing:
            words.append(f"{missing} symbole{'s' if missing > 1 else ''} manquant{'s' if missing > 1 else ''}")
        if reason:
            words.append(reason)
        judged.append((missing, len(near), order, lens_id, " ; ".join(words)))
    judged.sort()
    grouped = _grouped(
        [(lens_id, reason) for *_, lens_id, reason in judged], candidates, signs
    )
    return RankedResult(tuple(i for i, _ in grouped), dict(grouped), cut)


def _sign_candidates(
    session: Session, query: LensQuery, parsed: ParsedQuery, keys: tuple[str, ...], limit: int
) -> tuple[set[int], bool]:
    """The lenses with at least one of the shapes ``keys`` that the text's words find (or, with
    no text, :func:`_symbol_holders`), and whether a set was cut."""
    from data.catalogue.symbols import symbol_ids

    shape_ids = symbol_ids(session, list(keys))
    if not shape_ids:
        return set(), False
    unpicked = replace(query, symbols=())
    if parsed.texts:
        # Each candidate the words find is checked through the primary key of verres_symboles
        # (a frequent shape's lenses are never all read, as ``LensQuery.symbols`` would).
        from sqlalchemy import exists

        from data.models import VerreSymbole

        holds = exists().where(VerreSymbole.verre_id == Verre.id, VerreSymbole.symbole_id.in_(shape_ids))
        filters = [*_filters(unpicked, parsed), holds]
        found = _meet([_run_found(session, unpicked, run, filters, limit) for run in _runs(parsed)])
        return found.ids, found.cut
    return _symbol_holders(session, unpicked, parsed, shape_ids)


def _symbol_holders(
    session: Session, query: LensQuery, parsed: ParsedQuery, shape_ids: Sequence[int]
) -> tuple[set[int], bool]:
    """Lenses with the most of the shapes (the filters applied), at most :data:`SYMBOL_LIMIT`
    (then cut): those with every shape first, then every shape but one, and so on. Each set of
    shapes is read from its rarest shape, in the order of the index ``(symbole_id, verre_id)``
    and capped there (a frequent shape such as the horizontal bar never reads all its lenses),
    each other shape checked through the primary key ``(verre_id, symbole_id)``."""
    from sqlalchemy import exists
    from sqlalchemy.orm import aliased

    from data.models import VerreSymbole

    filters = _filters(query, parsed)
    rarest = sorted(dict.fromkeys(shape_ids), key=lambda i: (_shape_size(session, i), i))
    found: dict[int, None] = {}
    cut = False
    for size in range(len(rarest), 0, -1):
        for subset in itertools.combinations(rarest, size):  # each subset rarest first
            if len(found) > SYMBOL_LIMIT:
                break
            driver, *others = subset
            vs = aliased(VerreSymbole)
            stmt = select(vs.verre_id).where(vs.symbole_id == driver)
            for other in others:
                held = aliased(VerreSymbole)
                stmt = stmt.where(exists().where(held.verre_id == vs.verre_id, held.symbole_id == other))
            if filters:
                stmt = stmt.join(Verre, Verre.id == vs.verre_id).where(*filters)
            wanted = SYMBOL_LIMIT + 1 - len(found)
            rows = session.execute(stmt.order_by(vs.verre_id).limit(wanted + len(found))).scalars().all()
            new = [int(r) for r in rows if int(r) not in found][:wanted]
            cut = cut or len(rows) == wanted + len(found)
            found.update(dict.fromkeys(new))
    ids = list(found)
    return set(ids[:SYMBOL_LIMIT]), cut or len(ids) > SYMBOL_LIMIT


#: A shape's lenses are counted up to this many (to read a set of shapes from its rarest).
_SIZE_CAP = 5_000


def _shape_size(session: Session, shape_id: int) -> int:
    """How many lenses have the shape, counted up to :data:`_SIZE_CAP` (a bounded range of the
    index ``(symbole_id, verre_id)``)."""
    from data.models import VerreSymbole

    capped = (
        select(VerreSymbole.verre_id).where(VerreSymbole.symbole_id == shape_id).limit(_SIZE_CAP).subquery()
    )
    return int(session.execute(select(func.count()).select_from(capped)).scalar_one())


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:]


def _grouped(
    ranked: Sequence[tuple[int, str]],
    candidates: Mapping[int, Candidate],
    signs: Mapping[int, tuple[str, ...]],
) -> list[tuple[int, str]]:
    """Lenses sharing sign (shapes and code), supplier and index moved right after the best
    ranked of them, each with « même signe » in its reason."""
    def sign(lens_id: int) -> tuple[object, ...]:
        c = candidates[lens_id]
        index = None if c.index is None else round(c.index, 3)
        return (signs.get(lens_id, ()), compact(c.engraving or ""), c.supplier_id, index)

    members: dict[tuple[object, ...], list[tuple[int, str]]] = {}
    for lens_id, reason in ranked:
        members.setdefault(sign(lens_id), []).append((lens_id, reason))
    out: list[tuple[int, str]] = []
    for group in members.values():  # in the order of each group's best lens
        first, *others = group
        out.append(first)
        out.extend((lens_id, f"{reason} ; même signe") for lens_id, reason in others)
    return out


# ---------------------------------------------------------------- nothing found


def lens_count_text(count: int) -> str:
    """``0 verre``, ``1 verre``, ``12 345 verres`` (grouped by thousands, as the status bar)."""
    shown = f"{count:,}".replace(",", "\u202f")
    return f"{shown} verre" if count < 2 else f"{shown} verres"


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
                offers.append(f"sans l'indice : {lens_count_text(count)}")
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
                offers.append(f"sans le fabricant : {lens_count_text(count)}")
    return offers


def _without(parsed: ParsedQuery, kind: type) -> ParsedQuery:
    return ParsedQuery(parsed.text, tuple(t for t in parsed.terms if not isinstance(t, kind)))


def _count_without(session: Session, query: LensQuery, parsed: ParsedQuery) -> int:
    if not parsed.texts:
        stmt = select(func.count()).select_from(Verre)
        clauses = _filters(query, parsed)
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
        candidates = {c.id: c for c in _candidates(session, ids)}
        for candidate in rank(ParsedQuery(word.text, (word,)), candidates.values()):
            found = candidates[candidate.id]
            engraving = found.engraving
            if engraving and compact(engraving) != word.code and (engraving in codes or len(codes) < most):
                codes.setdefault(engraving, set())
                if found.index is not None:
                    codes[engraving].add(round(found.index, 2))
    return codes
