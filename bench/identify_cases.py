"""Identification cases drawn from the engraving guide, and their scoring (issue 18).

An optician reads ONE alternative of a lens's code whole (``E3S`` of ``E3 ou E3S ou E3XS``,
``KR 1.60 POL``), then types, by kind (``KINDS``):

- ``code``: the code as read, in a random case, spaces sometimes dropped;
- ``code+index``: the code and the index (``e3s 1,67``: French comma or dot, sometimes short);
- ``code, index ticked``: the code; the index is ticked in the list (``Case.ticked_index``);
- ``maker+code+index``: ``zeiss spu50 1,5`` (the maker as said, sometimes its first 4+ letters);
- ``misread+index``: one character replaced by a confusable one (O↔0, D↔0, I↔1↔l, S↔5, B↔8,
  Z↔2, G↔6, U↔V);
- ``faded+index``: one character dropped;
- ``two chars+maker+index``: only the first two characters are legible.

Lenses sharing supplier, index (2 decimals) and code form a **group**: their engravings are the
same, so the case counts as found when any lens of the target's group is ranked. For each case
``candidates`` is the number of groups an ideal matcher would have to offer for what was typed
(groups whose code has an alternative or a part consistent with the observation: the same once
case, spaces and punctuation are ignored; for a misread, also at one confusable substitution; for
a faded code, also at one deletion; for two characters, any starting with them; within the
maker and index when they were given). More than ``DECIDABLE_MAX`` cannot be decided by any
search: such cases are reported apart.

``score(cases, search)`` takes any ``search(text, ticked_index) -> ranked lens ids``: today's
search (``anchor_search``), the future ranked search, or the real window driven key by key.
Lenses whose engraving is a sign are left to the sign cases.

**Sign cases** (issue 19, ``draw_sign_cases``): the optician sees 2 or 3 of the sign's shapes
(sometimes one of them missing, sometimes a look-alike picked instead, ``LOOK_ALIKE``), its
letters and digits, the index, sometimes the maker, in at most ``MAX_ACTIONS`` actions: each
shape clicked in the palette is one, the typed text (letters, index, maker, shape names such as
``oeil``) is one, ticking the index is one. A sign group is the lenses sharing shapes, letters,
maker and index (the ranked search gives them as one answer); an ideal matcher has to offer
every group whose shapes hold every observed one (all but one when a look-alike of one of its
shapes was picked), with the same letters and digits, maker and index when given.
``score_signs(cases, search)`` takes ``search(text, ticked_index, symbols) -> ids``
(``symbols``: the shapes clicked), scored as ``score``.

    python -m bench.identify_cases --anchor    # the table for today's search on the guide
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.text import fold

SEED = 20_261_206
DECIDABLE_MAX = 5
TOP = (1, 5)
KINDS = (
    "code",
    "code+index",
    "code, index ticked",
    "maker+code+index",
    "misread+index",
    "faded+index",
    "two chars+maker+index",
)
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

Group = tuple[str, float, str]  # supplier, index rounded to 2 decimals, code
Search = Callable[[str, float | None], Sequence[int]]


# --------------------------------------------------------------------------- codes as read


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


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """One identification at the counter: what was typed, and which lens it was."""

    kind: str
    text: str
    ticked_index: float | None
    lens_id: int
    group: Group
    group_ids: tuple[int, ...]  # the lenses of the target's group (any of them is right)
    read: str  # the alternative the optician read, before it was degraded
    observed: str  # the code as observed (degraded), before case and spacing were applied
    candidates: int  # groups an ideal matcher has to offer for what was typed

    @property
    def decidable(self) -> bool:
        return self.candidates <= DECIDABLE_MAX


class GroupIndex:
    """The guide's lens groups, indexed by the keys an observation is compared with."""

    def __init__(self, lenses: Sequence[Mapping[str, Any]], ids: Sequence[int]) -> None:
        self.members: dict[Group, list[int]] = defaultdict(list)
        self.lens_group: dict[int, Group] = {}
        for lens, lens_id in zip(lenses, ids, strict=True):
            group = group_of(lens)
            self.members[group].append(lens_id)
            self.lens_group[lens_id] = group
        self.exact: dict[str, set[Group]] = defaultdict(set)
        self.deleted: dict[str, set[Group]] = defaultdict(set)  # key with one character less
        self.prefix: dict[str, set[Group]] = defaultdict(set)
        for group in self.members:
            for key in code_keys(group[2]):
                self.exact[key].add(group)
                self.prefix[key[:2]].add(group)
                for i in range(len(key)):
                    self.deleted[key[:i] + key[i + 1 :]].add(group)

    def consistent(
        self, kind: str, observed: str, maker: str | None, indice: float | None
    ) -> set[Group]:
        """The groups an ideal matcher has to offer for the observed code (a folded key, Greek
        signs already typed), maker and index (2 decimals)."""
        key = code_key(observed)
        if kind == "two chars+maker+index":
            found = set(self.prefix.get(key[:2], ()))
        else:
            found = set(self.exact.get(key, ()))
            if kind == "misread+index":
                for variant in substitutions(key):
                    found |= self.exact.get(variant, set())
            elif kind == "faded+index":
                found |= self.deleted.get(key, set())
        return {
            g for g in found
            if (maker is None or g[0] == maker) and (indice is None or g[1] == round(indice, 2))
        }


def group_of(lens: Mapping[str, Any]) -> Group:
    return (str(lens["fournisseur"]), round(float(lens["indice"]), 2), str(lens["gravure_nasale"]))


def substitutions(key: str) -> Iterable[str]:
    """``key`` with one character replaced by a confusable one, every way."""
    for i, ch in enumerate(key):
        for other in CONFUSABLE.get(ch, ()):
            yield key[:i] + other + key[i + 1 :]


def draw_cases(
    lenses: Sequence[Mapping[str, Any]],
    ids: Sequence[int] | None = None,
    per_kind: int = 200,
    seed: int = SEED,
    spoken: Mapping[str, str] | None = None,
) -> list[Case]:
    """``per_kind`` cases of each kind, drawn with a fixed seed. ``ids``: the lenses' ids in the
    database (1, 2, ... by default); ``spoken``: how an optician names each maker (lower case;
    by default the guide's, else the first word of the supplier's name)."""
    ids = list(range(1, len(lenses) + 1)) if ids is None else list(ids)
    if spoken is None:
        from bench.guide import MAKERS

        spoken = {maker.name: maker.spoken for maker in MAKERS}
    index = GroupIndex(lenses, ids)
    rng = random.Random(seed)
    cases: list[Case] = []
    for kind in KINDS:
        drawn = 0
        attempts = 0
        while drawn < per_kind and attempts < per_kind * 50:
            attempts += 1
            position = rng.randrange(len(lenses))
            case = _case(rng, kind, lenses[position], ids[position], index, spoken)
            if case is not None:
                cases.append(case)
                drawn += 1
    return cases


def _case(
    rng: random.Random,
    kind: str,
    lens: Mapping[str, Any],
    lens_id: int,
    index: GroupIndex,
    spoken: Mapping[str, str],
) -> Case | None:
    code = lens.get("gravure_nasale")
    if not code or lens.get("symboles"):  # a sign: the sign cases' business
        return None
    read = rng.choice(alternatives(str(code)))
    as_read = _type_greek(rng, read)
    degraded: str | None = as_read
    if kind == "misread+index":
        degraded = misread(rng, as_read)
    elif kind == "faded+index":
        degraded = faded(rng, as_read)
    if degraded is None:
        return None
    typed = observed = degraded
    supplier = str(lens["fournisseur"])
    indice = float(lens["indice"])
    maker = None
    given_index: float | None = indice
    if kind == "two chars+maker+index":
        typed = code_key(typed)[:2]
        observed = typed
        if len(typed) < 2:
            return None
    typed = _type_case(rng, typed)
    ticked = None
    words = [typed]
    if kind == "code":
        given_index = None
    elif kind == "code, index ticked":
        ticked = indice
    else:
        words.append(index_text(indice, rng, short=kind != "code+index" or rng.random() < 0.3))
    if kind in ("maker+code+index", "two chars+maker+index"):
        maker = supplier
        said = spoken.get(supplier) or fold(supplier).split(" ")[0]
        if len(said) >= 5 and rng.random() < 0.4:
            said = said[: rng.randint(4, len(said) - 1)]
        said = _type_case(rng, said)
        if kind == "maker+code+index" or rng.random() < 0.5:
            words.insert(0, said)
        else:
            words.insert(1, said)
    elif len(words) == 2 and rng.random() < 0.15:
        words.reverse()  # « 1,67 e3s »: words in any order
    group = group_of(lens)
    consistent = index.consistent(kind, observed, maker, given_index)
    assert group in consistent, (kind, observed, group)
    return Case(
        kind=kind,
        text=" ".join(words),
        ticked_index=ticked,
        lens_id=lens_id,
        group=group,
        group_ids=tuple(index.members[group]),
        read=read,
        observed=observed,
        candidates=len(consistent),
    )


def _type_greek(rng: random.Random, read: str) -> str:
    out = []
    for ch in read:
        options = GREEK_READINGS.get(fold(ch))
        out.append(rng.choice(options) if options else ch)
    return "".join(out)


def _type_case(rng: random.Random, text: str) -> str:
    """Case is unknown under the lamp: lower (mostly), upper or as read; spaces sometimes
    dropped, underscores sometimes typed as a space or left out."""
    roll = rng.random()
    text = text.lower() if roll < 0.5 else text.upper() if roll < 0.75 else text
    if "_" in text and rng.random() < 0.5:
        text = text.replace("_", rng.choice((" ", "")))
    if " " in text and rng.random() < 0.3:
        text = text.replace(" ", "")
    return " ".join(text.split())


def misread(rng: random.Random, text: str) -> str | None:
    """``text`` with one character replaced by one it is confused with (``None``: none can be)."""
    # A capital L is not read as a 1: only the lower-case l is.
    positions = [i for i, ch in enumerate(text) if ch != "L" and ch.lower() in CONFUSABLE]
    if not positions:
        return None
    i = rng.choice(positions)
    other = rng.choice(CONFUSABLE[text[i].lower()])
    if other == "i" or (text[i].isupper() and other != "l"):
        other = other.upper()
    return text[:i] + other + text[i + 1 :]


def faded(rng: random.Random, text: str) -> str | None:
    """``text`` with one letter or digit gone (``None`` when it has fewer than two)."""
    positions = [i for i, ch in enumerate(text) if ch.isalnum()]
    if len(positions) < 2:
        return None
    i = rng.choice(positions)
    return " ".join((text[:i] + text[i + 1 :]).split())


# --------------------------------------------------------------------------- scoring


def score(cases: Sequence[Case], search: Search, top: Sequence[int] = TOP) -> dict[str, Any]:
    """Top-k per kind and overall over the decidable cases; undecidable cases counted apart
    (with their own top-5, for information). A case is found at k when any lens of its group is
    among the first k ids ``search(case.text, case.ticked_index)`` returns."""
    deepest = max(top)
    ranks: list[int | None] = []
    for case in cases:
        ranked = list(search(case.text, case.ticked_index))[:deepest]
        members = set(case.group_ids)
        ranks.append(next((i for i, lens_id in enumerate(ranked) if lens_id in members), None))
    return _figures(cases, ranks, top, KINDS)


def _figures(
    cases: Sequence[Any], ranks: Sequence[int | None], top: Sequence[int], known_kinds: Sequence[str]
) -> dict[str, Any]:
    deepest = max(top)

    def figures(selected: list[tuple[Any, int | None]]) -> dict[str, Any]:
        decidable = [rank for case, rank in selected if case.decidable]
        undecidable = [rank for case, rank in selected if not case.decidable]
        result: dict[str, Any] = {
            "cases": len(selected),
            "decidable": len(decidable),
            "undecidable": len(undecidable),
        }
        for k in top:
            found = sum(1 for rank in decidable if rank is not None and rank < k)
            result[f"top{k}"] = 100.0 * found / len(decidable) if decidable else 0.0
        found = sum(1 for rank in undecidable if rank is not None and rank < deepest)
        result[f"undecidable_top{deepest}"] = 100.0 * found / len(undecidable) if undecidable else 0.0
        return result

    pairs = list(zip(cases, ranks, strict=True))
    kinds = [kind for kind in known_kinds if any(c.kind == kind for c in cases)]
    kinds += sorted({c.kind for c in cases} - set(kinds))
    return {
        "kinds": {kind: figures([p for p in pairs if p[0].kind == kind]) for kind in kinds},
        "overall": figures(pairs),
    }


def table(result: Mapping[str, Any], title: str) -> str:
    """The per-kind figures as a plain-text table."""
    lines = [
        title,
        f"{'type de saisie':<24} {'cas':>5} {'décid.':>6} {'top-1':>7} {'top-5':>7} {'indécid.':>8}",
    ]
    rows = [*result["kinds"].items(), ("ensemble", result["overall"])]
    for kind, row in rows:
        lines.append(
            f"{kind:<24} {row['cases']:>5} {row['decidable']:>6} {row['top1']:>6.1f}% "
            f"{row['top5']:>6.1f}% {row['undecidable']:>8}"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- signs

SIGN_KINDS = (
    "sign+code+index",
    "sign+code, index ticked",
    "sign+maker+code+index",
    "sign, one shape missing",
    "sign, look-alike picked",
)
MAX_ACTIONS = 3
# Shapes taken one for another under the lamp (a small confusion table of look-alikes).
LOOK_ALIKE_PAIRS = (
    ("barre_horizontale", "tiret"), ("tiret", "double_tiret"), ("courbe", "trois_courbes"),
    ("courbe", "arc"), ("arc", "pont"), ("arc", "coupe"), ("cercle", "oeil"), ("cercle", "v_cercle"),
    ("cercle", "soleil"), ("barre_oblique", "barre_oblique_inverse"), ("barre_oblique", "barre_verticale"),
    ("triangle", "triangle_bas"), ("triangles_opposes", "triangle"), ("losange", "s_losange"),
    ("losange", "carre"), ("carre", "rectangle_vertical"), ("rectangle_vertical", "rectangle_horizontal"),
    ("rectangle_horizontal", "ordinateur"), ("etoile", "soleil"), ("soleil", "e_soleil"),
    ("e_soleil", "e_coeur"), ("e_coeur", "e_oeil"), ("e_oeil", "e_double_courbe"), ("oeil", "e_oeil"),
    ("pi", "agrafe"), ("agrafe", "pont"), ("omega", "arc"), ("sigma", "chemin"), ("crochet", "note"),
    ("cintre", "triangle"), ("trident", "ideogramme"), ("neutron", "cercle"), ("lune", "courbe"),
    ("hexagone", "cercle"), ("fer", "manette"), ("filament", "courbe"), ("balance", "trident"),
    ("tortue", "coureur"),
)
LOOK_ALIKE: dict[str, tuple[str, ...]] = {}
for _a, _b in LOOK_ALIKE_PAIRS:
    LOOK_ALIKE[_a] = (*LOOK_ALIKE.get(_a, ()), _b)
    LOOK_ALIKE[_b] = (*LOOK_ALIKE.get(_b, ()), _a)

SignGroup = tuple[str, float, str, frozenset[str]]  # supplier, index (2 decimals), code, shapes
SignSearch = Callable[[str, float | None, Sequence[str]], Sequence[int]]


@dataclass(frozen=True)
class SignCase:
    """One sign identified at the counter: the shapes clicked in the palette, the text typed
    (shape names among its words), the index ticked, and which lens it was."""

    kind: str
    text: str
    ticked_index: float | None
    symbols: tuple[str, ...]  # clicked in the palette, in click order
    typed_symbols: tuple[str, ...]  # typed by name in the text
    lens_id: int
    group: SignGroup
    group_ids: tuple[int, ...]
    candidates: int

    @property
    def observed(self) -> tuple[str, ...]:
        return (*self.symbols, *self.typed_symbols)

    @property
    def actions(self) -> int:
        return len(self.symbols) + (1 if self.text else 0) + (1 if self.ticked_index is not None else 0)

    @property
    def decidable(self) -> bool:
        return self.candidates <= DECIDABLE_MAX


def sign_group_of(lens: Mapping[str, Any]) -> SignGroup:
    return (
        str(lens["fournisseur"]), round(float(lens["indice"]), 2), code_key(str(lens["gravure_nasale"] or "")),
        frozenset(lens.get("symboles") or ()),
    )


class SignIndex:
    """The guide's sign groups, by shape."""

    def __init__(self, lenses: Sequence[Mapping[str, Any]], ids: Sequence[int]) -> None:
        self.members: dict[SignGroup, list[int]] = defaultdict(list)
        self.by_shape: dict[str, set[SignGroup]] = defaultdict(set)
        for lens, lens_id in zip(lenses, ids, strict=True):
            if not lens.get("symboles"):
                continue
            group = sign_group_of(lens)
            self.members[group].append(lens_id)
            for shape in group[3]:
                self.by_shape[shape].add(group)

    def consistent(
        self, observed: Sequence[str], code: str | None, maker: str | None, indice: float | None,
        look_alike: bool,
    ) -> set[SignGroup]:
        """The groups an ideal matcher has to offer: every observed shape in the group's sign
        (all but one, the one a look-alike of a shape of the sign, when ``look_alike``), the
        same letters and digits (``code``, compared as read), maker and index when given."""
        pool: set[SignGroup] = set()
        for shape in observed:
            pool |= self.by_shape.get(shape, set())
            if look_alike:
                for other in LOOK_ALIKE.get(shape, ()):
                    pool |= self.by_shape.get(other, set())
        found = set()
        for group in pool:
            absent = [s for s in observed if s not in group[3]]
            if absent and not (
                look_alike and len(absent) == 1 and set(LOOK_ALIKE.get(absent[0], ())) & group[3]
            ):
                continue
            if code is not None and group[2] != code_key(code):
                continue
            if maker is not None and group[0] != maker:
                continue
            if indice is not None and group[1] != round(indice, 2):
                continue
            found.add(group)
        return found


def _typable(key: str) -> str | None:
    """A name the shape can be typed by in the box (read back as that shape), or None (Greek
    letter names and one-letter words are code words: such shapes are clicked)."""
    from data.identify import Vocabulary, parse
    from data.symbols import by_key

    shape = by_key(key)
    for name in (*shape.aliases, shape.label):
        if parse(name, Vocabulary()).symbols == (key,):
            return name
    return None


def draw_sign_cases(
    lenses: Sequence[Mapping[str, Any]],
    ids: Sequence[int] | None = None,
    per_kind: int = 100,
    seed: int = SEED + 19,
    spoken: Mapping[str, str] | None = None,
) -> list[SignCase]:
    """``per_kind`` sign cases of each of ``SIGN_KINDS``, drawn with a fixed seed from the
    lenses with ``symboles`` (see the module's doc)."""
    ids = list(range(1, len(lenses) + 1)) if ids is None else list(ids)
    if spoken is None:
        from bench.guide import MAKERS

        spoken = {maker.name: maker.spoken for maker in MAKERS}
    index = SignIndex(lenses, ids)
    signed = [p for p, lens in enumerate(lenses) if lens.get("symboles")]
    rng = random.Random(seed)
    cases: list[SignCase] = []
    for kind in SIGN_KINDS:
        drawn = attempts = 0
        while drawn < per_kind and attempts < per_kind * 50 and signed:
            attempts += 1
            position = rng.choice(signed)
            case = _sign_case(rng, kind, lenses[position], ids[position], index, spoken)
            if case is not None:
                cases.append(case)
                drawn += 1
    return cases


def _sign_case(
    rng: random.Random, kind: str, lens: Mapping[str, Any], lens_id: int, index: SignIndex,
    spoken: Mapping[str, str],
) -> SignCase | None:
    shapes = list(lens["symboles"])
    rng.shuffle(shapes)
    seen = shapes[: rng.choice((2, 3))]
    if kind == "sign, one shape missing":
        if len(shapes) < 2:
            return None
        seen = shapes[: min(len(shapes) - 1, rng.choice((1, 2, 2)))]  # one of the sign's not seen
    look_alike = kind == "sign, look-alike picked"
    if look_alike:
        mistaken = [i for i, s in enumerate(seen) if s in LOOK_ALIKE]
        if not mistaken:
            return None
        i = rng.choice(mistaken)
        seen[i] = rng.choice(LOOK_ALIKE[seen[i]])
        if len(set(seen)) < len(seen):
            return None
    code = str(lens.get("gravure_nasale") or "")
    supplier = str(lens["fournisseur"])
    indice = float(lens["indice"])
    ticked = indice if kind == "sign+code, index ticked" else None
    maker = supplier if kind == "sign+maker+code+index" else None
    # Clicks while the budget allows (the text is one action, a ticked index one); the other
    # shapes are typed by name, unless they cannot be (then they are clicked, or left out).
    budget = MAX_ACTIONS - 1 - (1 if ticked is not None else 0)
    clicked: list[str] = []
    typed: list[tuple[str, str]] = []
    for shape in seen:
        name = _typable(shape)
        if name is not None and (len(clicked) >= budget or rng.random() < 0.3):
            typed.append((shape, name))
        elif len(clicked) < budget:
            clicked.append(shape)
        elif name is not None:
            typed.append((shape, name))
    observed = [*clicked, *(shape for shape, _ in typed)]
    if not observed:
        return None
    words = [_type_case(rng, code)] if code else []
    if ticked is None:
        words.append(index_text(indice, rng, short=rng.random() < 0.6))
    if maker is not None:
        said = spoken.get(supplier) or fold(supplier).split(" ")[0]
        words.insert(rng.randrange(len(words) + 1), _type_case(rng, said))
    for _shape, name in typed:
        words.insert(rng.randrange(len(words) + 1), name.lower() if rng.random() < 0.7 else name)
    group = sign_group_of(lens)
    consistent = index.consistent(observed, code or None, maker, indice, look_alike)
    assert group in consistent, (kind, observed, group)
    case = SignCase(
        kind=kind,
        text=" ".join(words),
        ticked_index=ticked,
        symbols=tuple(clicked),
        typed_symbols=tuple(shape for shape, _ in typed),
        lens_id=lens_id,
        group=group,
        group_ids=tuple(index.members[group]),
        candidates=len(consistent),
    )
    return case if case.actions <= MAX_ACTIONS else None


def score_signs(cases: Sequence[SignCase], search: SignSearch, top: Sequence[int] = TOP) -> dict[str, Any]:
    """``score`` for sign cases: ``search(text, ticked_index, symbols)`` with the shapes
    clicked in the palette."""
    deepest = max(top)
    ranks: list[int | None] = []
    for case in cases:
        ranked = list(search(case.text, case.ticked_index, case.symbols))[:deepest]
        members = set(case.group_ids)
        ranks.append(next((i for i, lens_id in enumerate(ranked) if lens_id in members), None))
    return _figures(cases, ranks, top, SIGN_KINDS)


def ranked_sign_search(db: Any) -> SignSearch:
    """The data layer's ranked search for a sign: the text read by ``data.identify.parse``
    against the catalogue's vocabulary, the clicked shapes as ``LensQuery.symbols``, the ticked
    index as the index filter (``data.catalogue.ranked.ranked_search``)."""
    from data.catalogue.ranked import ranked_search
    from data.catalogue.vocabulary import vocabulary
    from data.identify import parse
    from data.query import LensQuery

    def search(text: str, ticked: float | None, symbols: Sequence[str]) -> list[int]:
        parsed = parse(text, vocabulary(db))
        query = LensQuery(indices=(ticked,) if ticked is not None else (), symbols=tuple(symbols))
        result = ranked_search(db, query, parsed)
        if result is None:
            return []
        # Lenses of one sign, maker and index are one answer (« même signe »): its first lens.
        answers = [i for i in result.ids if not result.reasons.get(i, "").endswith("même signe")]
        return answers[: max(TOP)]

    return search


# --------------------------------------------------------------------------- today's search


def anchor_search(db: Any) -> Search:
    """Today's search: the text as ``LensQuery.text``, the ticked index as the index filter,
    the default sort, the first page of ``data.catalogue.lens_page``."""
    from data.catalogue import lens_page
    from data.query import LensQuery

    def search(text: str, ticked: float | None) -> list[int]:
        query = LensQuery(text=text, indices=(ticked,) if ticked is not None else ())
        return [row.id for row in lens_page(db, query, 0, max(TOP))]

    return search


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Banc d'identification sur le guide de gravures.")
    parser.add_argument("--anchor", action="store_true", help="mesurer la recherche actuelle")
    parser.add_argument("--per-kind", type=int, default=200, help="cas par type de saisie")
    parser.add_argument("--database", type=Path, help="fichier SQLite du guide (créé)")
    parser.add_argument("--show", type=int, default=0, help="afficher N cas par type")
    parser.add_argument("--signs", action="store_true", help="mesurer la recherche des signes")
    args = parser.parse_args(argv)

    from bench.guide import build_guide_database, guide_lenses, summary

    lenses = guide_lenses()
    print(summary(lenses))
    with tempfile.TemporaryDirectory(prefix="guide-") as folder:
        path = args.database or Path(folder) / "guide.db"
        started = time.perf_counter()
        ids = build_guide_database(path, lenses)
        print(f"guide écrit en {time.perf_counter() - started:.1f} s")
        cases = draw_cases(lenses, ids, per_kind=args.per_kind)
        if args.show:
            for kind in KINDS:
                for case in [c for c in cases if c.kind == kind][: args.show]:
                    print(f"  {kind:<24} {case.text!r:<28} coché={case.ticked_index} "
                          f"lu={case.read!r} groupes={case.candidates}")
        if args.anchor:
            from data.config import load_settings
            from data.database import open_database

            url = "sqlite:///" + Path(path).as_posix()
            db = open_database(url, load_settings(cli_url=url))
            try:
                started = time.perf_counter()
                result = score(cases, anchor_search(db))
                elapsed = time.perf_counter() - started
            finally:
                db.dispose()
            print(table(result, f"Recherche actuelle ({len(cases)} cas, {elapsed:.1f} s)"))
        if args.signs:
            from data.config import load_settings
            from data.database import open_database

            sign_cases = draw_sign_cases(lenses, ids, per_kind=args.per_kind)
            for case in sign_cases[:: max(1, len(sign_cases) // max(1, args.show))] if args.show else ():
                print(f"  {case.kind:<26} {case.text!r:<26} palette={list(case.symbols)} "
                      f"coché={case.ticked_index} groupes={case.candidates}")
            url = "sqlite:///" + Path(path).as_posix()
            db = open_database(url, load_settings(cli_url=url))
            try:
                started = time.perf_counter()
                result = score_signs(sign_cases, ranked_sign_search(db))
                elapsed = time.perf_counter() - started
            finally:
                db.dispose()
            print(table(result, f"Signes, recherche classée ({len(sign_cases)} cas, {elapsed:.1f} s)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
