"""Engraving codes as an optician reads them under the lamp.

A code is compared *as read*, not as typed: case, accents, spaces, dashes, dots, underscores and
slashes do not count (``HM 50`` and ``hm50`` are one code), Greek letters and signs are spelled out
(``ΣIQ`` is ``sigmaiq``, and also ``siq`` and ``eiq`` because Σ looks like an S or an E).

Tolerance works on a *skeleton*: the characters confused under a lamp (O/0/D, I/1/l, S/5, B/8,
Z/2, G/6, U/V) fall into one class each, so two codes with equal skeletons differ only by
misreads. How a typed code matches a stored one, one edit away included, is
:mod:`data.identify.matching`.

Everything here is pure (no database, no Qt) and cheap on plain ASCII codes. The stored code
keys (``data.catalogue.code_keys``) are computed from what this module says.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
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
