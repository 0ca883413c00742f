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

import difflib
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
from data.catalogue.code_keys import code_candidates, engraving_skeletons, stored_skeleton
from data.catalogue.sign_ranking import picked_symbols, symbol_ranked
from data.catalogue.values import RankedResult
from data.database import Database
from data.identify import IndexTerm, Kind, ParsedQuery, TextTerm, compact, neighbours, rank
from data.identify.codes import GREEK_NAMES
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
    (« sans l'indice : 3 verres »), nearby codes of other lenses (« code proche : SPU50 »; with
    none one edit away, the maker's codes that look most like the typed one), without the maker
    (« sans le fabricant : 2 verres »). Each is one small ranked search or a few key lookups; a
    way that finds nothing is not offered."""
    offers: list[str] = []
    with db.transaction() as session:
        has_index = bool(parsed.indices or query.indices)
        if has_index:
            count = _count_without(session, replace(query, indices=()), _without(parsed, IndexTerm))
            if count:
                offers.append(f"sans l'indice : {formatting.lenses(count)}")
        wanted = {round(v, 2) for v in (*parsed.indices, *query.indices)}
        makers = [t for t in parsed.references if t.kind is Kind.SUPPLIER]
        near = _near_codes(session, parsed)
        maker_ids = {i for t in makers for i in t.ids} | set(query.supplier_ids)
        if not near and maker_ids:
            near = _makers_codes_like(session, parsed, maker_ids, wanted)
        for code, indices in near.items():
            # A near code that exists only at other indices says so: its way out drops the index.
            other = sorted(indices) if wanted and not wanted & set(indices) else []
            where = f" (indice {' ou '.join(format_index(v) for v in other[:3])})" if other else ""
            offers.append(f"code proche : {code}{where}")
        if makers or query.supplier_ids:
            lighter = ParsedQuery(parsed.text, tuple(t for t in parsed.terms if t not in makers))
            count = _count_without(session, replace(query, supplier_ids=()), lighter)
            if count:
                offers.append(f"sans le fabricant : {formatting.lenses(count)}")
        offers += _sign_ways(session, query, parsed)
    return offers


#: The way out that reads a Greek letter's name typed in the box as its shape.
AS_SHAPE = "symbole "
#: The way out that keeps a sign's shapes and drops the words typed with them.
SHAPES_ALONE = "sans la gravure : "


def _sign_ways(session: Session, query: LensQuery, parsed: ParsedQuery) -> list[str]:
    """Ways out of an empty result that involve a sign. A Greek letter's name typed in the box
    (``pi``, ``sigma``) is read as a code, as codes write them (``ΣIQ``); when it is also a
    shape, « symbole Pi au lieu de « pi » : 3 verres » reads it as that shape. With shapes
    asked, « sans la gravure : 12 verres » keeps them and drops the text words (a code misread
    beside a sign that is right)."""
    from data.catalogue.symbols import labels_of, shapes
    from data.symbols import find_by_name

    offers: list[str] = []
    picked = picked_symbols(query, parsed)
    known = shapes(session)
    for word in parsed.texts:
        shape = find_by_name(word.text, known) if word.folded in GREEK_NAMES else None
        if shape is None or shape.key in picked:
            continue
        rest = ParsedQuery(parsed.text, tuple(t for t in parsed.terms if t is not word))
        asked = replace(query, symbols=(*query.symbols, shape.key))
        count = len(symbol_ranked(session, asked, rest, picked_symbols(asked, rest), RANKED_LIMIT))
        if count:
            label = labels_of([shape.key], known)[0]
            offers.append(f"{AS_SHAPE}{label} au lieu de « {word.text} » : {formatting.lenses(count)}")
    if picked and parsed.texts:
        bare = ParsedQuery(parsed.text, tuple(t for t in parsed.terms if not isinstance(t, TextTerm)))
        count = len(symbol_ranked(session, query, bare, picked, RANKED_LIMIT))
        if count:
            offers.append(f"{SHAPES_ALONE}{formatting.lenses(count)}")
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


#: The maker's engravings compared with a typed code when none is one edit away: at most this
#: many lenses read (by the maker's index), and the likeness they must reach (the mean of the
#: share of characters in common in order and in any order, 0 to 1).
LIKE_SCAN = 20_000
LIKE_CUTOFF = 0.5


def _makers_codes_like(
    session: Session, parsed: ParsedQuery, maker_ids: set[int], wanted: set[float], most: int = 3
) -> dict[str, set[float]]:
    """The engravings of the makers named that look most like a typed code word (two or more
    edits away: ``CX5S`` for ``XR ou XRS ou XRXS``), compared skeleton to skeleton (misreadings
    folded) over each alternative and part, those at a ``wanted`` index first among equals;
    each with the indices (2 decimals) of its lenses."""
    words = [w for w in parsed.texts if len(w.code) >= MIN_EDIT]
    if not words:
        return {}
    capped = (
        select(Verre.gravure_nasale, Verre.indice)
        .where(Verre.fournisseur_id.in_(sorted(maker_ids)), Verre.gravure_nasale.is_not(None))
        .limit(LIKE_SCAN)
        .subquery()
    )
    indices: dict[str, set[float]] = {}
    for engraving, index in session.execute(select(capped.c.gravure_nasale, capped.c.indice)):
        indices.setdefault(str(engraving), set()).add(round(float(index), 2))
    scored: list[tuple[float, bool, str]] = []
    matcher = difflib.SequenceMatcher(autojunk=False)
    for word in words:
        typed = stored_skeleton(word.code)
        matcher.set_seq2(typed)  # the typed code's analysis, made once
        for engraving in indices:
            if compact(engraving) == word.code:
                continue
            score = 0.0
            for key in engraving_skeletons(engraving):
                matcher.set_seq1(key)
                if matcher.real_quick_ratio() < LIKE_CUTOFF:
                    continue
                shared = matcher.quick_ratio()  # the characters in common, in any order
                if shared >= LIKE_CUTOFF:
                    # In order and in any order alike: AIPZ for « pzai » before AI.
                    score = max(score, (matcher.ratio() + shared) / 2)
            if score >= LIKE_CUTOFF:
                elsewhere = bool(wanted) and not wanted & indices[engraving]
                scored.append((-score, elsewhere, engraving))
    best = dict.fromkeys(engraving for *_order, engraving in sorted(scored))
    return {engraving: indices[engraving] for engraving in list(best)[:most]}
