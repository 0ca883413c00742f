"""How a typed code matches the stored codes, misreads and all.

Faded, extra and swapped characters are one edit away: :func:`neighbours` generates the
skeletons (:func:`data.identify.codes.skeleton`) at one edit of a short typed key (SymSpell's
idea), to be looked up in an index of the stored skeletons; :func:`match_code` then says how well
a typed key matches one stored key (a :class:`Tier` and a French reason), and :func:`reason_on`
where in the engraving.

Everything here is pure (no database, no Qt) and cheap on plain ASCII codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from data.identify.codes import SKELETON_ALPHABET, EngravingKey, skeleton


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
