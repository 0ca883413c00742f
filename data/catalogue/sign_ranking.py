"""The lenses of a sign: shapes picked in the palette or typed by name, ranked with the text's
words (the sign's letters and digits are its code), look-alike shapes in place of missing ones.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.catalogue.candidates import (
    meet,
    read_candidates,
    run_found,
    runs,
    search_filters,
)
from data.catalogue.values import RankedResult
from data.identify import Candidate, ParsedQuery, compact, rank
from data.models import Verre
from data.query import LensQuery

#: Lenses read for a sign picked without text: those having the most picked shapes first. A
#: hundred, a third of a word's candidates: shapes alone cannot tell apart the thousands of
#: lenses of a frequent shape in a large catalogue (the list says it was cut: « précisez »), and
#: reading, then ranking 300 of them took half of a palette click's 40 to 90 ms at a million
#: lenses. A catalogue with fewer lenses of the shapes lists them all.
SYMBOL_LIMIT = 100


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

    ids, cut = _signcandidates(session, query, parsed, tuple(picked), limit)
    if not ids:  # nothing with a picked shape: perhaps a look-alike was picked instead
        ids, cut = _signcandidates(session, query, parsed, with_look_alikes(list(picked)), limit)
    if not ids:
        return RankedResult(())
    signs = lens_symbols(session, sorted(ids))
    candidates = {c.id: c for c in read_candidates(session, ids)}
    wanted = set(picked)
    known = shapes(session)
    lowered = {key: _lower_first(label) for key, label in zip(picked, labels_of(picked, known), strict=True)}
    judged = []
    for order, (lens_id, reason) in enumerate(rank(parsed, candidates.values())):
        held = signs.get(lens_id, ())
        present = [key for key in held if key in wanted]
        near = [key for key in wanted if key not in held and look_alikes(key) & set(held)]
        if not present and not near:
            continue
        missing = len(wanted) - len(present) - len(near)
        words = [f"symboles : {', '.join(lowered[key] for key in present)}"] if present else []
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


def _signcandidates(
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
        filters = [*search_filters(unpicked, parsed), holds]
        found = meet([run_found(session, unpicked, run, filters, limit) for run in runs(parsed)])
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

    filters = search_filters(query, parsed)
    distinct = list(dict.fromkeys(shape_ids))
    rarest = distinct if len(distinct) == 1 else sorted(distinct, key=lambda i: (*_shape_rarity(session, i), i))
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


def _shape_rarity(session: Session, shape_id: int) -> tuple[int, int]:
    """How rare the shape is, rarest lowest, from one bounded range of the index ``(symbole_id,
    verre_id)``: its lenses counted up to :data:`_SIZE_CAP`; for shapes with more, how far in
    the ids that many of its lenses reach (the farther, the sparser: a shape on 8,000 lenses
    reaches farther than one on 60,000). Counting alone could not tell two frequent shapes
    apart, and a set of three shapes read from the most frequent one scanned its 60,000 lenses
    (28 ms at a million lenses) where the rarest had 6,500. Only the reading order depends on
    it: the lenses found are the same."""
    from data.models import VerreSymbole

    capped = (
        select(VerreSymbole.verre_id).where(VerreSymbole.symbole_id == shape_id)
        .order_by(VerreSymbole.verre_id).limit(_SIZE_CAP).subquery()
    )
    count, reach = session.execute(select(func.count(), func.max(capped.c.verre_id))).one()
    return int(count), -int(reach or 0)


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
