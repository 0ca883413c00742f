"""Generate the sample catalogue shipped with EngraveDetect Catalogue.

Writes, next to this file:

* ``catalogue.json``  - a JSON list of example progressive lenses;
* ``images/*.png``    - one small engraving drawing per distinct engraving.

Maker names and most range/series names are taken from the market (not all
verified), but every engraving code, fitting height, code-to-design pairing
and drawing is invented (see README.md in this folder for the details).

Deterministic: a fixed random seed, a fixed iteration order and no timestamps,
so re-running it on the same machine (same Pillow, same fonts) rewrites
byte-identical files. Standard library + Pillow only.

Run from the repository root::

    .venv/bin/python resources/sample/make_sample.py
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
import unicodedata
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
JSON_PATH = HERE / "catalogue.json"
IMAGE_DIR = HERE / "images"

SEED = 20240517

KEYS = (
    "fournisseur",
    "gamme",
    "serie",
    "materiau",
    "nom",
    "variante",
    "indice",
    "hauteur_min",
    "hauteur_max",
    "gravure_nasale",
    "symboles",
    "addition",
    "url_source",
    "image",
)


# --------------------------------------------------------------------------
# Suppliers
# --------------------------------------------------------------------------
# slug: image file prefix; url: public home page (null when unsure);
# mark: shape of the two alignment marks in the drawing (invented per maker).
class Supplier(NamedTuple):
    slug: str
    url: str | None
    mark: str


SUPPLIERS: dict[str, Supplier] = {
    "Essilor": Supplier("essilor", "https://www.essilor.com/fr-fr/", "circle"),
    "Hoya": Supplier("hoya", "https://www.hoyavision.com/", "circle"),
    "Zeiss": Supplier("zeiss", "https://www.zeiss.fr/vision-care/", "circle"),
    "Rodenstock": Supplier("rodenstock", "https://www.rodenstock.com/", "circle"),
    "Shamir": Supplier("shamir", "https://www.shamirlens.com/", "dot"),
    "Nikon": Supplier("nikon", "https://www.nikonlenswear.com/", "circle"),
    "Seiko": Supplier("seiko", "https://www.seikovision.com/", "diamond"),
    "BBGR": Supplier("bbgr", "https://www.bbgr.fr/", "circle"),
    "Novacel": Supplier("novacel", None, "circle"),
}

# --------------------------------------------------------------------------
# Materials: index -> material name, per supplier
# --------------------------------------------------------------------------
GENERIC = {
    1.5: "CR-39",
    1.53: "Trivex",
    1.59: "Polycarbonate",
    1.6: "MR-8",
    1.67: "MR-7",
    1.74: "MR-174",
}
MINERAL = "Verre minéral"

MATERIALS: dict[str, dict[float, str]] = {
    "Essilor": {
        1.5: "Orma",
        1.59: "Airwear (polycarbonate)",
        1.6: "Ormix",
        1.67: "Stylis",
        1.74: "Lineis",
    },
    "Hoya": {1.5: "CR-39", 1.53: "Phoenix (Trivex)", 1.6: "Eyas", 1.67: "Eynoa", 1.74: "Eyvia"},
    "Zeiss": dict(GENERIC),
    "Rodenstock": {1.5: "CR-39", 1.6: "MR-8", 1.67: "MR-7", 1.74: "MR-174"},
    "Shamir": dict(GENERIC),
    "Nikon": {1.5: "CR-39", 1.59: "Polycarbonate", 1.6: "MR-8", 1.67: "MR-7", 1.74: "MR-174"},
    "Seiko": {1.5: "CR-39", 1.6: "MR-8", 1.67: "MR-7", 1.74: "MR-174"},
    "BBGR": {
        1.5: "Organique 1.5",
        1.56: "Organique 1.56",
        1.59: "Polycarbonate",
        1.6: "MR-8",
        1.67: "MR-7",
        1.74: "MR-174",
    },
    "Novacel": {
        1.5: "Organique 1.5",
        1.53: "Trivex",
        1.56: "Organique 1.56",
        1.6: "MR-8",
        1.67: "MR-7",
        1.74: "MR-174",
    },
}


def idx2(indice: float) -> str:
    """1.6 -> '60', 1.67 -> '67', 1.5 -> '50'."""
    return f"{indice:.2f}"[2:]


# --------------------------------------------------------------------------
# Engraving code rules (all invented, in the shapes of real engraving guides:
# alternatives written "A ou B" or "A/B", the index inside the code, second
# parts, one code shared by several indices and by every variant of a design)
# --------------------------------------------------------------------------
def short_idx(indice: float) -> str:
    """1.6 -> '6', 1.5 -> '5', 1.67 -> '67' (as some makers engrave it)."""
    digits = idx2(indice)
    return digits[0] if digits.endswith("0") else digits


def code_essilor(d: str, indice: float, ai: bool) -> str:
    # "AI" + design letters on the 1.67 material of some designs, so that an
    # optician searching "ai" at 1.67 gets a handful of lenses. At 1.5 and 1.6
    # one code with its alternatives covers both indices (index not engraved).
    if indice == 1.67:
        return f"AI{d}" if ai else f"{d}S67"
    if indice == 1.74:
        return f"{d.lower()}74 /{d.lower()}i74"
    if indice == 1.59:
        return f"{d}a"
    return f"{d} ou {d}S ou {d}XS"


def code_hoya(d: str, indice: float) -> str:
    # Mixed case, the index inside (hM67, hL6); no index on the 1.53 Trivex.
    return f"h{d or 'E'}" if indice == 1.53 else f"h{d or 'E'}{short_idx(indice)}"


def code_nikon(d: str, indice: float) -> str:
    digit = {1.5: "5", 1.59: "9", 1.6: "6", 1.67: "7", 1.74: "4"}[indice]
    return f"N{d}{digit}"


def code_seiko(d: str, indice: float) -> str:
    if d == "YS3":
        return d if indice < 1.6 else f"{d}-{idx2(indice)}"
    return f"{d} ou {d}i" if indice < 1.6 else f"{d}-{idx2(indice)}"


def code_zeiss(d: str, indice: float, variante: str | None, hmin: int | None) -> str:
    # The index inside the code (ZSP50 = 1.50); the minimum height as a second
    # part on the designs that engrave it.
    code = f"{d.replace(' ', '')}{idx2(indice)}"
    if d.startswith("Z L") and hmin is not None:
        code += f" {hmin}"
    return code


def code_rodenstock(d: str, indice: float, variante: str | None) -> str:
    # The index written out as a second part, the photochromic version a third.
    code = f"{d} {indice:.2f}"
    return code + " CM" if variante == "ColorMatic" else code


def code_bbgr(d: str, indice: float) -> str:
    if d.startswith("BN"):
        return f"{d} {'CORRIDOR' if d == 'BNC' else 'NEAR'}"
    # The index's last digit as a second part (no underscore: the sample shows
    # that "_" typed in the search box is a literal character, found nowhere).
    return f"{d} {idx2(indice)[1] if idx2(indice)[1] != '0' else idx2(indice)[0]}"


def code_novacel(d: str, indice: float) -> str:
    if indice >= 1.8:
        return f"{d}m"  # mineral glass: a small "m", index not engraved
    return f"{d}{idx2(indice)}/{d[0]}8{d[1:]}{idx2(indice)}"


def code_mineral_suffix(d: str, indice: float) -> str:
    # Index not engraved, except on mineral glass where a small "m" is added.
    return f"{d}m" if indice >= 1.8 else d


# --------------------------------------------------------------------------
# Designs
# --------------------------------------------------------------------------
# (fournisseur, gamme, serie, nom, variants, indices, code designator,
#  code rule, options)
# options: ai=True (Essilor "AI" codes at 1.67); heights="none" (fitting
# heights unknown) or "min" (only the minimum height published).
# A "Short" variant always gets lower fitting heights.
TRANS = "Transitions"

DESIGNS: list[dict] = []


def design(fournisseur, gamme, serie, nom, variants, indices, d, rule, **opts):
    DESIGNS.append(
        dict(
            fournisseur=fournisseur,
            gamme=gamme,
            serie=serie,
            nom=nom,
            variants=variants,
            indices=indices,
            d=d,
            rule=rule,
            opts=opts,
        )
    )


ESS_ALL = (1.5, 1.59, 1.6, 1.67, 1.74)
design(
    "Essilor",
    "Varilux",
    "Comfort Max",
    "Varilux Comfort Max",
    (None, "Short"),
    ESS_ALL,
    "CX",
    "ess",
    ai=True,
)
design(
    "Essilor",
    "Varilux",
    "Physio 3.0",
    "Varilux Physio 3.0",
    (None, "Short"),
    ESS_ALL,
    "PH",
    "ess",
    ai=True,
)
design("Essilor", "Varilux", "X series", "Varilux X 4D", (None, TRANS), ESS_ALL, "X4", "ess")
design("Essilor", "Varilux", "X series", "Varilux X Design", (None, "Short"), ESS_ALL, "XD", "ess")
design("Essilor", "Varilux", "X series", "Varilux X Track", (None,), ESS_ALL, "XT", "ess")
design(
    "Essilor",
    "Varilux",
    "XR series",
    "Varilux XR Design",
    (None, TRANS),
    ESS_ALL,
    "XR",
    "ess",
    ai=True,
)
design(
    "Essilor",
    "Varilux",
    "XR series",
    "Varilux XR Track",
    (None,),
    ESS_ALL,
    "RT",
    "ess",
    heights="min",
)
design("Essilor", "Varilux", "XR series", "Varilux XR Pro", (None,), ESS_ALL, "RP", "ess")
design("Essilor", "Varilux", "E series", "Varilux E Design", (None, "Short"), ESS_ALL, "ED", "ess")
design("Essilor", "Varilux", "Liberty 3.0", "Varilux Liberty 3.0", (None,), ESS_ALL, "L3", "ess")

HOYA_ALL = (1.5, 1.53, 1.6, 1.67, 1.74)
design(
    "Hoya",
    "Hoyalux",
    "iD MyStyle V+",
    "Hoyalux iD MyStyle V+",
    (None, "Sensity"),
    HOYA_ALL,
    "M",
    "hoya",
)
design(
    "Hoya",
    "Hoyalux",
    "iD LifeStyle 3",
    "Hoyalux iD LifeStyle 3",
    (None, "Sensity"),
    HOYA_ALL,
    "L",
    "hoya",
)
design(
    "Hoya",
    "Hoyalux",
    "iD LifeStyle 4",
    "Hoyalux iD LifeStyle 4",
    (None, "Sensity"),
    HOYA_ALL,
    "L4",
    "hoya",
)
design("Hoya", "Hoyalux", "iD MySelf", "Hoyalux iD MySelf", (None,), HOYA_ALL, "S", "hoya")
design("Hoya", "Hoyalux", "Summit ECP", "Hoyalux Summit ECP", (None,), HOYA_ALL, "", "hoya")

ZEISS_ALL = (1.5, 1.53, 1.59, 1.6, 1.67, 1.74)
design(
    "Zeiss",
    "SmartLife",
    "Individual 3D",
    "Zeiss SmartLife Progressive Individual 3D",
    (None, "PhotoFusion X"),
    ZEISS_ALL,
    "ZS3",
    "fixed",
)
design(
    "Zeiss",
    "SmartLife",
    "Plus",
    "Zeiss SmartLife Progressive Plus",
    (None, "PhotoFusion X"),
    ZEISS_ALL,
    "ZS+",
    "fixed",
)
design(
    "Zeiss",
    "SmartLife",
    "Pure",
    "Zeiss SmartLife Progressive Pure",
    (None,),
    ZEISS_ALL,
    "ZS",
    "fixed",
)
design(
    "Zeiss", "Precision", "Superb", "Zeiss Precision Superb", (None,), ZEISS_ALL, "GT S", "fixed"
)
design("Zeiss", "Precision", "Plus", "Zeiss Precision Plus", (None,), ZEISS_ALL, "GT P", "fixed")
design(
    "Zeiss",
    "Progressive",
    "Light 3D",
    "Zeiss Progressive Light 3D",
    (None,),
    ZEISS_ALL,
    "Z L3",
    "fixed",
    heights="min",
)
design(
    "Zeiss",
    "Precision",
    "Pure",
    "Zeiss Precision Pure",
    (None,),
    ZEISS_ALL + (1.9,),
    "GT",
    "mineral",
)

ROD_ALL = (1.5, 1.6, 1.67, 1.74)
design(
    "Rodenstock",
    "Impression",
    "FreeSign 3",
    "Rodenstock Impression FreeSign 3",
    (None, "ColorMatic"),
    ROD_ALL,
    "RIF",
    "fixed",
)
design(
    "Rodenstock",
    "Multigressiv",
    "MyView 2",
    "Rodenstock Multigressiv MyView 2",
    (None, "ColorMatic"),
    ROD_ALL,
    "RMV",
    "fixed",
)
design(
    "Rodenstock",
    "Multigressiv",
    "Mono Plus 2",
    "Rodenstock Multigressiv Mono Plus 2",
    (None,),
    ROD_ALL + (1.8, 1.9),
    "RMP",
    "mineral",
)
design(
    "Rodenstock",
    "Progressiv",
    "PureLife Free 2",
    "Rodenstock Progressiv PureLife Free 2",
    (None, "Short"),
    ROD_ALL,
    "RPL",
    "fixed",
)

SHAMIR_ALL = (1.5, 1.53, 1.59, 1.6, 1.67, 1.74)
# The Shamir codes start with a sigma-like symbol, drawn as a shape.
design(
    "Shamir",
    "Autograph",
    "Intelligence",
    "Shamir Autograph Intelligence",
    (None,),
    SHAMIR_ALL,
    "ΣIQ",
    "fixed",
)
design("Shamir", "Autograph", "III", "Shamir Autograph III", (None,), SHAMIR_ALL, "Σ3", "fixed")
design("Shamir", "Genesis", None, "Shamir Genesis", (None,), SHAMIR_ALL, "ΣG", "fixed")
design("Shamir", "Element", None, "Shamir Element", (None,), SHAMIR_ALL, "ΣE", "fixed")
design(
    "Shamir", "InTouch", None, "Shamir InTouch", (None,), SHAMIR_ALL, "ΣT", "fixed", heights="none"
)

NIKON_ALL = (1.5, 1.59, 1.6, 1.67, 1.74)
design(
    "Nikon", "Presio", "Ultimate", "Nikon Presio Ultimate", (None, TRANS), NIKON_ALL, "PU", "nikon"
)
design("Nikon", "Presio", "Power", "Nikon Presio Power", (None, TRANS), NIKON_ALL, "PW", "nikon")
design("Nikon", "Presio", "Master", "Nikon Presio Master", (None,), NIKON_ALL, "PM", "nikon")
design(
    "Nikon",
    "Presio",
    "Balance",
    "Nikon Presio Balance",
    (None,),
    NIKON_ALL,
    "PB",
    "nikon",
    heights="min",
)

SEIKO_ALL = (1.5, 1.6, 1.67, 1.74)
design(
    "Seiko",
    "Brilliance",
    None,
    "Seiko Brilliance",
    (None, "Short", TRANS),
    SEIKO_ALL,
    "SBR",
    "seiko",
)
design(
    "Seiko", "Supercept", None, "Seiko Supercept", (None, "Short", TRANS), SEIKO_ALL, "YS3", "seiko"
)
design("Seiko", "PrimeX", None, "Seiko PrimeX", (None,), SEIKO_ALL, "SPX", "seiko", heights="none")

BBGR_ALL = (1.5, 1.56, 1.59, 1.6, 1.67, 1.74)
design(
    "BBGR", "Progressiv", "Essentiel", "BBGR Progressiv Essentiel", (None,), BBGR_ALL, "BE", "fixed"
)
design(
    "BBGR",
    "Progressiv",
    "Expert",
    "BBGR Progressiv Expert",
    (None, "Short"),
    BBGR_ALL,
    "BX",
    "fixed",
)
design(
    "BBGR",
    "Progressiv",
    "Sérénité",
    "BBGR Progressiv Sérénité",
    (None, TRANS),
    BBGR_ALL,
    "BS",
    "fixed",
)
design(
    "BBGR", "Neva", "Confort", "BBGR Neva Confort", (None,), BBGR_ALL, "BNC", "fixed", heights="min"
)
design("BBGR", "Neva", "Max", "BBGR Neva Max", (None,), BBGR_ALL, "BNM", "fixed")

NOVA_ALL = (1.5, 1.53, 1.56, 1.6, 1.67, 1.74)
design(
    "Novacel",
    "Anateo",
    "Confort",
    "Novacel Anateo Confort",
    (None,),
    NOVA_ALL + (1.8,),
    "NVc",
    "mineral",
)
design(
    "Novacel",
    "Anateo",
    "Expert",
    "Novacel Anateo Expert",
    (None, "Short"),
    NOVA_ALL,
    "NVx",
    "fixed",
)
design(
    "Novacel",
    "Anateo",
    "Premium",
    "Novacel Anateo Premium",
    (None, "Short"),
    NOVA_ALL,
    "NVp",
    "fixed",
)
design(
    "Novacel",
    "Évolution",
    None,
    "Novacel Évolution",
    (None, "Short"),
    NOVA_ALL + (1.8, 1.9),
    "NVe",
    "mineral",
)


def engraving_code(dsg: dict, indice: float, variante: str | None, hmin: int | None) -> str:
    rule, d, supplier = dsg["rule"], dsg["d"], dsg["fournisseur"]
    if rule == "ess":
        return code_essilor(d, indice, bool(dsg["opts"].get("ai")))
    if rule == "hoya":
        return code_hoya(d, indice)
    if rule == "nikon":
        return code_nikon(d, indice)
    if rule == "seiko":
        return code_seiko(d, indice)
    if supplier == "Zeiss":
        return f"{d}m" if indice >= 1.8 else code_zeiss(d, indice, variante, hmin)
    if supplier == "Rodenstock":
        return code_rodenstock(d, indice, variante)
    if supplier == "BBGR":
        return code_bbgr(d, indice)
    if supplier == "Novacel":
        return code_novacel(d, indice)
    if rule == "mineral":
        return code_mineral_suffix(d, indice)
    return d  # the same code whatever the index (Shamir's sign)


ADDITIONS = ("75", "10", "125", "15", "175", "20", "225", "25", "275", "30", "325", "35")
ADDITION_WEIGHTS = (1, 2, 2, 4, 5, 7, 7, 8, 5, 4, 2, 2)


# --------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------
# --------------------------------------------------------------------------
# Signs: about a third of the designs (the big makers' best sellers first) carry
# a nasal sign instead of a plain code, made of shapes of data.symbols (keys)
# and a few letters or digits kept in gravure_nasale as read (the maker's
# letter, then the index digit: "e5", "e67"). All invented.
# --------------------------------------------------------------------------
SIGN_MAKERS = {"Essilor": "e", "BBGR": "b", "Seiko": "S", "Nikon": "N", "Novacel": "n"}
# Shapes by how often they occur in the guides' signs (most frequent first).
SIGN_SHAPES = (
    "barre_horizontale", "tiret", "courbe", "cercle", "barre_oblique", "barre_verticale",
    "oeil", "v_cercle", "pi", "triangles_opposes", "note", "rectangle_vertical",
    "barre_oblique_inverse", "double_tiret", "ordinateur", "ideogramme", "neutron", "etoile",
    "omega", "e_soleil", "agrafe", "cintre", "arc", "coupe", "triangle", "sigma", "balance",
)
SIGN_WEIGHTS = tuple(range(len(SIGN_SHAPES), 0, -1))
ESSILOR_E = ("e_soleil", "e_coeur", "e_oeil", "e_double_courbe")


def sign_of(position: int, dsg: dict, rng: random.Random) -> list[str] | None:
    """The shapes of a design's sign, or None for a design engraved with a plain code: every
    other design of the makers that use signs, every sixth of the others (about a third)."""
    signed = position % 2 == 0 if dsg["fournisseur"] in SIGN_MAKERS else position % 6 == 0
    if not signed:
        return None
    size = rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 1))[0]
    shapes: list[str] = []
    if dsg["fournisseur"] == "Essilor" and rng.random() < 0.5:
        shapes.append(rng.choice(ESSILOR_E))
    while len(shapes) < size:
        shape = rng.choices(SIGN_SHAPES, weights=SIGN_WEIGHTS)[0]
        if shape not in shapes:
            shapes.append(shape)
    return shapes


def sign_code(dsg: dict, indice: float) -> str:
    """The letters and digits of a sign, as read: the maker's letter and the index digit."""
    letter = SIGN_MAKERS.get(dsg["fournisseur"], dsg["d"][:1])
    return f"{letter}{short_idx(indice)}"


def build_catalogue(rng: random.Random) -> list[dict]:
    lenses: list[dict] = []
    signs_rng = random.Random(SEED + 1)  # signs drawn apart: the rest of the catalogue is kept
    for position, dsg in enumerate(DESIGNS):
        symbols = sign_of(position, dsg, signs_rng)
        supplier = dsg["fournisseur"]
        mats = MATERIALS[supplier]
        # Prune a few indices so that not every design exists in every
        # material, as in real catalogues; 1.67 is always kept (AI search
        # demo) and every design keeps at least three indices.
        indices = list(dsg["indices"])
        kept = [i for i in indices if i == 1.67 or i >= 1.8 or rng.random() > 0.12]
        if len(kept) < 3:
            kept = indices
        # Fitting heights belong to the design (same for every index).
        hmin_std = rng.choice((14, 15, 15, 16, 16, 17, 18))
        hmax_std = rng.choice((30, 32, 34, 35, 36, 38, 40))
        published = dsg["opts"].get("heights", "both")
        for variante in dsg["variants"]:
            hmin: int | None
            hmax: int | None
            if variante == "Short":
                hmin = rng.choice((11, 12, 13))
                hmax = rng.choice((28, 30, 32))
            else:
                hmin, hmax = hmin_std, hmax_std
            if published == "none":
                hmin = hmax = None  # heights unknown
            elif published == "min":
                hmax = None  # only the minimum is published
            addition = rng.choices(ADDITIONS, weights=ADDITION_WEIGHTS)[0]
            for indice in kept:
                if variante and indice >= 1.8:
                    continue  # no photochromic / short variant in mineral
                materiau = MINERAL if indice >= 1.8 else mats[indice]
                lenses.append(
                    {
                        "fournisseur": supplier,
                        "gamme": dsg["gamme"],
                        "serie": dsg["serie"],
                        "materiau": materiau,
                        "nom": dsg["nom"],
                        "variante": variante,
                        "indice": indice,
                        "hauteur_min": hmin,
                        "hauteur_max": hmax,
                        "gravure_nasale": (
                            engraving_code(dsg, indice, variante, hmin)
                            if symbols is None
                            else sign_code(dsg, indice)
                        ),
                        "symboles": list(symbols or ()),
                        "addition": addition,
                        "url_source": SUPPLIERS[supplier].url,
                        "image": None,  # filled in by assign_images
                    }
                )
    return lenses


def caption_of(lens: dict) -> str:
    text = lens["nom"]
    if lens["variante"]:
        text += " " + lens["variante"]
    return text


def assign_images(lenses: list[dict]) -> dict[str, dict]:
    """Give every lens with a plain code an image name; lenses whose drawing would be
    identical (same maker, code, addition and caption) share one file. A lens whose nasal
    engraving is a sign gets none: a picture here would show its letters without its shapes,
    while the app draws both, from its own vocabulary, for a lens without a picture."""
    by_key: dict[tuple, str] = {}
    counters: dict[str, int] = {}
    drawings: dict[str, dict] = {}
    for lens in lenses:
        key = (lens["fournisseur"], lens["gravure_nasale"], lens["addition"], caption_of(lens))
        name = by_key.get(key)
        if name is None:
            slug = SUPPLIERS[lens["fournisseur"]].slug
            counters[slug] = counters.get(slug, 0) + 1  # a sign's number is skipped: names stay
            name = f"{slug}-{counters[slug]:04d}.png"
            by_key[key] = name
        if lens["symboles"]:
            lens["image"] = None
            continue
        if name not in drawings:
            drawings[name] = {
                "fournisseur": lens["fournisseur"],
                "code": lens["gravure_nasale"],
                "addition": lens["addition"],
                "caption": caption_of(lens),
            }
        lens["image"] = name
    return drawings


# --------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------
W, H = 320, 200
PX_PER_MM = 4.4
CX = W // 2
LINE_Y = 72
HALF = round(17 * PX_PER_MM)  # 34 mm between the two marks
TEMPORAL_X = CX - HALF  # left
NASAL_X = CX + HALF  # right
STRIP_Y = 174

BG = 252
LENS_FILL = 241
LENS_EDGE = 196
GUIDE = 205
DIM = 150
ENGRAVE = 78
HIGHLIGHT = 255
STRIP_BG = 52
STRIP_FG = 246
STRIP_SUB = 214

DEJAVU_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/Library/Fonts",
    os.path.join(os.environ.get("WINDIR", "C:\\Windows"), "Fonts"),
)


def _find_dejavu(filename: str) -> str | None:
    for folder in DEJAVU_DIRS:
        path = os.path.join(folder, filename)
        if os.path.isfile(path):
            return path
    return None


class Fonts:
    """DejaVu Sans when installed (it covers French accents); otherwise the
    font embedded in Pillow, which has no accented glyphs, so text is then
    folded to ASCII before drawing."""

    def __init__(self) -> None:
        regular = _find_dejavu("DejaVuSans.ttf")
        self.unicode_ok = regular is not None
        self._files = {
            "regular": regular,
            "bold": _find_dejavu("DejaVuSans-Bold.ttf") or regular,
            # Thin strokes look more like a laser micro-engraving.
            "light": _find_dejavu("DejaVuSans-ExtraLight.ttf") or regular,
        }
        self._cache: dict[tuple[int, str], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}

    def get(self, size: int, weight: str = "regular"):
        key = (size, weight)
        if key not in self._cache:
            path = self._files[weight]
            if path:
                self._cache[key] = ImageFont.truetype(path, size)
            else:
                self._cache[key] = ImageFont.load_default(size=size)
        return self._cache[key]

    def text(self, s: str) -> str:
        if self.unicode_ok:
            return s
        return (
            "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
            .encode("ascii", "replace")
            .decode("ascii")
        )


def draw_mark(draw: ImageDraw.ImageDraw, x: int, y: int, shape: str) -> None:
    r = 5
    if shape == "diamond":
        pts = [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)]
        draw.polygon(pts, outline=HIGHLIGHT)
        draw.polygon([(px - 1, py - 1) for px, py in pts], outline=ENGRAVE)
        return
    draw.ellipse((x - r + 1, y - r + 1, x + r + 1, y + r + 1), outline=HIGHLIGHT)
    draw.ellipse((x - r, y - r, x + r, y + r), outline=ENGRAVE)
    if shape == "dot":
        draw.ellipse((x - 1, y - 1, x + 1, y + 1), fill=ENGRAVE)


def draw_sigma(draw: ImageDraw.ImageDraw, x: float, top: float, h: float, fill: int) -> float:
    """Sigma-like maker symbol as a polyline; returns its advance width."""
    w = h * 0.62
    pts = [(x + w, top), (x, top), (x + w * 0.55, top + h / 2), (x, top + h), (x + w, top + h)]
    draw.line(pts, fill=fill, width=1)
    return w + h * 0.18


def draw_engraved_text(draw, fonts: Fonts, cx: int, top: int, text: str, size: int) -> None:
    """Centre ``text`` horizontally on ``cx``; any 'Σ' is drawn as a shape."""
    font = fonts.get(size, "light")
    parts: list[tuple[str, float]] = []
    cap_h = font.getbbox("H")[3] - font.getbbox("H")[1]
    for chunk in _split_sigma(text):
        if chunk == "Σ":
            parts.append((chunk, cap_h * 0.62 + cap_h * 0.18))
        else:
            chunk = fonts.text(chunk)
            parts.append((chunk, font.getlength(chunk)))
    total = sum(w for _, w in parts)
    x = cx - total / 2
    cap_top = top + font.getbbox("H")[1]
    for chunk, w in parts:
        for dx, colour in ((1, HIGHLIGHT), (0, ENGRAVE)):
            if chunk == "Σ":
                draw_sigma(draw, x + dx, cap_top + dx, cap_h, colour)
            else:
                draw.text((x + dx, top + dx), chunk, font=font, fill=colour)
        x += w


def _split_sigma(text: str) -> list[str]:
    out, buf = [], ""
    for c in text:
        if c == "Σ":
            if buf:
                out.append(buf)
                buf = ""
            out.append(c)
        else:
            buf += c
    if buf:
        out.append(buf)
    return out


def fit_text(font, text: str, max_w: float) -> str:
    if font.getlength(text) <= max_w:
        return text
    while text and font.getlength(text + "…") > max_w:
        text = text[:-1]
    return text.rstrip() + "…"


def render(drawing: dict, fonts: Fonts) -> bytes:
    im = Image.new("L", (W, H), BG)
    d = ImageDraw.Draw(im)

    # Lens outline (an edged lens seen from the front).
    d.ellipse((8, 6, W - 8, STRIP_Y - 6), fill=LENS_FILL, outline=LENS_EDGE, width=2)

    # Horizontal centre line, dash-dot like a technical drawing.
    x = 16
    pattern = (14, 4, 2, 4)
    i = 0
    while x < W - 16:
        seg = pattern[i % 4]
        if i % 2 == 0:
            d.line((x, LINE_Y, min(x + seg, W - 16), LINE_Y), fill=GUIDE)
        x += seg
        i += 1

    # Vertical reference (fitting axis) through the centre, short.
    d.line((CX, LINE_Y - 8, CX, LINE_Y + 8), fill=GUIDE)

    # Dimension line "34 mm" above the marks.
    dim_y = LINE_Y - 22
    small = fonts.get(10)
    for mx in (TEMPORAL_X, NASAL_X):
        d.line((mx, dim_y - 4, mx, LINE_Y - 9), fill=DIM)
    d.line((TEMPORAL_X, dim_y, NASAL_X, dim_y), fill=DIM)
    d.polygon(
        [(TEMPORAL_X, dim_y), (TEMPORAL_X + 6, dim_y - 3), (TEMPORAL_X + 6, dim_y + 3)], fill=DIM
    )
    d.polygon([(NASAL_X, dim_y), (NASAL_X - 6, dim_y - 3), (NASAL_X - 6, dim_y + 3)], fill=DIM)
    label = "34 mm"
    lw = small.getlength(label)
    d.rectangle((CX - lw / 2 - 3, dim_y - 6, CX + lw / 2 + 3, dim_y + 6), fill=LENS_FILL)
    d.text((CX, dim_y), label, font=small, fill=DIM - 20, anchor="mm")

    # The two alignment marks.
    shape = SUPPLIERS[drawing["fournisseur"]].mark
    draw_mark(d, TEMPORAL_X, LINE_Y, shape)
    draw_mark(d, NASAL_X, LINE_Y, shape)

    # Engravings: addition under the temporal mark, code under the nasal one.
    draw_engraved_text(d, fonts, TEMPORAL_X, LINE_Y + 11, drawing["addition"], 20)
    code = drawing["code"]
    size = 20 if len(code) <= 5 else 17
    draw_engraved_text(d, fonts, NASAL_X, LINE_Y + 11, code, size)

    # Side labels.
    tiny = fonts.get(9)
    d.text((TEMPORAL_X, LINE_Y + 46), "temporal · addition", font=tiny, fill=DIM, anchor="mm")
    d.text((NASAL_X, LINE_Y + 46), "nasal · code", font=tiny, fill=DIM, anchor="mm")

    # Caption strip: supplier in bold, then the lens name.
    d.rectangle((0, STRIP_Y, W, H), fill=STRIP_BG)
    bold = fonts.get(12, "bold")
    reg = fonts.get(12)
    supplier = fonts.text(drawing["fournisseur"].upper())
    d.text((8, STRIP_Y + 14), supplier, font=bold, fill=STRIP_FG, anchor="lm")
    sx = 8 + bold.getlength(supplier) + 8
    caption = drawing["caption"]
    if caption.lower().startswith(drawing["fournisseur"].lower() + " "):
        caption = caption[len(drawing["fournisseur"]) + 1 :]  # no "ZEISS Zeiss ..."
    caption = fit_text(reg, fonts.text(caption), W - sx - 8)
    d.text((sx, STRIP_Y + 14), caption, font=reg, fill=STRIP_SUB, anchor="lm")

    # 16 grey levels in a palette image keeps every file at a few KB.
    out = im.quantize(colors=16, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    out.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


# --------------------------------------------------------------------------
# Output and checks
# --------------------------------------------------------------------------
def write_if_changed(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        return
    path.write_bytes(data)


def check(lenses: list[dict]) -> None:
    assert len(lenses) >= 320, f"only {len(lenses)} lenses"
    suppliers = {lens["fournisseur"] for lens in lenses}
    assert len(suppliers) >= 9, f"only {len(suppliers)} suppliers"

    from data.symbols import by_key

    signed = [lens for lens in lenses if lens["symboles"]]
    assert 0.25 <= len(signed) / len(lenses) <= 0.42, f"{len(signed)} sign lenses"
    for lens in signed:
        for key in lens["symboles"]:
            by_key(key)  # a shape of the vocabulary
    seen: set[tuple] = set()
    for lens in lenses:
        assert tuple(lens) == KEYS, f"bad keys: {list(lens)}"
        key = (lens["fournisseur"], lens["nom"], lens["variante"], lens["indice"])
        assert key not in seen, f"duplicate lens {key}"
        seen.add(key)

        for field in (
            "fournisseur",
            "gamme",
            "materiau",
            "nom",
            "gravure_nasale",
            "addition",
        ):
            assert isinstance(lens[field], str) and lens[field].strip(), f"empty {field}: {key}"
        # A sign is drawn by the app; a plain code has its drawing.
        assert (lens["image"] is None) == bool(lens["symboles"]), key
        assert lens["serie"] is None or (isinstance(lens["serie"], str) and lens["serie"]), key
        assert len(lens["fournisseur"]) <= 100 and len(lens["gamme"]) <= 100, key
        assert lens["serie"] is None or len(lens["serie"]) <= 100, key
        assert len(lens["materiau"]) <= 100, key
        assert len(lens["nom"]) <= 100, key
        assert lens["variante"] is None or 0 < len(lens["variante"]) <= 50, key
        assert len(lens["gravure_nasale"]) <= 50, key
        assert len(lens["addition"]) <= 5 and lens["addition"].isdigit(), key

        ind = lens["indice"]
        assert isinstance(ind, float) and 1.5 <= ind <= 1.9, key
        assert ind in (1.5, 1.53, 1.56, 1.59, 1.6, 1.67, 1.74, 1.8, 1.9), key
        assert (ind >= 1.8) == (lens["materiau"] == MINERAL), key

        hmin, hmax = lens["hauteur_min"], lens["hauteur_max"]
        assert hmin is None or (isinstance(hmin, int) and 0 <= hmin <= 100), key
        assert hmax is None or (isinstance(hmax, int) and 0 <= hmax <= 40), key
        if hmin is not None and hmax is not None:
            assert hmin <= hmax, key
        if hmin is None:
            assert hmax is None, key

        url = lens["url_source"]
        assert url is None or (url.startswith("https://") and len(url) <= 255), key

        if lens["image"] is not None:
            img = IMAGE_DIR / lens["image"]
            assert img.is_file(), f"missing image {img}"

    # Several indices per design.
    per_design: dict[tuple, set] = {}
    for lens in lenses:
        per_design.setdefault((lens["fournisseur"], lens["nom"], lens["variante"]), set()).add(
            lens["indice"]
        )
    assert all(len(v) >= 2 for v in per_design.values()), "a design has a single index"

    # Search demo: "ai" at 1.67 returns a handful, all with the same 1.67 index.
    ai_167 = [
        lens for lens in lenses if "ai" in lens["gravure_nasale"].lower() and lens["indice"] == 1.67
    ]
    assert 4 <= len(ai_167) <= 10, f"{len(ai_167)} 'ai' lenses at 1.67"

    # Accent-insensitive search demo.
    assert any("é" in lens["nom"].lower() for lens in lenses), "no accented name"

    # Some unknown heights, but only a few.
    unknown = sum(lens["hauteur_min"] is None for lens in lenses)
    assert 0 < unknown < len(lenses) // 5, f"{unknown} lenses without heights"

    # Image sizes.
    files = sorted(IMAGE_DIR.glob("*.png"))
    referenced = {lens["image"] for lens in lenses if lens["image"] is not None}
    assert {f.name for f in files} == referenced, "stray or missing PNG files"
    sizes = [f.stat().st_size for f in files]
    assert max(sizes) < 8 * 1024, f"largest PNG is {max(sizes)} bytes"
    assert sum(sizes) < 4 * 1024 * 1024, f"images total {sum(sizes)} bytes"

    # Round-trip of the written JSON.
    assert json.loads(JSON_PATH.read_text(encoding="utf-8")) == lenses


def main() -> int:
    rng = random.Random(SEED)
    lenses = build_catalogue(rng)
    drawings = assign_images(lenses)

    IMAGE_DIR.mkdir(parents=True, exist_ok=True)
    fonts = Fonts()
    for name, drawing in drawings.items():
        write_if_changed(IMAGE_DIR / name, render(drawing, fonts))
    # Remove drawings left over from an older version of this script.
    for stale in IMAGE_DIR.glob("*.png"):
        if stale.name not in drawings:
            stale.unlink()

    text = json.dumps(lenses, ensure_ascii=False, indent=2) + "\n"
    write_if_changed(JSON_PATH, text.encode("utf-8"))

    check(lenses)

    sizes = [p.stat().st_size for p in IMAGE_DIR.glob("*.png")]
    print(
        f"{len(lenses)} lenses, {len({lens['fournisseur'] for lens in lenses})} suppliers, "
        f"{len(drawings)} images ({sum(sizes) / 1024:.0f} KB, largest {max(sizes)} B)"
        + ("" if fonts.unicode_ok else " [DejaVu Sans not found: ASCII-folded text]")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
