"""What the benchmark's synthetic catalogues are drawn from: suppliers, ranges, series,
materials, variants, indices and heights with their weights, engraving code letters, pictures,
and the shapes of signs by how often the guides show them; ``sign_rows`` draws the signs."""

from __future__ import annotations

import random
from collections.abc import Sequence

SUPPLIERS = (
    "Essilor", "Zeiss", "Hoya", "Novacel", "BBGR", "Rodenstock", "Nikon", "Seiko", "Shamir",
    "Indo", "Prats", "Optiswiss", "Kodak Lens", "Signet Armorlite", "Younger Optics", "Leinsa",
    "Tokai", "Unity", "Conant", "Ophtalmic Dubois", "Verres Lumière", "Optique Générale",
    "Précilens", "Horizon Optical", "Crystal Vision", "Orma Pro", "Visionéa", "LensArt",
    "Optovue Labs", "Krys Fabrication", "Sud Verres", "Atelier Boréal", "Nordlys", "Mont-Blanc Optique",
    "Visiaxe", "Alpha Verres", "Iris Labo", "Optima Çà", "Delta Progressifs", "Zenith Optics",
)
RANGE_WORDS = (
    "Varilux", "Progressiv", "SmartLife", "Hoyalux", "Anateo", "Multigressiv", "Impression",
    "Presio", "Precision", "Autograph", "Neva", "Évolution", "InTouch", "Genesis", "Element",
    "Supercept", "PrimeX", "Brilliance", "Horizon", "Panoramic", "Vista", "Lumis", "Optima",
    "Sérénité", "Équilibre", "Harmonie", "Infinity", "Quantum", "Nomad", "Zenit",
)
SERIES_WORDS = (
    "Comfort Max", "Physio 3.0", "Liberty 3.0", "X series", "E series", "Individual 3D", "Plus",
    "Pure", "Expert", "Essentiel", "Confort", "Premium", "Balance", "Master", "Power", "Ultimate",
    "Superb", "Summit ECP", "iD MySelf", "Light 3D", "Élite", "Précision HD", "Digital Drive",
    "Office", "Sport", "Short", "Natural", "Active", "Classic", "Intelligence", "FreeSign 3",
)
MATERIALS = (
    "Organique 1.5", "CR-39", "Polycarbonate", "Trivex", "MR-7", "MR-8", "MR-174", "Orma",
    "Ormix", "Stylis", "Lineis", "Airwear (polycarbonate)", "Eyas", "Verre minéral", "Phoenix (Trivex)",
)
MATERIAL_WEIGHTS = (14, 10, 9, 5, 13, 13, 9, 6, 6, 5, 4, 3, 2, 1, 1)
VARIANTS = (
    "Short", "Transitions", "Sensity", "XL", "Mini", "Fit", "PhotoFusion X", "ColorMatic",
    "Polarisé", "Teinté", "Crizal", "Drive",
)
VARIANT_WEIGHTS = (20, 14, 6, 5, 4, 4, 4, 3, 3, 3, 2, 1)
INDICES = (1.5, 1.53, 1.56, 1.59, 1.6, 1.67, 1.74, 1.8, 1.9, 1.523, 1.586)
INDEX_WEIGHTS = (26, 6, 7, 9, 20, 18, 8, 1.5, 1, 2, 1.5)
MIN_HEIGHTS = (11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22)
MIN_HEIGHT_WEIGHTS = (3, 6, 9, 12, 18, 16, 13, 9, 4, 3, 2)
# Letters of engraving codes: common ones often, Z and Q rarely (so "zq" is a rare fragment).
CODE_LETTERS = "ABCDEFGHIJKLMNOPRSTUVWXYZQ0123456789"
CODE_WEIGHTS = tuple([6] * 24 + [1.0, 1.0] + [4] * 10)
# Codes read on real lenses, each carried by a small share of the catalogue.
KNOWN_CODES = ("AIPZ", "AIPH", "AICX", "c74", "YS3", "HL 67", "NPB5", "GTm")
IMAGE_COUNT = 300
IMAGE_SHARE = 0.35
# Signs (issue 19): the shapes by how often the guides show them, most frequent first.
SIGN_SHAPES = (
    "barre_horizontale", "tiret", "courbe", "cercle", "barre_oblique", "barre_verticale", "oeil",
    "v_cercle", "pi", "triangles_opposes", "note", "rectangle_vertical", "barre_oblique_inverse",
    "double_tiret", "ordinateur", "ideogramme", "neutron", "etoile", "omega", "e_soleil",
    "agrafe", "cintre", "arc", "coupe", "triangle", "sigma", "balance", "tortue", "coureur",
    "trois_courbes", "pont", "chemin", "e_double_courbe", "fer", "triangle_bas",
    "rectangle_horizontal", "soleil", "s_losange", "e_coeur", "crochet", "manette", "e_oeil",
    "losange", "lune", "filament", "trident", "hexagone", "carre",
)
SIGN_WEIGHTS = tuple(1.0 / (rank + 4) for rank in range(len(SIGN_SHAPES)))
SIGN_SHARE = 1 / 3
SIGN_SIZES = (1, 2, 3, 4)
SIGN_SIZE_WEIGHTS = (15, 35, 35, 15)


def sign_rows(rng: random.Random, lenses: Sequence[tuple], shape_ids: dict[str, int]) -> list[tuple[int, int]]:
    """The ``verres_symboles`` rows of generated lens rows: about a third of them get 1 to 4
    shapes (``rng``: the signs' own stream, drawn in lens order)."""
    rows: list[tuple[int, int]] = []
    for lens in lenses:
        if rng.random() >= SIGN_SHARE:
            continue
        count = rng.choices(SIGN_SIZES, SIGN_SIZE_WEIGHTS)[0]
        shapes: set[str] = set()
        while len(shapes) < count:
            shapes.add(rng.choices(SIGN_SHAPES, SIGN_WEIGHTS)[0])
        rows.extend((lens[0], shape_ids[key]) for key in sorted(shapes))
    return rows
