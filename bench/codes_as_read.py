"""Engraving codes as an optician reads them, for the identification benchmark: the
alternatives of a code, a code compared as read (case, spaces and punctuation ignored), the
ways a Greek sign is typed, the characters read one for another, an index as typed."""

from __future__ import annotations

import itertools
import random
import re

from data.text import fold

# Characters read one for another under the lamp (folded: case is unknown anyway).
CONFUSABLE_PAIRS = ("o0", "d0", "i1", "1l", "il", "s5", "b8", "z2", "g6", "uv")
CONFUSABLE: dict[str, tuple[str, ...]] = {}
for _pair in CONFUSABLE_PAIRS:
    _a, _b = _pair[0], _pair[1]
    CONFUSABLE[_a] = (*CONFUSABLE.get(_a, ()), _b)
    CONFUSABLE[_b] = (*CONFUSABLE.get(_b, ()), _a)
# Greek signs have no key on a French keyboard: they are typed by a look-alike or their name.
GREEK_READINGS = {"σ": ("s", "e", "sigma")}
_ALTERNATIVES = re.compile(r"\s+ou\s+|\s*/\s*")
_SEPARATORS = re.compile(r"[\s\-._,/]+")


def alternatives(code: str) -> list[str]:
    """``"E3 ou E3S ou E3XS"`` -> ``["E3", "E3S", "E3XS"]``; ``"PY67/P8Y67"`` -> two."""
    return [alt.strip() for alt in _ALTERNATIVES.split(code) if alt.strip()]


def code_key(text: str) -> str:
    """A code compared as read: folded, spaces, dashes, dots, commas, slashes and underscores
    removed (``"KR 1.60 POL"`` -> ``"kr160pol"``)."""
    return _SEPARATORS.sub("", fold(text))


def readings(key: str) -> set[str]:
    """Every way a folded key can be typed (``"σiq"`` -> ``{"siq", "eiq", "sigmaiq"}``)."""
    options = [GREEK_READINGS.get(ch, (ch,)) for ch in key]
    return {"".join(parts) for parts in itertools.product(*options)}


def code_keys(code: str) -> set[str]:
    """The keys of a code an observation can be compared with: each alternative whole and each
    part of it (``"KR 1.60 POL"``: ``kr160pol``, ``kr``, ``160``, ``pol``), every Greek reading."""
    keys: set[str] = set()
    for alt in alternatives(code):
        for piece in (alt, *alt.split()):
            key = code_key(piece)
            if key:
                keys |= readings(key)
    return keys


def index_text(indice: float, rng: random.Random, short: bool) -> str:
    """An index as an optician types it: ``1,67``, ``1.67``, ``1,5`` for 1.50 when ``short``."""
    text = f"{round(indice, 2):.2f}"
    if short and text.endswith("0"):
        text = text[:-1]
    return text.replace(".", ",") if rng.random() < 0.7 else text
