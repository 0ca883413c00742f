"""Which existing reference a new name most likely is: « ESSILOR FR » → « Essilor ».

Names are compared by a key that ignores what suppliers' files vary: case, accents, punctuation
and spaces (« CR 39 », « CR-39 », « CR39 » are one key), and the company suffixes that follow a
maker's name (FR, France, SAS, SA, SARL, GmbH, Inc, Ltd…). Equal keys are the same reference
(score 1); otherwise close spellings are ranked by similarity (``difflib``), best first, from
``CLOSE`` on (never two names whose numbers differ: « Organique 1.5 », « Organique 1.56 »). The
import proposes; the person accepts, changes or keeps the name new. The integrity check lists
only names of equal keys (``near_duplicates``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from data.text import fold

CLOSE = 0.8  # similarity from which a spelling is proposed to a person importing
_DIGITS = re.compile(r"\d+")
SUGGESTIONS = 3
_SUFFIXES = frozenset({
    "fr", "france", "sas", "sa", "sarl", "sasu", "eurl", "gmbh", "ag", "inc", "ltd", "llc",
    "co", "corp", "corporation", "bv", "nv", "spa", "srl", "plc", "kk", "company",
})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def reference_key(name: str) -> str:
    """``"ESSILOR FRANCE S.A.S." -> "essilor"``, ``"CR-39" -> "cr39"``."""
    words = [w for w in _NOT_ALNUM.split(fold(name)) if w]
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    # "s a s" written with dots: the single letters at the end are a suffix too.
    joined = "".join(words)
    for suffix in ("sas", "sarl", "sa"):
        if len(words) > 1 and "".join(words[-len(suffix):]) == suffix and all(len(w) == 1 for w in words[-len(suffix):]):
            joined = "".join(words[: -len(suffix)])
            break
    return joined


def rank(name: str, existing: Iterable[str]) -> list[tuple[str, float]]:
    """The existing names ``name`` may be, best first, with a score (1.0: same key)."""
    key = reference_key(name)
    if not key:
        return []
    scored: list[tuple[str, float]] = []
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(key)
    for candidate in existing:
        other = reference_key(candidate)
        if not other:
            continue
        if other == key:
            scored.append((candidate, 1.0))
            continue
        if _DIGITS.findall(other) != _DIGITS.findall(key):
            continue  # « Organique 1.5 » and « Organique 1.56 » are two materials
        if min(len(key), len(other)) >= 4 and (other.startswith(key) or key.startswith(other)):
            scored.append((candidate, 0.9))  # « Hoya Lens » and « Hoya »
            continue
        matcher.set_seq1(other)
        if matcher.real_quick_ratio() < CLOSE or matcher.quick_ratio() < CLOSE:
            continue
        ratio = matcher.ratio()
        if ratio >= CLOSE:
            scored.append((candidate, ratio))
    scored.sort(key=lambda item: (-item[1], fold(item[0])))
    return scored[:SUGGESTIONS]


def near_duplicates(names: Iterable[tuple[int, str]]) -> list[tuple[tuple[int, str], tuple[int, str], float]]:
    """Pairs of references (id, name) of one list that are the same name but for case, accents,
    punctuation, spaces or a company suffix (each paired with the first of its key).

    Close spellings are left out here: product names differ by a letter on purpose (« X series »,
    « XR series »), so only a person importing a file is shown them, as proposals (``rank``)."""
    by_key: dict[str, list[tuple[int, str]]] = {}
    for item in names:
        key = reference_key(item[1])
        if key:
            by_key.setdefault(key, []).append(item)
    return [(group[0], other, 1.0) for group in by_key.values() for other in group[1:]]
