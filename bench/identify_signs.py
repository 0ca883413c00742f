"""Sign identification cases drawn from the engraving guide, and their scoring (issue 19).

The optician sees 2 or 3 of the sign's shapes (sometimes one of them missing, sometimes a
look-alike picked instead, ``LOOK_ALIKE``), its letters and digits, the index, sometimes the
maker, in at most ``MAX_ACTIONS`` actions: each shape clicked in the palette is one, the typed
text (letters, index, maker, shape names such as ``oeil``) is one, ticking the index is one. A
sign group is the lenses sharing shapes, letters, maker and index (the ranked search gives them
as one answer); an ideal matcher has to offer every group whose shapes hold every observed one
(all but one when a look-alike of one of its shapes was picked), with the same letters and
digits, maker and index when given. ``score_signs(cases, search)`` takes
``search(text, ticked_index, symbols) -> ids`` (``symbols``: the shapes clicked), scored as
``bench.identify_cases.score``.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bench.codes_as_read import code_key, index_text
from bench.identify_cases import DECIDABLE_MAX, SEED, TOP, figures, type_case
from data.text import fold

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
    words = [type_case(rng, code)] if code else []
    if ticked is None:
        words.append(index_text(indice, rng, short=rng.random() < 0.6))
    if maker is not None:
        said = spoken.get(supplier) or fold(supplier).split(" ")[0]
        words.insert(rng.randrange(len(words) + 1), type_case(rng, said))
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
    return figures(cases, ranks, top, SIGN_KINDS)


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
