"""The search box read once into typed terms, as an optician means them.

``parse("zeiss spu5o 1,5", vocabulary)`` gives three terms: a maker (« Fabricant ZEISS »), a code
fragment (« Gravure spu5o ») and an index (« Indice 1,50 »). Words come in any order. Each term
keeps the span of the box text it came from, so that clicking its chip removes exactly that word
(:meth:`ParsedQuery.without`). Pure: the caller builds the :class:`Vocabulary` from the database.

How a word is read, first rule that applies:

1. ``1,67``, ``1.67``, ``1,6``, ``1.5`` (1.00 to 2.00, a comma or a dot) is an index.
2. ``16mm`` or ``16 mm`` (1 to 100) is a fitting height.
3. A maker, range, series or material name, over one or more consecutive words, whole or
   started. The longest run of words wins, then a whole name over a started one. A whole name
   found in several kinds is taken in this order: maker, range, series, material. A word
   mixing letters and digits (``spu50``) is a code, never part of a name; a name never *starts*
   with a word of 1 or 2 letters or a number (such words may follow inside a multi-word name).
   A started name needs 3 letters or more; it is refused (the word stays text) when the start
   belongs to names of several kinds, or when a 3-letter start fits more than
   :data:`MAX_SHORT_START` names.
4. A shape name (:func:`data.symbols.find_by_name`: key, label or usual name, ``oeil``,
   ``œil``, ``cercle``, ``barre horizontale``, ``e soleil``) over one to four consecutive words,
   the longest first, is a :class:`SymbolTerm` (« Symbole Œil »). Never a word of one letter
   alone (``e``, ``s``: letters of a code), nor the name of a Greek letter (``pi``, ``sigma``,
   ``omega``): codes write their Greek letters by name (``sigma`` finds ``ΣIQ``), so these
   stay code words; their shapes are picked in the palette.
5. Anything else is text: a code or name fragment (``code`` compact, ``folded`` for names).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from data import formatting
from data.identify.codes import GREEK_NAMES, compact
from data.symbols import Shape, find_by_name
from data.text import fold

#: A 3-letter start fitting more names than this is too vague to be a name.
MAX_SHORT_START = 3

_INDEX = re.compile(r"([12])[.,](\d{1,3})")
_HEIGHT = re.compile(r"(\d{1,3})\s*mm", re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,3}")
_WORD = re.compile(r"\S+")


class Kind(StrEnum):
    """A kind of reference name, in the order a whole name found in several kinds is taken."""

    SUPPLIER = "fournisseur"
    RANGE = "gamme"
    SERIES = "serie"
    MATERIAL = "materiau"


_CHIP = {
    Kind.SUPPLIER: "Fabricant",
    Kind.RANGE: "Gamme",
    Kind.SERIES: "Série",
    Kind.MATERIAL: "Matériau",
}

Span = tuple[int, int]


def format_index(value: float) -> str:
    """``1.5 -> "1,50"``, ``1.591 -> "1,591"``: two decimals at least, French comma."""
    return formatting.lens_index(value)


@dataclass(frozen=True)
class IndexTerm:
    """An index typed in the box (rounded to 3 decimals)."""

    value: float
    span: Span

    @property
    def label(self) -> str:
        return f"Indice {format_index(self.value)}"


@dataclass(frozen=True)
class HeightTerm:
    """A fitting height in millimetres."""

    mm: int
    span: Span

    @property
    def label(self) -> str:
        return f"Hauteur {self.mm} mm"


@dataclass(frozen=True)
class ReferenceTerm:
    """A maker, range, series or material name: the ``ids`` and ``names`` (as stored) it fits.

    ``whole`` is False for a started name (``essi``): a caller narrowing on it may prefer to
    keep a code that the same letters would match.
    """

    kind: Kind
    ids: tuple[int, ...]
    names: tuple[str, ...]
    whole: bool
    span: Span

    @property
    def label(self) -> str:
        shown = ", ".join(self.names[:2]) + (" …" if len(self.names) > 2 else "")
        return f"{_CHIP[self.kind]} {shown}"


@dataclass(frozen=True)
class TextTerm:
    """Any other word: a code fragment (``code``, compact) or a name fragment (``folded``)."""

    text: str
    code: str
    folded: str
    span: Span

    @property
    def label(self) -> str:
        return f"Gravure {self.code}"


@dataclass(frozen=True)
class SymbolTerm:
    """A shape typed by its name (``oeil``): its ``key`` and French ``name`` (its label)."""

    key: str
    name: str
    span: Span

    @property
    def label(self) -> str:
        return f"Symbole {self.name}"


Term = IndexTerm | HeightTerm | ReferenceTerm | SymbolTerm | TextTerm

#: Shape names span at most this many words (« note de musique », « e avec double courbe »).
_SHAPE_WORDS = 4


@dataclass(frozen=True)
class Vocabulary:
    """The reference names the box knows, per kind: tuples of (id, name as stored)."""

    suppliers: tuple[tuple[int, str], ...] = ()
    ranges: tuple[tuple[int, str], ...] = ()
    series: tuple[tuple[int, str], ...] = ()
    materials: tuple[tuple[int, str], ...] = ()
    #: The shapes known by name (the database's, with an admin's); None: the built-in ones.
    shapes: tuple[Shape, ...] | None = None

    def entries(self, kind: Kind) -> tuple[tuple[int, str], ...]:
        return {
            Kind.SUPPLIER: self.suppliers,
            Kind.RANGE: self.ranges,
            Kind.SERIES: self.series,
            Kind.MATERIAL: self.materials,
        }[kind]

    @cached_property
    def _by_first_word(self) -> dict[str, list[tuple[Kind, int, str, tuple[str, ...]]]]:
        """Names by the first 3 letters of their first word (a typed start has at least 3)."""
        found: dict[str, list[tuple[Kind, int, str, tuple[str, ...]]]] = {}
        for kind in Kind:
            for ident, name in self.entries(kind):
                words = tuple(w for w in (_name_word(w) for w in fold(name).split()) if w)
                if words and len(words[0]) >= 3:
                    found.setdefault(words[0][:3], []).append((kind, ident, name, words))
        return found


@dataclass(frozen=True)
class ParsedQuery:
    """The box text and the terms read from it, in the order typed."""

    text: str
    terms: tuple[Term, ...] = field(default=())

    @property
    def indices(self) -> tuple[float, ...]:
        return tuple(t.value for t in self.terms if isinstance(t, IndexTerm))

    @property
    def height(self) -> int | None:
        """The last fitting height typed (the latest correction wins), if any."""
        heights = [t.mm for t in self.terms if isinstance(t, HeightTerm)]
        return heights[-1] if heights else None

    @property
    def references(self) -> tuple[ReferenceTerm, ...]:
        return tuple(t for t in self.terms if isinstance(t, ReferenceTerm))

    @property
    def symbols(self) -> tuple[str, ...]:
        """The keys of the shapes typed by name, without repeats, in the order typed."""
        return tuple(dict.fromkeys(t.key for t in self.terms if isinstance(t, SymbolTerm)))

    @property
    def texts(self) -> tuple[TextTerm, ...]:
        return tuple(t for t in self.terms if isinstance(t, TextTerm))

    def without(self, term: Term) -> str:
        """The box text with ``term``'s words taken out (spaces around them tidied)."""
        start, end = term.span
        before, after = self.text[:start].rstrip(), self.text[end:].lstrip()
        return f"{before} {after}" if before and after else before + after


def _name_word(word: str) -> str:
    """A folded word compared with name words: punctuation around and inside ignored."""
    return "".join(ch for ch in word if ch.isalnum())


def _looks_like_code(word: str) -> bool:
    return any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word)


def _index(word: str) -> float | None:
    found = _INDEX.fullmatch(word)
    if found is None:
        return None
    value = round(float(f"{found.group(1)}.{found.group(2)}"), 3)
    return value if 1.0 <= value <= 2.0 else None


def _height(words: list[tuple[int, int, str]], i: int) -> tuple[int, int] | None:
    """(mm, words used) for a height at word ``i``: ``16mm`` or ``16`` then ``mm``."""
    word = words[i][2]
    found = _HEIGHT.fullmatch(word)
    if found is not None:
        value, used = int(found.group(1)), 1
    elif _NUMBER.fullmatch(word) and i + 1 < len(words) and words[i + 1][2].lower() == "mm":
        value, used = int(word), 2
    else:
        return None
    return (value, used) if 1 <= value <= 100 else None


def _reference(
    words: list[tuple[int, int, str]], i: int, vocabulary: Vocabulary
) -> tuple[ReferenceTerm, int] | None:
    """The name read from word ``i`` on, with the number of words it used (rules above)."""
    typed = [_name_word(fold(w)) for _, _, w in words[i:]]
    first = typed[0]
    if len(first) < 3 or not first.isalpha():
        return None
    # (used, whole, kind, id, name) of every name the words fit.
    fits: list[tuple[int, bool, Kind, int, str]] = []
    for kind, ident, name, name_words in vocabulary._by_first_word.get(first[:3], ()):
        for used in range(1, min(len(name_words), len(typed)) + 1):
            last = typed[used - 1]
            if _looks_like_code(last) or typed[: used - 1] != list(name_words[: used - 1]):
                break
            if last == name_words[used - 1]:
                fits.append((used, used == len(name_words), kind, ident, name))
            elif len(last) >= 3 and name_words[used - 1].startswith(last):
                fits.append((used, False, kind, ident, name))
    if not fits:
        return None
    used, whole = max((u, w) for u, w, _, _, _ in fits)
    chosen = [(k, ident, name) for u, w, k, ident, name in fits if (u, w) == (used, whole)]
    kinds = sorted({k for k, _, _ in chosen}, key=list(Kind).index)
    if not whole:
        if len(kinds) > 1 or (len(typed[used - 1]) == 3 and len(chosen) > MAX_SHORT_START):
            return None
    kind = kinds[0]
    ids = tuple(dict.fromkeys(ident for k, ident, _ in chosen if k == kind))
    names = tuple(dict.fromkeys(name for k, _, name in chosen if k == kind))
    span = (words[i][0], words[i + used - 1][1])
    return ReferenceTerm(kind, ids, names, whole, span), used


def _symbol(
    words: list[tuple[int, int, str]], i: int, vocabulary: Vocabulary
) -> tuple[SymbolTerm, int] | None:
    """The shape named from word ``i`` on (the longest run of words first), with the number of
    words it used (rule 4)."""
    for used in range(min(_SHAPE_WORDS, len(words) - i), 0, -1):
        typed = " ".join(w for _, _, w in words[i : i + used])
        letters = "".join(ch for ch in typed if ch.isalnum())
        if len(letters) < 2 or fold(letters) in GREEK_NAMES:
            continue
        shape = find_by_name(typed, vocabulary.shapes)
        if shape is not None:
            return SymbolTerm(shape.key, shape.label, (words[i][0], words[i + used - 1][1])), used
    return None


def _terms(text: str, vocabulary: Vocabulary) -> Iterator[Term]:
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    i = 0
    while i < len(words):
        start, end, word = words[i]
        index = _index(word)
        if index is not None:
            yield IndexTerm(index, (start, end))
            i += 1
            continue
        height = _height(words, i)
        if height is not None:
            mm, used = height
            yield HeightTerm(mm, (start, words[i + used - 1][1]))
            i += used
            continue
        symbol = _symbol(words, i, vocabulary) if not _looks_like_code(word) else None
        if symbol is not None:
            symbol_term, used = symbol
            yield symbol_term
            i += used
            continue
        reference = _reference(words, i, vocabulary)
        if reference is not None:
            term, used = reference
            yield term
            i += used
            continue
        code = compact(word)
        if code:
            yield TextTerm(word, code, fold(word), (start, end))
        i += 1


def parse(text: str, vocabulary: Vocabulary) -> ParsedQuery:
    """Read the box text into terms (see the module's rules). Never fails."""
    return ParsedQuery(text, tuple(_terms(text or "", vocabulary)))
