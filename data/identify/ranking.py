"""Ranking a small candidate set the way an optician judges it.

The database fetches the candidates (by key, skeleton and neighbours of the typed codes, and by
name); this module orders them and says why each one matched. It never drops a lens for its
index or its maker (narrowing is the filters' job, done in SQL); it only orders by them. A lens
is dropped when one of the typed text words is accounted for by nothing it has.

Order, from the most to the least telling:

1. the best place among the lens's matches of the text words: code matches by characters in
   doubt (``CodeMatch.place``: exact; then one character misread or unread, whether it is the
   last one of a code typed by its start or a faded one; then two; and so on; at equal doubts
   a character typed too many, two swapped or a start with one edit after), the same on a
   code's second part, then name, variant, range, series, maker and material matches
   (:data:`FIELD_TIERS`);
2. the typed index: equal first, then within 0.02, then the others;
3. the typed maker, range, series and material: the lens agreeing with more of them first;
4. the tier (:class:`Tier`: a start, a misread, a faded character), fewer misreads, a whole
   code before one of its parts, the first alternative first, then the other words' matches;
5. the name (case and accents ignored), then the id, so that equal lenses keep a stable order.

Consecutive text words may together be one code (``spu 50`` for ``SPU50``): the words of a run
are read either one by one or joined, whichever accounts for them all the best.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from data.identify.codes import EngravingKey, engraving_key_roles
from data.identify.matching import SECOND_PART_SHIFT, match_code
from data.identify.matching import reason_on as _reason_on
from data.identify.words import Kind, ParsedQuery, ReferenceTerm, TextTerm
from data.text import fold

#: Tiers of matches on a name field, after every code tier (first and second parts).
FIELD_TIERS = {
    "name": (2 * SECOND_PART_SHIFT, "nom"),
    "variant": (2 * SECOND_PART_SHIFT + 1, "variante"),
    "range": (2 * SECOND_PART_SHIFT + 2, "gamme"),
    "series": (2 * SECOND_PART_SHIFT + 3, "série"),
    "supplier": (2 * SECOND_PART_SHIFT + 4, "fabricant"),
    "material": (2 * SECOND_PART_SHIFT + 5, "matériau"),
}
#: An index within this distance of the typed one is "near" (1,59 for 1,6; 1,604 for 1,6).
NEAR_INDEX = 0.02
_SAME_INDEX = 0.0005  # indices compare rounded to 3 decimals
_MAX_RUN = 6  # longer runs of text words are read one by one only
_REFERENCE_REASON = {
    Kind.SUPPLIER: "fabricant",
    Kind.RANGE: "gamme",
    Kind.SERIES: "série",
    Kind.MATERIAL: "matériau",
}


@dataclass(frozen=True)
class Candidate:
    """What ranking needs to know of one lens (names as stored; ``index`` may be unknown)."""

    id: int
    engraving: str | None
    name: str
    variant: str | None = None
    range: str | None = None
    series: str | None = None
    supplier_id: int | None = None
    supplier: str | None = None
    material: str | None = None
    index: float | None = None


class Ranked(NamedTuple):
    """One lens in rank order, with the French reason the table shows (« code exact »)."""

    id: int
    reason: str


Order = tuple[int, ...]
_Match = tuple[Order, str]


def _code_match(code: str, roles: Iterable[EngravingKey], narrowed: bool) -> _Match | None:
    best: _Match | None = None
    for role in roles:
        found = match_code(code, role.key, role.written, narrowed)
        if found is None:
            continue
        place = found.place + (SECOND_PART_SHIFT if role.second_part else 0)
        where = 0 if role.part_no is None else 1
        order = (place, int(found.tier), len(found.misreads), where, role.alternative_no)
        if best is None or order < best[0]:
            best = (order, _reason_on(role, found.reason))
    return best


class _CodeMatches:
    """How typed codes match engravings, each pair judged once per ranking: the candidates of
    one search share few engravings (a code covers a design at several indices, several
    coatings), so 300 lenses hold some 50 distinct ones."""

    def __init__(self, narrowed: bool) -> None:
        self._narrowed = narrowed
        self._known: dict[tuple[str, str | None], _Match | None] = {}

    def __call__(self, code: str, engraving: str | None) -> _Match | None:
        pair = (code, engraving)
        try:
            return self._known[pair]
        except KeyError:
            found = self._known[pair] = _code_match(code, engraving_key_roles(engraving), self._narrowed)
            return found


def _field_match(folded: str, candidate: Candidate) -> _Match | None:
    """The first name field the folded word is found in: anywhere in it from 3 characters, at
    the start of one of its words for 1 or 2 (``ai`` finds « Varilux AI », not « Hoya Maxi »)."""
    for attribute, (tier, reason) in FIELD_TIERS.items():
        value = fold(getattr(candidate, attribute))
        if not value:
            continue
        if len(folded) >= 3:
            found = folded in value
        else:
            found = any(word.startswith(folded) for word in value.split())
        if found:
            return (tier, 0, 0, 0, 0), reason
    return None


def _word_match(word: TextTerm, candidate: Candidate, codes: _CodeMatches) -> _Match | None:
    code = codes(word.code, candidate.engraving)
    if code is not None:
        return code
    return _field_match(word.folded, candidate)


def _compositions(size: int) -> Iterable[list[tuple[int, int]]]:
    """Every way of cutting ``size`` consecutive words into segments (one by one first)."""
    if size > _MAX_RUN:
        yield [(i, i + 1) for i in range(size)]
        return
    for cuts in itertools.product((True, False), repeat=size - 1):
        bounds = [0, *(i + 1 for i, cut in enumerate(cuts) if cut), size]
        yield list(itertools.pairwise(bounds))


def _run_matches(run: Sequence[TextTerm], candidate: Candidate, codes: _CodeMatches) -> list[_Match] | None:
    """The best way the lens accounts for a run of consecutive text words, or None."""
    single = [_word_match(word, candidate, codes) for word in run]
    best: list[_Match] | None = None
    for segments in _compositions(len(run)):
        matches: list[_Match] = []
        for start, end in segments:
            if end - start == 1:
                found = single[start]
            else:
                found = codes("".join(w.code for w in run[start:end]), candidate.engraving)
            if found is None:
                break
            matches.append(found)
        else:
            matches.sort()
            if best is None or [m[0] for m in matches] < [m[0] for m in best]:
                best = matches
    return best


def _runs(parsed: ParsedQuery) -> list[list[TextTerm]]:
    runs: list[list[TextTerm]] = []
    previous_was_text = False
    for term in parsed.terms:
        if isinstance(term, TextTerm):
            if not previous_was_text:
                runs.append([])
            runs[-1].append(term)
        previous_was_text = isinstance(term, TextTerm)
    return runs


def _index_rank(indices: Sequence[float], index: float | None) -> int:
    """0 for the typed index (or none typed), 1 within 0.02 of it, 2 otherwise or unknown."""
    if not indices:
        return 0
    if index is None:
        return 2
    distance = min(abs(index - typed) for typed in indices)
    return 0 if distance < _SAME_INDEX else 1 if distance <= NEAR_INDEX + 1e-9 else 2


def _agrees(term: ReferenceTerm, candidate: Candidate) -> bool:
    if term.kind is Kind.SUPPLIER:
        return candidate.supplier_id in term.ids
    value = {Kind.RANGE: candidate.range, Kind.SERIES: candidate.series,
             Kind.MATERIAL: candidate.material}[term.kind]
    return bool(value) and fold(value) in {fold(name) for name in term.names}


_SortKey = tuple[int, int, int, list[int], list[Order], str, int]


def _judge(
    typed: tuple[tuple[float, ...], tuple[ReferenceTerm, ...]],
    runs: list[list[TextTerm]],
    candidate: Candidate,
    codes: _CodeMatches,
) -> tuple[_SortKey, str] | None:
    """(sort key, reason) of one lens, or None when a text word is accounted for by nothing.
    ``typed``: the indices and the names typed (read from the box once per ranking)."""
    indices, references = typed
    matches: list[_Match] = []
    for run in runs:
        found = _run_matches(run, candidate, codes)
        if found is None:
            return None
        matches.extend(found)
    matches.sort()
    index_rank = _index_rank(indices, candidate.index)
    agreeing = [t for t in references if _agrees(t, candidate)]
    misses = len(references) - len(agreeing)
    tier, detail, rest = 0, list[int](), list[Order]()
    if matches:
        (tier, *detail), reason = matches[0]
        rest = [m[0] for m in matches[1:]]
    else:
        reason = _REFERENCE_REASON[agreeing[0].kind] if agreeing else ""
        if not reason and indices and index_rank == 0:
            reason = "indice"
    if index_rank == 1:
        reason = f"{reason}, indice proche" if reason else "indice proche"
    key = (tier, index_rank, misses, detail, rest, fold(candidate.name), candidate.id)
    return key, reason


def narrows(parsed: ParsedQuery) -> bool:
    """Whether the box's words narrow the search by an index or a maker."""
    return bool(parsed.indices) or any(t.kind is Kind.SUPPLIER for t in parsed.references)


def rank(
    parsed: ParsedQuery, candidates: Iterable[Candidate], narrowed: bool | None = None
) -> list[Ranked]:
    """The candidates that account for every typed text word, best first, each with its reason.

    See the module docstring for the order. Height terms play no part here (the fitting-height
    filter is applied when fetching). Candidates given twice (same id) are ranked once.

    ``narrowed``: the search is narrowed by an index or a maker, so that one or two legible
    characters also find a code with one more, faded, character (see
    :func:`data.identify.match_code`). By default, whether the box holds an index or a maker;
    the caller says so when the lists tick one.
    """
    if narrowed is None:
        narrowed = narrows(parsed)
    runs = _runs(parsed)
    codes = _CodeMatches(narrowed)
    typed = (parsed.indices, parsed.references)
    judged: list[tuple[_SortKey, int, str]] = []
    seen: set[int] = set()
    for candidate in candidates:
        if candidate.id in seen:
            continue
        seen.add(candidate.id)
        verdict = _judge(typed, runs, candidate, codes)
        if verdict is not None:
            judged.append((verdict[0], candidate.id, verdict[1]))
    judged.sort(key=lambda item: item[0])
    return [Ranked(ident, reason) for _, ident, reason in judged]
