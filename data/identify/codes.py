"""Engraving codes as an optician reads them under the lamp.

A code is compared *as read*, not as typed: case, accents, spaces, dashes, dots, underscores and
slashes do not count (``HM 50`` and ``hm50`` are one code), Greek letters and signs are spelled out
(``ΣIQ`` is ``sigmaiq``, and also ``siq`` and ``eiq`` because Σ looks like an S or an E).

Tolerance works on a *skeleton*: the characters confused under a lamp (O/0/D, I/1/l, S/5, B/8,
Z/2, G/6, U/V) fall into one class each, so two codes with equal skeletons differ only by
misreads. Faded, extra and swapped characters are one edit away: :func:`neighbours` generates the
skeletons at one edit of a short typed key (SymSpell's idea), to be looked up in an index of the
stored skeletons; :func:`match_code` then says how well a typed key matches one stored key.

Everything here is pure (no database, no Qt) and cheap on plain ASCII codes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache

from data.text import fold

# Greek letters: (name, look-alike Latin letters), keyed by the letter as written (the look-alike
# depends on the case: Η looks like an H, η like an n).
_GREEK: dict[str, tuple[str, tuple[str, ...]]] = {
    "Σ": ("sigma", ("s", "e")), "σ": ("sigma", ("s", "e")), "ς": ("sigma", ("s",)),
    "Α": ("alpha", ("a",)), "α": ("alpha", ("a",)),
    "Β": ("beta", ("b",)), "β": ("beta", ("b",)),
    "Γ": ("gamma", ()), "γ": ("gamma", ("y",)),
    "Δ": ("delta", ()), "δ": ("delta", ()),
    "Ε": ("epsilon", ("e",)), "ε": ("epsilon", ("e",)),
    "Ζ": ("zeta", ("z",)), "ζ": ("zeta", ()),
    "Η": ("eta", ("h",)), "η": ("eta", ("n",)),
    "Θ": ("theta", ()), "θ": ("theta", ()),
    "Ι": ("iota", ("i",)), "ι": ("iota", ("i",)),
    "Κ": ("kappa", ("k",)), "κ": ("kappa", ("k",)),
    "Λ": ("lambda", ()), "λ": ("lambda", ()),
    "Μ": ("mu", ("m",)), "μ": ("mu", ("u",)), "µ": ("mu", ("u",)),
    "Ν": ("nu", ("n",)), "ν": ("nu", ("v",)),
    "Ξ": ("xi", ()), "ξ": ("xi", ()),
    "Ο": ("omicron", ("o",)), "ο": ("omicron", ("o",)),
    "Π": ("pi", ()), "π": ("pi", ()),
    "Ρ": ("rho", ("p",)), "ρ": ("rho", ("p",)),
    "Τ": ("tau", ("t",)), "τ": ("tau", ("t",)),
    "Υ": ("upsilon", ("y",)), "υ": ("upsilon", ("u",)),
    "Φ": ("phi", ()), "φ": ("phi", ()),
    "Χ": ("chi", ("x",)), "χ": ("chi", ("x",)),
    "Ψ": ("psi", ()), "ψ": ("psi", ()),
    "Ω": ("omega", ()), "ω": ("omega", ("w",)),
}
#: The names Greek letters are typed by (``sigma``, ``pi``): code words, never shape names.
GREEK_NAMES = frozenset(name for name, _ in _GREEK.values())
# Signs engraved as part of a code, spelled as an optician says them.
SIGNS: dict[str, str] = {"+": "plus", "∞": "infini", "&": "et"}

# Alternatives inside one engraving: "E3 ou E3S", "PY67/P8Y67", "A; B", "A or B".
ALTERNATIVES = re.compile(r"\s+(?:ou|or)\s+|/|;", re.IGNORECASE)

_SKELETON = str.maketrans(
    {"o": "0", "d": "0", "i": "1", "l": "1", "s": "5", "b": "8", "z": "2", "g": "6", "v": "u"}
)
#: Characters a skeleton of an ASCII code is made of (27: 17 letters and 10 digits).
SKELETON_ALPHABET = "".join(
    sorted(set("abcdefghijklmnopqrstuvwxyz0123456789".translate(_SKELETON)))
)


def _is_plain(text: str) -> bool:
    return text.isascii() and not any(sign in text for sign in SIGNS)


def _spellings(text: str) -> list[tuple[tuple[str, ...], str]]:
    """Each written character with its possible spellings (canonical first), in order."""
    pieces: list[tuple[tuple[str, ...], str]] = []
    for ch in text:
        greek = _GREEK.get(ch)
        if greek is not None:
            pieces.append(((greek[0], *greek[1]), ch))
        elif ch in SIGNS:
            pieces.append(((SIGNS[ch],), ch))
        else:
            folded = "".join(c for c in fold(ch) if c.isalnum())
            if folded:
                pieces.append(((folded,), ch))
    return pieces


def compact(text: str | None) -> str:
    """The code as read: ``"KR 1.60 POL" -> "kr160pol"``, ``"ΣIQ" -> "sigmaiq"``.

    Folded (lower case, no accents), separators and punctuation removed, Greek letters and the
    signs ``+ ∞ &`` spelled out (``plus``, ``infini``, ``et``).
    """
    if not text:
        return ""
    if _is_plain(text):
        return "".join(ch for ch in text.lower() if ch.isalnum())
    return "".join(spellings[0] for spellings, _ in _spellings(text))


def compact_variants(text: str | None) -> tuple[str, ...]:
    """Every way the code can be read: the canonical :func:`compact` first, then the readings
    where a Greek letter is taken for the Latin letter it looks like (``ΣIQ`` -> ``sigmaiq``,
    ``siq``, ``eiq``). At most 8 readings (a code with many Greek letters keeps the first 8)."""
    return tuple(reading for reading, _ in _readings(text or ""))


def _readings(text: str) -> list[tuple[str, str]]:
    """(reading, written) pairs: ``written[i]`` is the character as written behind ``reading[i]``."""
    if _is_plain(text):
        key = compact(text)
        written = "".join(ch for ch in text if ch.isalnum())
        return [(key, written)] if key else []
    pieces = _spellings(text)
    seen: dict[str, str] = {}
    for choice in itertools.product(*(spellings for spellings, _ in pieces)):
        reading = "".join(choice)
        if reading and reading not in seen:
            seen[reading] = "".join(
                written * len(part) for part, (_, written) in zip(choice, pieces, strict=True)
            )
        if len(seen) == 8:
            break
    return list(seen.items())


@dataclass(frozen=True)
class EngravingKey:
    """One key a lens's engraving is found by, and where it comes from.

    ``written`` has one character per character of ``key``: the character as engraved (``"SPU50"``
    for ``"spu50"``), for the reasons a match gives. ``alternative`` is the alternative as written
    (``"E3S"``), ``alternative_no`` its position (0 = the first one written). ``part_no`` is None
    for an alternative's whole key, else the position of the space-separated part. ``second_part``
    says the key ranks as a second part (a later part, or a bare number such as the ``14`` of
    ``SPU50 14``).
    """

    key: str
    written: str
    alternative: str
    alternative_no: int
    part_no: int | None
    second_part: bool
    lookalike: bool  # a Greek letter read as the Latin letter it looks like


@lru_cache(maxsize=65536)
def engraving_key_roles(engraving: str | None) -> tuple[EngravingKey, ...]:
    """Every distinct key of an engraving, each with its best role (see :class:`EngravingKey`).

    Alternatives are split on `` ou ``, `` or ``, ``/`` and ``;``. Each alternative gives its whole
    key and, when it has several space-separated parts, each part's key. A key found in several
    roles keeps the best: whole before first part before second part, earlier alternative first.
    Cached: one code is usually shared by many lenses.
    """
    if not engraving:
        return ()
    roles: dict[str, EngravingKey] = {}

    def offer(candidate: EngravingKey) -> None:
        known = roles.get(candidate.key)
        if known is None or _role_order(candidate) < _role_order(known):
            roles[candidate.key] = candidate

    for alt_no, alternative in enumerate(a.strip() for a in ALTERNATIVES.split(engraving)):
        parts = [p for p in alternative.split() if compact(p)]
        for n, (reading, written) in enumerate(_readings(alternative)):
            offer(EngravingKey(reading, written, alternative, alt_no, None, False, n > 0))
        if len(parts) < 2:
            continue
        for part_no, part in enumerate(parts):
            second = part_no > 0 or compact(part).isdigit()
            for n, (reading, written) in enumerate(_readings(part)):
                offer(EngravingKey(reading, written, alternative, alt_no, part_no, second, n > 0))
    return tuple(sorted(roles.values(), key=_role_order))


def _role_order(role: EngravingKey) -> tuple[int, int, bool]:
    where = 0 if role.part_no is None else 2 if role.second_part else 1
    return (where, role.alternative_no, role.lookalike)


def engraving_keys(engraving: str | None) -> tuple[str, ...]:
    """Every distinct key the engraving must be found by, best role first.

    ``"SPU50 14"`` -> ``spu5014``, ``spu50``, ``14``; ``"E3 ou E3S"`` -> ``e3``, ``e3s``;
    ``"ΣIQ"`` -> ``sigmaiq``, ``siq``, ``eiq``. Empty for an empty engraving.
    """
    return tuple(role.key for role in engraving_key_roles(engraving))


def skeleton(key: str) -> str:
    """The key with every character an optician confuses mapped to one class: O/0/D -> ``0``,
    I/1/l -> ``1``, S/5 -> ``5``, B/8 -> ``8``, Z/2 -> ``2``, G/6 -> ``6``, U/V -> ``u`` (lower
    case first: case is unknown on a lens). Idempotent; equal skeletons = misreads only."""
    return key.lower().translate(_SKELETON)


def neighbours(skel: str) -> frozenset[str]:
    """The skeletons one edit away from ``skel``: one character deleted (the optician read one
    too many), one inserted from :data:`SKELETON_ALPHABET` (one faded), or two adjacent swapped.

    Generated from the short *typed* skeleton and looked up in an index of stored skeletons. An
    n-character skeleton gives at most n + (n - 1) + 27 (n + 1) keys, less one per character
    (inserting a character next to itself twice gives one key): 194 for 6 different
    characters, fewer when characters repeat. ``skel`` itself is never included.
    """
    found: set[str] = set()
    for i in range(len(skel)):
        found.add(skel[:i] + skel[i + 1 :])
        if i + 1 < len(skel):
            found.add(skel[:i] + skel[i + 1] + skel[i] + skel[i + 2 :])
    for i in range(len(skel) + 1):
        for ch in SKELETON_ALPHABET:
            found.add(skel[:i] + ch + skel[i:])
    found.discard(skel)
    return frozenset(found)


def faded_neighbours(skel: str) -> frozenset[str]:
    """The skeletons with one more character than ``skel``, anywhere (one the optician did not
    see): the neighbours a reading of one or two characters is looked up by when an index or
    a maker narrows the search (27 (n + 1) keys at most)."""
    return frozenset(
        skel[:i] + ch + skel[i:] for i in range(len(skel) + 1) for ch in SKELETON_ALPHABET
    )


class Tier(IntEnum):
    """How a typed code matches a stored key; lower is better."""

    EXACT = 0
    START = 1
    MISREAD = 2
    START_MISREAD = 3
    FADED = 4
    EXTRA = 5
    SWAPPED = 6
    START_EDIT = 7


#: Codes differing by more characters in doubt than this rank together (by tier).
MAX_DOUBTS = 7
#: Code matches in a code's second part come after every first-part match (see
#: :attr:`CodeMatch.place`).
SECOND_PART_SHIFT = (MAX_DOUBTS + 1) * len(Tier)

_EDIT_REASON = {
    Tier.FADED: "un caractère effacé",
    Tier.EXTRA: "un caractère en trop",
    Tier.SWAPPED: "deux caractères inversés",
}
_MIN_TOLERANT = 2  # misreads need 2 typed characters (a lone "0" could be anything)
_MIN_EDIT = 3  # faded, extra and swapped need 3


@dataclass(frozen=True)
class CodeMatch:
    """A typed key against one stored key: ``tier``, the French ``reason`` shown in the table,
    the misread characters as (typed, as written) pairs, and ``unseen``: the characters of the
    stored key the optician did not read (the rest of a code typed by its start, a faded one).
    """

    tier: Tier
    reason: str
    misreads: tuple[tuple[str, str], ...] = ()
    unseen: int = 0

    @property
    def doubts(self) -> int:
        """The characters in doubt between what was typed and the code: each misread, each
        character not read, one for an extra typed character or two swapped ones."""
        edited = self.tier in (Tier.EXTRA, Tier.SWAPPED)
        return len(self.misreads) + self.unseen + int(edited)

    @property
    def place(self) -> int:
        """How likely the match is, as one number below :data:`SECOND_PART_SHIFT` (lower is
        better): fewer characters in doubt first. A code one character longer than typed is as
        likely whether that character is the last one (« début du code ») or faded anywhere
        (« un caractère effacé »), as likely as one misread character, and more likely than a
        code needing several more (``fm74`` finds ``ZFM74`` before ``FM74AB``): such matches
        share a place, where the typed index and maker decide. At equal doubts, a character
        typed too many, two swapped and a start with one edit come after them."""
        slips = self.tier if self.tier >= Tier.EXTRA else min(self.tier, Tier.START)
        return min(self.doubts, MAX_DOUBTS) * len(Tier) + int(slips)

    @property
    def order(self) -> tuple[int, int]:
        """Sort key, the index and maker aside: the :attr:`place`, then the tier (a start, a
        misread, a faded character)."""
        return (self.place, int(self.tier))


def misread_text(misreads: tuple[tuple[str, str], ...]) -> str:
    """``(("o", "0"),) -> "O lu 0"``: the typed character upper-cased, « lu », the written one."""
    return ", ".join(f"{typed.upper()} lu {written}" for typed, written in misreads)


def _misreads(
    typed: str, key: str, written: str, pairs: list[tuple[int, int]]
) -> tuple[tuple[str, str], ...]:
    return tuple((typed[t], written[k]) for t, k in pairs if typed[t] != key[k])


def _edit(st: str, sk: str, prefix: bool = False) -> tuple[Tier, list[tuple[int, int]]] | None:
    """The one edit turning the typed skeleton ``st`` into ``sk``, with aligned positions.

    With ``prefix`` (``sk`` is a start of the stored skeleton) an extra character at the very end
    of what was typed is refused: it would make any code starting like the rest a match.
    """
    n, m = len(st), len(sk)
    if m == n + 1:  # the typed key misses one character of the stored one
        for i in range(m):
            if sk[:i] + sk[i + 1 :] == st:
                return Tier.FADED, [(t, t if t < i else t + 1) for t in range(n)]
    elif m == n - 1:  # the typed key has one character too many
        for i in range(n - 1 if prefix else n):
            if st[:i] + st[i + 1 :] == sk:
                return Tier.EXTRA, [(t if t < i else t + 1, t) for t in range(m)]
    elif m == n:
        for i in range(n - 1):
            if st[i] != st[i + 1] and st[:i] + st[i + 1] + st[i] + st[i + 2 :] == sk:
                swapped = {i: i + 1, i + 1: i}
                return Tier.SWAPPED, [(t, swapped.get(t, t)) for t in range(n)]
    return None


def match_code(
    typed: str, key: str, written: str | None = None, narrowed: bool = False
) -> CodeMatch | None:
    """How the typed fragment (already :func:`compact`) matches one stored key, or None.

    Tiers, best first: exact (« code exact »); start of the code (« début du code »); same
    length with misread characters (« code proche : O lu 0 »); a start with misreads (« début du
    code proche : O lu 0 »); then, from 3 typed characters, one edit: a faded character the
    optician did not see (« un caractère effacé »), one extra (« un caractère en trop »), two
    adjacent swapped (« deux caractères inversés »), each possibly with misreads too (« …, O lu
    0 »); last a start of the code with one edit (« début du code, un caractère effacé »).
    ``written`` is the key as engraved (one character per key character, see
    :class:`EngravingKey`); without it the key's characters are shown upper-cased.

    ``narrowed``: the search is narrowed by an index or a maker (typed or ticked). One or two
    legible characters then also find a code one character longer, the faded one anywhere
    (``vs`` at 1,59 finds ``VBS``; ``j`` at 1,56 finds ``PJ``), the typed characters as read
    (no misread on top of the faded one): the index or the maker keeps such codes few. Without
    it, one or two characters only find codes equal to them or starting with them.
    """
    if not typed or not key:
        return None
    if typed == key:
        return CodeMatch(Tier.EXACT, "code exact")
    if key.startswith(typed):
        return CodeMatch(Tier.START, "début du code", unseen=len(key) - len(typed))
    shown = written if written is not None and len(written) == len(key) else key.upper()
    n, m = len(typed), len(key)
    st, sk = skeleton(typed), skeleton(key)
    if n >= _MIN_TOLERANT and n <= m and sk.startswith(st):
        misreads = _misreads(typed, key, shown, [(t, t) for t in range(n)])
        if n == m:
            return CodeMatch(Tier.MISREAD, f"code proche : {misread_text(misreads)}", misreads)
        return CodeMatch(
            Tier.START_MISREAD, f"début du code proche : {misread_text(misreads)}", misreads,
            m - n,
        )
    if n < _MIN_EDIT:
        if narrowed and m == n + 1:
            faded = _edit(typed, key)
            if faded is not None and faded[0] is Tier.FADED:
                return CodeMatch(Tier.FADED, _EDIT_REASON[Tier.FADED], unseen=1)
        return None
    edit = _edit(st, sk)
    prefix = False
    if edit is None:  # a start of the code with one edit: try the prefixes one edit away
        for length in (n + 1, n - 1, n):
            if length < m:
                edit = _edit(st, sk[:length], prefix=True)
                if edit is not None:
                    prefix = True
                    break
    if edit is None:
        return None
    tier, pairs = edit
    misreads = _misreads(typed, key, shown, pairs)
    reason = _EDIT_REASON[tier]
    if misreads:
        reason += f", {misread_text(misreads)}"
    if prefix:  # the edit is one doubt, the rest of the code unseen
        return CodeMatch(Tier.START_EDIT, f"début du code, {reason}", misreads, m - length + 1)
    return CodeMatch(tier, reason, misreads, int(tier is Tier.FADED))


def reason_on(role: EngravingKey, reason: str) -> str:
    """Say where in the engraving a match was: « …, 2e partie du code » for a second part,
    « …, variante E3S » for an alternative other than the first one written."""
    if role.second_part:
        return f"{reason}, 2e partie du code"
    if role.alternative_no > 0:
        return f"{reason}, variante {role.alternative}"
    return reason


_INDEX_DIGITS = {"50": 1.5, "53": 1.53, "56": 1.56, "59": 1.59, "60": 1.6, "67": 1.67,
                 "74": 1.74, "80": 1.8, "90": 1.9}
_INDEX_DIGIT = {"5": 1.5, "6": 1.6, "7": 1.67}
_TRAILING = re.compile(r"([a-z]+)(\d+)$")
_WRITTEN = re.compile(r"1(\d{2})$")


def implied_index(key: str) -> float | None:
    """The refractive index a code's own digits announce, or None when it does not say.

    Conservative on purpose (a wrong guess is worse than none): only digits *ending* the key
    right after a letter, two of them among 50 53 56 59 60 67 74 80 90 (``spu50`` 1.5, ``mfp67``
    1.67, ``ssb74`` 1.74), or a single 5, 6 or 7 after at least two letters (``acu6`` 1.6, ``msv7``
    1.67); or a bare written index ``160`` (from ``KR 1.60 POL``). ``e3``, ``bi17``, ``7n2``,
    ``spu5014`` say nothing.
    """
    if key.isdigit():
        written = _WRITTEN.fullmatch(key)
        return _INDEX_DIGITS.get(written.group(1)) if written else None
    trailing = _TRAILING.search(key)
    if trailing is None:
        return None
    letters, digits = trailing.groups()
    if len(digits) == 2:
        return _INDEX_DIGITS.get(digits)
    if len(digits) == 1 and len(letters) >= 2:
        return _INDEX_DIGIT.get(digits)
    return None
