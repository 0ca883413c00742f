"""Shapes one takes for another under the lamp: a small table of look-alikes, by drawing.

An optician who sees a small bar may click the dash, a sun may be read as a star, one of the
Essilor « e » for another. The ranked search for a sign (``data.catalogue.ranked``) counts a
look-alike of a picked shape as half found: such lenses come after those having every picked
shape, before those missing one.
"""

from __future__ import annotations

# Pairs of shapes whose drawings differ by a detail (a length, a direction, a stroke more).
LOOK_ALIKE_PAIRS = (
    ("barre_horizontale", "tiret"), ("tiret", "double_tiret"), ("courbe", "trois_courbes"),
    ("courbe", "arc"), ("arc", "pont"), ("arc", "coupe"), ("cercle", "oeil"), ("cercle", "v_cercle"),
    ("cercle", "soleil"), ("cercle", "hexagone"), ("cercle", "neutron"),
    ("barre_oblique", "barre_oblique_inverse"), ("barre_oblique", "barre_verticale"),
    ("triangle", "triangle_bas"), ("triangle", "triangles_opposes"), ("losange", "s_losange"),
    ("losange", "carre"), ("carre", "rectangle_vertical"), ("rectangle_vertical", "rectangle_horizontal"),
    ("rectangle_horizontal", "ordinateur"), ("etoile", "soleil"), ("soleil", "e_soleil"),
    ("e_soleil", "e_coeur"), ("e_coeur", "e_oeil"), ("e_oeil", "e_double_courbe"),
    ("e_soleil", "e_oeil"), ("e_coeur", "e_double_courbe"), ("oeil", "e_oeil"), ("pi", "agrafe"),
    ("agrafe", "pont"), ("omega", "arc"), ("sigma", "chemin"), ("crochet", "note"),
    ("cintre", "triangle"), ("trident", "ideogramme"), ("trident", "balance"), ("lune", "courbe"),
    ("fer", "manette"), ("filament", "courbe"), ("tortue", "coureur"),
)

_LOOK_ALIKE: dict[str, frozenset[str]] = {}
for _a, _b in LOOK_ALIKE_PAIRS:
    _LOOK_ALIKE[_a] = _LOOK_ALIKE.get(_a, frozenset()) | {_b}
    _LOOK_ALIKE[_b] = _LOOK_ALIKE.get(_b, frozenset()) | {_a}


def look_alikes(key: str) -> frozenset[str]:
    """The shapes taken for ``key`` (none for a shape an admin added)."""
    return _LOOK_ALIKE.get(key, frozenset())


def with_look_alikes(keys: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``keys`` then their look-alikes, without repeats."""
    return tuple(dict.fromkeys([*keys, *(other for key in keys for other in sorted(look_alikes(key)))]))
