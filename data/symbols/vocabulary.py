"""The shapes a nasal sign is made of: key, French label, group, typed names and drawing.

The vocabulary is data. The database will hold these rows (key, label, group, path) and an admin
may add one, so nothing downstream depends on Python code per shape: the drawing is a path string
(see :mod:`data.symbols.drawing`) in a 100×100 box, and everything else is derived from it.

Typed names (``aliases``) are what an optician types in the search box or a ``Symboles`` column:
the key, the label, and a few other names, all compared after :func:`data.text.fold`. A name
belongs to one shape only. Two bare words are given to the most frequent shape of their kind in the
guides: ``barre`` is the horizontal bar and ``trait`` the dash; every other bar says its direction.
Single letters are never names (they are read as a code).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from data.text import fold

LINES = "Traits"
FIGURES = "Figures"
OBJECTS = "Objets"
ESSILOR_E = "e d'Essilor"
GROUPS = (LINES, FIGURES, OBJECTS, ESSILOR_E)

_SEPARATORS = re.compile(r"[\s_\-'’]+")


@dataclass(frozen=True)
class Shape:
    """One shape of the vocabulary; ``path`` is its drawing in the path subset."""

    key: str
    label: str
    group: str
    aliases: tuple[str, ...]
    path: str


def name_key(text: str) -> str:
    """How a typed name is compared: folded, separators as single spaces.

    ``"Barre_Horizontale"``, ``"barre-horizontale"`` and ``" BARRE  horizontale "`` are one name;
    ``"Œil"`` and ``"oeil"`` too.
    """
    return _SEPARATORS.sub(" ", fold(text)).strip()


# The « e » of Essilor: a bar, then round from its right end over the top to the lower right.
_E_CENTRE = "M 28 50 H 72 A 22 22 0 1 0 65.6 65.6"
_CIRCLE = "M 95 50 A 45 45 0 1 0 5 50 A 45 45 0 1 0 95 50"

_TABLE: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    # key, label, group, other typed names, drawing
    ("barre_horizontale", "Barre horizontale", LINES, ("barre",), "M 8 50 H 92"),
    ("barre_verticale", "Barre verticale", LINES, (), "M 50 8 V 92"),
    ("barre_oblique", "Barre oblique", LINES, ("oblique", "slash"), "M 24 92 L 76 8"),
    ("barre_oblique_inverse", "Barre oblique inverse", LINES, ("antislash",), "M 24 8 L 76 92"),
    ("tiret", "Tiret", LINES, ("trait",), "M 30 50 H 70"),
    ("double_tiret", "Double tiret", LINES, ("egal",), "M 26 38 H 74 M 26 62 H 74"),
    ("courbe", "Courbe", LINES, ("vague", "tilde"),
     "M 8 50 C 24 16 40 16 50 50 C 60 84 76 84 92 50"),
    ("trois_courbes", "Trois courbes", LINES, ("trois vagues",),
     "M 10 28 C 24 12 38 12 50 28 C 62 44 76 44 90 28 "
     "M 10 52 C 24 36 38 36 50 52 C 62 68 76 68 90 52 "
     "M 10 76 C 24 60 38 60 50 76 C 62 92 76 92 90 76"),
    ("arc", "Arc", LINES, ("arche",), "M 10 72 A 40 40 0 0 1 90 72"),
    ("agrafe", "Agrafe", LINES, (), "M 14 76 V 28 H 86 V 76"),
    ("crochet", "Crochet", LINES, ("hamecon",),
     "M 62 8 V 62 C 62 92 26 92 26 64 L 36 72"),
    ("chemin", "Chemin", LINES, ("lacets", "zigzag"),
     "M 28 92 L 72 74 L 28 56 L 72 38 L 28 20 L 50 8"),
    ("cercle", "Cercle", FIGURES, ("rond",), _CIRCLE),
    ("oeil", "Œil", FIGURES, ("yeux",),
     "M 5 50 Q 50 4 95 50 Q 50 96 5 50 Z M 62 50 A 12 12 0 1 0 38 50 A 12 12 0 1 0 62 50"),
    ("v_cercle", "V dans un cercle", FIGURES, ("v cercle", "vcercle", "v rond"),
     f"{_CIRCLE} M 28 28 L 50 74 L 72 28"),
    ("pi", "Pi", FIGURES, (),
     "M 12 30 Q 14 22 24 22 H 88 M 36 22 Q 36 62 26 84 M 66 22 V 74 Q 66 84 78 82"),
    ("omega", "Oméga", FIGURES, (),
     "M 12 86 H 36 C 10 70 12 16 50 16 C 88 16 90 70 64 86 H 88"),
    ("sigma", "Sigma", FIGURES, (), "M 80 26 V 16 H 22 L 56 50 L 22 84 H 80 V 74"),
    ("triangle", "Triangle", FIGURES, (), "M 50 10 L 92 84 L 8 84 Z"),
    ("triangle_bas", "Triangle pointe en bas", FIGURES, ("triangle inverse", "triangle renverse"),
     "M 8 16 L 92 16 L 50 90 Z"),
    ("triangles_opposes", "Triangles opposés", FIGURES, ("noeud papillon", "papillon"),
     "M 8 22 L 50 50 L 8 78 Z M 92 22 L 50 50 L 92 78 Z"),
    ("losange", "Losange", FIGURES, (), "M 50 6 L 86 50 L 50 94 L 14 50 Z"),
    ("s_losange", "S dans un losange", FIGURES, ("s losange",),
     "M 50 4 L 90 50 L 50 96 L 10 50 Z "
     "M 60 38 C 58 30 40 29 40 40 C 40 50 60 49 60 60 C 60 71 42 71 39 63"),
    ("hexagone", "Hexagone", FIGURES, (),
     "M 50 6 L 88.1 28 L 88.1 72 L 50 94 L 11.9 72 L 11.9 28 Z"),
    ("carre", "Carré", FIGURES, (), "M 14 14 H 86 V 86 H 14 Z"),
    ("rectangle_vertical", "Rectangle vertical", FIGURES, (), "M 30 6 H 70 V 94 H 30 Z"),
    ("rectangle_horizontal", "Rectangle horizontal", FIGURES, (), "M 6 30 H 94 V 70 H 6 Z"),
    ("etoile", "Étoile", FIGURES, (),
     "M 50 8 L 61.2 38.6 L 93.7 39.8 L 68.1 59.9 L 77 91.2 L 50 73 L 23 91.2 L 31.9 59.9 "
     "L 6.3 39.8 L 38.8 38.6 Z"),
    ("soleil", "Soleil", FIGURES, (),
     "M 70 50 A 20 20 0 1 0 30 50 A 20 20 0 1 0 70 50 "
     "M 78 50 L 95 50 M 69.8 69.8 L 81.8 81.8 M 50 78 L 50 95 M 30.2 69.8 L 18.2 81.8 "
     "M 22 50 L 5 50 M 30.2 30.2 L 18.2 18.2 M 50 22 L 50 5 M 69.8 30.2 L 81.8 18.2"),
    ("lune", "Lune", FIGURES, ("croissant",),
     "M 60.4 11.4 A 40 40 0 1 0 60.4 88.6 A 42 42 0 0 1 60.4 11.4 Z"),
    ("neutron", "Neutron", FIGURES, ("atome",),
     "M 18.9 18.9 A 44 15 45 1 0 81.1 81.1 A 44 15 45 1 0 18.9 18.9 "
     "M 18.9 81.1 A 44 15 -45 1 0 81.1 18.9 A 44 15 -45 1 0 18.9 81.1 "
     "M 56 50 A 6 6 0 1 0 44 50 A 6 6 0 1 0 56 50"),
    ("note", "Note de musique", OBJECTS, ("musique", "note de musique"),
     "M 24 78 A 14 10 0 1 0 52 78 A 14 10 0 1 0 24 78 M 52 78 V 10 "
     "C 58 26 78 28 74 56"),
    ("pont", "Pont", OBJECTS, (),
     "M 4 38 H 96 M 12 38 V 84 M 88 38 V 84 M 12 84 C 20 50 80 50 88 84"),
    ("tortue", "Tortue", OBJECTS, (),
     "M 14 68 C 16 16 76 16 80 68 Z M 79 58 C 84 44 98 46 96 57 C 94 64 86 64 80 62 "
     "M 28 68 L 22 84 M 66 68 L 72 84 M 14 66 L 4 72"),
    ("coureur", "Coureur", OBJECTS, ("bonhomme", "course"),
     "M 72 14 A 8 8 0 1 0 56 14 A 8 8 0 1 0 72 14 M 60 24 L 46 56 "
     "M 56 32 L 72 44 L 84 36 M 56 32 L 38 40 L 28 32 "
     "M 46 56 L 66 68 L 60 92 M 46 56 L 36 76 L 16 80"),
    ("balance", "Balance", OBJECTS, (),
     "M 50 12 V 88 M 30 88 H 70 M 14 24 H 86 "
     "M 14 24 L 4 56 M 14 24 L 24 56 M 4 56 Q 14 68 24 56 "
     "M 86 24 L 76 56 M 86 24 L 96 56 M 76 56 Q 86 68 96 56"),
    ("cintre", "Cintre", OBJECTS, ("porte manteau", "portemanteau"),
     "M 40 22 C 40 8 60 8 60 20 C 60 28 50 28 50 36 L 8 72 H 92 L 50 36"),
    ("coupe", "Coupe", OBJECTS, ("verre a pied",),
     "M 20 12 H 80 C 80 58 20 58 20 12 M 50 46 V 82 M 28 88 Q 50 78 72 88"),
    ("trident", "Trident", OBJECTS, (),
     "M 50 6 V 94 M 18 10 Q 18 42 50 42 Q 82 42 82 10 "
     "M 12 18 L 18 10 L 24 18 M 76 18 L 82 10 L 88 18 M 44 14 L 50 6 L 56 14"),
    ("fer", "Fer à repasser", OBJECTS, ("fer a repasser",),
     "M 6 80 H 92 V 52 H 44 C 24 54 12 64 6 80 Z M 86 52 V 26 H 54 L 46 52"),
    ("manette", "Manette de jeu", OBJECTS, ("manette", "console", "jeu video"),
     "M 26 28 H 74 C 92 28 100 76 88 80 C 80 84 72 70 64 64 H 36 C 28 70 20 84 12 80 "
     "C 0 76 8 28 26 28 Z M 20 46 H 36 M 28 38 V 54 "
     "M 72 42 A 4 4 0 1 0 64 42 A 4 4 0 1 0 72 42 M 82 52 A 4 4 0 1 0 74 52 "
     "A 4 4 0 1 0 82 52"),
    ("ordinateur", "Ordinateur", OBJECTS, ("ecran",),
     "M 10 12 H 90 V 66 H 10 Z M 50 66 V 80 M 28 86 H 72"),
    ("filament", "Filament", OBJECTS, ("ampoule",),
     "M 8 92 L 20 60 A 8 24 0 1 1 34 60 A 8 24 0 1 1 48 60 A 8 24 0 1 1 62 60 "
     "A 8 24 0 1 1 76 60 L 92 92"),
    ("ideogramme", "Idéogramme", OBJECTS, ("caractere chinois", "chinois"),
     "M 18 30 H 82 V 66 H 18 Z M 50 6 V 94"),
    ("e_soleil", "« e » avec soleil", ESSILOR_E, ("e soleil",),
     f"{_E_CENTRE} "
     "M 83 50 L 96 50 M 73.3 73.3 L 82.5 82.5 M 50 83 L 50 96 M 26.7 73.3 L 17.5 82.5 "
     "M 17 50 L 4 50 M 26.7 26.7 L 17.5 17.5 M 50 17 L 50 4 M 73.3 26.7 L 82.5 17.5"),
    ("e_coeur", "« e » avec cœur", ESSILOR_E, ("e coeur",),
     "M 50 94 C 20 72 4 52 8 32 C 12 12 42 8 50 28 C 58 8 88 12 92 32 C 96 52 80 72 50 94 Z "
     "M 34 54 H 66 A 16 16 0 1 0 61.3 65.3"),
    ("e_oeil", "« e » avec œil", ESSILOR_E, ("e oeil",),
     "M 3 50 Q 50 -2 97 50 Q 50 102 3 50 Z M 35 50 H 65 A 15 15 0 1 0 60.6 60.6"),
    ("e_double_courbe", "« e » avec double courbe", ESSILOR_E, ("e double courbe", "e courbes"),
     "M 14 50 H 58 A 22 22 0 1 0 51.6 65.6 M 70 20 Q 86 50 70 80 M 82 10 Q 102 50 82 90"),
)


def _make(row: tuple[str, str, str, tuple[str, ...], str]) -> Shape:
    key, label, group, others, path = row
    names = [name_key(key), name_key(label), *(name_key(o) for o in others)]
    return Shape(key, label, group, tuple(dict.fromkeys(names)), path)


SHAPES: tuple[Shape, ...] = tuple(_make(row) for row in _TABLE)
_BY_KEY = {shape.key: shape for shape in SHAPES}
_BY_NAME = {name: shape for shape in SHAPES for name in shape.aliases}


def key_from_label(label: str, max_length: int = 40) -> str:
    """The key a new shape takes from its French label: folded, words joined by ``_``.

    ``"« e » avec étoile"`` -> ``"e_avec_etoile"``, ``"Cœur"`` -> ``"coeur"``; a label starting
    with a digit gets ``forme_`` in front (a key starts with a letter); empty when the label has
    no letter or digit.
    """
    key = re.sub(r"[^a-z0-9]+", "_", name_key(label)).strip("_")
    if key and not key[0].isalpha():
        key = f"forme_{key}"
    return key[:max_length].rstrip("_")


def by_key(key: str) -> Shape:
    """The shape of a key; ``KeyError`` for an unknown key."""
    return _BY_KEY[key]


def find_by_name(text: str, shapes: tuple[Shape, ...] | None = None) -> Shape | None:
    """The shape a typed name means (key, label or other name; case, accents and ``_ -`` ignored).

    ``shapes`` is another vocabulary (the database's, with an admin's additions); its shapes are
    looked up by their key, label and aliases the same way.
    """
    wanted = name_key(text)
    if not wanted:
        return None
    return (_BY_NAME if shapes is None else _names_of(shapes)).get(wanted)


def _names_of(shapes: tuple[Shape, ...]) -> dict[str, Shape]:
    """Every name of a vocabulary's shapes (aliases, key, label), the first shape's on a tie.

    Kept per vocabulary object (an import looks up a name per lens against the same one; a
    tuple of shapes is not hashed on every look-up)."""
    kept = _NAMES.get(id(shapes))
    if kept is not None and kept[0] is shapes:
        return kept[1]
    names: dict[str, Shape] = {}
    for shape in shapes:
        for name in (*shape.aliases, name_key(shape.key), name_key(shape.label)):
            names.setdefault(name, shape)
    if len(_NAMES) >= 8:
        _NAMES.clear()
    _NAMES[id(shapes)] = (shapes, names)
    return names


_NAMES: dict[int, tuple[tuple[Shape, ...], dict[str, Shape]]] = {}


def closest_names(text: str, n: int = 3, shapes: tuple[Shape, ...] | None = None) -> list[str]:
    """Up to ``n`` keys whose names are closest to ``text``, for « inconnu ; voulez-vous dire… »."""
    wanted = name_key(text)
    pool = SHAPES if shapes is None else shapes
    owner: dict[str, str] = {}
    for shape in pool:
        for name in (*shape.aliases, name_key(shape.key), name_key(shape.label)):
            owner.setdefault(name, shape.key)
    found: list[str] = []
    for name in difflib.get_close_matches(wanted, list(owner), n=4 * n, cutoff=0.5):
        if owner[name] not in found:
            found.append(owner[name])
    return found[:n]
